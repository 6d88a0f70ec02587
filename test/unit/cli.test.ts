import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/hosts/cli/program'
import { createServices } from '../../src/main/services'
import { tempDir } from '../helpers/tmp'
import { captureIo } from '../helpers/cli-io'


describe('huntbench CLI', () => {
  it('prints help and version', async () => {
    const io = captureIo()
    expect(await runCli(['--help'], io)).toBe(0)
    expect(io.stdout.join('\n')).toMatch(/Usage: huntbench/)
    expect(io.stdout.join('\n')).toMatch(/history/)
    const v = captureIo()
    expect(await runCli(['--version'], v)).toBe(0)
    expect(v.stdout.join('')).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('shows an empty history with a hint, then stored runs as a table and as JSON', async () => {
    const dataDir = tempDir()
    const empty = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'history'], empty)).toBe(0)
    expect(empty.stdout.join('')).toMatch(/No history yet/)

    const s = createServices({ dataDir, host: 'cli', probe: async () => true })
    await s.router.call('results.import', { title: 'beaconing hosts', columns: [{ name: 'ip' }], rows: [['1.2.3.4']] })
    s.close()

    const table = captureIo()
    expect(await runCli(['history', '--data-dir', dataDir], table)).toBe(0)
    expect(table.stdout.join('\n')).toMatch(/run\s+1\s+.*beaconing hosts\s+succeeded\s+1 rows/)
    const json = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'history', '--format', 'json'], json)).toBe(0)
    expect(JSON.parse(json.stdout.join(''))).toMatchObject({ total: 1, items: [{ kind: 'run', title: 'beaconing hosts' }] })
    const filtered = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'history', '--kind', 'lookup'], filtered)).toBe(0)
    expect(filtered.stdout.join('')).toBe('Nothing in the history matches these filters.')
    const recent = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'history', '--since', '1h', '--format', 'json'], recent)).toBe(0)
    expect(JSON.parse(recent.stdout.join('')).total).toBe(1)
  })

  it('names bad options clearly and exits non-zero', async () => {
    const dataDir = tempDir()
    const io = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'history', '--format', 'xml'], io)).toBe(1)
    expect(io.stderr.join('')).toBe('huntbench: --format must be one of table, json; got "xml"')
    const limit = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'history', '--limit', '0'], limit)).toBe(1)
    expect(limit.stderr.join('')).toMatch(/--limit must be a whole number/)
    const status = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'history', '--status', 'exploded'], status)).toBe(2)
    expect(status.stderr.join('')).toMatch(/^huntbench: history\.list: status: /)
    const since = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'history', '--since', 'last tuesday'], since)).toBe(2)
    expect(since.stderr.join('')).toMatch(/--since must be a duration such as 7d or a date/)
    const unknown = captureIo()
    expect(await runCli(['frobnicate'], unknown)).not.toBe(0)
    expect(unknown.stderr.join('\n')).toMatch(/unknown command 'frobnicate'/)
  })
})
