import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { bundleIdOf, memberLength, packMember, type Manifest } from '../../src/main/cases/bundle-format'
import { registerSecret } from '../../src/main/log'
import { MAX_BODY_BYTES } from '../../src/main/hosts/web/server'
import { api } from '../../src/shared/api'
import { MAX_BUNDLE_BASE64_CHARS, MAX_BUNDLE_UPLOAD_BYTES, MAX_DESCRIPTION_CHARS } from '../../src/shared/api/cases'
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

/** Where each gzip member of a bundle starts, and its length. */
function spans(file: Buffer): [number, number][] {
  const out: [number, number][] = []
  for (let at = 0; at < file.length; ) {
    const length = memberLength(file, at)
    if (length === null) throw new Error(`no member at ${at}`)
    out.push([at, length])
    at += length
  }
  return out
}

/** The lines of each member (header, one per part, manifest). */
function members(file: Buffer): string[][] {
  return spans(file).map(([at, length]) => gunzipSync(file.subarray(at, at + length)).toString('utf8').split('\n').slice(0, -1))
}

const text = (lines: string[]): Buffer => Buffer.from(lines.map((l) => l + '\n').join(''))

/** Rewrites a bundle's members and (optionally) re-seals its checksums, as a forger would. */
function rewrite(file: string, edit: (members: string[][]) => string[][], reseal: boolean): string {
  const edited = edit(members(readFileSync(file)))
  const packed = edited.map((lines) => packMember(text(lines)))
  if (reseal) {
    const parts: Manifest['parts'] = edited.slice(1, -1).map((lines, i) => {
      const head = JSON.parse(lines[0]) as { part: string; lines: number }
      const member = packed[i + 1]
      return { name: head.part, lines: head.lines, bytes: text(lines).length, sha256: createHash('sha256').update(member).digest('hex'), packedBytes: member.length }
    })
    const manifest = (JSON.parse(edited[edited.length - 1][0]) as { manifest: Manifest }).manifest
    packed[packed.length - 1] = packMember(text([JSON.stringify({ manifest: { ...manifest, parts, bundleId: bundleIdOf(parts) } })]))
  }
  const target = join(tempDir(), 'edited.hbcase')
  writeFileSync(target, Buffer.concat(packed))
  return target
}

