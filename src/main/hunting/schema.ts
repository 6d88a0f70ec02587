// The tables the editor completes: the standard Defender tables shipped with the app,
// columns learned from stored results, and Graph's hunting schema where it answers
// (cached per profile, since it reflects what that user may query).
import type { Database } from 'better-sqlite3'
import type { SchemaTable } from '../../shared/api/hunting'
import { defenderTables, type HuntingColumn } from '../../shared/hunting-schema'
import type { ColumnSchema } from '../../shared/types'
import { field, mapType } from './parse'

export const GRAPH_SCHEMA_TTL_MS = 24 * 60 * 60_000

// Operators after which the result's columns are no longer the source table's columns.
const RESHAPING = /\|\s*(summarize|extend|join|union|evaluate|make-series|parse|parse-where|project-rename|lookup|mv-expand|mv-apply|render|invoke|count|top-nested|as|getschema|distinct|reduce|sample-distinct|serialize|scan)\b|\bproject\b[^|]*=/i
const LEADING_TABLE = /^\s*(?:\/\/[^\n]*\n\s*)*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\||$)/

/** The table a query reads, when its result keeps that table's columns (else null). */
export function sourceTable(kql: string): string | null {
  const match = LEADING_TABLE.exec(kql)
  if (!match || /^(let|set|declare|print|datatable|range|union|search|find)$/i.test(match[1])) return null
  if (RESHAPING.test(kql)) return null
  return match[1]
}

function merge(into: Map<string, SchemaTable>, name: string, columns: HuntingColumn[], source: SchemaTable['source'], description = ''): void {
  const key = name.toLowerCase()
  const existing = into.get(key)
  if (!existing) {
    into.set(key, { name, description, columns: [...columns], source })
    return
  }
  const known = new Set(existing.columns.map((c) => c.name.toLowerCase()))
  const before = existing.columns.length
  for (const c of columns) if (!known.has(c.name.toLowerCase())) existing.columns.push(c)
  // The editor ships the standard tables and takes only the others from main, so a standard
  // table that Graph or a result extended must say so, or its new columns never reach it.
  if (existing.source === 'standard' && existing.columns.length > before) existing.source = source
  if (!existing.description && description) existing.description = description
}

/** Reads Graph's huntingSchemaResult ({tables:[{name, description, columns:[{name, dataType}]}]}). */
export function parseGraphSchema(body: unknown): SchemaTable[] | null {
  const tables = field(body, 'tables') ?? field(body, 'value')
  if (!Array.isArray(tables)) return null
  const out: SchemaTable[] = []
  for (const t of tables) {
    const name = field(t, 'name')
    if (typeof name !== 'string' || !name) continue
    const columns = field(t, 'columns')
    const description = field(t, 'description')
    out.push({
      name,
      description: typeof description === 'string' ? description : '',
      source: 'graph',
      columns: (Array.isArray(columns) ? columns : [])
        .map((c) => ({ name: field(c, 'name'), type: field(c, 'dataType') ?? field(c, 'type'), description: field(c, 'description') }))
        .filter((c): c is { name: string; type: unknown; description: unknown } => typeof c.name === 'string' && c.name !== '')
        .map((c) => ({ name: c.name, type: mapType(c.type), ...(typeof c.description === 'string' && c.description ? { description: c.description } : {}) }))
    })
  }
  return out
}

export function cachedGraphSchema(db: Database, profileId: number, now: number): { tables: SchemaTable[]; fresh: boolean } | null {
  const row = db.prepare('SELECT fetched_at, tables_json FROM hunting_schema_cache WHERE profile_id = ?').get(profileId) as
    | { fetched_at: number; tables_json: string }
    | undefined
  if (!row) return null
  return { tables: JSON.parse(row.tables_json) as SchemaTable[], fresh: now - row.fetched_at < GRAPH_SCHEMA_TTL_MS }
}

export function storeGraphSchema(db: Database, profileId: number, tables: SchemaTable[], now: number): void {
  db.prepare(
    'INSERT INTO hunting_schema_cache (profile_id, fetched_at, tables_json) VALUES (?, ?, ?) ON CONFLICT (profile_id) DO UPDATE SET fetched_at = excluded.fetched_at, tables_json = excluded.tables_json'
  ).run(profileId, now, JSON.stringify(tables))
}

/** Standard tables, then Graph's, then what stored results taught us. */
export function combinedSchema(db: Database, graphTables: SchemaTable[] | null): SchemaTable[] {
  const tables = new Map<string, SchemaTable>()
  for (const t of defenderTables) merge(tables, t.name, t.columns, 'standard', t.description)
  for (const t of graphTables ?? []) merge(tables, t.name, t.columns, 'graph', t.description)
  const runs = db
    .prepare("SELECT kql, schema_json FROM query_runs WHERE source = 'hunt' AND status = 'succeeded' ORDER BY id DESC LIMIT 500")
    .all() as { kql: string; schema_json: string }[]
  for (const run of runs) {
    const table = sourceTable(run.kql)
    if (!table) continue
    let schema: ColumnSchema[]
    try {
      schema = JSON.parse(run.schema_json) as ColumnSchema[]
    } catch {
      continue
    }
    merge(tables, table, schema.map((c) => ({ name: c.name, type: mapType(c.type) })), 'learned')
  }
  return [...tables.values()].sort((a, b) => a.name.localeCompare(b.name))
}
