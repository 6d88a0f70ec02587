// The hunting client against the fake hunting API over real HTTP: every error class the
// reference lists, both API shapes, and the input the client must refuse before sending.
import { createServer, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HuntingClient, HuntingError, type HuntingApiKind, type TokenSource } from '../../src/main/hunting/client'
import { mintAccessToken } from '../fakes/entra'
import { startFakeHunting, type FakeHunting } from '../fakes/hunting/server'

let fake: FakeHunting
beforeAll(async () => {
  fake = await startFakeHunting({ rows: 20_000 })
})
afterAll(() => fake.close())
beforeEach(() => {
  fake.resetQuotas()
  fake.setLimits({ callsPerMinute: 45, cpuSecondsPer15Min: 300, runningSecondsPerHour: 600, maxRows: 100_000, maxBytes: 50 * 1024 * 1024, timeoutMs: 180_000 })
})

const scopes: Record<HuntingApiKind, { aud: string; scp: string }> = {
  graph: { aud: 'https://graph.microsoft.com', scp: 'ThreatHunting.Read.All' },
  legacy: { aud: 'https://api.security.microsoft.com', scp: 'AdvancedHunting.Read' }
}

interface TokenCall {
  resource: HuntingApiKind
  interactive: boolean
  claims?: string
}

/** Mints what the fake accepts; `bad` makes the next silent tokens fail in a chosen way. */
function tokens(bad?: 'expired' | 'no-scope'): TokenSource & { calls: TokenCall[] } {
  const calls: TokenCall[] = []
  return {
    calls,
    async getToken(_profileId, resource, options = {}) {
      calls.push({ resource, interactive: !!options.interactive, claims: options.claims })
      const base = scopes[resource]
      if (bad === 'expired' && !options.interactive) return { accessToken: mintAccessToken({ ...base, exp: Math.floor(Date.now() / 1000) - 60 }) }
      if (bad === 'no-scope') return { accessToken: mintAccessToken({ ...base, scp: 'User.Read' }) }
      return { accessToken: mintAccessToken(base) }
    }
  }
}

function client(source: TokenSource = tokens(), extra: Partial<ConstructorParameters<typeof HuntingClient>[0]> = {}): HuntingClient {
  return new HuntingClient({ endpoints: () => ({ graph: fake.url, defender: fake.url }), tokens: source, sleep: async () => undefined, ...extra })
}

async function failure(promise: Promise<unknown>): Promise<HuntingError> {
  try {
    await promise
  } catch (err) {
    expect(err).toBeInstanceOf(Error)
    return err as HuntingError
  }
  throw new Error('expected the call to fail')
}

