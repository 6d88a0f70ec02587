// One lane per provider: take the next due row when the shared spacing allows, send it,
// record what came back. Waiting happens here, between requests, never inside a handler.
//
// Retry policy (bounded):
//   429 (or a 2xx body saying "rate limit"): the row waits max(Retry-After, 1 s, spacing),
//     doubled per attempt, capped at 60 s, even when Retry-After is 0; the whole lane pauses
//     max(Retry-After, 1 s) ("please wait a second") and its spacing widens by a tenth
//     (doubling on further 429s, up to 4x); every 20 clean answers halve the widening.
//     Gives up on the row after 8 attempts (Status 429).
//   5xx, timeouts, resets: the row waits max(Retry-After, base x 2^attempt), capped at 60 s;
//     gives up after 5 attempts (Status = the HTTP code, or 3 QUERY_FAILED).
//   401/403: the lane stops (halted) with the reason; the row stays queued, nothing burns.
//   unreachable (refused, DNS): offline; rows wait, re-tried every 5-30 s, never failed.
import { createHash } from 'node:crypto'
import type { TiProviderName } from '../../shared/ti'
import { httpGet } from './http'
import { tiProviders, type Classified } from './providers'
import { ALIGN_MS, type Claim, type QueueRow, type QueueStore } from './queue-store'

export interface LaneOptions {
  timeoutMs: number
  maxAnswerBytes: number
  maxAttempts: number
  maxRateLimitedAttempts: number
  backoffBaseMs: number
  backoffCapMs: number
  pollMs: number
}

export type LaneIssue = { reason: 'offline' | 'halted' | 'no_key'; message: string } | null

export interface LaneContext {
  queue: QueueStore
  now(): number
  base(provider: TiProviderName): string
  spacingMs(provider: TiProviderName): number
  /** The key for a keyed provider (trimmed), or null; throws when the keychain is unreachable. */
  key(provider: TiProviderName): Promise<string | null>
  /**
   * The sandbox's fake key when the sandbox runs. Read in the same synchronous step as the
   * base URL, so a real key fetched just before the sandbox switched the endpoints is never
   * sent to the fake.
   */
  sandboxKey?(): string | null
  options: LaneOptions
  /** Jobs touched by an outcome (their progress and rows changed). */
  changed(jobIds: number[], queueId: number | null): void
  /** A new answer is stored (History lists it). */
  stored(lookupId: number): void
  issue(provider: TiProviderName, issue: LaneIssue): void
  log(level: 'info' | 'warn', message: string): void
}

export function keyId(key: string | null): string {
  return key ? 'k' + createHash('sha256').update(key).digest('hex').slice(0, 16) : 'keyless'
}

export class Lane {
  private running = false
  private wakeUp: (() => void) | null = null
  private offlineStreak = 0
  private loop: Promise<void> | null = null

