// The History view's feed: query runs and lookups, newest first, in one list, with
// optional filters (dates, status, tenant profile, provider, case). A filter that only
// makes sense for one kind (profile for runs, provider for lookups) leaves the other out.
import type { Database } from 'better-sqlite3'
import type { HistoryItem, HistoryKind, HistoryPage } from '../../shared/types'

export const HISTORY_STATUSES = ['succeeded', 'failed', 'cancelled', 'running', 'queued'] as const
export type HistoryStatus = (typeof HISTORY_STATUSES)[number]

export interface HistoryFilter {
  limit: number
  offset: number
  kind?: HistoryKind
  /** Epoch ms, inclusive. */
  from?: number
  /** Epoch ms, exclusive. */
  to?: number
  status?: HistoryStatus
  profile?: string
  provider?: string
  caseId?: number
}

const runsSelect = `SELECT 'run' AS kind, id, started_at AS at, title, status,
  CASE WHEN status = 'failed' THEN coalesce(error, '') ELSE row_count || ' rows' || CASE WHEN truncated THEN ' (truncated)' ELSE '' END END AS detail
  FROM query_runs`
const lookupsSelect = `SELECT 'lookup' AS kind, id, fetched_at AS at, provider || ': ' || ioc AS title,
  CASE WHEN status = 0 THEN 'ok' ELSE 'status ' || status END AS status, severity AS detail
  FROM lookups`

interface Part {
  sql: string
  params: unknown[]
}

function conditions() {
  const where: string[] = []
  const params: unknown[] = []
  const add = (sql: string, ...values: unknown[]): void => {
    where.push(sql)
    params.push(...values)
  }
  return { where, params, add }
}

function runsPart(f: HistoryFilter): Part | null {
  if (f.kind === 'lookup' || f.provider !== undefined) return null
  const { where, params, add } = conditions()
  if (f.from !== undefined) add('started_at >= ?', f.from)
  if (f.to !== undefined) add('started_at < ?', f.to)
  if (f.status !== undefined) add('status = ?', f.status)
  if (f.profile !== undefined) add('profile = ?', f.profile)
  if (f.caseId !== undefined) {
    add("id IN (SELECT ref_id FROM case_items WHERE case_id = ? AND kind = 'run')", f.caseId)
  }
  return { sql: runsSelect + (where.length ? ` WHERE ${where.join(' AND ')}` : ''), params }
}

function lookupsPart(f: HistoryFilter): Part | null {
  if (f.kind === 'run' || f.profile !== undefined) return null
  // A lookup either answered (status 0) or failed; it is never queued or running here.
  if (f.status !== undefined && f.status !== 'succeeded' && f.status !== 'failed') return null
  const { where, params, add } = conditions()
  if (f.from !== undefined) add('fetched_at >= ?', f.from)
  if (f.to !== undefined) add('fetched_at < ?', f.to)
  if (f.status === 'succeeded') add('status = 0')
  if (f.status === 'failed') add('status <> 0')
  if (f.provider !== undefined) add('provider = ?', f.provider)
  if (f.caseId !== undefined) {
    add("id IN (SELECT ref_id FROM case_items WHERE case_id = ? AND kind = 'lookup')", f.caseId)
  }
  return { sql: lookupsSelect + (where.length ? ` WHERE ${where.join(' AND ')}` : ''), params }
}

export function listHistory(db: Database, filter: HistoryFilter): HistoryPage {
  const parts = [runsPart(filter), lookupsPart(filter)].filter((p): p is Part => p !== null)
  if (parts.length === 0) return { items: [], total: 0 }
  const union = parts.map((p) => p.sql).join(' UNION ALL ')
  const params = parts.flatMap((p) => p.params)
  const items = db
    .prepare(`SELECT * FROM (${union}) ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`)
    .all(...params, filter.limit, filter.offset) as HistoryItem[]
  const total = db.prepare(`SELECT count(*) FROM (${union})`).pluck().get(...params) as number
  return { items, total }
}

/** The values the History filters can take, from what is stored. */
export function historyFacets(db: Database): { profiles: string[]; providers: string[]; cases: { id: number; title: string }[] } {
  return {
    profiles: db.prepare('SELECT DISTINCT profile FROM query_runs WHERE profile IS NOT NULL ORDER BY profile').pluck().all() as string[],
    providers: db.prepare('SELECT DISTINCT provider FROM lookups ORDER BY provider').pluck().all() as string[],
    cases: db.prepare('SELECT id, title FROM cases ORDER BY updated_at DESC, id DESC').all() as { id: number; title: string }[]
  }
}
