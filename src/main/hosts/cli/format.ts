// Output formats shared by every command: aligned text tables for people, JSON and
// RFC 4180 CSV for scripts.
import { stringify } from 'csv-stringify/sync'
import { HuntbenchError } from '../../../shared/errors'

export type Format = 'table' | 'json' | 'csv'

export function parseFormat(value: string, allowed: readonly Format[]): Format {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`--format must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`)
  }
  return value as Format
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

export function renderTable(columns: string[], rows: unknown[][], maxWidth = 60): string {
  const text = rows.map((row) => row.map((v) => cellText(v).replace(/\s+/g, ' ')))
  const widths = columns.map((c, i) => Math.min(maxWidth, Math.max(c.length, ...text.map((r) => (r[i] ?? '').length))))
  const fit = (s: string, w: number): string => (s.length > w ? s.slice(0, w - 1) + '…' : s.padEnd(w))
  const line = (cells: string[]): string => cells.map((c, i) => fit(c, widths[i])).join('  ').trimEnd()
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n')
}

/** CSV that opens cleanly in Excel and pandas: UTF-8 BOM optional, CRLF, quoted when needed. */
export function renderCsv(columns: string[], rows: unknown[][], options: { bom?: boolean } = {}): string {
  const body = stringify([columns, ...rows.map((r) => r.map(cellText))], { record_delimiter: '\r\n' })
  return (options.bom ? '\uFEFF' : '') + body
}

export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2)
}

export function age(fromMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000))
  if (s < 60) return `${s}s ago`
  if (s < 3600) return `${Math.round(s / 60)}m ago`
  if (s < 86400) return `${Math.round(s / 3600)}h ago`
  return `${Math.round(s / 86400)}d ago`
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** "7d", "12h", "30m", "45s", "500ms", "0" -> milliseconds; `flag` names the option in errors. */
export function parseDuration(text: string, flag = '--max-age'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text)
  if (!m) throw new HuntbenchError('invalid_input', `${flag} must be a duration such as 7d, 12h, 30m or 0; got ${JSON.stringify(text)}`)
  return Math.round(Number(m[1]) * durationUnits[(m[2] ?? (Number(m[1]) === 0 ? 'ms' : 's')).toLowerCase()])
}

/** `--since 7d` (a duration back from now) or an ISO date/time -> epoch ms. */
export function parseSince(text: string, now: number, flag: string): number {
  if (/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d|w)\s*$/i.test(text)) return now - parseDuration(text, flag)
  const at = Date.parse(text)
  if (Number.isNaN(at)) throw new HuntbenchError('invalid_input', `${flag} must be a duration such as 7d or a date such as 2026-11-01; got ${JSON.stringify(text)}`)
  return at
}
