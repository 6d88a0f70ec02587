import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { CURRENT_LIMITS, QuotaGovernor, STRICT_LIMITS } from '../../src/main/hunting/governor'
import { FakeClock, huntingDb } from '../helpers/hunting'

let db: Database | undefined
afterEach(() => db?.close())

function setup(margin = 0) {
  const opened = huntingDb()
  db = opened.db
  const clock = new FakeClock()
  const governor = new QuotaGovernor(opened.db, clock.now, { marginMs: margin })
  return { ...opened, clock, governor }
}

describe('quota governor', () => {
  it('defaults to the published limits and lets the 45th call go, not the 46th', () => {
    const { governor, clock, profileId } = setup()
    expect(governor.limits(profileId)).toEqual(CURRENT_LIMITS)
    for (let i = 0; i < 44; i++) {
      governor.recordCall(profileId)
      clock.advance(100)
    }
    expect(governor.nextAllowedAt(profileId)).toBe(clock.now())
    const first = clock.now() - 4400
    governor.recordCall(profileId)
    // The window holds 45 calls: the next one may go when the first leaves it.
    expect(governor.nextAllowedAt(profileId)).toBe(first + 60_000)
    expect(governor.status(profileId)).toMatchObject({ callsLastMinute: 45, waitReason: '45 calls per minute' })
  })

  it('under the strict terms spaces calls 10 a minute and stops at 10 minutes of running time an hour', () => {
    const { governor, clock, profileId } = setup()
    governor.setLimits(profileId, { ...STRICT_LIMITS, callsPerMinute: 999 })
    // A preset always takes its published figures, whatever else was sent.
    expect(governor.limits(profileId)).toEqual(STRICT_LIMITS)
    const start = clock.now()
    for (let i = 0; i < 10; i++) governor.recordCall(profileId)
    expect(governor.nextAllowedAt(profileId)).toBe(start + 60_000)

    clock.advance(60_000)
    governor.recordRunning(profileId, 9 * 60_000)
    expect(governor.nextAllowedAt(profileId)).toBe(clock.now())
    clock.advance(1000)
    governor.recordRunning(profileId, 90_000)
    const over = clock.now()
    // 10.5 minutes in the hour: blocked until the first 9 minutes age out.
    expect(governor.nextAllowedAt(profileId)).toBe(over - 1000 + 3_600_000)
    expect(governor.status(profileId).waitReason).toMatch(/10 minutes of running time per hour/)
  })

  it('counts 4 hours of running time a day', () => {
    const { governor, clock, profileId } = setup()
    governor.setLimits(profileId, { ...STRICT_LIMITS, preset: 'custom', runningMsPerHour: null })
    for (let h = 0; h < 4; h++) {
      governor.recordRunning(profileId, 3_600_000)
      clock.advance(3_600_000)
    }
    const status = governor.status(profileId)
    expect(status.runningMsLastDay).toBe(4 * 3_600_000)
    expect(status.nextCallAt).toBeGreaterThan(clock.now() + 19 * 3_600_000)
    expect(status.waitReason).toMatch(/4 hours of running time per day/)
  })

  it('blocks a CPU throttle until the next 15-minute cycle and honours a stated wait', () => {
    const { governor, clock, profileId } = setup()
    clock.t = Date.UTC(2026, 10, 28, 12, 7, 30)
    const until = governor.recordThrottle(profileId, 'cpu', null)
    expect(until).toBe(Date.UTC(2026, 10, 28, 12, 15, 0))
    expect(governor.nextAllowedAt(profileId)).toBe(until)
    expect(governor.status(profileId).blockedUntil).toBe(until)

    clock.advance(8 * 60_000)
    expect(governor.nextAllowedAt(profileId)).toBe(clock.now())
    const stated = governor.recordThrottle(profileId, 'calls', 2128)
    expect(stated).toBe(clock.now() + 2128)
    expect(governor.nextAllowedAt(profileId)).toBe(stated)
  })

  it('adds its safety margin to every wait', () => {
    const { governor, clock, profileId } = setup(250)
    governor.setLimits(profileId, { ...CURRENT_LIMITS, preset: 'custom', callsPerMinute: 1 })
    governor.recordCall(profileId)
    expect(governor.nextAllowedAt(profileId)).toBe(clock.now() + 60_250)
  })

  it('forecasts start times for a queue without touching the ledger', () => {
    const { governor, clock, profileId } = setup()
    governor.setLimits(profileId, { preset: 'strict' } as never)
    const starts = governor.forecast(profileId, 25, 1000)
    const t0 = clock.now()
    expect(starts.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => t0 + i * 1000))
    expect(starts[10]).toBe(t0 + 60_000)
    expect(starts[20]).toBe(t0 + 120_000)
    expect(governor.status(profileId).callsLastMinute).toBe(0)
  })

  it('keeps the ledger in the database, so a restart (or another process) sees it', () => {
    const { governor, clock, profileId, file } = setup()
    for (let i = 0; i < 10; i++) governor.recordCall(profileId)
    governor.setLimits(profileId, { preset: 'strict' } as never)
    const other = new QuotaGovernor(huntingDb(file).db, clock.now, { marginMs: 0 })
    expect(other.limits(profileId).preset).toBe('strict')
    expect(other.nextAllowedAt(profileId)).toBe(clock.now() + 60_000)
  })

  it('prunes entries no window can see', () => {
    const { governor, clock, profileId, db: d } = setup()
    governor.recordCall(profileId)
    governor.recordRunning(profileId, 5000)
    clock.advance(3 * 24 * 3_600_000)
    governor.recordCall(profileId)
    expect(governor.prune()).toBe(2)
    expect(d.prepare('SELECT count(*) FROM quota_ledger').pluck().get()).toBe(1)
  })
})
