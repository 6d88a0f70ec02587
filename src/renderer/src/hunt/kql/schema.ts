import { kqlType } from './kql-types'

// Completion data: the built-in Defender tables plus tables learned at run time from result
// schemas (custom tables, new columns the static list does not know yet).

export interface KqlColumn {
  name: string
  type: string
  description?: string
}

export interface KqlTable {
  name: string
  description?: string
  columns: KqlColumn[]
}

/** Merge table lists; a later list's table replaces an earlier one of the same name. */
export function mergeTables(...lists: readonly (readonly KqlTable[] | undefined)[]): KqlTable[] {
  const byName = new Map<string, KqlTable>()
  for (const list of lists) {
    for (const table of list ?? []) byName.set(table.name, table)
  }
  return [...byName.values()]
}

/**
 * A table built from a result schema, with type names normalised to KQL's spelling so that
 * `Int64` from the Defender API shows as `long`.
 */
export function tableFromResultSchema(
  name: string,
  columns: readonly { name: string; type: string }[],
  description?: string
): KqlTable {
  const seen = new Set<string>()
  const cols: KqlColumn[] = []
  for (const c of columns) {
    if (!c.name || seen.has(c.name)) continue
    seen.add(c.name)
    cols.push({ name: c.name, type: kqlType(c.type) })
  }
  return description ? { name, description, columns: cols } : { name, columns: cols }
}

/**
 * Tables learned at run time, shared by every editor in the window. Completion reads it on
 * each request, so learning a table needs no editor reconfiguration.
 */
export class LearnedTables {
  #tables = new Map<string, KqlTable>()
  #listeners = new Set<() => void>()

  /** Add tables, replacing any learned table of the same name. */
  learn(tables: readonly KqlTable[]): void {
    for (const t of tables) {
      if (!/^[A-Za-z_][\w]*$/.test(t.name)) continue // completion would insert a broken name
      this.#tables.set(t.name, { ...t, columns: [...t.columns] })
    }
    for (const fn of this.#listeners) fn()
  }

  forget(name?: string): void {
    if (name === undefined) this.#tables.clear()
    else this.#tables.delete(name)
    for (const fn of this.#listeners) fn()
  }

  list(): KqlTable[] {
    return [...this.#tables.values()]
  }

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn)
    return () => this.#listeners.delete(fn)
  }
}

export const learnedTables = new LearnedTables()

/** Shorthand for `learnedTables.learn(tables)`. */
export function learnTables(tables: readonly KqlTable[]): void {
  learnedTables.learn(tables)
}
