// The persistent queue's SQL: claiming the next due request under the shared spacing,
// and recording what came back. Claims run in BEGIN IMMEDIATE transactions so two
// processes on one data folder (the CLI and browser mode, say) can never both send within
// one spacing interval, nor both take the same row.
import { hostname } from 'node:os'
import type { Database, Statement } from 'better-sqlite3'
import type { Severity, TiProviderName } from '../../shared/ti'

export interface QueueRow {
  id: number
  provider: TiProviderName
  ioc_type: string
  safe_ioc: string
  query_subtype: string
  priority: number
  attempts: number
}

export interface SpacingRow {
  last_sent_at: number
  blocked_until: number
  widen_ms: number
  ok_streak: number
  halted: string | null
}

export type Claim =
  | { kind: 'claimed'; row: QueueRow; slot: number }
  | { kind: 'wait'; until: number }
  | { kind: 'idle'; nextDue: number | null }
  | { kind: 'halted'; reason: string }

export interface StoredAnswer {
  result: boolean
  severity: Severity
  details: unknown
  rawText: string | null
  reference: string
  status: number
}

export interface Attempt {
  httpStatus: number | null
  status: number
  outcome: 'rate_limited' | 'retry' | 'failed' | 'halted' | 'offline'
  message: string
  retryAfterMs: number | null
}

export const processOwner = `${hostname()}:${process.pid}`

/** How late a claim may be and still count as on schedule. */
export const ALIGN_MS = 10

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM'
  }
}

// A queue row is due when a running job still waits on it (paused and cancelled jobs
// hold theirs back); interactive (0) before bulk (1), then first come first served.
const eligible = `q.provider = @provider AND q.state = 'pending' AND EXISTS (
  SELECT 1 FROM ti_job_items i JOIN ti_jobs j ON j.id = i.job_id
  WHERE i.queue_id = q.id AND i.state = 'pending' AND j.state = 'running'
    AND (@only IS NULL OR j.id IN (SELECT value FROM json_each(@only))))`

export class QueueStore {
  private readonly nextDue: Statement
  private readonly earliest: Statement
  private readonly spacingGet: Statement
  private readonly spacingEnsure: Statement

  constructor(private readonly db: Database) {
    this.nextDue = db.prepare(`SELECT q.id, q.provider, q.ioc_type, q.safe_ioc, q.query_subtype, q.priority, q.attempts FROM ti_queue q
      WHERE ${eligible} AND q.next_at <= @now ORDER BY q.priority, q.id LIMIT 1`)
    this.earliest = db.prepare(`SELECT min(q.next_at) FROM ti_queue q WHERE ${eligible}`).pluck()
    this.spacingGet = db.prepare('SELECT last_sent_at, blocked_until, widen_ms, ok_streak, halted FROM ti_spacing WHERE provider = ? AND key_id = ?')
    this.spacingEnsure = db.prepare('INSERT INTO ti_spacing (provider, key_id) VALUES (?, ?) ON CONFLICT DO NOTHING')
  }

  spacing(provider: string, keyId: string): SpacingRow {
    this.spacingEnsure.run(provider, keyId)
    return this.spacingGet.get(provider, keyId) as SpacingRow
  }

  private gate(sp: SpacingRow, spacingMs: number): number {
    return Math.max(sp.last_sent_at + spacingMs + sp.widen_ms, sp.blocked_until)
  }

  /** Takes the next due row if the spacing allows a request now; marks the slot used. */
  claim(provider: TiProviderName, keyId: string, spacingMs: number, now: number, only: number[] | null): Claim {
    return this.db
      .transaction((): Claim => {
        const sp = this.spacing(provider, keyId)
        if (sp.halted) return { kind: 'halted', reason: sp.halted }
        const params = { provider, now, only: only ? JSON.stringify(only) : null }
        const row = this.nextDue.get(params) as QueueRow | undefined
        if (!row) return { kind: 'idle', nextDue: (this.earliest.get(params) as number | null) ?? null }
        const gate = this.gate(sp, spacingMs)
        if (now < gate) return { kind: 'wait', until: gate }
        // A claim a few ms past its slot (a late timer) is recorded at the slot, so lateness
        // does not pile up into a slower rate; anything later starts a new schedule.
        const scheduled = sp.last_sent_at + spacingMs + sp.widen_ms
        const slot = gate === scheduled && now - gate <= ALIGN_MS ? gate : now
        this.db.prepare('UPDATE ti_spacing SET last_sent_at = ? WHERE provider = ? AND key_id = ?').run(slot, provider, keyId)
        this.db
          .prepare("UPDATE ti_queue SET state = 'inflight', inflight_at = ?, inflight_owner = ? WHERE id = ?")
          .run(now, processOwner, row.id)
        return { kind: 'claimed', row, slot }
      })
      .immediate()
  }

