// Exporting a stored result as RFC 4180 CSV or JSON (an array of objects keyed by column
// name, as the hunting API returns them), honouring the grid's view and chosen columns.
import type { RowView, RunExport } from '../../shared/api/core'
import { HuntbenchError } from '../../shared/errors'
import { renderCsv } from '../hosts/cli/format'
import type { RunStore } from './runs'

export interface ExportRequest extends RowView {
  runId: number
  format: 'csv' | 'json'
  columns?: number[]
}

function slug(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .slice(0, 40)
  return s || 'result'
}

export function exportRun(runs: RunStore, request: ExportRequest): RunExport {
  const run = runs.get(request.runId)
  const picked = request.columns ?? run.schema.map((_, i) => i)
  for (const c of picked) {
    if (c >= run.schema.length) throw new HuntbenchError('invalid_input', `There is no column ${c + 1}; this result has ${run.schema.length} columns.`)
  }
  const names = picked.map((c) => run.schema[c].name)
  const { runId, format, columns: _columns, ...view } = request
  const rows: unknown[][] = []
  for (const row of runs.iterateRows(runId, view)) rows.push(picked.map((c) => row[c] ?? null))
  const base = `huntbench-run-${runId}-${slug(run.title)}`
  if (format === 'csv') {
    return { fileName: `${base}.csv`, mimeType: 'text/csv; charset=utf-8', content: renderCsv(names, rows), rowCount: rows.length }
  }
  const objects = rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])))
  return { fileName: `${base}.json`, mimeType: 'application/json; charset=utf-8', content: JSON.stringify(objects, null, 2), rowCount: rows.length }
}
