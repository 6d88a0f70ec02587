// The hunt queue over a real SQLite file and the fake hunting API: results stored with
// everything a run keeps, the governor obeyed, restarts survived without doing anything
// twice, cancel, throttles, and failures that lose nothing already stored.
import { spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'
import type { HuntingDone } from '../../src/shared/api/hunting'
import { EventBus } from '../../src/main/events'
import { createLogger } from '../../src/main/log'
import { CURRENT_LIMITS } from '../../src/main/hunting/governor'
import { HuntingService } from '../../src/main/hunting/service'
import { RunStore } from '../../src/main/store/runs'
import { mintAccessToken } from '../fakes/entra'
import { startFakeHunting, type FakeHunting } from '../fakes/hunting/server'
import { FakeClock, huntingDb } from '../helpers/hunting'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn()
})

interface Harness {
  hunting: HuntingService
  runs: RunStore
  bus: EventBus
  done: HuntingDone[]
  profileId: number
  file: string
  db: ReturnType<typeof huntingDb>['db']
  close(): void
}

function harness(fake: FakeHunting, clock: FakeClock, file?: string, options: { inflightTimeoutMs?: number } = {}): Harness {
  const opened = huntingDb(file)
  const bus = new EventBus()
  const runs = new RunStore(opened.db)
  const profile = opened.profiles.get(opened.profileId)
  const hunting = new HuntingService({
    db: opened.db,
    runs,
    bus,
    log: createLogger(null),
    tokens: { getToken: async () => ({ accessToken: mintAccessToken({ aud: 'https://graph.microsoft.com', scp: 'ThreatHunting.Read.All' }) }) },
    profile: () => ({ id: profile.id, name: profile.name, tenantId: profile.tenantId, api: profile.api }),
    endpointsFor: () => ({ graph: fake.url, defender: fake.url }),
    clock,
    governorMarginMs: 0,
    client: { sleep: async () => undefined },
    inflightTimeoutMs: options.inflightTimeoutMs
  })
  const done: HuntingDone[] = []
  bus.on('hunting.done', (d) => void done.push(d))
  let closed = false
  const h: Harness = {
    hunting,
    runs,
    bus,
    done,
    profileId: opened.profileId,
    file: opened.file,
    db: opened.db,
    close: () => {
      if (closed) return
      closed = true
      hunting.stop()
      opened.db.close()
    }
  }
  cleanups.push(() => h.close())
  return h
}

async function startFake(clock: FakeClock, limits = {}): Promise<FakeHunting> {
  const fake = await startFakeHunting({ rows: 5000, now: clock.now, limits })
  cleanups.push(() => fake.close())
  return fake
}