/** A loopback port nothing listens on (fetch refuses "bad ports" such as 9 outright). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

const graph = (kql: string, timespan?: string) => ({ profileId: 1, api: 'graph' as const, kql, timespan })
const legacy = (kql: string) => ({ profileId: 1, api: 'legacy' as const, kql })

describe('hunting client', () => {
  it('runs a query through Graph and the legacy API and reads both shapes the same way', async () => {
    const kql = 'DeviceProcessEvents | where Timestamp > ago(1d) | project Timestamp, DeviceName, ProcessId | take 5'
    const viaGraph = await client().run(graph(kql, 'P7D'))
    const viaLegacy = await client().run(legacy(kql))
    expect(viaGraph.schema).toEqual([
      { name: 'Timestamp', type: 'DateTime' },
      { name: 'DeviceName', type: 'String' },
      { name: 'ProcessId', type: 'Int64' }
    ])
    expect(viaLegacy.schema).toEqual(viaGraph.schema)
    expect(viaGraph.rows.length).toBe(5)
    expect(viaGraph.rows[0][0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/)
    expect(fake.calls.log.slice(-2).map((c) => [c.flavor, c.status])).toEqual([['graph', 200], ['legacy', 200]])
  })

  it('sends unicode KQL intact and answers with the matching rows', async () => {
    const result = await client().run(graph('DeviceProcessEvents | where DeviceName == "Zürich-東京-✓" | take 1'))
    expect(result.rows).toEqual([])
    expect(fake.calls.log.at(-1)?.query).toContain('Zürich-東京-✓')
  })

  it('refuses empty and oversized KQL before anything is sent', async () => {
    const before = fake.calls.total
    expect((await failure(client().run(graph('  \n')))).message).toMatch(/query is empty/)
    const huge = await failure(client().run(graph('DeviceEvents | where X == "' + 'a'.repeat(100_000) + '"')))
    expect(huge.code).toBe('invalid_input')
    expect(huge.message).toMatch(/accepts at most 100,000/)
    expect((await failure(client().run({ ...legacy('DeviceEvents'), timespan: 'P1D' }))).message).toMatch(/legacy Defender API has no timespan/)
    expect(fake.calls.total).toBe(before)
  })

  it("shows Kusto's message for bad KQL and never retries it", async () => {
    const before = fake.calls.total
    const err = await failure(client().run(graph('DeviceProcessEvents | where IsInteetFacing == true')))
    expect(err.code).toBe('invalid_input')
    expect(err.message).toMatch(/Kusto rejected the query: .*IsInteetFacing/)
    expect(fake.calls.total).toBe(before + 1)
  })

  it('turns a 401 into a sign-in request, and retries once interactively when allowed', async () => {
    const err = await failure(client(tokens('expired')).run(graph('DeviceEvents | take 1')))
    expect(err.code).toBe('unauthenticated')
    expect(err.message).toMatch(/Sign in again/)

    const source = tokens('expired')
    const result = await client(source).run(graph('DeviceEvents | take 1'), { allowInteractive: true })
    expect(result.rows.length).toBe(1)
    expect(source.calls.map((c) => c.interactive)).toEqual([false, true])
  })

  it('names the missing permission on a 403, per API', async () => {
    const viaGraph = await failure(client(tokens('no-scope')).run(graph('DeviceEvents | take 1')))
    expect(viaGraph.code).toBe('forbidden')
    expect(viaGraph.message).toMatch(/ThreatHunting\.Read\.All/)
    const viaLegacy = await failure(client(tokens('no-scope')).run(legacy('DeviceEvents | take 1')))
    expect(viaLegacy.message).toMatch(/AdvancedHunting\.Read/)
  })

  it('reports a call-count 429 with its wait: Retry-After on Graph, "again in N seconds" on legacy', async () => {
    fake.setLimits({ callsPerMinute: 1 })
    await client().run(graph('DeviceEvents | take 1'))
    const viaGraph = await failure(client().run(graph('DeviceEvents | take 1')))
    expect(viaGraph.code).toBe('rate_limited')
    expect(viaGraph.extra.quota).toBe('calls')
    expect(viaGraph.extra.retryAfterMs).toBeGreaterThan(50_000)
    expect(viaGraph.extra.retryAfterMs).toBeLessThanOrEqual(60_000)
    const viaLegacy = await failure(client().run(legacy('DeviceEvents | take 1')))
    expect(viaLegacy.extra.retryAfterMs).toBeGreaterThan(50_000)
    expect(viaLegacy.message).toMatch(/again in \d+ seconds/)
    // A 429 is the queue's business: the client never waits it out or retries.
    expect(fake.calls.throttled).toBe(2)
  })

  it('recognises a CPU 429 and its wait until the next cycle', async () => {
    fake.setLimits({ cpuSecondsPer15Min: 0.01 })
    await client().run(graph('DeviceEvents | take 1'))
    const err = await failure(client().run(legacy('DeviceEvents | take 1')))
    expect(err.code).toBe('rate_limited')
    expect(err.extra.quota).toBe('cpu')
    expect(err.message).toMatch(/processing/)
    expect(err.extra.retryAfterMs).toBeGreaterThan(0)
    expect(err.extra.retryAfterMs).toBeLessThanOrEqual(15 * 60_000)
  })

  it('retries 5xx a bounded number of times', async () => {
    fake.failNext('500')
    fake.failNext('504')
    const before = fake.calls.total
    expect((await client().run(graph('DeviceEvents | take 2'))).rows.length).toBe(2)
    expect(fake.calls.total).toBe(before + 3)

    fake.failNext('500', 3)
    const err = await failure(client().run(graph('DeviceEvents | take 2')))
    expect(err.code).toBe('remote_error')
    expect(err.message).toMatch(/answered 500.*tried 3 times/)
    expect(fake.calls.total).toBe(before + 6)
  })

  it('gives a clear bad_data error for malformed JSON, without retrying', async () => {
    fake.failNext('malformed-json')
    const before = fake.calls.total
    const err = await failure(client().run(graph('DeviceEvents | take 50')))
    expect(err.code).toBe('bad_data')
    expect(err.message).toMatch(/not valid JSON.*Nothing was stored/)
    expect(fake.calls.total).toBe(before + 1)
  })

  it('retries a connection dropped mid-answer, and says so when it keeps dropping', async () => {
    fake.failNext('drop-mid-answer')
    expect((await client().run(graph('DeviceEvents | take 50'))).rows.length).toBe(50)
    fake.failNext('drop-mid-answer', 3)
    const err = await failure(client().run(graph('DeviceEvents | take 50')))
    expect(err.code).toBe('remote_error')
    expect(err.message).toMatch(/dropped while the answer was arriving; nothing from it was stored/)
  })

  it('gives up on a slow answer at its own timeout with advice', async () => {
    fake.failNext('slow', 1, 2000)
    const err = await failure(client(tokens(), { timeoutMs: 300 }).run(graph('DeviceEvents | take 1')))
    expect(err.code).toBe('remote_error')
    expect(err.message).toMatch(/ran longer than.*Narrow the timespan, `project`.*`summarize`/)
  })

  it("explains the service's result-size cap and query timeout with advice", async () => {
    fake.setLimits({ maxBytes: 2000 })
    const size = await failure(client().run(graph('DeviceProcessEvents | take 100')))
    expect(size.code).toBe('remote_error')
    expect(size.message).toMatch(/50 MB cap.*`project` only the columns/)
    fake.setLimits({ maxBytes: 50 * 1024 * 1024, timeoutMs: 1 })
    const slow = await failure(client().run(graph('DeviceProcessEvents | summarize count() by DeviceName')))
    expect(slow.message).toMatch(/3-minute limit.*Narrow the timespan/)
  })

  it('keeps 100,000 rows of a 100,001-row answer and flags it truncated', async () => {
    fake.setLimits({ maxRows: 100_001 })
    const big = await startFakeHunting({ rows: 110_000, limits: { maxRows: 100_001 } })
    try {
      const c = new HuntingClient({ endpoints: () => ({ graph: big.url, defender: big.url }), tokens: tokens() })
      const result = await c.run(graph('DeviceNetworkEvents | project Timestamp, RemoteIP'))
      expect(result.answeredRows).toBe(100_001)
      expect(result.rows.length).toBe(100_000)
      expect(result.truncated).toBe(true)
    } finally {
      await big.close()
    }
  })

  it('says offline when nothing listens, and cancels when asked', async () => {
    const port = await closedPort()
    const url = `http://127.0.0.1:${port}`
    const offline = new HuntingClient({ endpoints: () => ({ graph: url, defender: url }), tokens: tokens(), sleep: async () => undefined })
    const err = await failure(offline.run(graph('DeviceEvents | take 1')))
    expect(err.code).toBe('offline')
    expect(err.message).toContain(`Cannot reach 127.0.0.1:${port} (ECONNREFUSED)`)

    fake.failNext('slow', 1, 2000)
    const controller = new AbortController()
    const pending = client().run(graph('DeviceEvents | take 1'), { signal: controller.signal })
    setTimeout(() => controller.abort(), 100)
    expect((await failure(pending)).code).toBe('cancelled')
  })
})