/** The same bundle in format 1 (one gzip stream, checksums over decompressed lines), as older versions wrote. */
function asFormat1(file: string): string {
  const ms = members(readFileSync(file))
  const parts: Manifest['parts'] = ms.slice(1, -1).map((lines) => {
    const head = JSON.parse(lines[0]) as { part: string; lines: number }
    const body = text(lines.slice(1))
    return { name: head.part, lines: head.lines, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') }
  })
  const manifest = (JSON.parse(ms[ms.length - 1][0]) as { manifest: Manifest }).manifest
  const lines = [
    JSON.stringify({ format: 'huntbench-case-bundle', formatVersion: 1 }),
    ...ms.slice(1, -1).flat(),
    JSON.stringify({ manifest: { ...manifest, formatVersion: 1, parts, bundleId: bundleIdOf(parts) } })
  ]
  const target = join(tempDir(), 'format1.hbcase')
  writeFileSync(target, gzipSync(text(lines)))
  return target
}

/** Members: 0 header, 1 case, 2 runs, 3 rows:r0 (its part header, then rows), 4 lookups, ..., last manifest. */
const ROWS = 3

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

  it('makes a read-only import editable when the same bundle is imported again as writable', async () => {
    const a = services()
    const { caseId } = await buildCase(a)
    const exported = await call(a, 'cases.exportBundle', { caseId })
    const b = services()
    const first = await call(b, 'cases.importBundle', { path: exported.path })
    const refusal = await failure(b, 'cases.addNote', { caseId: first.caseId, body: 'x' })
    expect(refusal.message).toMatch(/import its bundle again as editable .*--writable/)
    const before = tableCounts(b)
    const again = await call(b, 'cases.importBundle', { path: exported.path, readOnly: false })
    expect(again).toMatchObject({ caseId: first.caseId, readOnly: false, created: false, updated: true })
    expect(tableCounts(b)).toEqual(before)
    expect((await call(b, 'cases.get', { caseId: first.caseId })).readOnly).toBe(false)
    await call(b, 'cases.addNote', { caseId: first.caseId, body: 'now editable' })
    // Asking for read-only later never locks an editable case.
    expect(await call(b, 'cases.importBundle', { path: exported.path })).toMatchObject({ caseId: first.caseId, readOnly: false, created: false, updated: false })
  })

  it('still imports bundles in format 1', async () => {
    const a = services()
    const { caseId } = await buildCase(a)
    const exported = await call(a, 'cases.exportBundle', { caseId })
    const b = services()
    const old = await call(b, 'cases.importBundle', { path: asFormat1(exported.path) })
    expect(old).toMatchObject({ created: true, readOnly: true, counts: exported.counts })
    expect(comparable(await call(b, 'cases.get', { caseId: old.caseId }))).toEqual(comparable(await call(a, 'cases.get', { caseId })))
    // The rows are recognised by content across formats, so the newer export adds no run.
    const runs = tableCounts(b).query_runs
    await call(a, 'cases.addNote', { caseId, body: 'later' })
    const newer = await call(b, 'cases.importBundle', { path: (await call(a, 'cases.exportBundle', { caseId })).path })
    expect(newer).toMatchObject({ caseId: old.caseId, updated: true })
    expect(tableCounts(b).query_runs).toBe(runs)
  })

  it('refuses a format 1 bundle whose rows were changed', async () => {
    const a = services()
    const { caseId } = await buildCase(a)
    const file = asFormat1((await call(a, 'cases.exportBundle', { caseId })).path)
    const edited = join(tempDir(), 'edited1.hbcase')
    writeFileSync(edited, gzipSync(gunzipSync(readFileSync(file)).toString('utf8').replace('198.51.100.23', '198.51.100.24')))
    const b = services()
    expect((await failure(b, 'cases.importBundle', { path: edited })).message).toMatch(/part rows:r0 fails its SHA-256 check.*Nothing was imported/)
  })

  it('keeps browser uploads under the web host limit, with advice to import by path', () => {
    expect(MAX_BUNDLE_BASE64_CHARS + 1024 * 1024).toBeLessThan(MAX_BODY_BYTES)
    expect(Math.ceil(MAX_BUNDLE_UPLOAD_BYTES / 3) * 4).toBeLessThanOrEqual(MAX_BUNDLE_BASE64_CHARS)
    const schema = api['cases.importBundle'].input
    const tooBig = schema.safeParse({ content: 'A'.repeat(MAX_BUNDLE_BASE64_CHARS + 1) })
    expect(tooBig.success).toBe(false)
    expect(JSON.stringify(tooBig.error?.issues)).toMatch(/import it by path with the CLI/)
    const description = api['cases.describe'].input.safeParse({ caseId: 1, description: 'x'.repeat(MAX_DESCRIPTION_CHARS + 1) })
    expect(description.success).toBe(false)
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
      refused((p) => rewrite(p, (ms) => ms.map((m) => m.map((l) => l.replace('198.51.100.23', '198.51.100.24'))), false), /part rows:r0 fails its SHA-256 check/))

    it('a file cut short', () =>
      refused((p) => {
        const bytes = readFileSync(p)
        const target = join(tempDir(), 'cut.hbcase')
        writeFileSync(target, bytes.subarray(0, Math.floor(bytes.length / 2)))
        return target
      }, /truncated/))

    it('a bundle whose manifest went missing', () => refused((p) => rewrite(p, (ms) => ms.slice(0, -1), false), /manifest is missing/))

    it('a part with lines removed', () => refused((p) => rewrite(p, (ms) => ms.map((m, i) => (i === ROWS ? m.filter((_l, j) => j !== 5) : m)), false), /part rows:r0 (fails its SHA-256 check|has a different size)/))

    it('a bundle from a newer format', () =>
      refused((p) => rewrite(p, (ms) => [[JSON.stringify({ format: 'huntbench-case-bundle', formatVersion: 9 })], ...ms.slice(1)], false), /newer Huntbench \(bundle format 9.*Update Huntbench/))

    it('a bundle from a newer schema', () =>
      refused(
        (p) =>
          rewrite(p, (ms) => {
            const m = JSON.parse(ms[ms.length - 1][0]) as { manifest: Manifest }
            return [...ms.slice(0, -1), [JSON.stringify({ manifest: { ...m.manifest, schemaVersion: 99, appVersion: '9.0.0' } })]]
          }, false),
        /newer Huntbench \(9\.0\.0, database schema 99/
      ))

    it('re-sealed checksums over rows that are not JSON arrays', () =>
      refused((p) => rewrite(p, (ms) => ms.map((m, i) => (i === ROWS ? m.map((l, j) => (j === 2 ? '{"not":"a row"}' : l)) : m)), true), /holds rows that are not JSON arrays/))

    it('re-sealed checksums over a row that is not JSON at all', () =>
      refused((p) => rewrite(p, (ms) => ms.map((m, i) => (i === ROWS ? m.map((l, j) => (j === 4 ? '["unterminated' : l)) : m)), true), /holds rows that are not JSON arrays/))

    it('re-sealed checksums over a row in JSON5, which JSON.parse would not read back', () =>
      refused((p) => rewrite(p, (ms) => ms.map((m, i) => (i === ROWS ? m.map((l, j) => (j === 3 ? '[1, 2,]' : l)) : m)), true), /holds rows that are not JSON arrays/))

    it('a changed byte inside a compressed part', () =>
      refused((p) => {
        const bytes = readFileSync(p)
        bytes[spans(bytes)[ROWS][0] + 100] ^= 0xff
        const target = join(tempDir(), 'flipped.hbcase')
        writeFileSync(target, bytes)
        return target
      }, /part rows:r0 fails its SHA-256 check/))

    it('a file cut at a part boundary', () =>
      refused((p) => {
        const bytes = readFileSync(p)
        const [at, length] = spans(bytes)[ROWS]
        const keep = at + length
        const target = join(tempDir(), 'cut.hbcase')
        writeFileSync(target, bytes.subarray(0, keep))
        return target
      }, /manifest is missing/))

    it('re-sealed checksums over a part that holds fewer lines than its header says', () =>
      refused((p) => rewrite(p, (ms) => ms.map((m, i) => (i === ROWS ? m.slice(0, -1) : m)), true), /part rows:r0 does not hold what the manifest lists/))

    it('re-sealed checksums over a case with a bad marking', () =>
      refused((p) => rewrite(p, (ms) => ms.map((m) => m.map((l) => l.replace('"tlp":"amber+strict"', '"tlp":"white"'))), true), /part case, line 1: tlp/))

    it('re-sealed checksums over a description longer than the app accepts', () =>
      refused((p) => rewrite(p, (ms) => ms.map((m, i) => (i === 1 ? m.map((l, j) => (j === 1 ? l.replace(/"description":"[^"]*"/, `"description":"${'x'.repeat(100_001)}"`) : l)) : m)), true), /part case, line 1: description/))

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
