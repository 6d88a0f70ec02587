import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { bundleIdOf, type Manifest } from '../../src/main/cases/bundle-format'
import { registerSecret } from '../../src/main/log'
import type { Services } from '../../src/main/services'
import { call, defenderRows, failure, importRun, storeLookup } from '../helpers/cases'
import { testServices } from '../helpers/services'
import { tempDir } from '../helpers/tmp'

const open: Services[] = []
afterEach(() => {
  while (open.length) open.pop()!.close()
})
function services(): Services {
  const s = testServices()
  open.push(s)
  return s
}

async function buildCase(s: Services): Promise<{ caseId: number; runId: number }> {
  const c = await call(s, 'cases.create', { title: 'HR beacon', description: 'Two **HR** laptops beaconing.', tlp: 'amber+strict', pap: 'green' })
  const runId = await importRun(s, 'outbound 443', defenderRows(250))
  await call(s, 'cases.extractObservables', { caseId: c.id, runId })
  const lookupId = storeLookup(s, { ioc: '203.0.113.7', details: JSON.stringify({ org: 'Bulletproof Hosting' }) })
  await call(s, 'cases.attachLookup', { caseId: c.id, lookupId })
  await call(s, 'cases.addObservable', { caseId: c.id, value: 'CONTOSO\\svc-backup', type: 'account' })
  await call(s, 'cases.addNote', { caseId: c.id, body: 'Beacon interval 60 s; see run.' })
  return { caseId: c.id, runId }
}

/** Everything a reviewer sees, minus ids and import bookkeeping. */
function comparable(detail: Awaited<ReturnType<typeof call<'cases.get'>>>): unknown {
  return {
    title: detail.title,
    description: detail.description,
    status: detail.status,
    tlp: detail.tlp,
    pap: detail.pap,
    counts: detail.counts,
    observables: detail.observables.map((o) => [o.type, o.value, o.count, o.firstSeen, o.lastSeen]).sort(),
    timeline: detail.timeline.map((t) =>
      t.kind === 'run' ? ['run', t.run.title, t.run.kql, t.run.rowCount, t.run.startedAt]
      : t.kind === 'lookup' ? ['lookup', t.lookup.provider, t.lookup.ioc, t.lookup.fetchedAt, t.lookup.details]
      : t.kind === 'note' ? ['note', t.note.body, t.note.createdAt]
      : ['observable', t.observable.type, t.observable.value]
    ).sort()
  }
}

function tableCounts(s: Services): Record<string, number> {
  const out: Record<string, number> = {}
  for (const t of ['cases', 'case_items', 'notes', 'observables', 'observable_sightings', 'query_runs', 'run_rows', 'lookups', 'bundle_imports', 'bundle_objects']) {
    out[t] = s.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number
  }
  return out
}

/** Rewrites a bundle's lines and (optionally) re-seals its checksums, as a forger would. */
function rewrite(file: string, edit: (lines: string[]) => string[], reseal: boolean): string {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').slice(0, -1)
  let out = edit(lines)
  if (reseal) {
    const parts: Manifest['parts'] = []
    for (let i = 1; i < out.length - 1; ) {
      const head = JSON.parse(out[i]) as { part: string; lines: number }
      const body = out.slice(i + 1, i + 1 + head.lines).map((l) => l + '\n').join('')
      parts.push({ name: head.part, lines: head.lines, bytes: Buffer.byteLength(body), sha256: createHash('sha256').update(body).digest('hex') })
      i += 1 + head.lines
    }
    const manifest = (JSON.parse(out[out.length - 1]) as { manifest: Manifest }).manifest
    out = [...out.slice(0, -1), JSON.stringify({ manifest: { ...manifest, parts, bundleId: bundleIdOf(parts) } })]
  }
  const target = join(tempDir(), 'edited.hbcase')
  writeFileSync(target, gzipSync(out.map((l) => l + '\n').join('')))
  return target
}