  constructor(
    readonly provider: TiProviderName,
    private readonly ctx: LaneContext,
    /** Restrict to these jobs (an inline CLI run); null serves every job. */
    private readonly only: number[] | null = null
  ) {}

  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run().catch((err: Error) => this.ctx.log('warn', `ti lane ${this.provider} stopped: ${err.message}`))
  }

  async stop(): Promise<void> {
    this.running = false
    this.wake()
    await this.loop
  }

  wake(): void {
    this.wakeUp?.()
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms))
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
      this.wakeUp = () => {
        this.wakeUp = null
        done()
      }
    })
  }

  private async run(): Promise<void> {
    const def = tiProviders[this.provider]
    const { pollMs } = this.ctx.options
    while (this.running) {
      // Nothing waiting: no keychain access, no warnings about a key nobody needs yet.
      if (this.ctx.queue.earliestDue(this.provider, this.only) === null) {
        if (this.offlineStreak === 0) this.ctx.issue(this.provider, null)
        await this.sleep(pollMs)
        continue
      }
      let key: string | null = null
      if (def.needsKey) {
        try {
          key = await this.ctx.key(this.provider)
        } catch (err) {
          this.ctx.issue(this.provider, { reason: 'no_key', message: `${def.label} lookups are waiting: ${(err as Error).message}` })
          await this.sleep(pollMs * 5)
          continue
        }
        if (!key) {
          this.ctx.issue(this.provider, { reason: 'no_key', message: `${def.label} lookups are waiting: no API key is set. Add one in Settings (or \`huntbench key set shodan\`).` })
          await this.sleep(pollMs)
          continue
        }
      }
      const id = keyId(key)
      const now = this.ctx.now()
      let claim: Claim
      try {
        claim = this.ctx.queue.claim(this.provider, id, this.ctx.spacingMs(this.provider), now, this.only)
      } catch (err) {
        // Another process holds the write lock longer than busy_timeout: try again shortly.
        this.ctx.log('warn', `ti lane ${this.provider}: ${(err as Error).message}`)
        await this.sleep(pollMs)
        continue
      }
      if (claim.kind === 'halted') {
        this.ctx.issue(this.provider, { reason: 'halted', message: claim.reason })
        await this.sleep(pollMs)
      } else if (claim.kind === 'idle') {
        if (this.offlineStreak === 0) this.ctx.issue(this.provider, null)
        await this.sleep(claim.nextDue === null ? pollMs : Math.min(pollMs, claim.nextDue - now))
      } else if (claim.kind === 'wait') {
        await this.sleep(Math.min(claim.until - now, pollMs * 60))
      } else {
        await this.send(claim.row, key, id, claim.slot)
      }
    }
  }

  private async send(row: QueueRow, key: string | null, id: string, slot: number): Promise<void> {
    const def = tiProviders[this.provider]
    const o = this.ctx.options
    const sendKey = def.needsKey ? (this.ctx.sandboxKey?.() ?? key) : key
    const { url, reference } = def.request(this.ctx.base(this.provider), row.safe_ioc, row.query_subtype, sendKey)
    const onSent = (): void => {
      const sentAt = this.ctx.now()
      if (sentAt - slot <= ALIGN_MS) return
      try {
        this.ctx.queue.markSent(this.provider, id, sentAt)
      } catch {
        // The claim's reservation still holds; only the precision is lost.
      }
    }
    const answer = await httpGet(url, { timeoutMs: o.timeoutMs, maxBytes: o.maxAnswerBytes, onSent })
    const now = this.ctx.now()
    const c: Classified = def.classify(answer, now)
    const q = this.ctx.queue
    const httpStatus = answer.kind === 'response' ? answer.status : null
    const attempts = row.attempts + 1
    if (c.kind !== 'offline') this.offlineStreak = 0
    switch (c.kind) {
      case 'ok': {
        const { jobIds, lookupId } = q.complete(row, { result: c.result, severity: c.severity, details: c.details, rawText: c.rawText, reference, status: c.status }, now, id)
        this.ctx.stored(lookupId)
        this.ctx.issue(this.provider, null)
        this.ctx.changed(jobIds, row.id)
        return
      }
      case 'failed':
        this.ctx.changed(q.fail(row, { httpStatus, status: c.status, outcome: 'failed', message: c.message, retryAfterMs: null }, now), row.id)
        return
      case 'retry': {
        if (attempts >= o.maxAttempts) {
          const message = `${c.message}; gave up after ${attempts} attempts`
          this.ctx.changed(q.fail(row, { httpStatus, status: c.status, outcome: 'failed', message, retryAfterMs: c.retryAfterMs }, now), row.id)
          return
        }
        const delay = Math.min(o.backoffCapMs, Math.max(c.retryAfterMs ?? 0, o.backoffBaseMs * 2 ** (attempts - 1)))
        q.retry(row, { httpStatus, status: c.status, outcome: 'retry', message: c.message, retryAfterMs: c.retryAfterMs }, now, now + delay)
        this.ctx.changed([], row.id)
        return
      }
      case 'rate_limited': {
        const spacing = this.ctx.spacingMs(this.provider)
        if (attempts >= o.maxRateLimitedAttempts) {
          const message = `Too Many Requests: ${c.message}; gave up after ${attempts} attempts`
          this.ctx.changed(q.fail(row, { httpStatus, status: 429, outcome: 'failed', message, retryAfterMs: c.retryAfterMs }, now), row.id)
          return
        }
        // Retry-After: 0 still waits: the documented limit is 1 request per second.
        const delay = Math.min(o.backoffCapMs, Math.max(c.retryAfterMs ?? 0, 1000, spacing) * 2 ** (attempts - 1))
        const lane = q.laneState(this.provider, id)
        const widenMs = Math.min(spacing * 4, lane.widen_ms ? lane.widen_ms * 2 : Math.max(5, Math.ceil(spacing / 10)))
        const pause = Math.max(c.retryAfterMs ?? 0, 1000)
        q.retry(row, { httpStatus, status: 429, outcome: 'rate_limited', message: c.message, retryAfterMs: c.retryAfterMs }, now, now + delay, { keyId: id, blockedUntil: now + pause, widenMs })
        this.ctx.log('warn', `ti ${this.provider}: rate limited; the lane pauses ${pause} ms, this lookup retries in ${delay} ms, spacing widened by ${widenMs} ms`)
        this.ctx.changed([], row.id)
        return
      }
      case 'halt':
        q.retry(row, { httpStatus, status: c.status, outcome: 'halted', message: c.message, retryAfterMs: null }, now, now, { keyId: id, halted: c.message })
        this.ctx.log('warn', `ti ${this.provider}: queue stopped: ${c.message}`)
        this.ctx.issue(this.provider, { reason: 'halted', message: c.message })
        this.ctx.changed([], row.id)
        return
      case 'offline': {
        this.offlineStreak++
        const delay = Math.min(30_000, 5000 * this.offlineStreak)
        q.retry(row, { httpStatus, status: 3, outcome: 'offline', message: c.message, retryAfterMs: null }, now, now + delay)
        this.ctx.issue(this.provider, { reason: 'offline', message: `${c.message}. Cached answers are served; the rest waits in the queue.` })
        this.ctx.changed([], row.id)
        return
      }
    }
  }
}
