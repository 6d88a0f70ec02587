import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseDuration } from '../../src/main/hosts/cli/format'
import { runCli } from '../../src/main/hosts/cli/program'
import { tiColumns } from '../../src/shared/ti'
import { startFakeShodan, type FakeShodan } from '../fakes/shodan'
import { tempDir } from '../helpers/tmp'
import { captureIo } from '../helpers/cli-io'


let fake: FakeShodan
beforeAll(async () => {
  fake = await startFakeShodan({ ratePerSecond: null, internetdbRatePerSecond: 10 })
  process.env.HUNTBENCH_SHODAN_URL = fake.url
  process.env.HUNTBENCH_INTERNETDB_URL = fake.internetdbUrl
  // Keys live in a keychain service of this file's own, so parallel files never collide.
  process.env.HUNTBENCH_KEYCHAIN_SERVICE = `huntbench-test-cli-${process.pid}`
})
afterAll(async () => {
  await fake.close()
})

const run = async (args: string[], stdin = '') => {
  const io = captureIo(stdin)
  const code = await runCli(args, io)
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') }
}

describe('huntbench lookup', () => {
  it('prints msticpy columns as JSON, with progress on stderr and private IPs refused without a request', async () => {
    const dataDir = tempDir()
    fake.resetCounters()
    const r = await run(['--data-dir', dataDir, 'lookup', '8.8.8.8', '1.1.1[.]1', '10.0.0.1', '--providers', 'internetdb', '--format', 'json', '--spacing', '120'])
    expect(r.code).toBe(0)
    expect(r.err).toMatch(/warning: --spacing 120: Shodan documents 1 request per second/)
    expect(r.err).toMatch(/lookup: 3\/3 done, 0 failed/)
    const rows = JSON.parse(r.out) as Record<string, unknown>[]
    expect(Object.keys(rows[0])).toEqual([...tiColumns])
    expect(rows.map((x) => [x.Ioc, x.SafeIoc, x.Provider, x.Status])).toEqual([
      ['8.8.8.8', '8.8.8.8', 'internetdb', 0],
      ['1.1.1[.]1', '1.1.1.1', 'internetdb', 0],
      ['10.0.0.1', '10.0.0.1', 'internetdb', 2]
    ])
    expect(rows[0].FromCache).toBe(false)
    expect(rows[0].FetchedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect([...fake.counts.internetdb.keys()].sort()).toEqual(['1.1.1.1', '8.8.8.8'])
  })

  it('reads a file as CSV output that parses back, and serves the second run from the cache', async () => {
    const dataDir = tempDir()
    const file = join(dataDir, 'iocs.txt')
    writeFileSync(file, 'seen beaconing to 45.33.32.156 and 104.16.0[.]1\nthen 45.33.32.156 again\n')
    const first = await run(['--data-dir', dataDir, 'lookup', '--file', file, '--providers', 'internetdb', '--format', 'csv', '--spacing', '120'])
    expect(first.code).toBe(0)
    const records = parse(first.out, { columns: true }) as Record<string, string>[]
    expect(records.map((r) => r.SafeIoc)).toEqual(['45.33.32.156', '104.16.0.1'])
    expect(JSON.parse(records[0].Details)).toMatchObject({ Ports: [22, 80, 9929, 31337] })
    expect(records[0].Severity).toBe('warning')
    const second = await run(['--data-dir', dataDir, 'lookup', '--file', file, '--providers', 'internetdb'])
    expect(second.code).toBe(0)
    expect(second.out).toMatch(/45\.33\.32\.156\s+ipv4\s+internetdb\s+warning\s+0\s+ports 22,80,9929,31337 · 2 CVEs · scanme\.nmap\.org\s+\d+s ago \(cache\)/)
  })

  it('reads standard input with --file -', async () => {
    const r = await run(['--data-dir', tempDir(), 'lookup', '--file', '-', '--providers', 'internetdb', '--format', 'json', '--spacing', '120'], '8.8.8.8\n\n')
    expect(r.code).toBe(0)
    expect((JSON.parse(r.out) as { SafeIoc: string }[]).map((x) => x.SafeIoc)).toEqual(['8.8.8.8'])
  })

  it('reads standard input for a lone "-" among the observables', async () => {
    const r = await run(['--data-dir', tempDir(), 'lookup', '-', '1.1.1.1', '--providers', 'internetdb', '--format', 'json', '--spacing', '120'], 'seen 8.8.8[.]8 here\n')
    expect(r.code, r.err).toBe(0)
    expect((JSON.parse(r.out) as { SafeIoc: string }[]).map((x) => x.SafeIoc).sort()).toEqual(['1.1.1.1', '8.8.8.8'])
    const empty = await run(['--data-dir', tempDir(), 'lookup', '-'], '\n')
    expect(empty.err).toMatch(/Nothing to look up/)
    const both = await run(['--data-dir', tempDir(), 'lookup', '-', '--file', 'x.txt'], '8.8.8.8\n')
    expect(both.err).toMatch(/standard input \("-"\) or --file PATH, not both/)
  })

  it('names bad options and empty input', async () => {
    const dataDir = tempDir()
    expect((await run(['--data-dir', dataDir, 'lookup', '8.8.8.8', '--providers', 'virustotal'])).err).toMatch(/--providers takes .*unknown: virustotal/)
    expect((await run(['--data-dir', dataDir, 'lookup', '8.8.8.8', '--max-age', 'soon'])).err).toMatch(/--max-age must be a duration/)
    expect((await run(['--data-dir', dataDir, 'lookup', '8.8.8.8', '--spacing', '10'])).err).toMatch(/--spacing must be whole milliseconds from 50/)
    const empty = await run(['--data-dir', dataDir, 'lookup', '--file', '-'], '\n  \n')
    expect(empty.code).toBe(2)
    expect(empty.err).toMatch(/Nothing to look up/)
    expect((await run(['--data-dir', dataDir, 'lookup', '--file', join(dataDir, 'missing.txt')])).err).toMatch(/cannot read .*missing\.txt/)
  })

  it('refuses shodan without a key, pointing at how to add one', async () => {
    const r = await run(['--data-dir', tempDir(), 'lookup', '8.8.8.8', '--providers', 'shodan'])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/Add a key in Settings \(or `huntbench key set shodan`\), or use internetdb/)
  })

  it('leaves work queued when the provider is unreachable, and says so', async () => {
    const dataDir = tempDir()
    const saved = process.env.HUNTBENCH_INTERNETDB_URL
    process.env.HUNTBENCH_INTERNETDB_URL = 'http://127.0.0.1:9'
    try {
      const r = await run(['--data-dir', dataDir, 'lookup', '8.8.8.8', '--providers', 'internetdb', '--format', 'json'])
      expect(r.code).toBe(1)
      expect(r.err).toMatch(/1 lookup\(s\) are still queued: InternetDB is unreachable/)
      expect((JSON.parse(r.out) as { Details: string }[])[0].Details).toMatch(/Queued/)
    } finally {
      process.env.HUNTBENCH_INTERNETDB_URL = saved
    }
  })

  it('parses durations', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000)
    expect(parseDuration('12h')).toBe(12 * 3_600_000)
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('0')).toBe(0)
    expect(parseDuration('90')).toBe(90_000)
    expect(() => parseDuration('-1d')).toThrow(/duration/)
  })
})
