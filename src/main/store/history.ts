// The History view's feed: query runs and lookups, newest first, in one list.
import type { Database } from 'better-sqlite3'
import type { HistoryItem, HistoryKind, HistoryPage } from '../../shared/types'

const runsSql = `SELECT 'run' AS kind, id, started_at AS at, title, status,
  CASE WHEN status = 'failed' THEN coalesce(error, '') ELSE row_count || ' rows' || CASE WHEN truncated THEN ' (truncated)' ELSE '' END END AS detail
  FROM query_runs`
const lookupsSql = `SELECT 'lookup' AS kind, id, fetched_at AS at, provider || ': ' || ioc AS title,
  CASE WHEN status = 0 THEN 'ok' ELSE 'status ' || status END AS status, severity AS detail
  FROM lookups`

export function listHistory(db: Database, options: { limit: number; offset: number; kind?: HistoryKind }): HistoryPage {
  const sources = options.kind === 'run' ? [runsSql] : options.kind === 'lookup' ? [lookupsSql] : [runsSql, lookupsSql]
  const union = sources.join(' UNION ALL ')
  const items = db
    .prepare(`SELECT * FROM (${union}) ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`)
    .all(options.limit, options.offset) as HistoryItem[]
  const total = db.prepare(`SELECT count(*) FROM (${union})`).pluck().get() as number
  return { items, total }
}
