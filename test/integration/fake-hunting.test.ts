// The fake hunting API over real HTTP: token checks, both response shapes, Timespan,
// per-tenant quotas with 429s, the row/size/time caps, KQL errors and injected faults.
import { randomUUID } from 'node:crypto'
import { request as httpsRequest } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_TENANT_ID, mintAccessToken, startFakeAuthority } from '../fakes/entra'
import { signInDirect } from '../fakes/entra-client'
import { signJwtHs256 } from '../fakes/jwt'
import { startFakeHunting, type FakeHunting } from '../fakes/hunting/server'
import { loadOrCreateTestCa } from '../fakes/tls'
import { tempDir } from '../helpers/tmp'

const GRAPH = '/v1.0/security/runHuntingQuery'
const LEGACY = '/api/advancedhunting/run'
const ISO7 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/

const graphToken = (tid = FAKE_TENANT_ID) => mintAccessToken({ aud: 'https://graph.microsoft.com', scp: 'ThreatHunting.Read.All', tid })
const legacyToken = (tid = FAKE_TENANT_ID) => mintAccessToken({ aud: 'https://api.security.microsoft.com', scp: 'AdvancedHunting.Read', tid })

let clock = Date.UTC(2026, 10, 28, 12, 0, 0)
let fake: FakeHunting

beforeAll(async () => {
  fake = await startFakeHunting({ rows: 20_000, now: () => clock })
})
afterAll(async () => {
  await fake.close()
})

interface Answer {
  status: number
  headers: Headers
  text: string
  json: any
}

async function post(path: string, body: unknown, token?: string, base = fake.url): Promise<Answer> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json }
}

describe('fake hunting API: tokens', () => {
  it('refuses a missing token, a bad signature, an expired token and the wrong audience with 401', async () => {
    const none = await post(GRAPH, { Query: 'DeviceInfo | take 1' })
    expect(none.status).toBe(401)
    expect(none.json.error.code).toBe('InvalidAuthenticationToken')
    expect(none.json.error.innerError['request-id']).toBeTruthy()
    const legacyNone = await post(LEGACY, { Query: 'DeviceInfo | take 1' })
    expect(legacyNone.status).toBe(401)
    expect(legacyNone.json.error).toMatchObject({ code: 'Unauthorized' })
    expect(legacyNone.json.error.target).toBeTruthy()

    const forged = mintAccessToken({ aud: 'https://graph.microsoft.com', scp: 'ThreatHunting.Read.All', secret: 'not-the-secret' })
    expect((await post(GRAPH, { Query: 'DeviceInfo' }, forged)).json.error.message).toContain('Invalid signature')
    expect((await post(GRAPH, { Query: 'DeviceInfo' }, 'not-a-jwt')).status).toBe(401)
    const expired = mintAccessToken({ aud: 'https://graph.microsoft.com', scp: 'ThreatHunting.Read.All', exp: Math.floor(Date.now() / 1000) - 5 })
    const e = await post(GRAPH, { Query: 'DeviceInfo' }, expired)
    expect(e.status).toBe(401)
    expect(e.json.error.message).toContain('expired')

    const onGraph = await post(GRAPH, { Query: 'DeviceInfo' }, legacyToken())
    expect(onGraph.status).toBe(401)
    expect(onGraph.json.error.message).toContain('Invalid audience')
    const onLegacy = await post(LEGACY, { Query: 'DeviceInfo' }, graphToken())
    expect(onLegacy.status).toBe(401)
    expect(onLegacy.json.error.message).toContain("audience 'https://graph.microsoft.com'")
  })

  it('refuses a token without the hunting permission with 403 naming it', async () => {
    const g = await post(GRAPH, { Query: 'DeviceInfo' }, mintAccessToken({ aud: 'https://graph.microsoft.com', scp: 'User.Read' }))
    expect(g.status).toBe(403)
    expect(g.json.error.code).toBe('Forbidden')
    expect(g.json.error.message).toContain('ThreatHunting.Read.All')
    const l = await post(LEGACY, { Query: 'DeviceInfo' }, mintAccessToken({ aud: 'https://api.security.microsoft.com', scp: 'Incident.Read' }))
    expect(l.status).toBe(403)
    expect(l.json.error.message).toContain('AdvancedHunting.Read')
    const app = signJwtHs256({ aud: 'https://graph.microsoft.com', roles: ['ThreatHunting.Read.All'], tid: randomUUID(), exp: Math.floor(Date.now() / 1000) + 600 })
    expect((await post(GRAPH, { Query: 'DeviceInfo | take 1' }, app)).status).toBe(200)
  })

  it('accepts an access token issued by the fake authority', async () => {
    const ca = loadOrCreateTestCa(tempDir('hb-ca-'))
    const authority = await startFakeAuthority({ ca })
    try {
      const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'c', refresh_token: 'unknown', scope: 'https://graph.microsoft.com/ThreatHunting.Read.All' })
      // No refresh token yet: the authority says so in AAD's shape.
      const refused = await httpsPost(`${authority.url}/${authority.tenantId}/oauth2/v2.0/token`, form.toString(), ca.caCertPem)
      expect(JSON.parse(refused).error).toBe('invalid_grant')
      const { access_token: token } = await signInDirect({ authorityUrl: authority.url, tenant: authority.tenantId, caPem: ca.caCertPem, scope: 'https://graph.microsoft.com/ThreatHunting.Read.All' })
      const ok = await post(GRAPH, { Query: 'DeviceInfo | take 1' }, token)
      expect(ok.status).toBe(200)
      expect((await post(LEGACY, { Query: 'DeviceInfo | take 1' }, token)).status).toBe(401)
    } finally {
      await authority.close()
    }
  })
})

