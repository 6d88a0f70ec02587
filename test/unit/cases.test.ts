import { afterEach, describe, expect, it } from 'vitest'
import { assertLookupAllowed } from '../../src/main/cases/gating'
import type { Services } from '../../src/main/services'
import { MAX_NOTE_CHARS } from '../../src/shared/api/cases'
import { HuntbenchError } from '../../src/shared/errors'
import { call, defenderRows, failure, importRun, storeLookup } from '../helpers/cases'
import { testServices } from '../helpers/services'

let s: Services
afterEach(() => s?.close())

describe('cases: create, describe, status and markings', () => {
  it('creates a case with defaults, lists it, renames and describes it', async () => {
    s = testServices()
    const created = await call(s, 'cases.create', { title: '  Beacon on HR laptops ' })
    expect(created).toMatchObject({ title: 'Beacon on HR laptops', status: 'open', tlp: 'amber', pap: 'amber', readOnly: false })
    expect(created.uid).toMatch(/^[0-9a-f]{32}$/)
    await call(s, 'cases.rename', { caseId: created.id, title: 'Cobalt Strike beacon on HR laptops' })
    await call(s, 'cases.describe', { caseId: created.id, description: '## Scope\n\nTwo laptops in **HR**.' })
    await call(s, 'cases.setStatus', { caseId: created.id, status: 'closed' })
    const detail = await call(s, 'cases.get', { caseId: created.id })
    expect(detail).toMatchObject({ title: 'Cobalt Strike beacon on HR laptops', description: '## Scope\n\nTwo laptops in **HR**.', status: 'closed' })
    expect((await call(s, 'cases.list', { status: 'closed' })).map((c) => c.id)).toEqual([created.id])
    expect(await call(s, 'cases.list', { status: 'open' })).toEqual([])
  })

  it('accepts every TLP and PAP level and refuses others by name', async () => {
    s = testServices()
    const { id } = await call(s, 'cases.create', { title: 'markings' })
    for (const tlp of ['clear', 'green', 'amber', 'amber+strict', 'red'] as const) {
      expect((await call(s, 'cases.setMarkings', { caseId: id, tlp })).tlp).toBe(tlp)
    }
    for (const pap of ['clear', 'green', 'amber', 'red'] as const) {
      expect((await call(s, 'cases.setMarkings', { caseId: id, pap })).pap).toBe(pap)
    }
    const bad = await failure(s, 'cases.setMarkings', { caseId: id, tlp: 'white' })
    expect(bad.code).toBe('invalid_input')
    expect(bad.message).toMatch(/tlp/)
    expect((await failure(s, 'cases.setMarkings', { caseId: id })).message).toMatch(/tlp, pap or both/)
    expect((await failure(s, 'cases.setMarkings', { caseId: id, pap: 'amber+strict' })).code).toBe('invalid_input')
  })

  it('refuses outbound lookups for TLP:RED and PAP:RED cases, saying why', async () => {
    s = testServices()
    const { id } = await call(s, 'cases.create', { title: 'sensitive', tlp: 'amber', pap: 'amber' })
    expect(() => assertLookupAllowed(s.db, id)).not.toThrow()
    await call(s, 'cases.setMarkings', { caseId: id, tlp: 'red' })
    let err: unknown
    try {
      assertLookupAllowed(s.db, id)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(HuntbenchError)
    expect((err as HuntbenchError).code).toBe('forbidden')
    expect((err as HuntbenchError).message).toMatch(/TLP:RED.*Shodan/)
    await call(s, 'cases.setMarkings', { caseId: id, tlp: 'amber+strict', pap: 'red' })
    expect(() => s.cases.assertLookupAllowed(id)).toThrow(/PAP:RED/)
    await call(s, 'cases.setMarkings', { caseId: id, pap: 'green' })
    expect(() => s.cases.assertLookupAllowed(id)).not.toThrow()
    expect(() => assertLookupAllowed(s.db, 999)).toThrow(/no case with id 999/)
  })
})

describe('cases: timeline, notes and items', () => {
  it('shows runs, lookups, observables and notes in one timeline, newest first', async () => {
    let clock = Date.UTC(2026, 2, 1)
    s = testServices({ now: () => (clock += 1000) })
    const { id } = await call(s, 'cases.create', { title: 'timeline' })
    const runId = await importRun(s, 'outbound 443', defenderRows(3))
    const lookupId = storeLookup(s, { ioc: '203.0.113.7', fetchedAt: clock + 5000 })
    expect(await call(s, 'cases.attachRun', { caseId: id, runId })).toEqual({ attached: true })
    expect(await call(s, 'cases.attachRun', { caseId: id, runId })).toEqual({ attached: false })
    await call(s, 'cases.attachLookup', { caseId: id, lookupId })
    const note = await call(s, 'cases.addNote', { caseId: id, body: 'Looks like **staging**.' })
    const detail = await call(s, 'cases.get', { caseId: id })
    expect(detail.counts).toEqual({ runs: 1, lookups: 1, observables: 1, notes: 1 })
    const kinds = detail.timeline.map((t) => t.kind)
    expect(kinds).toEqual(expect.arrayContaining(['run', 'lookup', 'observable', 'note']))
    const ats = detail.timeline.map((t) => t.at)
    expect([...ats].sort((a, b) => b - a)).toEqual(ats)
    // The lookup brought its indicator in as an observable, seen once by that lookup.
    expect(detail.observables).toEqual([expect.objectContaining({ type: 'ipv4', value: '203.0.113.7', count: 1 })])
    const edited = await call(s, 'cases.editNote', { caseId: id, noteId: note.id, body: 'Confirmed staging server.' })
    expect(edited.body).toBe('Confirmed staging server.')
    expect(edited.updatedAt).toBeGreaterThan(edited.createdAt)
    await call(s, 'cases.removeItem', { caseId: id, kind: 'note', refId: note.id })
    await call(s, 'cases.removeItem', { caseId: id, kind: 'run', refId: runId })
    const after = await call(s, 'cases.get', { caseId: id })
    expect(after.counts).toEqual({ runs: 0, lookups: 1, observables: 1, notes: 0 })
    // The run itself is still stored; only its place in the case went.
    expect((await call(s, 'runs.get', { runId })).title).toBe('outbound 443')
    expect((await failure(s, 'cases.removeItem', { caseId: id, kind: 'run', refId: runId })).code).toBe('not_found')
  })

  it('caps huge notes with a clear error and keeps the notes already stored', async () => {
    s = testServices()
    const { id } = await call(s, 'cases.create', { title: 'notes' })
    const kept = await call(s, 'cases.addNote', { caseId: id, body: 'first finding' })
    const huge = 'x'.repeat(MAX_NOTE_CHARS + 1)
    const err = await failure(s, 'cases.addNote', { caseId: id, body: huge })
    expect(err.code).toBe('invalid_input')
    expect(err.message).toMatch(/body: must be at most 100,000 characters; split it into several notes/)
    expect((await failure(s, 'cases.editNote', { caseId: id, noteId: kept.id, body: huge })).code).toBe('invalid_input')
    expect((await failure(s, 'cases.addNote', { caseId: id, body: '   ' })).message).toMatch(/needs some text/)
    const detail = await call(s, 'cases.get', { caseId: id })
    expect(detail.timeline.filter((t) => t.kind === 'note').map((t) => t.kind === 'note' && t.note.body)).toEqual(['first finding'])
    expect((await failure(s, 'cases.describe', { caseId: id, description: huge })).code).toBe('invalid_input')
  })

  it('adds observables by hand with type detection, and refuses what is not one', async () => {
    s = testServices()
    const { id } = await call(s, 'cases.create', { title: 'hand' })
    expect(await call(s, 'cases.addObservable', { caseId: id, value: 'Evil-CDN.example.NET' })).toMatchObject({ type: 'dns', value: 'evil-cdn.example.net', count: 1 })
    expect(await call(s, 'cases.addObservable', { caseId: id, value: '1.2.3[.]4' })).toMatchObject({ type: 'ipv4', value: '1.2.3.4' })
    expect(await call(s, 'cases.addObservable', { caseId: id, value: 'CONTOSO\\alice', type: 'account' })).toMatchObject({ type: 'account', value: 'CONTOSO\\alice' })
    const err = await failure(s, 'cases.addObservable', { caseId: id, value: 'just words' })
    expect(err.code).toBe('invalid_input')
    expect(err.message).toMatch(/not a recognised observable.*account or device/)
    expect((await failure(s, 'cases.addObservable', { caseId: id, value: '1.2.3.4', type: 'dns' })).message).toMatch(/looks like ipv4, not dns/)
    expect((await call(s, 'cases.get', { caseId: id })).observables).toHaveLength(3)
  })

  it('answers not_found for cases, runs and lookups that do not exist', async () => {
    s = testServices()
    expect((await failure(s, 'cases.get', { caseId: 42 })).code).toBe('not_found')
    const { id } = await call(s, 'cases.create', { title: 'x' })
    expect((await failure(s, 'cases.attachRun', { caseId: id, runId: 7 })).message).toMatch(/no stored run with id 7/)
    expect((await failure(s, 'cases.attachLookup', { caseId: id, lookupId: 7 })).message).toMatch(/no stored lookup with id 7/)
  })
})

describe('observables from results', () => {
  it('extracts IPs, URLs, domains, hashes, accounts and devices with counts and first/last seen', async () => {
    s = testServices()
    const { id } = await call(s, 'cases.create', { title: 'extract' })
    const runId = await importRun(s, 'net', defenderRows(6))
    const result = await call(s, 'cases.extractObservables', { caseId: id, runId })
    expect(result.scannedRows).toBe(6)
    const byKey = new Map(result.observables.map((o) => [`${o.type} ${o.value}`, o]))
    expect(byKey.get('device hr-laptop-01.contoso.local')).toMatchObject({ count: 3 })
    expect(byKey.get('account alice@contoso.com')).toMatchObject({ count: 6 })
    // Rows 0 and 3 (minutes 0 and 3) carry 203.0.113.7.
    expect(byKey.get('ipv4 203.0.113.7')).toEqual({
      type: 'ipv4',
      value: '203.0.113.7',
      count: 2,
      firstSeen: Date.UTC(2026, 0, 1),
      lastSeen: Date.UTC(2026, 0, 1) + 3 * 60_000
    })
    expect(byKey.get('url http://evil-cdn.example.net/payload.ps1')).toMatchObject({ count: 6 })
    expect(byKey.get('url http://evil-cdn.example.net/stage2')).toMatchObject({ count: 6 })
    expect(byKey.get('sha256_hash e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toMatchObject({ count: 6 })
    // A file name in a command line is not a domain; AccountUpn is an account, not an email.
    expect([...byKey.keys()].some((k) => k.includes('x.exe'))).toBe(false)
    expect(byKey.has('email alice@contoso.com')).toBe(false)
    const detail = await call(s, 'cases.get', { caseId: id })
    expect(detail.counts.runs).toBe(1)
    expect(detail.observables.length).toBe(result.found)
    // Extracting again changes nothing: counts are per run, not added up twice.
    const again = await call(s, 'cases.extractObservables', { caseId: id, runId })
    expect(again.added).toBe(0)
    const after = await call(s, 'cases.get', { caseId: id })
    expect(after.observables.find((o) => o.value === '203.0.113.7')?.count).toBe(2)
  })

  it('says where an observable was seen before: other cases, other runs, earlier lookups', async () => {
    s = testServices()
    const first = await call(s, 'cases.create', { title: 'first case' })
    const second = await call(s, 'cases.create', { title: 'second case' })
    const runA = await importRun(s, 'run A', defenderRows(3))
    const runB = await importRun(s, 'run B', defenderRows(4))
    await call(s, 'cases.extractObservables', { caseId: first.id, runId: runA })
    await call(s, 'cases.extractObservables', { caseId: second.id, runId: runB })
    storeLookup(s, { ioc: '203.0.113.7' })
    const seen = await call(s, 'observables.seenBefore', { value: '203.0.113.7', excludeCaseId: second.id })
    expect(seen.known).toBe(true)
    expect(seen.type).toBe('ipv4')
    expect(seen.cases.map((c) => c.title)).toEqual(['first case'])
    expect(seen.runs.map((r) => r.title)).toEqual(['run A'])
    expect(seen.lookups).toHaveLength(1)
    const detail = await call(s, 'cases.get', { caseId: second.id })
    expect(detail.observables.find((o) => o.value === '203.0.113.7')?.elsewhere).toEqual({ cases: 1, runs: 1, lookups: 1 })
    const unknown = await call(s, 'observables.seenBefore', { value: '192.0.2.200' })
    expect(unknown).toMatchObject({ known: false, cases: [], runs: [], lookups: [] })
  })
})

describe('read-only cases', () => {
  it('refuses every change with a message that says why, and changes nothing', async () => {
    s = testServices()
    const { id } = await call(s, 'cases.create', { title: 'imported' })
    await call(s, 'cases.addNote', { caseId: id, body: 'original' })
    s.db.prepare('UPDATE cases SET read_only = 1 WHERE id = ?').run(id)
    const runId = await importRun(s, 'r', defenderRows(1))
    const attempts: [string, Record<string, unknown>][] = [
      ['cases.rename', { title: 'changed' }],
      ['cases.describe', { description: 'changed' }],
      ['cases.setStatus', { status: 'archived' }],
      ['cases.setMarkings', { tlp: 'clear' }],
      ['cases.attachRun', { runId }],
      ['cases.addNote', { body: 'more' }],
      ['cases.addObservable', { value: '8.8.8.8' }],
      ['cases.extractObservables', { runId }]
    ]
    for (const [method, input] of attempts) {
      const err = await failure(s, method as 'cases.rename', { caseId: id, ...input })
      expect(err.code, method).toBe('conflict')
      expect(err.message).toMatch(/imported from a bundle and is read-only/)
    }
    const detail = await call(s, 'cases.get', { caseId: id })
    expect(detail).toMatchObject({ title: 'imported', status: 'open', tlp: 'amber', readOnly: true })
    expect(detail.counts).toEqual({ runs: 0, lookups: 0, observables: 0, notes: 1 })
  })
})
