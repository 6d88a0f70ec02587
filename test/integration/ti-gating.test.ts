// TLP:RED / PAP:RED gating is enforced in main for every lookup path, not only when the
// caller names a case: the run being enriched and each observable's cases count too. A
// refusal queues nothing and creates no job.
import { describe, expect, it } from 'vitest'
import type { Services } from '../../src/main/services'
import type { TiLookupAnswer } from '../../src/shared/ti'
import { call, failure } from '../helpers/cases'
import { tiRig } from '../helpers/ti'

const columns = [
  { name: 'Timestamp', type: 'DateTime' },
  { name: 'RemoteIP', type: 'String' }
]

async function importRun(s: Services, title: string, ips: string[]): Promise<number> {
  const rows = ips.map((ip, i) => [new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), ip])
  return (await call(s, 'results.import', { title, columns, rows })).runId
}

const count = (s: Services, table: 'ti_jobs' | 'ti_queue' | 'ti_job_items'): number =>
  s.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number

function nothingQueued(s: Services): void {
  expect(count(s, 'ti_jobs')).toBe(0)
  expect(count(s, 'ti_job_items')).toBe(0)
  expect(count(s, 'ti_queue')).toBe(0)
}

describe('TLP/PAP gating of lookups in main', () => {
  it('refuses ti.lookup for a RED case given with the request', async () => {
    const { services: s } = await tiRig({ key: null })
    const red = await call(s, 'cases.create', { title: 'Board leak', tlp: 'red' })
    const error = await failure(s, 'ti.lookup', { observables: ['8.8.8.8'], caseId: red.id })
    expect(error.code).toBe('forbidden')
    expect(error.message).toContain(`Case #${red.id}`)
    expect(error.message).toContain('TLP:RED')
    nothingQueued(s)
  })

  it('refuses ti.enrichRun for a run attached to a TLP:RED or PAP:RED case, with or without caseId', async () => {
    const { services: s } = await tiRig({ key: null })
    const runId = await importRun(s, 'egress', ['8.8.8.8', '1.1.1.1'])
    const c = await call(s, 'cases.create', { title: 'Insider', tlp: 'red', pap: 'amber' })
    await call(s, 'cases.attachRun', { caseId: c.id, runId })

    const tlp = await failure(s, 'ti.enrichRun', { runId, column: 'RemoteIP' })
    expect(tlp.code).toBe('forbidden')
    expect(tlp.message).toMatch(new RegExp(`Run ${runId} is attached to Case #${c.id} .Insider.`))
    expect(tlp.message).toContain('TLP:RED')
    nothingQueued(s)

    await call(s, 'cases.setMarkings', { caseId: c.id, tlp: 'amber', pap: 'red' })
    const pap = await failure(s, 'ti.enrichRun', { runId, column: 'RemoteIP' })
    expect(pap).toMatchObject({ code: 'forbidden', message: expect.stringContaining('PAP:RED') })
    expect(pap.message).not.toContain('TLP:RED')
    nothingQueued(s)

    // A RED case named with the request is refused too, even for an unattached run.
    const other = await importRun(s, 'other', ['9.9.9.9'])
    const named = await failure(s, 'ti.enrichRun', { runId: other, column: 'RemoteIP', caseId: c.id })
    expect(named.code).toBe('forbidden')
    nothingQueued(s)

    // Once the marking allows outside lookups, the same enrichment goes ahead.
    await call(s, 'cases.setMarkings', { caseId: c.id, pap: 'amber' })
    const answer = (await call(s, 'ti.enrichRun', { runId, column: 'RemoteIP' })) as TiLookupAnswer
    expect(answer.distinct).toBe(2)
    expect(count(s, 'ti_queue')).toBe(2)
  })

  it('refuses observables that belong only to RED cases, per row, and whole lookups made only of them', async () => {
    const { services: s } = await tiRig({ key: null })
    const red = await call(s, 'cases.create', { title: 'Red one', tlp: 'red' })
    await call(s, 'cases.addObservable', { caseId: red.id, value: '8.8.8.8' })

    // Only refused observables: a clear error, nothing queued.
    const alone = await failure(s, 'ti.lookup', { observables: ['8[.]8.8.8'] })
    expect(alone.code).toBe('forbidden')
    expect(alone.message).toContain(`8.8.8.8 belongs only to Case #${red.id}`)
    expect(alone.message).toContain('TLP:RED')
    nothingQueued(s)

    // Mixed: the refused row says why; only the other observable is queued.
    const mixed = (await call(s, 'ti.lookup', { observables: ['8.8.8.8', '1.1.1.1'] })) as TiLookupAnswer
    const rows = s.ti.allRows(mixed.jobId, false)
    expect(rows.find((r) => r.Ioc === '8.8.8.8')).toMatchObject({ State: 'bad', Status: 10, Details: expect.stringMatching(/^Not looked up: .*TLP:RED/) })
    expect(rows.find((r) => r.Ioc === '1.1.1.1')).toMatchObject({ State: 'pending' })
    expect(s.db.prepare('SELECT safe_ioc FROM ti_queue').pluck().all()).toEqual(['1.1.1.1'])

    // Also known from a case without RED markings: no longer confined to the room.
    const green = await call(s, 'cases.create', { title: 'Green one', tlp: 'green', pap: 'green' })
    await call(s, 'cases.addObservable', { caseId: green.id, value: '8.8.8.8' })
    const allowed = (await call(s, 'ti.lookup', { observables: ['8.8.8.8'] })) as TiLookupAnswer
    expect(s.ti.allRows(allowed.jobId, false)[0]).toMatchObject({ Ioc: '8.8.8.8', State: 'pending' })
  })

  it('counts observables seen in a run attached to a RED case, including when another run is enriched', async () => {
    const { services: s } = await tiRig({ key: null })
    const redRun = await importRun(s, 'red run', ['9.9.9.9'])
    const red = await call(s, 'cases.create', { title: 'PAP red', pap: 'red' })
    await call(s, 'cases.extractObservables', { caseId: red.id, runId: redRun })

    const pasted = await failure(s, 'ti.lookup', { text: 'seen at 9.9.9[.]9 yesterday' })
    expect(pasted).toMatchObject({ code: 'forbidden', message: expect.stringContaining('PAP:RED') })
    nothingQueued(s)

    const open = await importRun(s, 'open run', ['9.9.9.9', '1.0.0.1'])
    const answer = (await call(s, 'ti.enrichRun', { runId: open, column: 'RemoteIP' })) as TiLookupAnswer
    const rows = s.ti.allRows(answer.jobId, false)
    expect(rows.find((r) => r.Ioc === '9.9.9.9')).toMatchObject({ State: 'bad', Details: expect.stringContaining('PAP:RED') })
    expect(s.db.prepare('SELECT safe_ioc FROM ti_queue').pluck().all()).toEqual(['1.0.0.1'])
  })
})
