import { describe, expect, it } from 'vitest'
import type { TiLookupAnswer, TiRow } from '../../src/shared/ti'
import { tiRig, waitForJob } from '../helpers/ti'

describe('bad input and bad answers', () => {
  it('takes 100,000 pasted lines: empty lines skipped, garbage and private IPs get a row each, nothing sent for them', async () => {
    const { services: s, fake } = await tiRig()
    const lines: string[] = []
    for (let i = 0; i < 100_000; i++) {
      if (i % 4 === 0) lines.push('')
      else if (i % 4 === 1) lines.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)
      else if (i % 4 === 2) lines.push(i % 1000 === 2 ? `<script>alert(${i})</script>` : '8.8.8.8')
      else lines.push(i % 3 === 0 ? '1.1.1[.]1' : 'not-an-ip')
    }
    const answer = await s.router.call('ti.lookup', { text: lines.join('\n'), providers: ['internetdb'] })
    expect(answer.ok).toBe(true)
    const value = (answer as { value: TiLookupAnswer }).value
    // 25,000 distinct private IPs, 8.8.8.8, 1.1.1.1, "not-an-ip", and 100 distinct script lines.
    expect(value.distinct).toBe(25_000 + 2 + 1 + 100)
    expect(s.db.prepare('SELECT count(*) FROM ti_queue').pluck().get()).toBe(2)
    s.ti.start()
    await waitForJob(s, value.jobId)
    const page = s.ti.results(value.jobId, 0, 5000, false)
    expect(page.total).toBe(value.distinct)
    const byStatus = new Map<number, number>()
    for (let offset = 0; offset < page.total; offset += 5000) {
      for (const r of s.ti.results(value.jobId, offset, 5000, false).rows) byStatus.set(r.Status, (byStatus.get(r.Status) ?? 0) + 1)
    }
    expect(byStatus.get(0)).toBe(2)
    expect(byStatus.get(2)).toBe(25_000 + 1 + 100)
    const garbage = page.rows.find((r) => r.Ioc === 'not-an-ip')!
    expect(garbage).toMatchObject({ IocType: 'unknown', Status: 2, State: 'bad' })
    expect(garbage.Details).toMatch(/Not a recognised observable/)
    expect(fake.counts.internetdb.size).toBe(2)
  }, 60_000)

  it('answers empty input with a clear error and stores nothing', async () => {
    const { services: s } = await tiRig()
    const answer = await s.router.call('ti.lookup', { text: '\n   \n\t\n' })
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/Nothing to look up/) } })
    const none = await s.router.call('ti.lookup', {})
    expect(none).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/give text or observables/) } })
    expect(s.db.prepare('SELECT count(*) FROM ti_jobs').pluck().get()).toBe(0)
  })

  it('gives malformed, wrongly shaped and huge answers a clear per-row status, and loses nothing stored', async () => {
    const { services: s, fake } = await tiRig({ ti: { maxAnswerBytes: 1024 * 1024 } })
    s.ti.start()
    const warm = await s.ti.lookup({ observables: ['8.8.8.8'], providers: ['shodan'] })
    await waitForJob(s, warm.jobId)
    const runId = s.runs.storeComplete({ source: 'import', title: 'kept', kql: '', startedAt: 1, status: 'succeeded' }, { status: 'succeeded', durationMs: 0, rowCount: 1, truncated: false, schema: [{ name: 'ip', type: 'String' }] }, [['8.8.8.8']])
    const lookupsBefore = s.db.prepare('SELECT id, safe_ioc, details FROM lookups ORDER BY id').all()

    fake.control.malformedIps.add('1.1.1.1')
    fake.control.hugeIps.add('45.33.32.156')
    fake.control.hugeBytes = 3 * 1024 * 1024
    // JSON that is not a host (an array) for the first request, 104.16.0.1.
    fake.control.forceNext.push({ status: 200, body: '[1, 2, 3]' })
    const job = await s.ti.lookup({ observables: ['104.16.0.1', '1.1.1.1', '45.33.32.156', '185.220.101.1'], providers: ['shodan'] })
    await waitForJob(s, job.jobId)
    const rows = s.ti.results(job.jobId, 0, 10, false).rows
    const row = (ip: string): TiRow => rows.find((r) => r.SafeIoc === ip)!
    expect(row('1.1.1.1')).toMatchObject({ State: 'failed', Status: 3, Details: 'Shodan sent an answer that is not valid JSON' })
    expect(row('45.33.32.156')).toMatchObject({ State: 'failed', Status: 3, Details: 'Shodan: the answer was larger than 1 MB; it was not stored' })
    expect(row('104.16.0.1')).toMatchObject({ State: 'failed', Status: 3, Details: 'Shodan sent an answer of an unexpected shape (not a JSON object)' })
    expect(row('185.220.101.1')).toMatchObject({ State: 'done', Status: 0 })

    // Nothing stored before was lost or changed; failures are attempts, not cache entries.
    const lookupsAfter = s.db.prepare('SELECT id, safe_ioc, details FROM lookups ORDER BY id').all()
    expect(lookupsAfter.slice(0, lookupsBefore.length)).toEqual(lookupsBefore)
    expect(lookupsAfter).toHaveLength(lookupsBefore.length + 1)
    expect(s.runs.rows(runId, 0, 5).rows).toEqual([['8.8.8.8']])
    expect(s.db.prepare("SELECT count(*) FROM ti_attempts WHERE outcome = 'failed'").pluck().get()).toBe(3)
    // A failed observable is asked again next time (failures are never served from the cache).
    fake.control.malformedIps.clear()
    const again = await s.ti.lookup({ observables: ['1.1.1.1'], providers: ['shodan'] })
    await waitForJob(s, again.jobId)
    expect(s.ti.results(again.jobId, 0, 1, false).rows[0]).toMatchObject({ Status: 0, FromCache: false })
  })

  it('checks an object without a ports list', async () => {
    const { services: s, fake } = await tiRig()
    s.ti.start()
    fake.control.forceNext.push({ status: 200, body: JSON.stringify({ ip_str: '8.8.8.8', ports: 'many' }) })
    const job = await s.ti.lookup({ observables: ['8.8.8.8'], providers: ['shodan'] })
    await waitForJob(s, job.jobId)
    expect(s.ti.results(job.jobId, 0, 1, false).rows[0].Details).toBe('Shodan sent an answer of an unexpected shape (the ports list is missing)')
  })

  it('answers unsupported types per provider, and enrichment of a missing column names the columns', async () => {
    const { services: s } = await tiRig()
    const job = await s.ti.lookup({ text: 'evil.example.com\nd41d8cd98f00b204e9800998ecf8427e\n2606:4700:4700::1111', providers: ['shodan', 'internetdb'] })
    const rows = s.ti.results(job.jobId, 0, 10, false).rows
    expect(rows.filter((r) => r.Status === 1).map((r) => `${r.SafeIoc}/${r.Provider}`)).toEqual([
      'evil.example.com/shodan', 'evil.example.com/internetdb', 'd41d8cd98f00b204e9800998ecf8427e/shodan', 'd41d8cd98f00b204e9800998ecf8427e/internetdb', '2606:4700:4700::1111/internetdb'
    ])
    expect(rows.find((r) => r.Status === 1)!.Details).toBe('Shodan does not look up dns observables.')
    const runId = s.runs.storeComplete({ source: 'import', title: 't', kql: '', startedAt: 1, status: 'succeeded' }, { status: 'succeeded', durationMs: 0, rowCount: 0, truncated: false, schema: [{ name: 'RemoteIP', type: 'String' }] }, [])
    const bad = await s.router.call('ti.enrichRun', { runId, column: 'RemoteIp' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'not_found', message: 'Run 1 has no column named "RemoteIp"; its columns are RemoteIP.' } })
  })
})