describe('case bundles', () => {
  it('round-trips a case into another data folder, complete and read-only', async () => {
    const a = services()
    const { caseId } = await buildCase(a)
    const exported = await call(a, 'cases.exportBundle', { caseId })
    expect(exported.fileName).toMatch(/^case-\d+-hr-beacon-\d{8}-\d{6}\.hbcase$/)
    expect(exported.path).toBe(join(a.config.dataDir, 'exports', exported.fileName))
    expect(exported.counts).toEqual({ runs: 1, rows: 250, lookups: 1, observables: exported.counts.observables, notes: 1 })
    expect(exported.sha256).toBe(createHash('sha256').update(readFileSync(exported.path)).digest('hex'))

    const b = services()
    const imported = await call(b, 'cases.importBundle', { path: exported.path })
    expect(imported).toMatchObject({ created: true, updated: false, readOnly: true, counts: exported.counts })
    const original = await call(a, 'cases.get', { caseId })
    const copy = await call(b, 'cases.get', { caseId: imported.caseId })
    expect(comparable(copy)).toEqual(comparable(original))
    expect(copy.readOnly).toBe(true)
    expect(copy.provenance).toMatchObject({ appVersion: '0.1.0', bundleId: expect.stringMatching(/^[0-9a-f]{64}$/) })
    const runItem = copy.timeline.find((t) => t.kind === 'run')!
    const rows = await call(b, 'runs.rows', { runId: runItem.refId, offset: 0, limit: 300 })
    const originalRows = await call(a, 'runs.rows', { runId: original.timeline.find((t) => t.kind === 'run')!.refId, offset: 0, limit: 300 })
    expect(rows.rows).toEqual(originalRows.rows)
    expect((await call(b, 'runs.get', { runId: runItem.refId })).source).toBe('bundle')
    // Imported content is searchable and read-only.
    expect((await call(b, 'search.query', { text: 'beacon interval' })).hits.map((h) => h.kind)).toEqual(['note'])
    expect((await failure(b, 'cases.addNote', { caseId: imported.caseId, body: 'x' })).code).toBe('conflict')
  })

  it('imports twice without duplicates, and brings an older read-only import up to date', async () => {
    const a = services()
    const { caseId } = await buildCase(a)
    const first = await call(a, 'cases.exportBundle', { caseId })
    const b = services()
    const one = await call(b, 'cases.importBundle', { path: first.path })
    const before = tableCounts(b)
    const two = await call(b, 'cases.importBundle', { content: readFileSync(first.path).toString('base64') })
    expect(two).toMatchObject({ caseId: one.caseId, created: false, updated: false })
    expect(tableCounts(b)).toEqual(before)

    await call(a, 'cases.addNote', { caseId, body: 'Second finding after review.' })
    const second = await call(a, 'cases.exportBundle', { caseId })
    const three = await call(b, 'cases.importBundle', { path: second.path })
    expect(three).toMatchObject({ caseId: one.caseId, created: false, updated: true })
    const after = tableCounts(b)
    expect(after.cases).toBe(1)
    expect(after.notes).toBe(2)
    // The run's rows were recognised by content and not stored a second time.
    expect(after.query_runs).toBe(before.query_runs)
    expect(after.run_rows).toBe(before.run_rows)
    expect(after.lookups).toBe(before.lookups)
  })

  it('imports a writable copy on request, and will not overwrite local edits or the original', async () => {
    const a = services()
    const { caseId } = await buildCase(a)
    const exported = await call(a, 'cases.exportBundle', { caseId })
    expect((await failure(a, 'cases.importBundle', { path: exported.path })).message).toMatch(/is an export of case #\d+ "HR beacon", which is already in this data folder/)
    const b = services()
    const copy = await call(b, 'cases.importBundle', { path: exported.path, readOnly: false })
    expect(copy.readOnly).toBe(false)
    await call(b, 'cases.addNote', { caseId: copy.caseId, body: 'my own note' })
    await call(a, 'cases.rename', { caseId, title: 'HR beacon v2' })
    const newer = await call(a, 'cases.exportBundle', { caseId })
    const err = await failure(b, 'cases.importBundle', { path: newer.path })
    expect(err).toMatchObject({ code: 'conflict', message: expect.stringMatching(/would overwrite your changes/) })
    expect((await call(b, 'cases.get', { caseId: copy.caseId })).counts.notes).toBe(2)
  })

  describe('refuses damaged bundles with a clear message and stores nothing', () => {
    async function refused(mutate: (path: string) => string, pattern: RegExp): Promise<void> {
      const a = services()
      const { caseId } = await buildCase(a)
      const exported = await call(a, 'cases.exportBundle', { caseId })
      const b = services()
      await call(b, 'cases.create', { title: 'already here' })
      const before = tableCounts(b)
      const err = await failure(b, 'cases.importBundle', { path: mutate(exported.path) })
      expect(err.code).toBe('bad_data')
      expect(err.message).toMatch(pattern)
      expect(err.message).toMatch(/Nothing was imported/)
      expect(tableCounts(b)).toEqual(before)
    }

    it('a flipped byte in the rows (checksum)', () =>
      refused((p) => rewrite(p, (lines) => lines.map((l) => l.replace('198.51.100.23', '198.51.100.24')), false), /part rows:r0 fails its SHA-256 check/))

    it('a file cut short', () =>
      refused((p) => {
        const bytes = readFileSync(p)
        const target = join(tempDir(), 'cut.hbcase')
        writeFileSync(target, bytes.subarray(0, Math.floor(bytes.length / 2)))
        return target
      }, /truncated/))

    it('a bundle whose manifest went missing', () => refused((p) => rewrite(p, (lines) => lines.slice(0, -1), false), /manifest is missing/))

    it('a part with lines removed', () => refused((p) => rewrite(p, (lines) => lines.filter((_l, i) => i !== 5), false), /part|manifest/))

    it('a bundle from a newer format', () =>
      refused((p) => rewrite(p, (lines) => [JSON.stringify({ format: 'huntbench-case-bundle', formatVersion: 9 }), ...lines.slice(1)], false), /newer Huntbench \(bundle format 9.*Update Huntbench/))

    it('a bundle from a newer schema', () =>
      refused(
        (p) =>
          rewrite(p, (lines) => {
            const m = JSON.parse(lines[lines.length - 1]) as { manifest: Manifest }
            return [...lines.slice(0, -1), JSON.stringify({ manifest: { ...m.manifest, schemaVersion: 99, appVersion: '9.0.0' } })]
          }, false),
        /newer Huntbench \(9\.0\.0, database schema 99/
      ))

    it('re-sealed checksums over rows that are not JSON arrays', () =>
      refused((p) => rewrite(p, (lines) => lines.map((l, i) => (i === 7 ? '{"not":"a row"}' : l)), true), /holds rows that are not JSON arrays/))

    it('re-sealed checksums over a row that is not JSON at all', () =>
      refused((p) => rewrite(p, (lines) => lines.map((l, i) => (i === 9 ? '["unterminated' : l)), true), /holds rows that are not JSON arrays/))

    it('re-sealed checksums over a case with a bad marking', () =>
      refused((p) => rewrite(p, (lines) => lines.map((l) => l.replace('"tlp":"amber+strict"', '"tlp":"white"')), true), /part case, line 1: tlp/))

    it('a file that is not a bundle at all', () =>
      refused((p) => {
        const target = join(tempDir(), 'notes.txt')
        writeFileSync(target, `not a bundle ${p}`)
        return target
      }, /not a Huntbench case bundle/))
  })

  it('names a missing file and refuses both or neither of path and content', async () => {
    const s = services()
    expect(await failure(s, 'cases.importBundle', { path: '/nonexistent/x.hbcase' })).toMatchObject({ code: 'not_found', message: expect.stringMatching(/no such file/) })
    expect((await failure(s, 'cases.importBundle', {})).message).toMatch(/either path or content/)
    expect((await failure(s, 'cases.importBundle', { path: 'a', content: 'b' })).message).toMatch(/either path or content/)
  })

  it('never writes a secret into a bundle', async () => {
    const a = services()
    const secret = 'FAKEshodanKEYforBundleTest0123456'
    registerSecret(secret)
    const c = await call(a, 'cases.create', { title: 'secrets' })
    await call(a, 'cases.addNote', { caseId: c.id, body: `pasted by mistake: ${secret}` })
    const lookupId = storeLookup(a, { ioc: '8.8.8.8' })
    a.db.prepare('UPDATE lookups SET reference = ?, raw = ? WHERE id = ?').run(`https://api.shodan.io/shodan/host/8.8.8.8?key=${secret}`, JSON.stringify({ key: secret }), lookupId)
    await call(a, 'cases.attachLookup', { caseId: c.id, lookupId })
    const exported = await call(a, 'cases.exportBundle', { caseId: c.id })
    const text = gunzipSync(readFileSync(exported.path)).toString('utf8')
    expect(text).not.toContain(secret)
    expect(text).toContain('REDACTED')
    expect(text).toContain('pasted by mistake')
  })

  it('hands exported bundles to the browser by file name only', async () => {
    const a = services()
    const { caseId } = await buildCase(a)
    const exported = await call(a, 'cases.exportBundle', { caseId })
    const file = await call(a, 'cases.bundleFile', { fileName: exported.fileName })
    expect(Buffer.from(file.base64, 'base64').equals(readFileSync(exported.path))).toBe(true)
    expect((await failure(a, 'cases.bundleFile', { fileName: '../huntbench.db' })).code).toBe('invalid_input')
    expect((await failure(a, 'cases.bundleFile', { fileName: 'other.hbcase' })).code).toBe('not_found')
  })
})
