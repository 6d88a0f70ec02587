import { plainText } from './format'
import type { CellAction, ColumnFilterOp, GridColumn, GridMenuItem, GridView, RowSource } from './types'

export interface CellMenuContext {
  value: unknown
  column: GridColumn
  columnIndex: number
  row: unknown[]
  cellActions: readonly CellAction[]
  copyValue: () => void
  copyRow: () => void
  copyColumn: (format: 'lines' | 'kql') => void
  addFilter: (op: ColumnFilterOp) => void
  openDetails: () => void
}

const preview = (value: unknown): string => {
  const text = plainText(value).replace(/\s+/g, ' ')
  return text.length > 32 ? `${text.slice(0, 31)}…` : text
}

/** The cell context menu: copy and filter entries, then the owner's actions that apply. */
export function buildCellMenu(ctx: CellMenuContext): GridMenuItem[] {
  const { value, column, row } = ctx
  const shown = value === null || value === undefined ? 'null' : `"${preview(value)}"`
  const items: GridMenuItem[] = [
    { id: 'copy-value', label: 'Copy value', run: ctx.copyValue },
    { id: 'copy-row', label: 'Copy row (TSV)', run: ctx.copyRow },
    { id: 'copy-column', label: `Copy distinct ${column.name} values`, run: () => ctx.copyColumn('lines') },
    { id: 'copy-column-kql', label: `Copy distinct ${column.name} values as KQL list`, run: () => ctx.copyColumn('kql') },
    { id: 'filter-eq', label: `Show only ${column.name} = ${shown}`, run: () => ctx.addFilter('eq'), separated: true },
    { id: 'filter-neq', label: `Hide ${column.name} = ${shown}`, run: () => ctx.addFilter('neq') },
    { id: 'details', label: 'Row details', run: ctx.openDetails, separated: true }
  ]
  let first = true
  for (const action of ctx.cellActions) {
    let applies = true
    try {
      applies = action.applies ? action.applies(value, column) : true
    } catch {
      applies = false // a broken predicate must not break the menu
    }
    if (!applies) continue
    items.push({ id: `action:${action.id}`, label: action.label, separated: first, run: () => action.run(value, column, row) })
    first = false
  }
  return items
}

/** A view with one more column filter (an identical filter is not added twice). */
export function withColumnFilter(view: GridView, column: number, op: ColumnFilterOp, value: unknown): GridView {
  const text = plainText(value)
  const filters = view.columnFilters ?? []
  if (filters.some((f) => f.column === column && f.op === op && f.value === text)) return view
  return { ...view, columnFilters: [...filters, { column, op, value: text }] }
}

export function withoutColumnFilter(view: GridView, index: number): GridView {
  const filters = (view.columnFilters ?? []).filter((_, i) => i !== index)
  return { ...view, columnFilters: filters.length ? filters : undefined }
}

/** The next sort when a header is clicked: ascending, then descending, then none. */
export function nextSort(view: GridView, column: number): GridView {
  const current = view.sort
  if (!current || current.column !== column) return { ...view, sort: { column, direction: 'asc' } }
  if (current.direction === 'asc') return { ...view, sort: { column, direction: 'desc' } }
  return { ...view, sort: undefined }
}

export function isFiltered(view: GridView): boolean {
  return Boolean(view.filter) || (view.columnFilters?.length ?? 0) > 0
}

/** The most values "copy column" collects. */
export const COLUMN_COPY_LIMIT = 100_000

/** All values of one column in the view, through the source's distinct() or by paging. */
export async function columnValues(source: RowSource, column: number, view: GridView, limit = COLUMN_COPY_LIMIT): Promise<unknown[]> {
  if (source.distinct) return source.distinct(column, view, limit)
  const values: unknown[] = []
  const step = 5000
  for (let offset = 0; offset < limit; offset += step) {
    const page = await source.fetch(offset, Math.min(step, limit - offset), view)
    for (const row of page.rows) values.push(row[column])
    if (page.rows.length === 0 || offset + page.rows.length >= page.total) break
  }
  return values
}
