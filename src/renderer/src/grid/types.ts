// The grid's contract with its data. Sorting and filtering are done by the source (main does
// them in SQLite); the grid only asks for pages of the current view.

export interface GridColumn {
  name: string
  /** The schema type, in KQL (`datetime`) or .NET (`DateTime`) spelling. */
  type: string
}

export type ColumnFilterOp = 'eq' | 'neq' | 'contains'

export interface ColumnFilter {
  /** Index into RowSource.columns. */
  column: number
  op: ColumnFilterOp
  value: string
}

export interface GridView {
  sort?: { column: number; direction: 'asc' | 'desc' }
  /** Find: show only rows where any cell contains this text. */
  filter?: string
  columnFilters?: ColumnFilter[]
}

export interface RowPageResult {
  rows: unknown[][]
  /** Row count of the whole view (after filters). */
  total: number
}

export interface RowSource {
  columns: GridColumn[]
  /** Row count of the unfiltered result. */
  total: number
  fetch(offset: number, limit: number, view: GridView): Promise<RowPageResult>
  /**
   * Optional: distinct values of one column in the view, for "copy column". Without it the
   * grid pages through the view itself.
   */
  distinct?(column: number, view: GridView, limit: number): Promise<unknown[]>
}

export interface CellAction {
  id: string
  label: string
  applies?(value: unknown, column: GridColumn): boolean
  run(value: unknown, column: GridColumn, row: unknown[]): void
}

/** Per-schema column settings, persisted by the owner through `onColumnPrefsChange`. */
export interface ColumnPrefs {
  hidden: string[]
  widths: Record<string, number>
}

/** An entry of the cell context menu. */
export interface GridMenuItem {
  id: string
  label: string
  run: () => void
  /** Draw a separator above this item. */
  separated?: boolean
}
