// The quota governor: a persisted ledger of calls, running time and throttles per profile,
// and the rule for when the next call may go. It is shared through the database, so the
// desktop app and a CLI run against the same data never add up to a 429 together.
import type { Database } from 'better-sqlite3'
import { HuntbenchError } from '../../shared/errors'
import type { QuotaLimits, QuotaPreset, QuotaStatus } from '../../shared/api/hunting'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** The published terms today: at least 45 calls a minute, CPU blocks for a 15-minute cycle. */
export const CURRENT_LIMITS: QuotaLimits = {
  preset: 'current',
  callsPerMinute: 45,
  callsPerHour: null,
  runningMsPerHour: null,
  runningMsPerDay: null,
  cpuCycleMinutes: 15
}

/** The original (strictest) terms: 10 calls a minute, 10 minutes running an hour, 4 hours a day. */
export const STRICT_LIMITS: QuotaLimits = {
  preset: 'strict',
  callsPerMinute: 10,
  callsPerHour: null,
  runningMsPerHour: 10 * MINUTE,
  runningMsPerDay: 4 * HOUR,
  cpuCycleMinutes: 15
}

export const PRESETS: Record<Exclude<QuotaPreset, 'custom'>, QuotaLimits> = { current: CURRENT_LIMITS, strict: STRICT_LIMITS }

interface LimitsRow {
  preset: QuotaPreset
  calls_per_minute: number
  calls_per_hour: number | null
  running_ms_per_hour: number | null
  running_ms_per_day: number | null
  cpu_cycle_minutes: number
}

export interface GovernorOptions {
  /**
   * Added to every computed wait: our clock and the service's disagree by a little, and a
   * call recorded at send time arrives a little later.
   */
  marginMs?: number
}

/** Among `times` (ascending), when the window next has room for one more under `limit`. */
function windowFreeAt(times: number[], limit: number, windowMs: number, now: number): number {
  if (times.length < limit) return now
  return times[times.length - limit] + windowMs
}

/** Sum-based windows: when enough running time ages out to be under `limit` again. */
function budgetFreeAt(entries: { at: number; amount: number }[], limit: number, windowMs: number, now: number): number {
  let total = entries.reduce((sum, e) => sum + e.amount, 0)
  if (total < limit) return now
  for (const e of entries) {
    total -= e.amount
    if (total < limit) return e.at + windowMs
  }
  return now
}