  /** When the earliest eligible row is due, or null when nothing waits (no key needed to ask). */
  earliestDue(provider: TiProviderName, only: number[] | null): number | null {
    return (this.earliest.get({ provider, now: 0, only: only ? JSON.stringify(only) : null }) as number | null) ?? null
  }

  /**
   * The claim reserved the slot; when the request reached the wire noticeably later (a
   * busy event loop), measure from then instead, so the next one is delayed by as much and
   * two requests never arrive closer than the spacing.
   */
  markSent(provider: TiProviderName, keyId: string, at: number): void {
    this.db.prepare('UPDATE ti_spacing SET last_sent_at = max(last_sent_at, ?) WHERE provider = ? AND key_id = ?').run(at, provider, keyId)
  }

  /** A request outside the queue (key test, api-info) takes its slot the same way. */
  reserveSlot(provider: TiProviderName, keyId: string, spacingMs: number, now: number): { ok: true } | { ok: false; until: number } {
    return this.db
      .transaction(() => {
        const sp = this.spacing(provider, keyId)
        const gate = this.gate(sp, spacingMs)
        if (now < gate) return { ok: false as const, until: gate }
        this.db.prepare('UPDATE ti_spacing SET last_sent_at = ? WHERE provider = ? AND key_id = ?').run(now, provider, keyId)
        return { ok: true as const }
      })
      .immediate()
  }

  /** On start: rows left in flight by a process that died (or long ago) go back to pending. */
  reclaimStale(now: number, timeoutMs: number): number {
    const rows = this.db.prepare("SELECT id, inflight_at, inflight_owner FROM ti_queue WHERE state = 'inflight'").all() as {
      id: number
      inflight_at: number | null
      inflight_owner: string | null
    }[]
    const host = hostname()
    const stale = rows.filter((r) => {
      if (r.inflight_owner === processOwner) return false
      const [ownerHost, pid] = (r.inflight_owner ?? '').split(':')
      if (ownerHost === host && pid && !pidAlive(Number(pid))) return true
      return (r.inflight_at ?? 0) < now - timeoutMs
    })
    const reset = this.db.prepare("UPDATE ti_queue SET state = 'pending', inflight_owner = NULL WHERE id = ? AND state = 'inflight'")
    this.db.transaction(() => stale.forEach((r) => reset.run(r.id)))()
    return stale.length
  }

