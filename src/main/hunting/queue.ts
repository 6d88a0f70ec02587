// The hunt queue: a queued query is a row (hunt_queue) before it is a request, and its run
// (query_runs) exists from the moment it is queued. One worker per profile takes the next
// due row when the governor allows, sends it, and stores the answer page by page. Rows
// left in flight by a process that died go back to pending after a timeout; a re-sent run
// first drops its partial rows, so nothing is stored twice.
import type { Database } from 'better-sqlite3'
import type { HuntingDone, HuntingProgress, QueueItem } from '../../shared/api/hunting'
import { HuntbenchError } from '../../shared/errors'
import type { Logger } from '../log'
import type { RunStore } from '../store/runs'
import type { HuntingApiKind, HuntingClient } from './client'
import { HuntingError, validateKql, validateTimespan } from './client'
import type { QuotaGovernor } from './governor'
import type { Clock } from './clock'
import type { ParsedResult } from './parse'
import { MAX_RESULT_ROWS } from './parse'
import { listQueue, type QueueRow } from './queue-view'
import { abandonedRows, oldestInFlight, OWNER, requeueRow } from './queue-recovery'
import { storeRowsInBatches } from './store-rows'

export { realClock, type Clock } from './clock'
export { storeRowsInBatches } from './store-rows'

export interface QueueProfile {
  id: number
  name: string
  tenantId: string | null
  api: HuntingApiKind
}

export interface QueueEvents {
  queue(items: QueueItem[]): void
  progress(p: HuntingProgress): void
  done(d: HuntingDone): void
}

export interface HuntQueueOptions {
  db: Database
  runs: RunStore
  governor: QuotaGovernor
  client: HuntingClient
  clock: Clock
  profile: (id: number) => QueueProfile
  events: QueueEvents
  log?: Logger
  /** In-flight rows older than this belong to a process that died (default 5 minutes). */
  inflightTimeoutMs?: number
  /** Rows per storage transaction. */
  batchSize?: number
  /** 429s a query may meet before it gives up. */
  maxThrottles?: number
  /** Times an unreachable service is retried (spaced a minute apart) before giving up. */
  maxOfflineAttempts?: number
}

interface Worker {
  timer: unknown
  busy: boolean
  controller: AbortController | null
  queueId: number | null
}

const SHUTDOWN = 'shutdown'

function titleOf(kql: string): string {
  const line = kql.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('//')) ?? kql.trim()
  return line.length > 80 ? line.slice(0, 79) + '…' : line
}

export class HuntQueue {
  private readonly workers = new Map<number, Worker>()
  private readonly o: Required<Omit<HuntQueueOptions, 'log'>> & { log?: Logger }
  private stopped = true
  private recoveryTimer: unknown = null

  constructor(options: HuntQueueOptions) {
    this.o = { inflightTimeoutMs: 5 * 60_000, batchSize: 5000, maxThrottles: 20, maxOfflineAttempts: 5, ...options }
  }

  private get db(): Database {
    return this.o.db
  }

  private now(): number {
    return this.o.clock.now()
  }

