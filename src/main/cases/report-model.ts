// What a case report says, gathered once and rendered as Markdown or HTML. Every item
// carries its provenance: the query text, tenant profile, timespan, when it ran and how
// many rows; for lookups, the provider and how old the answer was when reported.
import type { Database } from 'better-sqlite3'
import type { CaseDetail, CaseNote, CaseObservable, LookupSummary } from '../../shared/api/cases'
import type { ColumnSchema, RunSummary } from '../../shared/types'
import type { RunStore } from '../store/runs'
import { defangText, defangValue } from './defang'

export const PREVIEW_ROWS = 10
const PREVIEW_COLUMNS = 12
const PREVIEW_CELL = 120

export interface ReportRun extends RunSummary {
  tenantId: string | null
  columns: string[]
  preview: string[][]
}

export interface ReportModel {
  generatedAt: number
  appVersion: string
  defanged: boolean
  detail: CaseDetail
  runs: ReportRun[]
  lookups: LookupSummary[]
  observables: CaseObservable[]
  notes: CaseNote[]
  /** Applies the report's defang choice to free text. */
  text(value: string): string
  /** Applies it to one typed indicator. */
  indicator(type: string, value: string): string
}

function cellText(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)
  return text.length > PREVIEW_CELL ? text.slice(0, PREVIEW_CELL - 1) + '…' : text
}

export function buildReportModel(
  db: Database,
  runs: RunStore,
  detail: CaseDetail,
  options: { defang: boolean; now: number; appVersion: string }
): ReportModel {
  const text = options.defang ? defangText : (v: string) => v
  const indicator = options.defang ? defangValue : (_t: string, v: string) => v
  const hasTenant = (db.prepare("SELECT count(*) FROM pragma_table_info('query_runs') WHERE name = 'tenant_id'").pluck().get() as number) > 0
  const reportRuns: ReportRun[] = []
  const lookups: LookupSummary[] = []
  const notes: CaseNote[] = []
  for (const item of detail.timeline) {
    if (item.kind === 'run') {
      const stored = runs.get(item.run.id)
      const schema: ColumnSchema[] = stored.schema.slice(0, PREVIEW_COLUMNS)
      const page = runs.rows(item.run.id, 0, PREVIEW_ROWS)
      const tenantId = hasTenant ? ((db.prepare('SELECT tenant_id FROM query_runs WHERE id = ?').pluck().get(item.run.id) as string | null) ?? null) : null
      reportRuns.push({
        ...item.run,
        tenantId,
        columns: schema.map((c) => c.name),
        preview: page.rows.map((row) => schema.map((_c, i) => text(cellText(row[i]))))
      })
    } else if (item.kind === 'lookup') lookups.push(item.lookup)
    else if (item.kind === 'note') notes.push(item.note)
  }
  return {
    generatedAt: options.now,
    appVersion: options.appVersion,
    defanged: options.defang,
    detail,
    runs: reportRuns,
    lookups,
    observables: detail.observables,
    notes,
    text,
    indicator
  }
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}

export function ageText(fromMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000))
  if (s < 90) return `${s} seconds`
  if (s < 5400) return `${Math.round(s / 60)} minutes`
  if (s < 129600) return `${Math.round(s / 3600)} hours`
  return `${Math.round(s / 86400)} days`
}

export function durationText(ms: number | null): string {
  if (ms === null) return 'unknown'
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}

export function runProvenance(run: ReportRun): [string, string][] {
  return [
    ['Ran at', isoTime(run.startedAt)],
    ['Tenant profile', run.profile ?? (run.source === 'import' ? 'none (imported file)' : 'unknown')],
    ...(run.tenantId ? ([['Tenant', run.tenantId]] as [string, string][]) : []),
    ['Timespan', run.timespan ?? 'as written in the query'],
    ['Status', run.status + (run.error ? `: ${run.error}` : '')],
    ['Rows', `${run.rowCount.toLocaleString('en-US')}${run.truncated ? ' (truncated by the service limit)' : ''}`],
    ['Duration', durationText(run.durationMs)],
    ['Source', run.source === 'hunt' ? 'advanced hunting' : run.source === 'import' ? 'imported result' : 'case bundle']
  ]
}
