// Exports in msticpy's columns plus FetchedAt/FromCache. CSV opens cleanly in pandas
// (`pd.read_csv(path)`; the BOM is handled) and Excel: UTF-8 with a BOM, CRLF, quoted as
// needed, Details/RawResult as JSON text. Two Excel traps are handled: text starting with
// = + - @ is prefixed with ' so a hostile banner cannot become a formula, and a cell
// longer than Excel's 32,767-character limit is cut with a note (JSON has it whole).
// References are stored redacted, so no export can carry the key.
import { stringify } from 'csv-stringify/sync'
import { tiColumns, type TiRow } from '../../shared/ti'

export const EXCEL_CELL_LIMIT = 32_767
const TRUNCATED = '…[truncated for Excel; the JSON export has the full value]'

function csvCell(value: unknown): string | number | boolean {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number' || typeof value === 'boolean') return value
  let text = typeof value === 'string' ? value : JSON.stringify(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  if (text.length > EXCEL_CELL_LIMIT) text = text.slice(0, EXCEL_CELL_LIMIT - TRUNCATED.length) + TRUNCATED
  return text
}

function exportRecord(row: TiRow): Record<string, unknown> {
  return {
    Ioc: row.Ioc,
    IocType: row.IocType,
    SafeIoc: row.SafeIoc,
    QuerySubtype: row.QuerySubtype,
    Provider: row.Provider,
    Result: row.Result,
    Severity: row.Severity,
    Details: row.Details,
    RawResult: row.RawResult,
    Reference: row.Reference,
    Status: row.Status,
    FetchedAt: row.FetchedAt === null ? null : new Date(row.FetchedAt).toISOString(),
    FromCache: row.FromCache
  }
}

export function rowsToCsv(rows: readonly TiRow[]): string {
  const records = rows.map((r) => {
    const rec = exportRecord(r)
    return tiColumns.map((c) => csvCell(rec[c]))
  })
  return '\uFEFF' + stringify([[...tiColumns], ...records], { record_delimiter: '\r\n', cast: { boolean: (b) => (b ? 'True' : 'False') } })
}

export function rowsToJson(rows: readonly TiRow[]): string {
  return JSON.stringify(rows.map(exportRecord), null, 2)
}