/** Waits (in real time) until `check` holds; the queue works over real HTTP. */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('hunt queue', () => {
  it('stores a run with its KQL, profile, tenant, timespan, timing, schema and rows', async () => {
    const clock = new FakeClock()
    const fake = await startFake(clock)
    const h = harness(fake, clock)
    const { queueId, runId } = h.hunting.queue.enqueue({ profileId: h.profileId, kql: 'DeviceProcessEvents | project Timestamp, DeviceName | take 7', timespan: 'P7D' })
    expect(h.runs.get(runId).status).toBe('queued')
    h.hunting.start()
    await until(() => h.done.length === 1, 'the run')
    expect(h.done[0]).toEqual({ queueId, runId, status: 'succeeded', rowCount: 7, truncated: false, error: null })
    const run = h.runs.get(runId)
    expect(run).toMatchObject({
      source: 'hunt',
      kql: 'DeviceProcessEvents | project Timestamp, DeviceName | take 7',
      profile: 'Contoso',
      tenantId: 'contoso.onmicrosoft.com',
      timespan: 'P7D',
      status: 'succeeded',
      rowCount: 7,
      truncated: false,
      schema: [{ name: 'Timestamp', type: 'DateTime' }, { name: 'DeviceName', type: 'String' }]
    })
    expect(run.durationMs).not.toBeNull()
    expect(h.runs.rows(runId, 0, 100).rows.length).toBe(7)
    expect(h.hunting.governor.status(h.profileId).callsLastMinute).toBe(1)
  })

  it('refuses bad input before queueing anything', () => {
    const clock = new FakeClock()
    const h = harness({ url: 'http://127.0.0.1:1' } as FakeHunting, clock)
    expect(() => h.hunting.queue.enqueue({ profileId: h.profileId, kql: '' })).toThrow(/query is empty/)
    expect(() => h.hunting.queue.enqueue({ profileId: h.profileId, kql: 'T', timespan: 'last week' })).toThrow(/not ISO 8601/)
    expect(h.db.prepare('SELECT count(*) FROM hunt_queue').pluck().get()).toBe(0)
    expect(h.db.prepare('SELECT count(*) FROM query_runs').pluck().get()).toBe(0)
  })

  it('waits for the quota instead of sending into a 429, and shows position and ETA', async () => {
    const clock = new FakeClock()
    const fake = await startFake(clock, { callsPerMinute: 2 })
    const h = harness(fake, clock)
    h.hunting.governor.setLimits(h.profileId, { ...CURRENT_LIMITS, preset: 'custom', callsPerMinute: 2 })
    const t0 = clock.now()
    const ids = [1, 2, 3, 4].map((n) => h.hunting.queue.enqueue({ profileId: h.profileId, kql: `DeviceEvents | take ${n}` }))
    const waiting = h.hunting.queue.list(h.profileId)
    expect(waiting.map((i) => i.position)).toEqual([1, 2, 3, 4])
    expect(waiting[2].etaAt).toBeGreaterThanOrEqual(t0 + 60_000)
    h.hunting.start()
    await until(() => h.done.length === 2, 'two runs')
    // Let the worker settle on its timer for the third.
    await new Promise((r) => setTimeout(r, 50))
    expect(h.done.length).toBe(2)
    const third = h.hunting.queue.list(h.profileId).find((i) => i.queueId === ids[2].queueId)
    expect(third).toMatchObject({ state: 'pending', position: 1 })
    expect(third?.etaAt).toBe(t0 + 60_000)
    clock.advance(60_000)
    await until(() => h.done.length === 4, 'all four')
    expect(fake.calls.throttled).toBe(0)
    expect(h.done.every((d) => d.status === 'succeeded')).toBe(true)
  })

  it('honours a 429 that comes anyway: the query waits its Retry-After and then succeeds', async () => {
    const clock = new FakeClock()
    const fake = await startFake(clock, { callsPerMinute: 1 })
    const h = harness(fake, clock)
    const progress: string[] = []
    h.bus.on('hunting.progress', (p) => p.message && progress.push(p.message))
    h.hunting.start()
    h.hunting.queue.enqueue({ profileId: h.profileId, kql: 'DeviceEvents | take 1' })
    h.hunting.queue.enqueue({ profileId: h.profileId, kql: 'DeviceEvents | take 2' })
    await until(() => fake.calls.throttled === 1 && progress.length > 0, 'the 429')
    expect(progress[0]).toMatch(/quota is used up.*Waiting until/)
    expect(h.hunting.governor.status(h.profileId).blockedUntil).toBeGreaterThan(clock.now() + 50_000)
    expect(h.runs.get(2).status).toBe('queued')
    clock.advance(61_000)
    await until(() => h.done.length === 2, 'both runs')
    expect(h.done.map((d) => d.status)).toEqual(['succeeded', 'succeeded'])
    expect(fake.calls.throttled).toBe(1)
  })

  it('survives a restart: queued and abandoned in-flight queries run once, without doubled rows', async () => {
    const clock = new FakeClock()
    const fake = await startFake(clock)
    const first = harness(fake, clock, undefined, { inflightTimeoutMs: 5 * 60_000 })
    const a = first.hunting.queue.enqueue({ profileId: first.profileId, kql: 'DeviceEvents | take 3' })
    const b = first.hunting.queue.enqueue({ profileId: first.profileId, kql: 'DeviceEvents | take 4' })
    // Simulate a crash mid-store for `a`: in flight, two partial rows already written.
    first.db.prepare("UPDATE hunt_queue SET state = 'in_flight', started_at = ?, attempts = 1 WHERE id = ?").run(clock.now(), a.queueId)
    first.runs.appendRows(a.runId, 0, [['partial'], ['partial']])
    first.close()

    clock.advance(60_000)
    const early = harness(fake, clock, first.file, { inflightTimeoutMs: 5 * 60_000 })
    early.hunting.start()
    await until(() => early.done.length === 1, 'the queued one')
    // The in-flight row is younger than the timeout: another process may still own it.
    expect(early.done[0].queueId).toBe(b.queueId)
    expect(early.hunting.queue.get(a.queueId)?.state).toBe('in_flight')
    early.close()

    clock.advance(5 * 60_000)
    const later = harness(fake, clock, first.file, { inflightTimeoutMs: 5 * 60_000 })
    later.hunting.start()
    await until(() => later.done.length === 1, 'the recovered one')
    expect(later.done[0]).toMatchObject({ queueId: a.queueId, status: 'succeeded', rowCount: 3 })
    const rows = later.runs.rows(a.runId, 0, 100).rows
    expect(rows.length).toBe(3)
    expect(rows.flat()).not.toContain('partial')
    expect(later.db.prepare("SELECT count(*) FROM hunt_queue WHERE state = 'done'").pluck().get()).toBe(2)
  })

  it('takes back at once a query left in flight by a process on this machine that has exited', async () => {
    const clock = new FakeClock()
    const fake = await startFake(clock)
    const first = harness(fake, clock)
    const { queueId, runId } = first.hunting.queue.enqueue({ profileId: first.profileId, kql: 'DeviceEvents | take 2' })
    const gone = spawnSync(process.execPath, ['-e', '0']).pid
    first.db.prepare("UPDATE hunt_queue SET state = 'in_flight', started_at = ?, owner = ? WHERE id = ?").run(clock.now(), `${hostname()}:${gone}`, queueId)
    first.close()
    const second = harness(fake, clock, first.file)
    second.hunting.start()
    await until(() => second.done.length === 1, 'the recovered run')
    expect(second.done[0]).toMatchObject({ runId, status: 'succeeded', rowCount: 2 })
  })

  it('puts a query back when the app stops mid-request and sends it once on the next start', async () => {
    const clock = new FakeClock()
    const fake = await startFake(clock)
    fake.failNext('slow', 1, 1500)
    const first = harness(fake, clock)
    first.hunting.start()
    const { queueId, runId } = first.hunting.queue.enqueue({ profileId: first.profileId, kql: 'DeviceEvents | take 5' })
    await until(() => first.hunting.queue.get(queueId)?.state === 'in_flight', 'in flight')
    first.close()
    const second = harness(fake, clock, first.file)
    expect(second.hunting.queue.get(queueId)?.state).toBe('pending')
    second.hunting.start()
    await until(() => second.done.length === 1, 'the resend')
    expect(second.done[0]).toMatchObject({ runId, status: 'succeeded', rowCount: 5 })
    expect(second.runs.rows(runId, 0, 100).rows.length).toBe(5)
  })

  it('cancels a waiting query and a running one; nothing of theirs is stored', async () => {
    const clock = new FakeClock()
    const fake = await startFake(clock)
    fake.failNext('slow', 1, 1500)
    const h = harness(fake, clock)
    h.hunting.start()
    const running = h.hunting.queue.enqueue({ profileId: h.profileId, kql: 'DeviceEvents | take 5' })
    const waiting = h.hunting.queue.enqueue({ profileId: h.profileId, kql: 'DeviceEvents | take 6' })
    await until(() => h.hunting.queue.get(running.queueId)?.state === 'in_flight', 'in flight')
    expect(h.hunting.queue.cancel(waiting.queueId)).toBe(true)
    expect(h.hunting.queue.cancel(running.queueId)).toBe(true)
    await until(() => h.done.length === 2, 'both cancelled')
    expect(h.done.map((d) => d.status)).toEqual(['cancelled', 'cancelled'])
    expect(h.runs.get(running.runId).status).toBe('cancelled')
    expect(h.runs.get(waiting.runId).status).toBe('cancelled')
    expect(h.db.prepare('SELECT count(*) FROM run_rows').pluck().get()).toBe(0)
    expect(h.hunting.queue.cancel(waiting.queueId)).toBe(false)
  })

  it('fails clearly on bad KQL, malformed JSON and a dropped connection, and loses nothing stored', async () => {
    const clock = new FakeClock()
    const fake = await startFake(clock)
    const h = harness(fake, clock)
    h.hunting.start()
    const kept = h.hunting.queue.enqueue({ profileId: h.profileId, kql: 'DeviceEvents | take 4' })
    await until(() => h.done.length === 1, 'the good run')
    const bad = h.hunting.queue.enqueue({ profileId: h.profileId, kql: 'DeviceEvents | where Nope == 1' })
    await until(() => h.done.length === 2, 'the bad KQL')
    fake.failNext('malformed-json')
    const malformed = h.hunting.queue.enqueue({ profileId: h.profileId, kql: 'DeviceEvents | take 9' })
    await until(() => h.done.length === 3, 'the malformed answer')
    fake.failNext('drop-mid-answer', 3)
    const dropped = h.hunting.queue.enqueue({ profileId: h.profileId, kql: 'DeviceEvents | take 9' })
    await until(() => h.done.length === 4, 'the dropped answer')

    expect(h.done.slice(1).map((d) => [d.runId, d.status, d.error?.code])).toEqual([
      [bad.runId, 'failed', 'invalid_input'],
      [malformed.runId, 'failed', 'bad_data'],
      [dropped.runId, 'failed', 'remote_error']
    ])
    expect(h.runs.get(bad.runId).error).toMatch(/Kusto rejected the query: .*Nope/)
    expect(h.runs.get(malformed.runId).error).toMatch(/not valid JSON/)
    expect(h.runs.get(dropped.runId).error).toMatch(/dropped while the answer was arriving/)
    expect(h.hunting.queue.list().find((i) => i.queueId === bad.queueId)?.error?.code).toBe('invalid_input')
    // The earlier result is untouched, and the failed runs hold no rows.
    expect(h.runs.rows(kept.runId, 0, 100).rows.length).toBe(4)
    expect(h.db.prepare('SELECT count(*) FROM run_rows WHERE run_id != ?').pluck().get(kept.runId)).toBe(0)
  })

  it('stores a 100,001-row answer as 100,000 rows flagged truncated', async () => {
    const clock = new FakeClock()
    const fake = await startFakeHunting({ rows: 110_000, now: clock.now, limits: { maxRows: 100_001 } })
    cleanups.push(() => fake.close())
    const h = harness(fake, clock)
    h.hunting.start()
    const { runId } = h.hunting.queue.enqueue({ profileId: h.profileId, kql: 'DeviceNetworkEvents | project Timestamp, RemoteIP' })
    await until(() => h.done.length === 1, 'the big run', 30_000)
    expect(h.done[0]).toMatchObject({ status: 'succeeded', rowCount: 100_000, truncated: true })
    expect(h.runs.get(runId)).toMatchObject({ rowCount: 100_000, truncated: true })
    expect(h.db.prepare('SELECT count(*) FROM run_rows WHERE run_id = ?').pluck().get(runId)).toBe(100_000)
  })
})
