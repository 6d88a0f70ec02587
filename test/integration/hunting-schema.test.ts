// `hunting.schema {profileId}` through the router against the fake's Graph beta
// getHuntingSchema: the tables come from Graph, are cached per profile in SQLite, survive a
// restart, and a refused token leaves completion with the standard tables.
import { afterEach, describe, expect, it } from 'vitest'
import type { SchemaTable } from '../../src/shared/api/hunting'
import { defenderTables } from '../../src/shared/hunting-schema'
import type { Services } from '../../src/main/services'
import { mintAccessToken } from '../fakes/entra'
import { startFakeHunting, type FakeHunting } from '../fakes/hunting/server'
import { TEST_CLIENT_ID } from '../helpers/hunting'
import { closedEndpoints, testServices } from '../helpers/services'
import { tempDir } from '../helpers/tmp'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn()
})

// A table the app does not ship, and a column Graph knows on a standard table.
const extraTable = { name: 'ContosoCustomSignals', description: 'Custom detections feed', columns: [{ name: 'Signal', type: 'String' as const }, { name: 'Score', type: 'Double' as const }] }
const graphTables = [
  ...defenderTables.map((t) => (t.name === 'DeviceProcessEvents' ? { ...t, columns: [...t.columns, { name: 'GraphOnlyColumn', type: 'Int64' as const }] } : t)),
  extraTable
]

function services(graphUrl: string, dataDir: string, scp = 'ThreatHunting.Read.All'): Services {
  const s = testServices({
    dataDir,
    endpoints: { ...closedEndpoints, graph: graphUrl, defender: graphUrl },
    hunting: { client: { tokens: { getToken: async () => ({ accessToken: mintAccessToken({ aud: 'https://graph.microsoft.com', scp }) }) } } }
  })
  const close = s.close.bind(s)
  let closed = false
  s.close = () => {
    if (!closed) close()
    closed = true
  }
  cleanups.push(() => s.close())
  return s
}

async function schema(s: Services, input: unknown): Promise<SchemaTable[]> {
  const answer = await s.router.call('hunting.schema', input)
  if (!answer.ok) throw new Error(answer.error.message)
  return (answer.value as { tables: SchemaTable[] }).tables
}

function schemaCalls(fake: FakeHunting): { path: string; status: number }[] {
  return fake.calls.log.filter((c) => /getHuntingSchema/i.test(c.path))
}

async function startFake(): Promise<FakeHunting> {
  const fake = await startFakeHunting({ rows: 500, schemaTables: graphTables })
  cleanups.push(() => fake.close())
  return fake
}

describe('hunting.schema from Graph', () => {
  it('answers the fake route in Graph’s shape and checks the bearer', async () => {
    const fake = await startFake()
    const url = `${fake.url}/beta/security/getHuntingSchema`
    const token = mintAccessToken({ aud: 'https://graph.microsoft.com', scp: 'ThreatHunting.Read.All' })
    const ok = await fetch(url, { headers: { Authorization: `Bearer ${token}` } })
    expect(ok.status).toBe(200)
    const body = (await ok.json()) as { tables: { name: string; columns: { name: string; dataType: string }[] }[] }
    expect(body.tables.find((t) => t.name === 'ContosoCustomSignals')?.columns).toEqual([
      { name: 'Signal', dataType: 'String', description: '' },
      { name: 'Score', dataType: 'Double', description: '' }
    ])
    expect((await fetch(url)).status).toBe(401)
    const wrongScope = mintAccessToken({ aud: 'https://graph.microsoft.com', scp: 'User.Read' })
    expect((await fetch(url, { headers: { Authorization: `Bearer ${wrongScope}` } })).status).toBe(403)
    expect((await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).status).toBe(405)
    expect((await fetch(`${fake.url}/v1.0/security/getHuntingSchema`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(400)
  })

  it('returns Graph’s tables for a profile, caches them, and keeps them across a restart', async () => {
    const fake = await startFake()
    const dataDir = tempDir()
    const s = services(fake.url, dataDir)
    const profileId = s.auth.profiles.add({ name: 'Contoso', tenantId: 'contoso.onmicrosoft.com', clientId: TEST_CLIENT_ID, api: 'graph' }).id

    const tables = await schema(s, { profileId })
    expect(tables.find((t) => t.name === 'ContosoCustomSignals')).toEqual({
      name: 'ContosoCustomSignals',
      description: 'Custom detections feed',
      source: 'graph',
      columns: [{ name: 'Signal', type: 'String' }, { name: 'Score', type: 'Double' }]
    })
    const processes = tables.find((t) => t.name === 'DeviceProcessEvents')
    expect(processes?.source).toBe('graph')
    expect(processes?.columns.at(-1)).toEqual({ name: 'GraphOnlyColumn', type: 'Int64' })
    expect(tables.find((t) => t.name === 'EmailEvents')?.source).toBe('standard')
    expect(schemaCalls(fake)).toEqual([expect.objectContaining({ status: 200 })])

    const cached = s.db.prepare('SELECT tables_json FROM hunting_schema_cache WHERE profile_id = ?').get(profileId) as { tables_json: string }
    expect((JSON.parse(cached.tables_json) as SchemaTable[]).length).toBe(graphTables.length)

    // Within a day the cache answers: Graph is not asked again.
    expect((await schema(s, { profileId })).some((t) => t.name === 'ContosoCustomSignals')).toBe(true)
    expect(schemaCalls(fake)).toHaveLength(1)
    // Without a profile there is no per-user schema.
    expect((await schema(s, {})).some((t) => t.name === 'ContosoCustomSignals')).toBe(false)

    s.close()
    await fake.close()
    const again = services('http://127.0.0.1:9', dataDir)
    expect((await schema(again, { profileId })).find((t) => t.name === 'ContosoCustomSignals')?.source).toBe('graph')
  })

  it('falls back to the standard tables when Graph refuses the token, and stores nothing', async () => {
    const fake = await startFake()
    const s = services(fake.url, tempDir(), 'User.Read')
    const profileId = s.auth.profiles.add({ name: 'Contoso', tenantId: 'contoso.onmicrosoft.com', clientId: TEST_CLIENT_ID, api: 'graph' }).id
    const tables = await schema(s, { profileId })
    expect(tables.some((t) => t.name === 'ContosoCustomSignals')).toBe(false)
    expect(tables.find((t) => t.name === 'DeviceProcessEvents')?.source).toBe('standard')
    expect(schemaCalls(fake)).toEqual([expect.objectContaining({ status: 403 })])
    expect(s.db.prepare('SELECT count(*) AS n FROM hunting_schema_cache').get()).toEqual({ n: 0 })
  })
})
