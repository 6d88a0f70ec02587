// Query runs and their rows. Rows are stored as JSON arrays in schema order and
// paged by index, so a 100,000-row result is never loaded whole.
import type { Database, Statement } from 'better-sqlite3'
import type { DistinctValues, RowView } from '../../shared/api/core'
import { HuntbenchError } from '../../shared/errors'
import type { ColumnSchema, RowPage, RunDetail, RunSource, RunStatus, RunSummary } from '../../shared/types'
import { isPlainView, registerViewFunctions, ViewCache, viewQuery } from './run-views'

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
  profile_id?: number | null
  tenant_id?: string | null
}

export interface NewRun {
  source: RunSource
  title: string
  kql: string
  profile?: string | null
  timespan?: string | null
  profileId?: number | null
  tenantId?: string | null
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
    error: r.error,
    tenantId: r.tenant_id ?? null
  }
}

export class RunStore {
  private readonly insertRow: Statement
  private readonly views: ViewCache
  private readonly hasTenant: boolean
  constructor(private readonly db: Database) {
    this.insertRow = db.prepare('INSERT INTO run_rows (run_id, idx, row) VALUES (?, ?, ?)')
    registerViewFunctions(db)
    this.views = new ViewCache(db)
    const columns = db.prepare("SELECT name FROM pragma_table_info('query_runs')").pluck().all() as string[]
    this.hasTenant = columns.includes('tenant_id')
  }

  create(run: NewRun): number {
    const values = { profile: null, timespan: null, profileId: null, tenantId: null, ...run }
    const info = this.hasTenant
      ? this.db
          .prepare(
            `INSERT INTO query_runs (source, title, kql, profile, timespan, started_at, status, profile_id, tenant_id)
             VALUES (@source, @title, @kql, @profile, @timespan, @startedAt, @status, @profileId, @tenantId)`
          )
          .run(values)
      : this.db
          .prepare(
            `INSERT INTO query_runs (source, title, kql, profile, timespan, started_at, status)
             VALUES (@source, @title, @kql, @profile, @timespan, @startedAt, @status)`
          )
          .run({ source: values.source, title: values.title, kql: values.kql, profile: values.profile, timespan: values.timespan, startedAt: values.startedAt, status: values.status })
    return Number(info.lastInsertRowid)
  }

  /** A queued run is being sent (again): earlier partial rows go, so nothing is stored twice. */
  restart(runId: number, startedAt: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM run_rows WHERE run_id = ?').run(runId)
      this.db
        .prepare("UPDATE query_runs SET status = 'running', started_at = ?, duration_ms = NULL, row_count = 0, truncated = 0, error = NULL WHERE id = ?")
        .run(startedAt, runId)
    })()
  }

  /** Marks a run that never produced rows (cancelled or failed while queued). */
  setStatus(runId: number, status: RunStatus, error: string | null = null): void {
    this.db.prepare('UPDATE query_runs SET status = ?, error = ? WHERE id = ?').run(status, error, runId)
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

  rows(runId: number, offset: number, limit: number, view?: RowView): RowPage {
    const run = this.get(runId)
    if (isPlainView(view)) {
      const page = this.db
        .prepare('SELECT row FROM run_rows WHERE run_id = ? AND idx >= ? ORDER BY idx LIMIT ?')
        .pluck()
        .all(runId, offset, limit) as string[]
      return { runId, offset, total: run.rowCount, rows: page.map((text) => JSON.parse(text) as unknown[]) }
    }
    const { table, total } = this.materialise(run, view as RowView)
    const page = this.db
      .prepare(`SELECT r.row FROM temp.${table} v JOIN run_rows r ON r.run_id = ? AND r.idx = v.idx WHERE v.rowid > ? ORDER BY v.rowid LIMIT ?`)
      .pluck()
      .all(runId, offset, limit) as string[]
    return { runId, offset, total, rows: page.map((text) => JSON.parse(text) as unknown[]) }
  }

  /** Every row of a view in display order, one at a time (for export). */
  *iterateRows(runId: number, view?: RowView): Generator<unknown[]> {
    const run = this.get(runId)
    const rows = isPlainView(view)
      ? this.db.prepare('SELECT row FROM run_rows WHERE run_id = ? ORDER BY idx').pluck().iterate(runId)
      : this.db
          .prepare(`SELECT r.row FROM temp.${this.materialise(run, view as RowView).table} v JOIN run_rows r ON r.run_id = ? AND r.idx = v.idx ORDER BY v.rowid`)
          .pluck()
          .iterate(runId)
    for (const text of rows as IterableIterator<string>) yield JSON.parse(text) as unknown[]
  }

  /** The most common values of one column, for the grid's filter picker. */
  distinct(runId: number, column: number, limit: number, view?: RowView): DistinctValues {
    const run = this.get(runId)
    if (column >= run.schema.length) {
      throw new HuntbenchError('invalid_input', `There is no column ${column + 1}; this result has ${run.schema.length} columns.`)
    }
    const path = `$[${column}]`
    // Within the grid's current find and filters when there are any (sorting is irrelevant).
    const filtered = view && !isPlainView({ filter: view.filter, columnFilters: view.columnFilters })
    const source = filtered
      ? `(SELECT r.row FROM temp.${this.materialise(run, { filter: view.filter, columnFilters: view.columnFilters }).table} v JOIN run_rows r ON r.run_id = ? AND r.idx = v.idx)`
      : '(SELECT row FROM run_rows WHERE run_id = ?)'
    const found = this.db
      .prepare(`SELECT json_extract(row, ?) AS value, json_type(row, ?) AS type, count(*) AS n FROM ${source} GROUP BY value ORDER BY n DESC, value LIMIT ?`)
      .all(path, path, runId, limit) as { value: unknown; type: string | null; n: number }[]
    const distinct = this.db
      .prepare(`SELECT count(*) FROM (SELECT DISTINCT json_extract(row, ?) FROM ${source})`)
      .pluck()
      .get(path, runId) as number
    const values = found.map((f) => {
      let value = f.value
      if (f.type === 'true' || f.type === 'false') value = f.type === 'true'
      else if ((f.type === 'object' || f.type === 'array') && typeof value === 'string') value = JSON.parse(value)
      return { value, count: f.n }
    })
    return { column, values, distinct }
  }

  private materialise(run: RunDetail, view: RowView): { table: string; total: number } {
    // Finished runs never change, so their views are kept; a run still storing is recomputed.
    const stable = run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled'
    const key = `${run.id}|${run.startedAt}|${run.rowCount}|${run.status}|${JSON.stringify(view)}|${stable ? '' : Math.random()}`
    return this.views.get(key, () => viewQuery(run.id, run.schema, view))
  }
}
