import { afterEach, describe, expect, it } from 'vitest'
import { toFtsQuery, toSegments } from '../../src/main/cases/search'
import type { Services } from '../../src/main/services'
import type { SearchHit } from '../../src/shared/api/cases'
import { call, defenderRows, failure, importRun, storeLookup } from '../helpers/cases'
import { testServices } from '../helpers/services'

let s: Services
afterEach(() => s?.close())

const hitText = (segments: SearchHit['snippet']): string => segments.filter((x) => x.hit).map((x) => x.text.toLowerCase()).join(' ')

describe('search query building', () => {
  it('quotes every term so FTS5 syntax in the text is searched for, not run', () => {
    expect(toFtsQuery('beacon 10.1.2.3')).toEqual({ match: '"beacon" "10.1.2.3"*', terms: ['beacon', '10.1.2.3'] })
    expect(toFtsQuery('say "hi" OR NEAR(a b) -x').match).toBe('"say" """hi""" "OR" "NEAR(a" "b)" "-x"*')
    expect(toFtsQuery('  * ( ) " ').match).toBe('')
  })

  it('turns highlight markers into segments without any markup', () => {
    expect(toSegments('a \u0001b\u0002 <c>')).toEqual([
      { text: 'a ', hit: false },
      { text: 'b', hit: true },
      { text: ' <c>', hit: false }
    ])
  })
})

describe('search.query', () => {
  it('finds KQL text, notes, observables, lookup details and cases, with highlighted snippets', async () => {
    s = testServices()
    const c = await call(s, 'cases.create', { title: 'Kerberoasting wave', description: 'SPN requests from a service desk host' })
    const runId = await importRun(s, 'spn requests', defenderRows(1), 'IdentityLogonEvents | where Protocol == "Kerberos" | summarize count() by AccountUpn')
    await call(s, 'cases.attachRun', { caseId: c.id, runId })
    await call(s, 'cases.addNote', { caseId: c.id, body: 'The helpdesk host hd-07 asked for 400 tickets.' })
    await call(s, 'cases.addObservable', { caseId: c.id, value: 'rc4-downgrade.example.org' })
    storeLookup(s, { ioc: '198.51.100.23', details: JSON.stringify({ org: 'Bulletproof Hosting Ltd', ports: [8443] }) })

    const kerberos = await call(s, 'search.query', { text: 'kerberos' })
    expect(kerberos.hits.map((h) => h.kind)).toEqual(['run'])
    expect(kerberos.hits[0]).toMatchObject({ refId: runId })
    expect(hitText(kerberos.hits[0].snippet)).toBe('kerberos')
    expect(kerberos.hits[0].at).toBeTypeOf('number')

    const note = await call(s, 'search.query', { text: 'helpdesk tickets' })
    expect(note.hits).toHaveLength(1)
    expect(note.hits[0]).toMatchObject({ kind: 'note', caseId: c.id })
    expect(hitText(note.hits[0].snippet)).toBe('helpdesk tickets')

    expect((await call(s, 'search.query', { text: 'bulletproof' })).hits.map((h) => h.kind)).toEqual(['lookup'])
    expect((await call(s, 'search.query', { text: 'rc4-downgrade.example.org' })).hits.map((h) => h.kind)).toEqual(['observable'])
    const caseHit = await call(s, 'search.query', { text: 'kerberoast' })
    expect(caseHit.hits).toEqual([expect.objectContaining({ kind: 'case', refId: c.id, caseId: c.id })])
    expect(hitText(caseHit.hits[0].title)).toBe('kerberoasting')

    const onlyNotes = await call(s, 'search.query', { text: 'host', kinds: ['note'] })
    expect(onlyNotes.hits.map((h) => h.kind)).toEqual(['note'])
  })

  it('names the case a run, lookup or observable hit is attached to, so History can jump to it', async () => {
    s = testServices()
    const first = await call(s, 'cases.create', { title: 'First' })
    const second = await call(s, 'cases.create', { title: 'Second' })
    const runId = await importRun(s, 'spn requests', defenderRows(1), 'IdentityLogonEvents | where Protocol == "Kerberos"')
    const loose = await importRun(s, 'loose run', defenderRows(1), 'DeviceEvents | where ActionType == "Lonesome"')
    const lookupId = storeLookup(s, { ioc: '198.51.100.23', details: JSON.stringify({ org: 'Bulletproof Hosting Ltd' }) })
    await call(s, 'cases.attachRun', { caseId: first.id, runId })
    await call(s, 'cases.attachLookup', { caseId: second.id, lookupId })
    await call(s, 'cases.addObservable', { caseId: second.id, value: 'rc4-downgrade.example.org' })
    const hit = async (text: string): Promise<SearchHit> => (await call(s, 'search.query', { text })).hits[0]
    expect(await hit('kerberos')).toMatchObject({ kind: 'run', refId: runId, caseId: first.id })
    expect(await hit('bulletproof')).toMatchObject({ kind: 'lookup', refId: lookupId, caseId: second.id })
    expect(await hit('rc4-downgrade.example.org')).toMatchObject({ kind: 'observable', caseId: second.id })
    expect(await hit('lonesome')).toMatchObject({ kind: 'run', refId: loose, caseId: null })
    // Attached to a second case later: the latest case is the one named.
    await call(s, 'cases.attachRun', { caseId: second.id, runId })
    expect(await hit('kerberos')).toMatchObject({ caseId: second.id })
  })

  it('survives hostile FTS syntax and answers with results, not errors', async () => {
    s = testServices()
    const c = await call(s, 'cases.create', { title: 'quotes' })
    await call(s, 'cases.addNote', { caseId: c.id, body: 'he said "NEAR" and OR then AND (not) ^start col:value' })
    const hostile = ['"', '"unterminated', 'NEAR(', 'a OR', 'AND', 'NOT x', '(', ')', '*', 'col:value', '^start', '{a b}', 'a + b', "'; DROP TABLE cases; --", '\u0000', 'x'.repeat(500)]
    for (const text of hostile) {
      const answer = await s.router.call('search.query', { text })
      expect(answer.ok, text).toBe(true)
    }
    expect((await call(s, 'search.query', { text: '"NEAR"' })).hits).toHaveLength(1)
    expect((await call(s, 'search.query', { text: 'col:value' })).hits).toHaveLength(1)
    expect((await call(s, 'search.query', { text: '(not)' })).hits).toHaveLength(1)
    expect((await call(s, 'cases.list', {})).length).toBe(1)
    expect((await failure(s, 'search.query', { text: 'x'.repeat(501) })).code).toBe('invalid_input')
  })

  it('keeps search in step with edits and removals', async () => {
    s = testServices()
    const c = await call(s, 'cases.create', { title: 'edits' })
    const n = await call(s, 'cases.addNote', { caseId: c.id, body: 'mimikatz seen' })
    await call(s, 'cases.editNote', { caseId: c.id, noteId: n.id, body: 'rubeus seen' })
    expect((await call(s, 'search.query', { text: 'mimikatz' })).hits).toEqual([])
    expect((await call(s, 'search.query', { text: 'rubeus' })).hits).toHaveLength(1)
    await call(s, 'cases.removeItem', { caseId: c.id, kind: 'note', refId: n.id })
    expect((await call(s, 'search.query', { text: 'rubeus' })).hits).toEqual([])
  })
})

