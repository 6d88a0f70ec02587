// The result grid's rows, paged from the stored run in main: sorting, find and column
// filters are done there in SQLite, so a 100,000-row result is never held here whole.
import type { RowView } from '../../../shared/api/core'
import type { RunDetail } from '../../../shared/types'
import type { GridView, RowSource } from '../grid'
import { client } from '../lib/client'

const OPS = { eq: 'equals', neq: 'notEquals', contains: 'contains' } as const

/** The grid's view in the contract's terms. */
export function toRowView(view: GridView, withSort = true): RowView {
  const out: RowView = {}
  if (withSort && view.sort) out.sort = { column: view.sort.column, direction: view.sort.direction }
  if (view.filter) out.filter = view.filter
  if (view.columnFilters?.length) out.columnFilters = view.columnFilters.map((f) => ({ column: f.column, op: OPS[f.op], value: f.value }))
  return out
}

export function runSource(run: RunDetail): RowSource {
  return {
    columns: run.schema.map((c) => ({ name: c.name, type: c.type })),
    total: run.rowCount,
    async fetch(offset, limit, view) {
      const page = await client.call('runs.rows', { runId: run.id, offset, limit, ...toRowView(view) })
      return { rows: page.rows, total: page.total }
    },
    async distinct(column, view, limit) {
      const found = await client.call('runs.distinct', { runId: run.id, column, limit: Math.min(limit, 100_000), ...toRowView(view, false) })
      return found.values.map((v) => v.value)
    }
  }
}

