// Graph's beta `GET /beta/security/getHuntingSchema` (huntingSchemaResult): the tables the
// signed-in user may query, each with columns as {name, dataType, description}. The fake
// answers the standard tables it serves data for; it leaves out `functions`, which the
// app does not read. It is not a query, so it is not charged against the hunting quota.
import { defenderTables, type HuntingTable } from '../../../src/shared/hunting-schema'
import { endpointFor, type Endpoint } from './protocol'

/** Graph accepts a parameterless function with or without "()". */
export function isSchemaPath(path: string): boolean {
  return /^\/beta\/security\/gethuntingschema(\(\))?\/?$/i.test(path)
}

/** The same token rules as runHuntingQuery (Graph audience, ThreatHunting.Read.All). */
export const schemaEndpoint: Endpoint = { ...endpointFor('/beta/security/runHuntingQuery')! }

export function schemaBody(tables: readonly HuntingTable[] = defenderTables): string {
  return JSON.stringify({
    '@odata.context': 'https://graph.microsoft.com/beta/$metadata#microsoft.graph.security.huntingSchemaResult',
    tables: tables.map((t) => ({
      name: t.name,
      description: t.description,
      columns: t.columns.map((c) => ({ name: c.name, dataType: c.type, description: c.description ?? '' }))
    }))
  })
}