describe('history filters', () => {
  it('filters by date, status, profile, provider and case, and keeps the unfiltered feed', async () => {
    s = testServices()
    const insertRun = s.db.prepare(
      "INSERT INTO query_runs (source, title, kql, profile, started_at, status, error) VALUES ('hunt', ?, 'T', ?, ?, ?, ?)"
    )
    insertRun.run('contoso ok', 'Contoso', 1_000, 'succeeded', null)
    insertRun.run('contoso failed', 'Contoso', 2_000, 'failed', 'Syntax error')
    insertRun.run('fabrikam ok', 'Fabrikam', 3_000, 'succeeded', null)
    storeLookup(s, { ioc: '203.0.113.7', provider: 'Shodan', fetchedAt: 1_500 })
    storeLookup(s, { ioc: '203.0.113.8', provider: 'InternetDB', fetchedAt: 2_500 })
    const c = await call(s, 'cases.create', { title: 'filters' })
    await call(s, 'cases.attachRun', { caseId: c.id, runId: 3 })

    const titles = async (input: Record<string, unknown>): Promise<string[]> =>
      (await call(s, 'history.list', input as never)).items.map((i) => i.title)
    expect(await titles({})).toEqual(['fabrikam ok', 'InternetDB: 203.0.113.8', 'contoso failed', 'Shodan: 203.0.113.7', 'contoso ok'])
    expect(await titles({ from: 1_500, to: 2_500 })).toEqual(['contoso failed', 'Shodan: 203.0.113.7'])
    expect(await titles({ status: 'failed' })).toEqual(['contoso failed'])
    expect(await titles({ status: 'succeeded', kind: 'run' })).toEqual(['fabrikam ok', 'contoso ok'])
    expect(await titles({ profile: 'Contoso' })).toEqual(['contoso failed', 'contoso ok'])
    expect(await titles({ provider: 'Shodan' })).toEqual(['Shodan: 203.0.113.7'])
    expect(await titles({ caseId: c.id })).toEqual(['fabrikam ok'])
    expect(await titles({ status: 'running' })).toEqual([])
    const page = await call(s, 'history.list', { limit: 2, offset: 1 })
    expect(page.total).toBe(5)
    expect(page.items.map((i) => i.title)).toEqual(['InternetDB: 203.0.113.8', 'contoso failed'])
    const facets = await call(s, 'history.facets', {})
    expect(facets).toEqual({ profiles: ['Contoso', 'Fabrikam'], providers: ['InternetDB', 'Shodan'], cases: [{ id: c.id, title: 'filters' }] })
  })
})
