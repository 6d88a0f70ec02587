import { defenderTables } from '../../../../shared/hunting-schema'
import { kqlType } from './kql-types'
import { learnedTables, mergeTables, type KqlTable } from './schema'

/** The Defender XDR tables with type names in KQL's spelling. */
export const builtinTables: KqlTable[] = defenderTables.map((t) => ({
  name: t.name,
  description: t.description,
  columns: t.columns.map((c) => ({ name: c.name, type: kqlType(c.type), description: c.description }))
}))

/** Everything completion knows now: built-in, then learned, then the editor's own extras. */
export function completionTables(extra?: readonly KqlTable[]): KqlTable[] {
  return mergeTables(builtinTables, learnedTables.list(), extra)
}
