// Opening what is stored never sends a request: History's "Open" on a lookup shows that
// stored answer's host card; an observable search hit carries its full value (the snippet
// may be cut short); a run's enrichment says how many distinct values it queued.
import { describe, expect, it } from 'vitest'
import type { TiLookupAnswer } from '../../src/shared/ti'
import { call, failure } from '../helpers/cases'
import { tiRig, waitForJob } from '../helpers/ti'

describe('opening stored lookups', () => {
  it('shows one stored answer by id, with its own fetch time, without a request', async () => {
    const { services: s, fake } = await tiRig()
    s.ti.start()
    const first = (await call(s, 'ti.lookup', { observables: ['8.8.8.8'], providers: ['internetdb'] })) as TiLookupAnswer
    await waitForJob(s, first.jobId)
    const second = (await call(s, 'ti.lookup', { observables: ['8.8.8.8'], providers: ['internetdb'], refresh: true })) as TiLookupAnswer
    await waitForJob(s, second.jobId)
    const ids = s.db.prepare("SELECT id, fetched_at FROM lookups WHERE provider = 'internetdb' AND safe_ioc = '8.8.8.8' ORDER BY id").all() as { id: number; fetched_at: number }[]
    expect(ids).toHaveLength(2)
    const sent = fake.counts.internetdb.get('8.8.8.8')

    // The older answer, as History lists it, not the newest.
    const card = await call(s, 'ti.hostCard', { provider: 'internetdb', ioc: '8.8.8.8', lookupId: ids[0].id })
    expect(card).toMatchObject({ provider: 'internetdb', ioc: '8.8.8.8', fetchedAt: ids[0].fetched_at, found: true })
    expect(fake.counts.internetdb.get('8.8.8.8')).toBe(sent)

    // An id that is not that provider's answer for that observable is refused by name.
    const wrong = await failure(s, 'ti.hostCard', { provider: 'shodan', ioc: '8.8.8.8', lookupId: ids[0].id })
    expect(wrong).toMatchObject({ code: 'not_found', message: expect.stringContaining(`answer ${ids[0].id} for 8.8.8.8`) })
  })

  it('gives an observable search hit its full value even when the snippet is cut short', async () => {
    const { services: s } = await tiRig({ key: null })
    const c = await call(s, 'cases.create', { title: 'long url' })
    const path = Array.from({ length: 40 }, (_, i) => `segment${i}`).join('/')
    const url = `https://payload.example.org/${path}/beacon`
    const added = await call(s, 'cases.addObservable', { caseId: c.id, value: url, type: 'url' })
    const hits = (await call(s, 'search.query', { text: 'beacon', kinds: ['observable'] })).hits
    expect(hits).toHaveLength(1)
    const snippet = hits[0].snippet.map((x) => x.text).join('')
    expect(snippet).toContain('…')
    expect(hits[0].value).toBe(added.value)
    expect(hits[0].value).not.toContain('…')
  })

  it("counts a run's distinct values queued against those shown", async () => {
    const { services: s } = await tiRig({ key: null })
    const rows = ['8.8.8.8', '1.1.1.1', '8.8.8.8', '9.9.9.9'].map((ip, i) => [new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), ip])
    const { runId } = await call(s, 'results.import', { title: 'net', columns: [{ name: 'Timestamp', type: 'DateTime' }, { name: 'RemoteIP', type: 'String' }], rows })
    await call(s, 'ti.enrichRun', { runId, column: 'RemoteIP', providers: ['internetdb'] })
    const page = await call(s, 'ti.runEnrichment', { runId, column: 'RemoteIP', limit: 2 })
    expect(page.distinctValues).toBe(3)
    expect(page.total).toBe(3)
    expect(page.values).toHaveLength(2)
  })
})