export class QuotaGovernor {
  private readonly marginMs: number

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    options: GovernorOptions = {}
  ) {
    this.marginMs = options.marginMs ?? 250
  }

  limits(profileId: number): QuotaLimits {
    const row = this.db.prepare('SELECT * FROM quota_limits WHERE profile_id = ?').get(profileId) as LimitsRow | undefined
    if (!row) return { ...CURRENT_LIMITS }
    return {
      preset: row.preset,
      callsPerMinute: row.calls_per_minute,
      callsPerHour: row.calls_per_hour,
      runningMsPerHour: row.running_ms_per_hour,
      runningMsPerDay: row.running_ms_per_day,
      cpuCycleMinutes: row.cpu_cycle_minutes
    }
  }

  /** A preset name, or custom figures; presets always take their published values. */
  setLimits(profileId: number, limits: QuotaLimits): QuotaLimits {
    const chosen = limits.preset === 'custom' ? limits : { ...PRESETS[limits.preset] }
    if (!Number.isInteger(chosen.callsPerMinute) || chosen.callsPerMinute < 1) {
      throw new HuntbenchError('invalid_input', 'Calls per minute must be a whole number of at least 1.')
    }
    this.db
      .prepare(
        `INSERT INTO quota_limits (profile_id, preset, calls_per_minute, calls_per_hour, running_ms_per_hour, running_ms_per_day, cpu_cycle_minutes)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (profile_id) DO UPDATE SET preset = excluded.preset, calls_per_minute = excluded.calls_per_minute,
           calls_per_hour = excluded.calls_per_hour, running_ms_per_hour = excluded.running_ms_per_hour,
           running_ms_per_day = excluded.running_ms_per_day, cpu_cycle_minutes = excluded.cpu_cycle_minutes`
      )
      .run(profileId, chosen.preset, chosen.callsPerMinute, chosen.callsPerHour, chosen.runningMsPerHour, chosen.runningMsPerDay, chosen.cpuCycleMinutes)
    return this.limits(profileId)
  }

  /** Records a call as it is sent; returns its ledger id for `callAnswered`. */
  recordCall(profileId: number, at = this.now()): number {
    return this.insert(profileId, at, 'call', 1)
  }

  /**
   * Moves a call to the moment its answer arrived. The service counted it somewhere
   * between sending and answering; counting it at the answer keeps our window at least as
   * strict as the service's, whatever the latency.
   */
  callAnswered(callId: number, at = this.now()): void {
    this.db.prepare("UPDATE quota_ledger SET at = max(at, ?) WHERE id = ? AND kind = 'call'").run(at, callId)
  }

  recordRunning(profileId: number, ms: number, at = this.now()): void {
    if (ms > 0) this.insert(profileId, at, 'running', Math.round(ms))
  }

  /**
   * A 429 arrived anyway. With a wait (Retry-After or "again in N seconds") we block that
   * long; a CPU block without one lasts until the next 15-minute cycle; a call-count block
   * without one waits out the minute window.
   */
  recordThrottle(profileId: number, quota: 'calls' | 'cpu', retryAfterMs: number | null, at = this.now()): number {
    let until: number
    if (retryAfterMs !== null && retryAfterMs >= 0) until = at + retryAfterMs
    else if (quota === 'cpu') {
      const cycle = this.limits(profileId).cpuCycleMinutes * MINUTE
      until = (Math.floor(at / cycle) + 1) * cycle
    } else until = at + MINUTE
    this.insert(profileId, at, quota === 'cpu' ? 'throttle_cpu' : 'throttle_calls', until)
    return until
  }

  /** The earliest time the next call may be sent (never into a known 429). */
  nextAllowedAt(profileId: number): number {
    return this.evaluate(profileId).nextCallAt
  }

  status(profileId: number): QuotaStatus {
    return this.evaluate(profileId)
  }

  /**
   * Simulates `count` calls back to back, each running `durationMs`: when each would start.
   * The queue uses it for ETAs without touching the ledger.
   */
  forecast(profileId: number, count: number, durationMs: number): number[] {
    const now = this.now()
    const calls = this.callTimes(profileId, now - HOUR)
    const running = this.running(profileId, now - DAY)
    const fixed = { limits: this.limits(profileId), throttle: this.throttle(profileId, now) }
    const starts: number[] = []
    let at = now
    for (let i = 0; i < count; i++) {
      // Each wait can reveal another (a free minute may still be over the hour's budget).
      for (let guard = 0; guard < 8; guard++) {
        const next = this.compute(profileId, at, calls, running, fixed).nextCallAt
        if (next <= at) break
        at = next
      }
      starts.push(at)
      calls.push(at)
      running.push({ at: at + durationMs, amount: durationMs })
      at += durationMs
    }
    return starts
  }

  /** Drops ledger entries no window can see any more. */
  prune(before = this.now() - 2 * DAY): number {
    return this.db.prepare("DELETE FROM quota_ledger WHERE at < ? AND (kind IN ('call', 'running') OR amount < ?)").run(before, this.now()).changes
  }

  private insert(profileId: number, at: number, kind: string, amount: number): number {
    return Number(this.db.prepare('INSERT INTO quota_ledger (profile_id, at, kind, amount) VALUES (?, ?, ?, ?)').run(profileId, at, kind, amount).lastInsertRowid)
  }

  private callTimes(profileId: number, since: number): number[] {
    return this.db
      .prepare("SELECT at FROM quota_ledger WHERE profile_id = ? AND kind = 'call' AND at > ? ORDER BY at")
      .pluck()
      .all(profileId, since) as number[]
  }

  private running(profileId: number, since: number): { at: number; amount: number }[] {
    return this.db
      .prepare("SELECT at, amount FROM quota_ledger WHERE profile_id = ? AND kind = 'running' AND at > ? ORDER BY at")
      .all(profileId, since) as { at: number; amount: number }[]
  }

  private evaluate(profileId: number): QuotaStatus {
    const now = this.now()
    const fixed = { limits: this.limits(profileId), throttle: this.throttle(profileId, now) }
    return this.compute(profileId, now, this.callTimes(profileId, now - HOUR), this.running(profileId, now - DAY), fixed)
  }

  /** The latest block a 429 imposed that is still in force at `now`. */
  private throttle(profileId: number, now: number): { kind: string; until: number } | undefined {
    return this.db
      .prepare("SELECT kind, max(amount) AS until FROM quota_ledger WHERE profile_id = ? AND kind LIKE 'throttle_%' AND amount > ? GROUP BY kind ORDER BY until DESC LIMIT 1")
      .get(profileId, now) as { kind: string; until: number } | undefined
  }

  private compute(
    profileId: number,
    now: number,
    calls: number[],
    running: { at: number; amount: number }[],
    fixed: { limits: QuotaLimits; throttle: { kind: string; until: number } | undefined }
  ): QuotaStatus {
    const { limits } = fixed
    const throttle = fixed.throttle && fixed.throttle.until > now ? fixed.throttle : undefined
    const lastMinute = calls.filter((t) => t > now - MINUTE)
    const lastHour = calls.filter((t) => t > now - HOUR)
    const hourRunning = running.filter((e) => e.at > now - HOUR)
    const dayRunning = running.filter((e) => e.at > now - DAY)
    const waits: { at: number; reason: string }[] = []
    const minuteFree = windowFreeAt(lastMinute, limits.callsPerMinute, MINUTE, now)
    if (minuteFree > now) waits.push({ at: minuteFree + this.marginMs, reason: `${limits.callsPerMinute} calls per minute` })
    if (limits.callsPerHour !== null) {
      const hourFree = windowFreeAt(lastHour, limits.callsPerHour, HOUR, now)
      if (hourFree > now) waits.push({ at: hourFree + this.marginMs, reason: `${limits.callsPerHour} calls per hour` })
    }
    if (limits.runningMsPerHour !== null) {
      const free = budgetFreeAt(hourRunning, limits.runningMsPerHour, HOUR, now)
      if (free > now) waits.push({ at: free + this.marginMs, reason: `${Math.round(limits.runningMsPerHour / MINUTE)} minutes of running time per hour` })
    }
    if (limits.runningMsPerDay !== null) {
      const free = budgetFreeAt(dayRunning, limits.runningMsPerDay, DAY, now)
      if (free > now) waits.push({ at: free + this.marginMs, reason: `${Math.round(limits.runningMsPerDay / HOUR)} hours of running time per day` })
    }
    if (throttle) {
      waits.push({ at: throttle.until + this.marginMs, reason: throttle.kind === 'throttle_cpu' ? 'the service blocked processing until its next cycle' : 'the service asked to wait (429)' })
    }
    const latest = waits.reduce<{ at: number; reason: string } | null>((a, b) => (a && a.at >= b.at ? a : b), null)
    return {
      profileId,
      limits,
      callsLastMinute: lastMinute.length,
      callsLastHour: lastHour.length,
      runningMsLastHour: hourRunning.reduce((s, e) => s + e.amount, 0),
      runningMsLastDay: dayRunning.reduce((s, e) => s + e.amount, 0),
      blockedUntil: throttle ? throttle.until : null,
      nextCallAt: latest ? latest.at : now,
      waitReason: latest ? latest.reason : null,
      at: now
    }
  }
}
