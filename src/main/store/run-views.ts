// Sorted and filtered views of a stored result, computed in SQLite over the JSON rows
// (json_extract on `$[column]`), never by loading the result into memory. A view is
// materialised once into a temp table of row indexes in display order, so scrolling a
// sorted or filtered 100,000-row result pages as cheaply as the plain one.
import type { Database } from 'better-sqlite3'
import { HuntbenchError } from '../../shared/errors'
import type { ColumnFilter, RowView } from '../../shared/api/core'
import type { ColumnSchema } from '../../shared/types'

const NUMERIC = new Set(['Int64', 'Int32', 'Double'])
// Characters whose meaning in the stored JSON text differs from the displayed cell text.
const JSON_SYNTAX = /["\\,[\]{}:\u0000-\u001f]/
const NON_ASCII = /[^\u0000-\u007f]/

/** How a cell reads on screen and in CSV: the same rule for find, filter and export. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

function likePattern(needle: string): string {
  return '%' + needle.replace(/[!%_]/g, (c) => '!' + c) + '%'
}

/** SQLite binds no booleans: true/false are stored by json_extract as 1/0 anyway. */
function bindable(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value
}

/** Registers the few JS helpers the SQL views need (once per connection). */
export function registerViewFunctions(db: Database): void {
  db.function('hb_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text))
  db.function('hb_row_match', { deterministic: true }, (rowText: unknown, folded: unknown) => {
    if (typeof rowText !== 'string' || typeof folded !== 'string') return 0
    const cells = JSON.parse(rowText) as unknown[]
    for (const v of cells) if (cellText(v).toLowerCase().includes(folded)) return 1
    return 0
  })
}

interface Sql {
  where: string[]
  params: unknown[]
}

function columnExpr(column: number, schema: ColumnSchema[]): string {
  if (!Number.isInteger(column) || column < 0 || column >= schema.length) {
    throw new HuntbenchError('invalid_input', `There is no column ${column + 1}; this result has ${schema.length} columns.`)
  }
  return `json_extract(row, '$[${column}]')`
}

/** The cell as displayed (booleans as true/false, objects as JSON), as SQL text. */
function displayExpr(column: number): string {
  const path = `'$[${column}]'`
  return `CASE json_type(row, ${path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(row, ${path}) AS TEXT) END`
}

function findClause(filter: string, sql: Sql): void {
  const folded = filter.toLowerCase()
  if (folded === '') return
  if (NON_ASCII.test(folded)) {
    // LIKE folds ASCII only: its longest plain-ASCII stretch narrows the rows, and the
    // JS check decides on the candidates.
    const stretch = folded.split(/[^\u0020-\u007f]|["\\,[\]{}:]/).sort((a, b) => b.length - a.length)[0] ?? ''
    if (stretch.length >= 2) {
      sql.where.push("row LIKE ? ESCAPE '!'")
      sql.params.push(likePattern(stretch))
    }
    sql.where.push('hb_row_match(row, ?)')
    sql.params.push(folded)
    return
  }
  if (!JSON_SYNTAX.test(folded) && !'null'.includes(folded)) {
    sql.where.push("row LIKE ? ESCAPE '!'")
    sql.params.push(likePattern(folded))
    return
  }
  // The raw JSON also holds quotes, commas, escapes and the word null. Text cells store
  // the needle JSON-escaped, dynamic cells store it as displayed: either form selects
  // candidates, which are then confirmed against the displayed cell text.
  const escaped = JSON.stringify(folded).slice(1, -1)
  sql.where.push("(row LIKE ? ESCAPE '!' OR row LIKE ? ESCAPE '!')", 'hb_row_match(row, ?)')
  sql.params.push(likePattern(escaped), likePattern(folded), folded)
}

function equalsClause(x: string, column: number, value: unknown, sql: { params: unknown[] }): string {
  if (value === null || value === undefined) return `${x} IS NULL`
  if (typeof value === 'string') {
    // Typed into a filter box: compare with the cell as shown ("443", "true").
    sql.params.push(value)
    return `${displayExpr(column)} = ?`
  }
  sql.params.push(bindable(value))
  return `${x} = ?`
}

function columnClause(f: ColumnFilter, schema: ColumnSchema[], sql: Sql): void {
  const x = columnExpr(f.column, schema)
  switch (f.op) {
    case 'contains':
    case 'notContains': {
      const needle = String(f.value ?? '').toLowerCase()
      const text = NON_ASCII.test(needle) ? `hb_fold(${displayExpr(f.column)})` : displayExpr(f.column)
      sql.where.push(`${f.op === 'notContains' ? 'NOT ' : ''}coalesce(${text} LIKE ? ESCAPE '!', 0)`)
      sql.params.push(likePattern(needle))
      return
    }
    case 'equals':
      sql.where.push(equalsClause(x, f.column, f.value, sql))
      return
    case 'notEquals':
      sql.where.push(`NOT coalesce(${equalsClause(x, f.column, f.value, sql)}, 0)`)
      return
    case 'in': {
      const values = f.values ?? []
      if (values.length === 0) {
        sql.where.push('0')
        return
      }
      sql.where.push('(' + values.map((v) => equalsClause(x, f.column, v, sql)).join(' OR ') + ')')
      return
    }
    case 'empty':
      sql.where.push(`(${x} IS NULL OR ${x} = '')`)
      return
    case 'notEmpty':
      sql.where.push(`(${x} IS NOT NULL AND ${x} != '')`)
      return
    case 'gt':
    case 'lt': {
      const numeric = NUMERIC.has(schema[f.column].type) && typeof f.value !== 'string'
      sql.where.push(`${numeric ? `CAST(${x} AS REAL)` : x} ${f.op === 'gt' ? '>' : '<'} ?`)
      sql.params.push(bindable(f.value ?? null))
      return
    }
  }
}

export function isPlainView(view: RowView | undefined): boolean {
  return !view || (!view.sort && !view.filter && !(view.columnFilters && view.columnFilters.length > 0))
}

/** The `SELECT idx ...` that lists a view's rows in display order. */
export function viewQuery(runId: number, schema: ColumnSchema[], view: RowView): { sql: string; params: unknown[] } {
  const sql: Sql = { where: ['run_id = ?'], params: [runId] }
  if (view.filter) findClause(view.filter, sql)
  for (const f of view.columnFilters ?? []) columnClause(f, schema, sql)
  let order = 'idx'
  if (view.sort) {
    const x = columnExpr(view.sort.column, schema)
    const key = NUMERIC.has(schema[view.sort.column].type) ? `CAST(${x} AS REAL)` : x
    order = `${key} ${view.sort.direction === 'desc' ? 'DESC' : 'ASC'}, idx`
  }
  return { sql: `SELECT idx FROM run_rows WHERE ${sql.where.join(' AND ')} ORDER BY ${order}`, params: sql.params }
}

interface Materialised {
  table: string
  total: number
}

/** A small LRU of materialised views per connection. */
export class ViewCache {
  private readonly entries = new Map<string, Materialised>()
  private counter = 0

  constructor(
    private readonly db: Database,
    private readonly capacity = 6
  ) {}

  get(key: string, build: () => { sql: string; params: unknown[] }): Materialised {
    const hit = this.entries.get(key)
    if (hit) {
      this.entries.delete(key)
      this.entries.set(key, hit)
      return hit
    }
    const table = `hb_view_${++this.counter}`
    const query = build()
    this.db.exec(`CREATE TEMP TABLE ${table} (idx INTEGER NOT NULL)`)
    const total = this.db.prepare(`INSERT INTO temp.${table} (idx) ${query.sql}`).run(...query.params).changes
    const entry = { table, total }
    this.entries.set(key, entry)
    while (this.entries.size > this.capacity) {
      const [oldest, value] = this.entries.entries().next().value as [string, Materialised]
      this.entries.delete(oldest)
      this.db.exec(`DROP TABLE IF EXISTS temp.${value.table}`)
    }
    return entry
  }

  clear(): void {
    for (const value of this.entries.values()) this.db.exec(`DROP TABLE IF EXISTS temp.${value.table}`)
    this.entries.clear()
  }
}