  /** Validates and queues a query; the run exists (status queued) from this moment. */
  enqueue(input: { profileId: number; kql: string; timespan?: string | null; title?: string; interactive?: boolean }): { queueId: number; runId: number } {
    const kql = validateKql(input.kql)
    const timespan = validateTimespan(input.timespan)
    const profile = this.o.profile(input.profileId)
    if (timespan && profile.api === 'legacy') {
      throw new HuntbenchError('invalid_input', 'The legacy Defender API has no timespan parameter. Filter in the query (`| where Timestamp > ago(7d)`), or switch the profile to Microsoft Graph.')
    }
    const now = this.now()
    const ids = this.db.transaction(() => {
      const runId = this.o.runs.create({
        source: 'hunt',
        title: input.title?.trim() || titleOf(kql),
        kql,
        profile: profile.name,
        profileId: profile.id,
        tenantId: profile.tenantId,
        timespan,
        startedAt: now,
        status: 'queued'
      })
      const queueId = Number(
        this.db
          .prepare('INSERT INTO hunt_queue (profile_id, run_id, kql, timespan, interactive, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(profile.id, runId, kql, timespan, input.interactive ? 1 : 0, now, now).lastInsertRowid
      )
      return { queueId, runId }
    })()
    this.emitQueue()
    if (!this.stopped) this.schedule(profile.id)
    return ids
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.recoverStale()
    this.scheduleAll()
  }

  private scheduleAll(): void {
    for (const id of this.db.prepare("SELECT DISTINCT profile_id FROM hunt_queue WHERE state = 'pending'").pluck().all() as number[]) this.schedule(id)
  }

  /** Stops every worker; a query in flight goes back to pending and is sent again next time. */
  stop(): void {
    this.stopped = true
    if (this.recoveryTimer) this.o.clock.clearTimeout(this.recoveryTimer)
    this.recoveryTimer = null
    for (const worker of this.workers.values()) {
      if (worker.timer) this.o.clock.clearTimeout(worker.timer)
      worker.timer = null
      worker.controller?.abort(SHUTDOWN)
      if (worker.queueId !== null) this.requeue(worker.queueId)
    }
  }

  /** In-flight rows whose process died go back to pending; ours are left alone. */
  recoverStale(): number {
    const ours = [...this.workers.values()].map((w) => w.queueId).filter((id): id is number => id !== null)
    const abandoned = abandonedRows(this.db, ours, this.now() - this.o.inflightTimeoutMs)
    for (const id of abandoned) this.requeue(id)
    const count = abandoned.length
    if (count) this.emitQueue()
    // Rows in flight elsewhere may be abandoned later: look again when they would expire.
    const oldest = oldestInFlight(this.db)
    if (!this.stopped && oldest !== null && !this.recoveryTimer) {
      const wait = Math.max(1000, oldest + this.o.inflightTimeoutMs - this.now() + 1)
      this.recoveryTimer = this.o.clock.setTimeout(() => {
        this.recoveryTimer = null
        if (!this.stopped && this.recoverStale() > 0) this.scheduleAll()
      }, wait)
    }
    return count
  }

  private requeue(queueId: number): void {
    requeueRow(this.db, this.o.runs, queueId)
  }

  cancel(queueId: number): boolean {
    const row = this.db.prepare('SELECT * FROM hunt_queue WHERE id = ?').get(queueId) as QueueRow | undefined
    if (!row) throw new HuntbenchError('not_found', `There is no queued query with id ${queueId}.`)
    if (row.state !== 'pending' && row.state !== 'in_flight') return false
    const worker = this.workers.get(row.profile_id)
    if (row.state === 'in_flight' && worker?.queueId === queueId) {
      worker.controller?.abort('cancel')
      return true
    }
    // Pending here, or in flight in another process: that process sees the state change
    // before it commits and drops what it fetched.
    const changed = this.db.transaction(() => {
      const n = this.db.prepare("UPDATE hunt_queue SET state = 'cancelled', finished_at = ? WHERE id = ? AND state IN ('pending', 'in_flight')").run(this.now(), queueId).changes
      if (n) {
        this.db.prepare('DELETE FROM run_rows WHERE run_id = ?').run(row.run_id)
        this.o.runs.setStatus(row.run_id, 'cancelled')
      }
      return n > 0
    })()
    if (changed) {
      this.o.events.done({ queueId, runId: row.run_id, status: 'cancelled', rowCount: 0, truncated: false, error: null })
      this.emitQueue()
      this.schedule(row.profile_id)
    }
    return changed
  }

  get(queueId: number): QueueRow | undefined {
    return this.db.prepare('SELECT * FROM hunt_queue WHERE id = ?').get(queueId) as QueueRow | undefined
  }

  /** Waiting and running queries with position and ETA, then the last few finished. */
  list(profileId?: number): QueueItem[] {
    return listQueue(this.db, this.o.governor, this.o.profile, profileId)
  }

  pendingCount(profileId?: number): number {
    return this.db
      .prepare(`SELECT count(*) FROM hunt_queue WHERE state IN ('pending', 'in_flight') ${profileId === undefined ? '' : 'AND profile_id = ?'}`)
      .pluck()
      .get(...(profileId === undefined ? [] : [profileId])) as number
  }

  private emitQueue(): void {
    this.o.events.queue(this.list())
  }

  private worker(profileId: number): Worker {
    let worker = this.workers.get(profileId)
    if (!worker) {
      worker = { timer: null, busy: false, controller: null, queueId: null }
      this.workers.set(profileId, worker)
    }
    return worker
  }

  /** Looks at the profile's next waiting row: sends it now, or wakes up when it may go. */
  schedule(profileId: number): void {
    if (this.stopped) return
    const worker = this.worker(profileId)
    if (worker.busy) return
    if (worker.timer) {
      this.o.clock.clearTimeout(worker.timer)
      worker.timer = null
    }
    const next = this.db.prepare("SELECT * FROM hunt_queue WHERE profile_id = ? AND state = 'pending' ORDER BY id LIMIT 1").get(profileId) as QueueRow | undefined
    if (!next) return
    const now = this.now()
    const due = Math.max(next.next_at, this.o.governor.nextAllowedAt(profileId))
    if (due > now) {
      worker.timer = this.o.clock.setTimeout(() => {
        worker.timer = null
        this.schedule(profileId)
      }, due - now)
      return
    }
    worker.busy = true
    this.process(next, worker)
      .catch((err) => {
        // After stop() the database may be closed; the row stays in flight and is recovered.
        if (!this.stopped) this.o.log?.error(`hunt queue: ${(err as Error)?.stack ?? String(err)}`)
      })
      .finally(() => {
        worker.busy = false
        worker.controller = null
        worker.queueId = null
        this.schedule(profileId)
      })
  }

  private async process(row: QueueRow, worker: Worker): Promise<void> {
    const startedAt = this.now()
    const claimed = this.db.transaction(() => {
      const n = this.db
        .prepare("UPDATE hunt_queue SET state = 'in_flight', attempts = attempts + 1, started_at = ?, owner = ? WHERE id = ? AND state = 'pending'")
        .run(startedAt, OWNER, row.id).changes
      if (n) this.o.runs.restart(row.run_id, startedAt)
      return n > 0
    })()
    if (!claimed) return
    const controller = new AbortController()
    worker.controller = controller
    worker.queueId = row.id
    this.emitQueue()
    const progress = (stage: HuntingProgress['stage'], rowsStored = 0, rowsTotal: number | null = null, message: string | null = null): void =>
      this.o.events.progress({ queueId: row.id, runId: row.run_id, stage, rowsStored, rowsTotal, message })
    progress('sending')
    let profile: QueueProfile
    let result: ParsedResult
    let attempt = 0
    let callId = 0
    try {
      profile = this.o.profile(row.profile_id)
      result = await this.o.client.run(
        { profileId: row.profile_id, api: profile.api, kql: row.kql, timespan: row.timespan },
        {
          signal: controller.signal,
          allowInteractive: row.interactive === 1,
          beforeAttempt: async () => {
            if (attempt++ > 0) progress('retrying')
            await this.waitForTurn(row.profile_id, controller.signal)
            callId = this.o.governor.recordCall(row.profile_id)
          },
          afterAttempt: (ms) => {
            this.o.governor.callAnswered(callId)
            this.o.governor.recordRunning(row.profile_id, ms)
          }
        }
      )
    } catch (err) {
      this.fail(row, err, controller.signal)
      return
    }
    try {
      await this.store(row, result, controller.signal, startedAt, progress)
    } catch (err) {
      this.fail(row, err, controller.signal)
    }
  }

  private async waitForTurn(profileId: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      if (signal.aborted) throw new HuntingError('cancelled', 'The query was cancelled before it was sent.')
      const wait = this.o.governor.nextAllowedAt(profileId) - this.now()
      if (wait <= 0) return
      await new Promise<void>((resolve) => {
        const handle = this.o.clock.setTimeout(() => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        }, wait)
        const onAbort = (): void => {
          this.o.clock.clearTimeout(handle)
          resolve()
        }
        signal.addEventListener('abort', onAbort, { once: true })
      })
    }
  }

  /** Stores the rows in batched transactions; the last one also marks the queue row done. */
  private async store(row: QueueRow, result: ParsedResult, signal: AbortSignal, startedAt: number, progress: (stage: HuntingProgress['stage'], stored?: number, total?: number | null) => void): Promise<void> {
    const { runs } = this.o
    const total = result.rows.length
    await storeRowsInBatches(this.db, runs, row.run_id, result.rows, this.o.batchSize, (stored) => progress('storing', stored, total), signal)
    const durationMs = this.now() - startedAt
    const finished = this.db.transaction(() => {
      const n = this.db.prepare("UPDATE hunt_queue SET state = 'done', finished_at = ?, error_code = NULL, error = NULL WHERE id = ? AND state = 'in_flight'").run(this.now(), row.id).changes
      if (!n) throw new HuntingError('cancelled', 'The query was cancelled; its rows were not kept.')
      runs.finish(row.run_id, { status: 'succeeded', durationMs, rowCount: total, truncated: result.truncated, schema: result.schema })
    })
    finished()
    this.o.events.done({ queueId: row.id, runId: row.run_id, status: 'succeeded', rowCount: total, truncated: result.truncated, error: null })
    this.emitQueue()
    if (result.truncated) this.o.log?.info(`hunt ${row.run_id}: answer reached the ${MAX_RESULT_ROWS}-row cap (${result.answeredRows} rows sent)`)
  }

  private fail(row: QueueRow, err: unknown, signal: AbortSignal): void {
    const now = this.now()
    const reason = signal.aborted ? String(signal.reason) : null
    // Stopping the app is not cancelling the hunt: stop() put it back to pending, and the
    // next claim drops any partial rows before sending it again.
    if (reason === SHUTDOWN || this.stopped) return
    const error = err instanceof HuntbenchError ? err : new HuntbenchError('internal', 'The query failed unexpectedly; the log has the details.')
    if (!(err instanceof HuntbenchError)) this.o.log?.error(`hunt ${row.run_id}: ${(err as Error)?.stack ?? String(err)}`)
    const extra = err instanceof HuntingError ? err.extra : {}
    const current = this.get(row.id)
    if (error.code === 'rate_limited' && !reason && current && current.throttles + 1 <= this.o.maxThrottles) {
      const until = this.o.governor.recordThrottle(row.profile_id, extra.quota ?? 'calls', extra.retryAfterMs ?? null)
      this.backToPending(row, until, 'throttles = throttles + 1')
      this.o.events.progress({ queueId: row.id, runId: row.run_id, stage: 'waiting', rowsStored: 0, rowsTotal: null, message: `${error.message} Waiting until ${new Date(until).toISOString()}.` })
      return
    }
    if (error.code === 'offline' && !reason && current && current.attempts < this.o.maxOfflineAttempts) {
      this.backToPending(row, now + 60_000, 'attempts = attempts')
      this.o.events.progress({ queueId: row.id, runId: row.run_id, stage: 'waiting', rowsStored: 0, rowsTotal: null, message: error.message })
      return
    }
    const cancelled = reason === 'cancel' || error.code === 'cancelled'
    const status = cancelled ? 'cancelled' : 'failed'
    const message = cancelled ? null : error.message
    this.db.transaction(() => {
      this.db
        .prepare("UPDATE hunt_queue SET state = ?, finished_at = ?, error_code = ?, error = ? WHERE id = ? AND state IN ('in_flight', 'pending')")
        .run(status, now, cancelled ? null : error.code, message, row.id)
      this.db.prepare('DELETE FROM run_rows WHERE run_id = ?').run(row.run_id)
      this.o.runs.finish(row.run_id, { status, durationMs: now - (current?.started_at ?? now), rowCount: 0, truncated: false, schema: [], error: message })
    })()
    this.o.events.done({ queueId: row.id, runId: row.run_id, status, rowCount: 0, truncated: false, error: cancelled ? null : { code: error.code, message: error.message } })
    this.emitQueue()
  }

  private backToPending(row: QueueRow, nextAt: number, counter: string): void {
    this.db.transaction(() => {
      this.db.prepare(`UPDATE hunt_queue SET state = 'pending', next_at = ?, started_at = NULL, owner = NULL, ${counter} WHERE id = ? AND state = 'in_flight'`).run(nextAt, row.id)
      this.db.prepare('DELETE FROM run_rows WHERE run_id = ?').run(row.run_id)
      this.o.runs.setStatus(row.run_id, 'queued')
    })()
    this.emitQueue()
  }
}
