import { kqlType } from '../hunt/kql/kql-types'
import type { ColumnPrefs, GridColumn } from './types'

export const MIN_COLUMN_WIDTH = 48
export const MAX_COLUMN_WIDTH = 1200

/**
 * A short stable key for a result schema, so column settings can be remembered per schema
 * (the same query shape gets the same columns shown).
 */
export function schemaKey(columns: readonly GridColumn[]): string {
  const text = columns.map((c) => `${c.name}:${kqlType(c.type)}`).join('|')
  let hash = 0x811c9dc5 // FNV-1a, 32 bit
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return `c${columns.length}-${hash.toString(16).padStart(8, '0')}`
}

export function defaultWidth(column: GridColumn): number {
  const byType: Record<string, number> = {
    datetime: 176, bool: 72, int: 88, long: 104, real: 104, decimal: 104, guid: 300, timespan: 120, dynamic: 240, string: 170
  }
  const base = byType[kqlType(column.type)] ?? 170
  const forName = column.name.length * 7.5 + 36 // room for the name and the sort arrow
  return Math.round(Math.min(320, Math.max(base, forName)))
}

export function clampWidth(width: number): number {
  return Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, width)))
}

export function columnWidth(column: GridColumn, prefs: ColumnPrefs | undefined): number {
  const w = prefs?.widths[column.name]
  return typeof w === 'number' && Number.isFinite(w) ? clampWidth(w) : defaultWidth(column)
}

/** Indexes (into the source's columns) of the shown columns, in order. */
export function visibleColumnIndexes(columns: readonly GridColumn[], prefs: ColumnPrefs | undefined): number[] {
  const hidden = new Set(prefs?.hidden ?? [])
  const shown = columns.map((_, i) => i).filter((i) => !hidden.has(columns[i].name))
  // Hiding everything would leave an unusable grid; show the first column then.
  return shown.length > 0 || columns.length === 0 ? shown : [0]
}

export function emptyPrefs(): ColumnPrefs {
  return { hidden: [], widths: {} }
}

export function withHidden(prefs: ColumnPrefs, name: string, hidden: boolean): ColumnPrefs {
  const set = new Set(prefs.hidden)
  if (hidden) set.add(name)
  else set.delete(name)
  return { ...prefs, hidden: [...set] }
}

export function withWidth(prefs: ColumnPrefs, name: string, width: number): ColumnPrefs {
  return { ...prefs, widths: { ...prefs.widths, [name]: clampWidth(width) } }
}