  private attempt(row: QueueRow, now: number, a: Attempt): void {
    this.db
      .prepare(
        `INSERT INTO ti_attempts (queue_id, provider, safe_ioc, at, http_status, status, outcome, message, retry_after_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(row.id, row.provider, row.safe_ioc, now, a.httpStatus, a.status, a.outcome, a.message.slice(0, 1000), a.retryAfterMs)
  }

  private jobsWaitingOn(queueId: number): number[] {
    return this.db.prepare("SELECT DISTINCT job_id FROM ti_job_items WHERE queue_id = ? AND state = 'pending'").pluck().all(queueId) as number[]
  }

  private settleJobs(jobIds: number[], now: number): void {
    const done = this.db.prepare(
      `UPDATE ti_jobs SET state = 'done', finished_at = ? WHERE id = ? AND state IN ('running', 'paused')
       AND NOT EXISTS (SELECT 1 FROM ti_job_items WHERE job_id = ? AND state = 'pending')`
    )
    for (const id of jobIds) done.run(now, id, id)
  }

  /** Stores an answer (a host or "no data") as a cache entry and finishes every job item waiting on it. */
  complete(row: QueueRow, answer: StoredAnswer, now: number, keyId: string): { lookupId: number; jobIds: number[] } {
    return this.db.transaction(() => {
      const current = this.db.prepare('SELECT state FROM ti_queue WHERE id = ?').pluck().get(row.id) as string | undefined
      const jobIds = this.jobsWaitingOn(row.id)
      const lookupId = Number(
        this.db
          .prepare(
            `INSERT INTO lookups (provider, ioc, ioc_type, safe_ioc, query_subtype, result, severity, details, raw, reference, status, fetched_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
          )
          .run(row.provider, row.safe_ioc, row.ioc_type, row.safe_ioc, row.query_subtype || null, answer.result ? 1 : 0, answer.severity,
            JSON.stringify(answer.details), answer.rawText, answer.reference, answer.status, now).lastInsertRowid
      )
      if (current === 'pending' || current === 'inflight') {
        this.db
          .prepare("UPDATE ti_queue SET state = 'done', lookup_id = ?, finished_at = ?, inflight_owner = NULL WHERE id = ?")
          .run(lookupId, now, row.id)
      }
      this.db
        .prepare(
          `UPDATE ti_job_items SET state = 'done', lookup_id = ?, finished_at = ?, status = ?, result = ?, severity = ?, fetched_at = ?, reference = ?
           WHERE queue_id = ? AND state = 'pending'`
        )
        .run(lookupId, now, answer.status, answer.result ? 1 : 0, answer.severity, now, answer.reference, row.id)
      // Narrow a spacing widened by a 429 again after a run of clean answers.
      const sp = this.spacing(row.provider, keyId)
      const streak = sp.ok_streak + 1
      const narrow = sp.widen_ms > 0 && streak >= 20
      this.db
        .prepare('UPDATE ti_spacing SET ok_streak = ?, widen_ms = ? WHERE provider = ? AND key_id = ?')
        .run(narrow ? 0 : streak, narrow ? (sp.widen_ms <= 10 ? 0 : Math.floor(sp.widen_ms / 2)) : sp.widen_ms, row.provider, keyId)
      this.settleJobs(jobIds, now)
      return { lookupId, jobIds }
    })()
  }

  /** Gives up on a row: the job items show the failure; nothing is cached. */
  fail(row: QueueRow, attempt: Attempt, now: number): number[] {
    return this.db.transaction(() => {
      this.attempt(row, now, attempt)
      const jobIds = this.jobsWaitingOn(row.id)
      this.db.prepare("UPDATE ti_queue SET state = 'failed', attempts = attempts + 1, finished_at = ?, inflight_owner = NULL WHERE id = ?").run(now, row.id)
      this.db
        .prepare("UPDATE ti_job_items SET state = 'failed', status = ?, message = ?, finished_at = ? WHERE queue_id = ? AND state = 'pending'")
        .run(attempt.status, attempt.message.slice(0, 1000), now, row.id)
      this.settleJobs(jobIds, now)
      return jobIds
    })()
  }

  /** Back to pending, due at `nextAt`. Rate limits also block and widen the lane; halts stop it. */
  retry(row: QueueRow, attempt: Attempt, now: number, nextAt: number, lane?: { keyId: string; blockedUntil?: number; widenMs?: number; halted?: string }): void {
    this.db.transaction(() => {
      this.attempt(row, now, attempt)
      const counts = attempt.outcome === 'retry' || attempt.outcome === 'rate_limited' ? 1 : 0
      this.db
        .prepare("UPDATE ti_queue SET state = 'pending', attempts = attempts + ?, next_at = ?, inflight_owner = NULL WHERE id = ?")
        .run(counts, nextAt, row.id)
      if (lane) {
        this.spacing(row.provider, lane.keyId)
        this.db
          .prepare(
            `UPDATE ti_spacing SET blocked_until = max(blocked_until, ?), widen_ms = coalesce(?, widen_ms), halted = coalesce(?, halted), ok_streak = 0
             WHERE provider = ? AND key_id = ?`
          )
          .run(lane.blockedUntil ?? 0, lane.widenMs ?? null, lane.halted ?? null, row.provider, lane.keyId)
      }
    })()
  }

  clearHalt(provider: string, keyId?: string): void {
    if (keyId) this.db.prepare('UPDATE ti_spacing SET halted = NULL WHERE provider = ? AND key_id = ?').run(provider, keyId)
    else this.db.prepare('UPDATE ti_spacing SET halted = NULL WHERE provider = ?').run(provider)
  }

  halted(provider: string, keyId: string): string | null {
    return (this.db.prepare('SELECT halted FROM ti_spacing WHERE provider = ? AND key_id = ?').pluck().get(provider, keyId) as string | null) ?? null
  }

  /** Requests waiting in a lane at or ahead of `priority` (for the ETA). */
  pendingAhead(provider: string, priority: number): number {
    return this.db
      .prepare("SELECT count(*) FROM ti_queue WHERE provider = ? AND state IN ('pending', 'inflight') AND priority < ?")
      .pluck()
      .get(provider, priority) as number
  }

  widenMs(provider: string, keyId: string): number {
    return (this.spacingGet.get(provider, keyId) as SpacingRow | undefined)?.widen_ms ?? 0
  }

  laneState(provider: string, keyId: string): SpacingRow {
    return this.spacing(provider, keyId)
  }
}
