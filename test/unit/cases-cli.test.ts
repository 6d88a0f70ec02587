import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CliIo } from '../../src/main/hosts/cli/context'
import { runCli } from '../../src/main/hosts/cli/program'
import { createServices } from '../../src/main/services'
import { call, defenderRows, importRun } from '../helpers/cases'
import { tempDir } from '../helpers/tmp'

function capture(): CliIo & { stdout: string[]; stderr: string[]; text(): string } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t), readStdin: async () => '', isTty: false, text: () => stdout.join('\n') }
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture()
  const code = await runCli(args, io)
  return { code, out: io.text(), err: io.stderr.join('\n') }
}

describe('huntbench case and search', () => {
  it('creates, lists, shows, exports, imports elsewhere, reports and searches', async () => {
    const dataDir = tempDir()
    expect((await cli(['--data-dir', dataDir, 'case', 'list'])).out).toMatch(/No cases yet/)
    const created = await cli(['--data-dir', dataDir, 'case', 'create', 'Beacon from HR', '--tlp', 'red', '--pap', 'green'])
    expect(created).toMatchObject({ code: 0, out: 'Created case #1: Beacon from HR (TLP:RED, PAP:GREEN)' })

    const s = createServices({ dataDir, host: 'cli', probe: async () => true })
    const runId = await importRun(s, 'outbound', defenderRows(5))
    await call(s, 'cases.extractObservables', { caseId: 1, runId })
    await call(s, 'cases.addNote', { caseId: 1, body: 'Staging server answers on 8443.' })
    s.close()

    const list = await cli(['--data-dir', dataDir, 'case', 'list'])
    expect(list.out).toMatch(/1\s+Beacon from HR\s+open\s+red\s+green\s+1\s+0\s+\d+\s+1/)
    const show = await cli(['--data-dir', dataDir, 'case', 'show', '1'])
    expect(show.out).toMatch(/TLP:RED {2}PAP:GREEN/)
    expect(show.out).toMatch(/note\s+1\s+Staging server/)
    expect(show.out).toMatch(/ipv4\s+203\.0\.113\.7\s+2/)

    const out = join(tempDir(), 'hr.hbcase')
    const exported = await cli(['--data-dir', dataDir, 'case', 'export', '1', '--out', out])
    expect(exported.code).toBe(0)
    expect(exported.out).toMatch(/1 runs \(5 rows\), 0 lookups, \d+ observables, 1 notes; [\d.]+ MB, sha256 [0-9a-f]{64}/)
    expect(existsSync(out)).toBe(true)

    const other = tempDir()
    expect((await cli(['--data-dir', other, 'case', 'import', out])).out).toMatch(/^Imported case #1: Beacon from HR \(read-only\)/)
    expect((await cli(['--data-dir', other, 'case', 'import', out])).out).toMatch(/^Already imported: case #1/)
    expect((await cli(['--data-dir', other, 'case', 'show', '1'])).out).toMatch(/\(read-only\)[\s\S]*Imported .* from a bundle/)

    const report = await cli(['--data-dir', other, 'case', 'report', '1'])
    expect(report.out).toContain('# Case #1: Beacon from HR')
    expect(report.out).toContain('203.0.113[.]7')
    const live = await cli(['--data-dir', other, 'case', 'report', '1', '--live'])
    expect(live.out).toContain('203.0.113.7')
    const htmlFile = join(tempDir(), 'r.html')
    expect((await cli(['--data-dir', other, 'case', 'report', '1', '--format', 'html', '--out', htmlFile])).code).toBe(0)
    expect(readFileSync(htmlFile, 'utf8')).toMatch(/^<!doctype html>/)

    const search = await cli(['--data-dir', other, 'search', 'staging'])
    expect(search.out).toMatch(/note\s+1\s+1\s+.*\[Staging\] server/)
    const json = await cli(['--data-dir', other, 'search', 'staging', '--format', 'json'])
    expect(JSON.parse(json.out)).toMatchObject({ hits: [{ kind: 'note', caseId: 1 }] })
    expect((await cli(['--data-dir', other, 'search', 'nothing-like-this'])).out).toMatch(/Nothing matches/)
  })

  it('explains bad input in one line and exits non-zero', async () => {
    const dataDir = tempDir()
    const badId = await cli(['--data-dir', dataDir, 'case', 'show', 'abc'])
    expect(badId.code).toBe(2)
    expect(badId.err).toMatch(/A case id is a whole number/)
    const missing = await cli(['--data-dir', dataDir, 'case', 'show', '9'])
    expect(missing).toMatchObject({ code: 1, err: 'huntbench: There is no case with id 9.' })
    expect((await cli(['--data-dir', dataDir, 'case', 'create', 'x', '--tlp', 'white'])).err).toMatch(/--tlp must be one of clear, green, amber, amber\+strict, red/)
    const notBundle = join(tempDir(), 'x.hbcase')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(notBundle, 'hello')
    expect((await cli(['--data-dir', dataDir, 'case', 'import', notBundle])).err).toMatch(/not a Huntbench case bundle/)
  })
})