function httpsPost(url: string, body: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => resolve(text))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('fake hunting API: answers', () => {
  it('answers Graph with @odata.context, schema {name,type} and results', async () => {
    const a = await post(GRAPH, { Query: 'DeviceProcessEvents | where FileName =~ "powershell.exe" | project Timestamp, DeviceName, ProcessCommandLine | take 3' }, graphToken())
    expect(a.status).toBe(200)
    expect(a.json['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults')
    expect(a.json.schema).toEqual([{ name: 'Timestamp', type: 'DateTime' }, { name: 'DeviceName', type: 'String' }, { name: 'ProcessCommandLine', type: 'String' }])
    expect(a.json.results).toHaveLength(3)
    expect(a.json.results[0].Timestamp).toMatch(ISO7)
    expect(a.json.results[0].ProcessCommandLine).toMatch(/powershell/i)
    const beta = await post('/beta/security/runHuntingQuery', { query: 'DeviceInfo | count' }, graphToken())
    expect(beta.json['@odata.context']).toContain('/beta/')
    expect(beta.json.results).toEqual([{ Count: 360 }])
  })

  it('answers legacy with Stats, Schema {Name,Type} and Results; Query is case-sensitive there', async () => {
    const a = await post(LEGACY, { Query: 'DeviceNetworkEvents | summarize count() by RemoteIP | top 3 by count_' }, legacyToken())
    expect(a.status).toBe(200)
    expect(Object.keys(a.json)).toEqual(['Stats', 'Schema', 'Results'])
    expect(a.json.Stats.ExecutionTime).toBeGreaterThan(0)
    expect(a.json.Stats.dataset_statistics[0].table_row_count).toBe(3)
    expect(a.json.Schema).toEqual([{ Name: 'RemoteIP', Type: 'String' }, { Name: 'count_', Type: 'Int64' }])
    expect(a.json.Results).toHaveLength(3)
    const lower = await post(LEGACY, { query: 'DeviceInfo' }, legacyToken())
    expect(lower.status).toBe(400)
    expect(lower.json.error.code).toBe('MissingRequiredParameter')
    const mde = await post('/api/advancedqueries/run', { Query: 'DeviceInfo | take 1' }, mintAccessToken({ aud: 'https://api.securitycenter.microsoft.com', scp: 'AdvancedQuery.Read' }))
    expect(mde.status).toBe(200)
  })

  it('applies Timespan to Timestamp and rejects a bad one', async () => {
    const count = async (Timespan?: string) => (await post(GRAPH, { Query: 'DeviceNetworkEvents | count', ...(Timespan ? { Timespan } : {}) }, graphToken())).json
    const all = (await count()).results[0].Count as number
    const week = (await count('P7D')).results[0].Count as number
    const day = (await count('PT24H')).results[0].Count as number
    expect(all).toBeGreaterThan(19_000)
    expect(week).toBeGreaterThan(day * 5)
    expect(week).toBeLessThan(all / 3)
    const end = new Date(clock - 86_400_000).toISOString()
    const interval = (await count(`P1D/${end}`)).results[0].Count as number
    expect(Math.abs(interval - day)).toBeLessThan(day * 0.2)
    const bad = await post(GRAPH, { Query: 'DeviceInfo', Timespan: 'last week' }, graphToken())
    expect(bad.status).toBe(400)
    expect(bad.json.error.message).toContain('Timespan')
  })

  it('turns KQL errors into 400 with Kusto messages in each envelope', async () => {
    const syntax = await post(GRAPH, { Query: 'DeviceInfo | wher x' }, graphToken())
    expect(syntax.status).toBe(400)
    expect(syntax.json.error).toMatchObject({ code: 'BadRequest' })
    expect(syntax.json.error.message).toMatch(/^A recognition error occurred\./)
    const semantic = await post(LEGACY, { Query: 'DeviceInfo | where IsInteetFacing == true' }, legacyToken())
    expect(semantic.status).toBe(400)
    expect(semantic.json.error.message).toBe("'where' operator: Failed to resolve scalar expression named 'IsInteetFacing'")
    const table = await post(GRAPH, { Query: 'DeviceProcessEvent | take 1' }, graphToken())
    expect(table.json.error.message).toBe("Failed to resolve table or column expression named 'DeviceProcessEvent'")
    expect((await post(GRAPH, '{"Query": ', graphToken())).status).toBe(400)
  })
})

describe('fake hunting API: quotas and caps', () => {
  it('allows callsPerMinute per tenant, then 429 with Retry-After (Graph) or the wait in the text (legacy)', async () => {
    fake.setLimits({ callsPerMinute: 3 })
    const tid = randomUUID()
    try {
      for (let i = 0; i < 3; i++) expect((await post(GRAPH, { Query: 'DeviceInfo | take 1' }, graphToken(tid))).status).toBe(200)
      const throttledBefore = fake.calls.throttled
      clock += 57_500
      const g = await post(GRAPH, { Query: 'DeviceInfo | take 1' }, graphToken(tid))
      expect(g.status).toBe(429)
      expect(g.headers.get('retry-after')).toBe('2.5')
      expect(g.json.error.code).toBe('TooManyRequests')
      const l = await post(LEGACY, { Query: 'DeviceInfo | take 1' }, legacyToken(tid))
      expect(l.status).toBe(429)
      expect(l.json.error.code).toBe('429')
      expect(l.json.error.message).toMatch(/Maximum allowed 3 per 00:01:00 .* You can send requests again in 3 seconds\.$/)
      expect(fake.calls.throttled - throttledBefore).toBe(2)
      // Another tenant has its own quota; the window ends after a minute.
      expect((await post(GRAPH, { Query: 'DeviceInfo | take 1' }, graphToken(randomUUID()))).status).toBe(200)
      clock += 3_000
      expect((await post(GRAPH, { Query: 'DeviceInfo | take 1' }, graphToken(tid))).status).toBe(200)
    } finally {
      fake.setLimits({ callsPerMinute: 45 })
    }
  })

  it('charges each query CPU and blocks the tenant until the next 15-minute cycle', async () => {
    fake.setLimits({ cpuSecondsPer15Min: 0.3 })
    const tid = randomUUID()
    try {
      clock = Math.floor(clock / 900_000) * 900_000 + 60_000
      expect((await post(GRAPH, { Query: 'DeviceNetworkEvents | count' }, graphToken(tid))).status).toBe(200) // 20,000 rows: 0.25 s
      expect((await post(GRAPH, { Query: 'DeviceInfo | take 1' }, graphToken(tid))).status).toBe(200) // 0.05 s more
      const blocked = await post(LEGACY, { Query: 'DeviceInfo | take 1' }, legacyToken(tid))
      expect(blocked.status).toBe(429)
      expect(blocked.json.error.message).toBe('You have exceeded processing resources allocated to this tenant. You can run queries again in 00:14:00.')
      const g = await post(GRAPH, { Query: 'DeviceInfo | take 1' }, graphToken(tid))
      expect(g.headers.get('retry-after')).toBe('840')
      clock += 14 * 60_000
      expect((await post(GRAPH, { Query: 'DeviceInfo | take 1' }, graphToken(tid))).status).toBe(200)
    } finally {
      fake.setLimits({ cpuSecondsPer15Min: 300 })
    }
  })

  it('times out a query whose cost passes timeoutMs, and refuses results over maxBytes', async () => {
    fake.setLimits({ timeoutMs: 150 })
    try {
      const slow = await post(GRAPH, { Query: 'DeviceNetworkEvents | summarize count() by RemoteIP' }, graphToken(randomUUID()))
      expect(slow.status).toBe(400)
      expect(slow.json.error.message).toBe('Query exceeded the timeout period.')
      expect((await post(GRAPH, { Query: 'DeviceInfo | take 5' }, graphToken(randomUUID()))).status).toBe(200)
    } finally {
      fake.setLimits({ timeoutMs: 180_000 })
    }
    fake.setLimits({ maxBytes: 20_000 })
    try {
      const big = await post(LEGACY, { Query: 'DeviceProcessEvents | take 100' }, legacyToken(randomUUID()))
      expect(big.status).toBe(400)
      expect(big.json.error.message).toBe('Query execution has exceeded the allowed result size. Optimize your query by limiting the number of results and try again')
    } finally {
      fake.setLimits({ maxBytes: 50 * 1024 * 1024 })
    }
  })

  it('returns at most 100,000 rows and refuses answers over 50 MB at the real defaults', async () => {
    const big = await startFakeHunting({ rows: 120_000 })
    try {
      const rows = await post(GRAPH, { Query: 'DeviceNetworkEvents | project RemoteIP' }, graphToken(), big.url)
      expect(rows.status).toBe(200)
      expect(rows.json.results).toHaveLength(100_000)
      const all = await post(GRAPH, { Query: 'DeviceNetworkEvents | count' }, graphToken(), big.url)
      expect(all.json.results[0].Count).toBeGreaterThan(100_001)
      const wide = await post(GRAPH, { Query: 'DeviceNetworkEvents | take 100000' }, graphToken(), big.url)
      expect(wide.status).toBe(400)
      expect(wide.json.error.message).toContain('exceeded the allowed result size')
    } finally {
      await big.close()
    }
  })
})

describe('fake hunting API: faults and counters', () => {
  it('injects 500, 504, malformed JSON, a dropped answer and a slow answer', async () => {
    const before = { ...fake.calls.byStatus }
    const total = fake.calls.total
    fake.failNext('500')
    const e500 = await post(GRAPH, { Query: 'DeviceInfo | take 1' }, graphToken())
    expect(e500.status).toBe(500)
    expect(e500.json.error).toMatchObject({ code: 'UnknownError', message: '' })
    fake.failNext('504')
    expect((await post(LEGACY, { Query: 'DeviceInfo | take 1' }, legacyToken())).status).toBe(504)
    fake.failNext('malformed-json')
    const broken = await post(GRAPH, { Query: 'DeviceInfo | take 2' }, graphToken())
    expect(broken.status).toBe(200)
    expect(() => JSON.parse(broken.text)).toThrow()
    fake.failNext('drop-mid-answer')
    await expect(post(GRAPH, { Query: 'DeviceInfo | take 50' }, graphToken())).rejects.toThrow()
    fake.failNext('slow', 1, 300)
    const t0 = Date.now()
    expect((await post(GRAPH, { Query: 'DeviceInfo | take 1' }, graphToken())).status).toBe(200)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290)
    expect((await post(GRAPH, { Query: 'DeviceInfo | take 1' }, graphToken())).json.results).toHaveLength(1)

    expect(fake.calls.total - total).toBe(6)
    expect((fake.calls.byStatus[500] ?? 0) - (before[500] ?? 0)).toBe(1)
    expect((fake.calls.byStatus[504] ?? 0) - (before[504] ?? 0)).toBe(1)
    expect(fake.calls.log.at(-1)).toMatchObject({ flavor: 'graph', query: 'DeviceInfo | take 1', status: 200 })
  })

  it('serves HTTPS with a test-CA certificate when given a CA', async () => {
    const ca = loadOrCreateTestCa(tempDir('hb-ca-'))
    const secure = await startFakeHunting({ ca, rows: 100 })
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      const text = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(`${secure.url}${GRAPH}`, { method: 'POST', ca: ca.caCertPem, headers: { authorization: `Bearer ${graphToken()}` } }, (res) => {
          let t = ''
          res.on('data', (c: Buffer) => (t += c.toString()))
          res.on('end', () => resolve(t))
        })
        req.on('error', reject)
        req.end(JSON.stringify({ Query: 'DeviceInfo | count' }))
      })
      expect(JSON.parse(text).results).toEqual([{ Count: 360 }])
    } finally {
      await secure.close()
    }
  })
})
