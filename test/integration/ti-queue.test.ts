import { describe, expect, it } from 'vitest'
import { RATE_LIMIT_MESSAGE } from '../fakes/shodan'
import { tiRig, waitForJob } from '../helpers/ti'

describe('ti queue against the fake Shodan', () => {
  it('looks up pasted IPs with msticpy columns, severity, and a redacted Reference', async () => {
    const { services: s, fake } = await tiRig()
    s.ti.start()
    const answer = await s.ti.lookup({ text: '8.8.8.8\n185.220.101[.]1\n10.0.0.1\n203.0.113.5\n', providers: ['shodan'] })
    expect(answer.distinct).toBe(4)
    await waitForJob(s, answer.jobId)
    const rows = s.ti.results(answer.jobId, 0, 50, true).rows
    const by = Object.fromEntries(rows.map((r) => [r.SafeIoc, r]))
    expect(by['8.8.8.8']).toMatchObject({ Ioc: '8.8.8.8', IocType: 'ipv4', Provider: 'shodan', Result: true, Status: 0, Severity: 'warning', FromCache: false, State: 'done' })
    expect(by['8.8.8.8'].Reference).toBe(`${fake.url}/shodan/host/8.8.8.8?key=REDACTED`)
    expect((by['8.8.8.8'].RawResult as { ip_str: string }).ip_str).toBe('8.8.8.8')
    expect(by['185.220.101.1']).toMatchObject({ Ioc: '185.220.101[.]1', Severity: 'high', Result: true })
    expect((by['185.220.101.1'].Details as { Tags: string[]; VerifiedVulns: string[] }).VerifiedVulns).toEqual(['CVE-2021-23017'])
    expect(by['10.0.0.1']).toMatchObject({ Status: 2, Severity: 'unknown', State: 'bad', Details: 'IP address is not global (private)', Reference: null })
    expect(by['203.0.113.5'].Details).toMatch(/documentation/)
    // Non-global IPs never reach the network.
    expect([...fake.counts.host.keys()].sort()).toEqual(['185.220.101.1', '8.8.8.8'])
  })

  it('answers from the cache within the max age, and refresh forces the network', async () => {
    const { services: s, fake } = await tiRig()
    s.ti.start()
    const first = await s.ti.lookup({ observables: ['1.1.1.1', '45.33.32.156'], providers: ['shodan'] })
    await waitForJob(s, first.jobId)
    const second = await s.ti.lookup({ observables: ['1.1.1.1', '45.33.32.156'], providers: ['shodan'] })
    expect(second.progress.finished).toBe(true)
    expect(second.cached.map((r) => [r.SafeIoc, r.FromCache])).toEqual([['1.1.1.1', true], ['45.33.32.156', true]])
    expect(fake.counts.host.get('1.1.1.1')).toBe(1)
    const stale = await s.ti.lookup({ observables: ['1.1.1.1'], providers: ['shodan'], maxAgeMs: 0 })
    await waitForJob(s, stale.jobId)
    const refreshed = await s.ti.lookup({ observables: ['1.1.1.1'], providers: ['shodan'], refresh: true })
    await waitForJob(s, refreshed.jobId)
    expect(fake.counts.host.get('1.1.1.1')).toBe(3)
    expect(s.ti.results(refreshed.jobId, 0, 5, false).rows[0].FromCache).toBe(false)
  })

  it('looks identical pending observables up once, across jobs', async () => {
    const { services: s, fake } = await tiRig({ ti: { spacingOverride: { shodan: 100 } } })
    const ips = Array.from({ length: 6 }, (_, i) => `51.15.0.${i + 1}`)
    const a = await s.ti.lookup({ observables: [...ips, ...ips], providers: ['shodan'] })
    const b = await s.ti.lookup({ observables: ips.slice(2), providers: ['shodan'], priority: 'bulk' })
    expect(a.distinct).toBe(6)
    s.ti.start()
    await waitForJob(s, a.jobId)
    await waitForJob(s, b.jobId)
    expect([...fake.counts.host.values()].every((n) => n === 1)).toBe(true)
    expect(fake.counts.host.size).toBe(6)
    expect(s.ti.results(b.jobId, 0, 10, false).rows.every((r) => r.State === 'done')).toBe(true)
  })

  it('serves interactive lookups ahead of queued bulk work', async () => {
    const { services: s, fake } = await tiRig({ ti: { spacingOverride: { shodan: 80 } } })
    const bulk = await s.ti.lookup({ observables: Array.from({ length: 8 }, (_, i) => `62.210.0.${i + 1}`), providers: ['shodan'], priority: 'bulk' })
    const interactive = await s.ti.lookup({ observables: ['8.8.8.8', '1.1.1.1'], providers: ['shodan'] })
    s.ti.start()
    await waitForJob(s, interactive.jobId)
    await waitForJob(s, bulk.jobId)
    const order = fake.requests.filter((r) => r.api === 'host').map((r) => r.ip)
    expect(order.slice(0, 2)).toEqual(['8.8.8.8', '1.1.1.1'])
    expect(order).toHaveLength(10)
  })

  it('backs off after a 429 with Retry-After: 0, widens the spacing, and records attempts, not results', async () => {
    const { services: s, fake } = await tiRig({ fake: { ratePerSecond: 1 }, ti: { spacingOverride: { shodan: 50 } } })
    s.ti.start()
    const job = await s.ti.lookup({ observables: ['8.8.8.8', '1.1.1.1', '45.33.32.156'], providers: ['shodan'] })
    await waitForJob(s, job.jobId, (p) => p.finished, 30_000)
    const rows = s.ti.results(job.jobId, 0, 5, false).rows
    expect(rows.every((r) => r.Status === 0)).toBe(true)
    expect(fake.rateLimited()).toBeGreaterThan(0)
    const attempts = s.db.prepare("SELECT outcome, http_status, message FROM ti_attempts WHERE outcome = 'rate_limited'").all() as { http_status: number; message: string }[]
    expect(attempts.length).toBe(fake.rateLimited())
    expect(attempts[0].http_status).toBe(429)
    expect(attempts[0].message).toContain(RATE_LIMIT_MESSAGE)
    // A 429 is never a cached result.
    expect(s.db.prepare('SELECT count(*) FROM lookups WHERE status = 429').pluck().get()).toBe(0)
    expect(s.db.prepare("SELECT widen_ms FROM ti_spacing WHERE provider = 'shodan'").pluck().get()).toBeGreaterThan(0)
    // Retry-After: 0 still waited: no retry arrived within the second after a 429.
    const hosts = fake.requests.filter((r) => r.api === 'host')
    for (let i = 0; i < hosts.length - 1; i++) {
      if (hosts[i].status === 429) expect(hosts[i + 1].at - hosts[i].at).toBeGreaterThanOrEqual(950)
    }
  })

  it('retries 5xx and dropped connections with bounded backoff, then reports the failure per row', async () => {
    const { services: s, fake } = await tiRig({ ti: { maxAttempts: 3 } })
    fake.control.forceNext.push({ status: 503, body: '<html>503</html>' }, { status: 502, body: '<html>Bad Gateway</html>' })
    fake.control.dropIps.add('1.1.1.1')
    s.ti.start()
    const job = await s.ti.lookup({ observables: ['8.8.8.8', '1.1.1.1'], providers: ['shodan'] })
    await waitForJob(s, job.jobId)
    const rows = s.ti.results(job.jobId, 0, 5, false).rows
    expect(rows[0]).toMatchObject({ SafeIoc: '8.8.8.8', Status: 0, State: 'done' })
    expect(rows[1]).toMatchObject({ SafeIoc: '1.1.1.1', State: 'failed', Status: 3, Severity: 'unknown' })
    expect(rows[1].Details).toMatch(/connection was reset.*gave up after 3 attempts/)
    expect(fake.counts.host.get('1.1.1.1')).toBe(3)
    expect(s.db.prepare("SELECT count(*) FROM lookups WHERE safe_ioc = '1.1.1.1'").pluck().get()).toBe(0)
  })

  it('times out slow answers and retries them', async () => {
    const { services: s, fake } = await tiRig({ ti: { timeoutMs: 200, maxAttempts: 2 } })
    fake.control.slowIps.set('8.8.8.8', 1000)
    s.ti.start()
    const job = await s.ti.lookup({ observables: ['8.8.8.8'], providers: ['shodan'] })
    await waitForJob(s, job.jobId)
    expect(s.ti.results(job.jobId, 0, 1, false).rows[0].Details).toMatch(/no answer within 0.2 s; gave up after 2 attempts/)
  })

  it('stops the queue on 401 (HTML page) instead of burning through it, and resumes with a new key', async () => {
    const { services: s, fake, store } = await tiRig({ key: 'wrongkeywrongkeywrongkey12345678' })
    s.ti.start()
    const job = await s.ti.lookup({ observables: ['8.8.8.8', '1.1.1.1', '45.33.32.156'], providers: ['shodan'] })
    const stopped = await waitForJob(s, job.jobId, (p) => p.stoppedReason === 'halted')
    expect(stopped.message).toMatch(/Shodan rejected the API key \(401, Invalid API key\)/)
    expect(stopped.done).toBe(0)
    expect(fake.requests.filter((r) => r.api === 'host')).toHaveLength(1)
    expect(s.status().warnings.join(' ')).toMatch(/rejected the API key/)
    await s.ti.setKey(fake.key, false)
    expect(await store.get('shodan')).toBe(fake.key)
    await waitForJob(s, job.jobId)
    expect(s.ti.results(job.jobId, 0, 5, false).rows.every((r) => r.Status === 0)).toBe(true)
  })

  it('stops on 403 with a message about the plan', async () => {
    const { services: s } = await tiRig({ key: 'FAKEforbiddenKEY0123456789abcdef' })
    s.ti.start()
    const job = await s.ti.lookup({ observables: ['8.8.8.8'], providers: ['shodan'] })
    const p = await waitForJob(s, job.jobId, (x) => x.stoppedReason === 'halted')
    expect(p.message).toMatch(/403 Forbidden.*plan/)
  })

  it('treats a 2xx body carrying error as a failure, and 404 as a negative answer that is cached', async () => {
    const { services: s, fake } = await tiRig()
    fake.control.errorBodyIps.add('8.8.8.8')
    fake.control.notFoundIps.add('1.1.1.1')
    s.ti.start()
    const job = await s.ti.lookup({ observables: ['8.8.8.8', '1.1.1.1'], providers: ['shodan', 'internetdb'] })
    await waitForJob(s, job.jobId)
    const rows = s.ti.results(job.jobId, 0, 10, false).rows
    const row = (ioc: string, p: string) => rows.find((r) => r.SafeIoc === ioc && r.Provider === p)!
    expect(row('8.8.8.8', 'shodan')).toMatchObject({ State: 'failed', Status: 3, Details: 'Shodan answered with an error: Unable to process the request at this time.' })
    expect(row('8.8.8.8', 'internetdb')).toMatchObject({ State: 'done', Status: 0, Result: true })
    expect(row('1.1.1.1', 'shodan')).toMatchObject({ State: 'done', Status: 404, Result: false, Details: 'Not found.', Severity: 'information' })
    expect(row('1.1.1.1', 'internetdb')).toMatchObject({ Status: 404, Result: false, Details: 'Not found.' })
  })

  it('pauses, resumes and cancels a job', async () => {
    const { services: s, fake } = await tiRig({ ti: { spacingOverride: { shodan: 150 } } })
    s.ti.start()
    const job = await s.ti.lookup({ observables: Array.from({ length: 10 }, (_, i) => `37.59.0.${i + 1}`), providers: ['shodan'] })
    await waitForJob(s, job.jobId, (p) => p.done >= 2)
    const paused = s.ti.pause(job.jobId)
    expect(paused.paused).toBe(true)
    const sentAtPause = fake.counts.host.size
    await new Promise((r) => setTimeout(r, 500))
    expect(fake.counts.host.size).toBeLessThanOrEqual(sentAtPause + 1)
    s.ti.resume(job.jobId)
    await waitForJob(s, job.jobId, (p) => p.done >= 6)
    const cancelled = s.ti.cancel(job.jobId)
    expect(cancelled).toMatchObject({ finished: true, stoppedReason: 'cancelled' })
    const after = fake.counts.host.size
    await new Promise((r) => setTimeout(r, 400))
    expect(fake.counts.host.size).toBeLessThanOrEqual(after + 1)
    const rows = s.ti.results(job.jobId, 0, 20, false).rows
    expect(rows.filter((r) => r.State === 'cancelled').length).toBeGreaterThan(0)
    expect(s.db.prepare("SELECT count(*) FROM ti_queue WHERE state = 'pending'").pluck().get()).toBe(0)
  })

  it('holds the spacing across two processes sharing the data folder', async () => {
    const rig = await tiRig({ fake: { ratePerSecond: 5, toleranceMs: 10 }, ti: { spacingOverride: { shodan: 220 } } })
    const other = await rig.another()
    const a = await rig.services.ti.lookup({ observables: Array.from({ length: 5 }, (_, i) => `88.99.0.${i + 1}`), providers: ['shodan'] })
    const b = await other.ti.lookup({ observables: Array.from({ length: 5 }, (_, i) => `88.99.1.${i + 1}`), providers: ['shodan'] })
    rig.services.ti.start()
    other.ti.start()
    await waitForJob(rig.services, a.jobId)
    await waitForJob(other, b.jobId)
    expect(rig.fake.rateLimited()).toBe(0)
    const times = rig.fake.requests.filter((r) => r.api === 'host').map((r) => r.at)
    expect(times).toHaveLength(10)
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(200)
  })

  it('waits offline: cached answers are served with their age, the rest stays queued', async () => {
    const rig = await tiRig()
    rig.services.ti.start()
    const warm = await rig.services.ti.lookup({ observables: ['8.8.8.8'], providers: ['shodan'] })
    await waitForJob(rig.services, warm.jobId)
    await rig.services.ti.stop()
    await rig.fake.close()
    const job = await rig.services.ti.lookup({ observables: ['8.8.8.8', '1.1.1.1'], providers: ['shodan'], maxAgeMs: 1 })
    rig.services.ti.start()
    const p = await waitForJob(rig.services, job.jobId, (x) => x.stoppedReason === 'offline')
    expect(p.message).toMatch(/unreachable/)
    const again = await rig.services.ti.lookup({ observables: ['8.8.8.8', '1.1.1.1'], providers: ['shodan'], maxAgeMs: 1 })
    const rows = rig.services.ti.results(again.jobId, 0, 5, false).rows
    expect(rows[0]).toMatchObject({ SafeIoc: '8.8.8.8', FromCache: true, State: 'done' })
    expect(rows[0].FetchedAt).toBeLessThan(Date.now())
    expect(rows[1]).toMatchObject({ SafeIoc: '1.1.1.1', State: 'pending' })
    expect(rig.services.db.prepare("SELECT count(*) FROM ti_attempts WHERE outcome = 'offline'").pluck().get()).toBeGreaterThan(0)
  })
})
