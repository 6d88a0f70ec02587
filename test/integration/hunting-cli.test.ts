// `huntbench query run|list|show`: in-process for input errors and stored runs, and as real
// child processes (sign in through $BROWSER against the fake authority, then query the
// fake hunting API) for the whole path.
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliIo } from '../../src/main/hosts/cli/context'
import { runCli } from '../../src/main/hosts/cli/program'
import { createServices } from '../../src/main/services'
import { startFakeAuthority, type FakeAuthority } from '../fakes/entra'
import { startFakeHunting, type FakeHunting } from '../fakes/hunting/server'
import { keyringWorks } from '../helpers/keyring'
import { closedEndpoints } from '../helpers/services'
import { tempDir } from '../helpers/tmp'
import { playBrowserScript, runCliProcess } from '../helpers/cli-process'

const CLIENT = '0f3c1a2b-1234-4abc-9def-0123456789ab'

async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), readStdin: async () => '', isTty: false }
  const code = await runCli(['--data-dir', dataDir, ...args], io)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

function seedRun(dataDir: string): number {
  const s = createServices({ dataDir, host: 'cli', probe: async () => true, endpoints: closedEndpoints })
  const runId = s.runs.storeComplete(
    { source: 'hunt', title: 'beacons', kql: 'DeviceNetworkEvents | take 2', profile: 'Contoso', startedAt: Date.now(), status: 'succeeded' },
    { status: 'succeeded', durationMs: 1200, rowCount: 2, truncated: true, schema: [{ name: 'RemoteIP', type: 'String' }, { name: 'Port', type: 'Int32' }] },
    [['203.0.113.7', 443], ['198.51.100.1, "x"', 80]]
  )
  s.close()
  return runId
}

describe('huntbench query (in-process)', () => {
  it('refuses bad input with clear messages and queues nothing', async () => {
    const dir = tempDir()
    expect((await cli(dir, 'query', 'run', 'DeviceEvents')).err).toMatch(/There are no profiles yet/)
    await cli(dir, 'profile', 'add', 'Contoso', '--tenant', 'contoso.onmicrosoft.com', '--client', CLIENT)
    const empty = await cli(dir, 'query', 'run', '   ')
    expect(empty).toMatchObject({ code: 2, err: expect.stringMatching(/^huntbench: The query is empty/) })
    expect((await cli(dir, 'query', 'run')).err).toMatch(/Give a query/)
    expect((await cli(dir, 'query', 'run', 'X', '--file', 'q.kql')).err).toMatch(/either as an argument or with --file/)
    expect((await cli(dir, 'query', 'run', '--file', join(dir, 'missing.kql'))).err).toMatch(/Cannot read .*missing\.kql: ENOENT/)
    expect((await cli(dir, 'query', 'run', 'DeviceEvents', '--timespan', '7d')).err).toMatch(/timespan "7d" is not ISO 8601/)
    expect((await cli(dir, 'query', 'run', 'DeviceEvents', '--format', 'xml')).err).toMatch(/--format must be one of table, csv, json/)
    expect((await cli(dir, 'query', 'list')).out).toMatch(/No runs yet/)
  })

  it('lists stored runs and shows one as a table, RFC 4180 CSV and JSON', async () => {
    const dir = tempDir()
    const runId = seedRun(dir)
    const list = await cli(dir, 'query', 'list')
    expect(list.out).toMatch(new RegExp(`${runId}\\s+\\S+ ago\\s+Contoso\\s+succeeded\\s+2 \\(truncated\\)\\s+beacons`))
    const table = await cli(dir, 'query', 'show', String(runId))
    expect(table.err).toMatch(/run \d+: beacons[\s\S]*kql:\nDeviceNetworkEvents \| take 2/)
    expect(table.err).toMatch(/warning: Defender returns at most 100,000 rows/)
    expect(table.out).toMatch(/RemoteIP\s+Port\n-+\s+-+\n203\.0\.113\.7\s+443/)
    const csv = await cli(dir, 'query', 'show', String(runId), '--format', 'csv')
    expect(parse(csv.out)).toEqual([['RemoteIP', 'Port'], ['203.0.113.7', '443'], ['198.51.100.1, "x"', '80']])
    const json = await cli(dir, 'query', 'show', String(runId), '--format', 'json')
    expect(JSON.parse(json.out)).toEqual([{ RemoteIP: '203.0.113.7', Port: 443 }, { RemoteIP: '198.51.100.1, "x"', Port: 80 }])
    expect((await cli(dir, 'query', 'show', '999')).err).toMatch(/no stored run with id 999/)
    expect((await cli(dir, 'query', 'show', 'abc')).err).toMatch(/RUN_ID must be a run number/)
  })
})

describe('huntbench query run (child processes, fake tenant)', () => {
  let authority: FakeAuthority
  let hunting: FakeHunting
  beforeAll(async () => {
    authority = await startFakeAuthority()
    hunting = await startFakeHunting({ rows: 5000 })
  })
  afterAll(async () => {
    await hunting.close()
    await authority.close()
  })



  it('queues, waits, stores and prints; a later process reads the stored run', async () => {
    const dir = tempDir()
    const browser = playBrowserScript()
    const env = {
      HUNTBENCH_AUTHORITY_URL: authority.url,
      HUNTBENCH_GRAPH_URL: hunting.url,
      NODE_EXTRA_CA_CERTS: authority.caCertPath,
      BROWSER: browser,
      HUNTBENCH_NO_BROKER: '1'
    }
    expect((await runCliProcess(dir, env, 'profile', 'add', 'Contoso', '--tenant', authority.tenantId, '--client', CLIENT)).code).toBe(0)
    expect((await runCliProcess(dir, env, 'auth', 'login')).code).toBe(0)
    const kql = 'DeviceProcessEvents | project Timestamp, DeviceName, FileName | take 3'
    const result = await runCliProcess(dir, env, 'query', 'run', kql, '--timespan', 'P7D', '--format', 'json')
    if (!(await keyringWorks())) {
      // Without a keyring the sign-in lived in the login process only: the query asks for it again.
      expect(result.code).toBe(1)
      expect(result.err).toMatch(/queued as run 1[\s\S]*huntbench: .*sign/i)
      return
    }
    expect(result, result.err).toMatchObject({ code: 0 })
    expect(result.err).toMatch(/queued as run 1 \(profile Contoso\)[\s\S]*run 1: 3 rows in/)
    const rows = JSON.parse(result.out) as Record<string, unknown>[]
    expect(rows.length).toBe(3)
    expect(Object.keys(rows[0])).toEqual(['Timestamp', 'DeviceName', 'FileName'])
    expect(hunting.calls.log.at(-1)).toMatchObject({ flavor: 'graph', status: 200, query: kql })
    const list = await runCliProcess(dir, env, 'query', 'list')
    expect(list.out).toMatch(/1\s+\S+ ago\s+Contoso\s+succeeded\s+3\s+DeviceProcessEvents/)
  }, 90_000)
})
