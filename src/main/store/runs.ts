// Query runs and their rows. Rows are stored as JSON arrays in schema order and
// paged by index, so a 100,000-row result is never loaded whole.
import type { Database, Statement } from 'better-sqlite3'
import { HuntbenchError } from '../../shared/errors'
import type { ColumnSchema, RowPage, RunDetail, RunSource, RunStatus, RunSummary } from '../../shared/types'

interface RunRecord {
  id: number
  source: RunSource
  title: string
  kql: string
  profile: string | null
  timespan: string | null
  started_at: number
  duration_ms: number | null
  status: RunStatus
  row_count: number
  truncated: number
  schema_json: string
  error: string | null
}

export interface NewRun {
  source: RunSource
  title: string
  kql: string
  profile?: string | null
  timespan?: string | null
  startedAt: number
  status: RunStatus
}

export interface FinishedRun {
  status: RunStatus
  durationMs: number
  rowCount: number
  truncated: boolean
  schema: ColumnSchema[]
  error?: string | null
}

function toSummary(r: RunRecord): RunSummary {
  return {
    id: r.id,
    source: r.source,
    title: r.title,
    kql: r.kql,
    profile: r.profile,
    timespan: r.timespan,
    startedAt: r.started_at,
    durationMs: r.duration_ms,
    status: r.status,
    rowCount: r.row_count,
    truncated: r.truncated === 1,
    error: r.error
  }
}

export class RunStore {
  private readonly insertRow: Statement
  constructor(private readonly db: Database) {
    this.insertRow = db.prepare('INSERT INTO run_rows (run_id, idx, row) VALUES (?, ?, ?)')
  }

  create(run: NewRun): number {
    const info = this.db
      .prepare(
        `INSERT INTO query_runs (source, title, kql, profile, timespan, started_at, status)
         VALUES (@source, @title, @kql, @profile, @timespan, @startedAt, @status)`
      )
      .run({ profile: null, timespan: null, ...run })
    return Number(info.lastInsertRowid)
  }

  /** Appends rows starting at `firstIndex`; callers batch inside their own transaction. */
  appendRows(runId: number, firstIndex: number, rows: readonly unknown[][]): void {
    const insert = this.insertRow
    for (let i = 0; i < rows.length; i++) insert.run(runId, firstIndex + i, JSON.stringify(rows[i]))
  }

  finish(runId: number, result: FinishedRun): void {
    this.db
      .prepare(
        `UPDATE query_runs SET status = ?, duration_ms = ?, row_count = ?, truncated = ?, schema_json = ?, error = ?
         WHERE id = ?`
      )
      .run(
        result.status,
        result.durationMs,
        result.rowCount,
        result.truncated ? 1 : 0,
        JSON.stringify(result.schema),
        result.error ?? null,
        runId
      )
  }

  /** Stores a complete result in one transaction: either all of it lands or none. */
  storeComplete(run: NewRun, result: FinishedRun, rows: readonly unknown[][]): number {
    return this.db.transaction(() => {
      const id = this.create(run)
      this.appendRows(id, 0, rows)
      this.finish(id, result)
      return id
    })()
  }

  get(runId: number): RunDetail {
    const r = this.db.prepare('SELECT * FROM query_runs WHERE id = ?').get(runId) as RunRecord | undefined
    if (!r) throw new HuntbenchError('not_found', `There is no stored run with id ${runId}.`)
    return { ...toSummary(r), schema: JSON.parse(r.schema_json) as ColumnSchema[] }
  }

  list(limit: number, offset: number): RunSummary[] {
    const rows = this.db
      .prepare('SELECT * FROM query_runs ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?')
      .all(limit, offset) as RunRecord[]
    return rows.map(toSummary)
  }

  rows(runId: number, offset: number, limit: number): RowPage {
    const run = this.get(runId)
    const page = this.db
      .prepare('SELECT row FROM run_rows WHERE run_id = ? AND idx >= ? ORDER BY idx LIMIT ?')
      .pluck()
      .all(runId, offset, limit) as string[]
    return { runId, offset, total: run.rowCount, rows: page.map((text) => JSON.parse(text) as unknown[]) }
  }
}
