// Jobs (what an analyst asked for) and their items, the cache decision made when a job is
// created, and reading rows back in msticpy's columns. All writes for one job happen in
// one transaction: a 100,000-line paste lands whole or not at all.
import type { Database, Statement } from 'better-sqlite3'
import { HuntbenchError } from '../../shared/errors'
import type { IocType, ParsedObservable } from '../../shared/observables'
import { LookupStatus, type Severity, type TiItemState, type TiProviderName, type TiRow } from '../../shared/ti'
import { refusalKey } from './gating'
import { supports, tiProviders } from './providers'

export interface NewJob {
  label: string
  priority: 0 | 1
  runId: number | null
  column: string | null
  providers: TiProviderName[]
  maxAgeMs: number
  refresh: boolean
  history: boolean
  /** When offline, serve any cached answer whatever its age (with that age shown). */
  offline: boolean
  inputCount: number
  /** Observables refused by TLP/PAP gating (keyed by gating.refusalKey), with the reason. */
  refused?: ReadonlyMap<string, string>
}

export interface JobRecord {
  id: number
  created_at: number
  label: string
  priority: 0 | 1
  state: 'running' | 'paused' | 'cancelled' | 'done'
  run_id: number | null
  column_name: string | null
  providers: string
  max_age_ms: number
  refresh: number
  input_count: number
  finished_at: number | null
}

interface ItemRecord {
  idx: number
  source: string
  ioc: string
  ioc_type: IocType
  safe_ioc: string
  provider: TiProviderName
  query_subtype: string
  state: TiItemState
  from_cache: number
  status: number | null
  message: string | null
  result: number | null
  severity: Severity | null
  fetched_at: number | null
  reference: string | null
  l_details: string | null
  l_raw: string | null
}

export const QUEUED_MESSAGE = 'Queued: waiting for its turn.'
export const CANCELLED_MESSAGE = 'Cancelled before it was looked up.'

function parseDetails(text: string | null): unknown {
  if (text === null) return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

type ItemValues = [
  jobId: number, idx: number, source: string, ioc: string, iocType: string, safeIoc: string, provider: string, subtype: string,
  state: TiItemState, queueId: number | null, lookupId: number | null, fromCache: 0 | 1, status: number | null, message: string | null,
  finishedAt: number | null, result: number | null, severity: Severity | null, fetchedAt: number | null, reference: string | null
]

interface CacheHit {
  id: number
  status: number
  result: number
  severity: Severity
  fetched_at: number
  reference: string | null
}

const ITEM_COLUMNS = `job_id, idx, source, ioc, ioc_type, safe_ioc, provider, query_subtype, state, queue_id, lookup_id, from_cache,
  status, message, finished_at, result, severity, fetched_at, reference`
const ITEM_PARAMS = `(${Array(19).fill('?').join(', ')})`
/** Rows per multi-row INSERT: one statement step instead of 200 (19 x 200 parameters). */
const ITEM_BATCH = 200

export class JobStore {
  private readonly cacheHit: Statement
  private readonly liveQueue: Statement
  private readonly bumpPriority: Statement
  private readonly insertQueue: Statement
  /** Multi-row item inserts by row count (a tail of n rows reuses its statement next time). */
  private readonly insertItems = new Map<number, Statement>()
  private readonly insertJob: Statement
  private readonly finishJob: Statement

  constructor(private readonly db: Database) {
    // The cache decision reads only the lookups_cache index (never a row and its raw answer).
    this.cacheHit = db.prepare(
      `SELECT id, status, result, severity, fetched_at, reference FROM lookups INDEXED BY lookups_cache
       WHERE provider = ? AND safe_ioc = ? AND query_subtype IS ? AND fetched_at >= ? ORDER BY fetched_at DESC LIMIT 1`
    )
    this.liveQueue = db.prepare("SELECT id FROM ti_queue WHERE provider = ? AND query_subtype = ? AND safe_ioc = ? AND state IN ('pending', 'inflight')").pluck()
    this.bumpPriority = db.prepare('UPDATE ti_queue SET priority = min(priority, ?) WHERE id = ?')
    this.insertQueue = db.prepare(
      "INSERT INTO ti_queue (provider, ioc_type, safe_ioc, query_subtype, priority, state, next_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)"
    )
    this.insertJob = db.prepare(
      `INSERT INTO ti_jobs (created_at, label, priority, state, run_id, column_name, providers, max_age_ms, refresh, input_count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    this.finishJob = db.prepare("UPDATE ti_jobs SET state = 'done', finished_at = ? WHERE id = ?")
  }

  /**
   * Creates the job and decides, per observable and provider: refuse, answer from cache, or
   * queue. A paste repeats values (2,000 lines, 500 distinct in the benchmark), so each
   * decision is made once per distinct (provider, subtype, value), and the rows go in with
   * multi-row inserts: an all-cached paste costs a few statements, not one per line.
   */
  create(job: NewJob, items: readonly ParsedObservable[], now: number): number {
    return this.db.transaction(() => {
      const jobId = Number(
        this.insertJob.run(now, job.label, job.priority, 'running', job.runId, job.column, JSON.stringify(job.providers), job.maxAgeMs, job.refresh ? 1 : 0, job.inputCount)
          .lastInsertRowid
      )
      const floor = now - job.maxAgeMs
      const subtypes = job.providers.map((p) => (job.history && tiProviders[p].subtypes.includes('history') ? 'history' : ''))
      const decided = new Map<string, { hit: CacheHit } | { queue: number }>()
      const pending: ItemValues[] = []
      let anyPending = false
      const flush = (): void => {
        if (pending.length) this.itemInsert(pending.length).run(...pending.splice(0).flat())
      }
      const add = (row: ItemValues): void => {
        pending.push(row)
        if (pending.length === ITEM_BATCH) flush()
      }
      let idx = 0
      for (const item of items) {
        const refusal = job.refused?.size ? job.refused.get(refusalKey(item)) : undefined
        for (let p = 0; p < job.providers.length; p++) {
          const provider = job.providers[p]
          const subtype = subtypes[p]
          const head = [jobId, idx++, item.source, item.source, item.type, item.value, provider, subtype] as const
          if (refusal !== undefined && !item.problem) {
            add([...head, 'bad', null, null, 0, LookupStatus.OTHER, refusal, now, null, null, null, null])
            continue
          }
          if (item.problem || !supports(provider, item.type)) {
            const [status, message] = item.problem
              ? [LookupStatus.BAD_FORMAT, item.problem]
              : [LookupStatus.NOT_SUPPORTED, `${tiProviders[provider].label} does not look up ${item.type} observables.`]
            add([...head, 'bad', null, null, 0, status, message, now, null, null, null, null])
            continue
          }
          const key = `${provider}\u0000${subtype}\u0000${item.value}`
          let decision = decided.get(key)
          if (!decision) {
            const sub = subtype || null
            const hit = job.refresh
              ? undefined
              : ((this.cacheHit.get(provider, item.value, sub, floor) ?? (job.offline ? this.cacheHit.get(provider, item.value, sub, 0) : undefined)) as CacheHit | undefined)
            if (hit) decision = { hit }
            else {
              let queue = (this.liveQueue.get(provider, subtype, item.value) as number | undefined) ?? null
              if (queue === null) queue = Number(this.insertQueue.run(provider, item.type, item.value, subtype, job.priority, now, now).lastInsertRowid)
              else this.bumpPriority.run(job.priority, queue)
              decision = { queue }
            }
            decided.set(key, decision)
          }
          if ('hit' in decision) {
            const h = decision.hit
            add([...head, 'done', null, h.id, 1, h.status, null, now, h.result, h.severity, h.fetched_at, h.reference])
          } else {
            anyPending = true
            add([...head, 'pending', decision.queue, null, 0, null, null, null, null, null, null, null])
          }
        }
      }
      flush()
      if (!anyPending) this.finishJob.run(now, jobId)
      return jobId
    })()
  }

  private itemInsert(rows: number): Statement {
    let statement = this.insertItems.get(rows)
    if (!statement) {
      statement = this.db.prepare(`INSERT INTO ti_job_items (${ITEM_COLUMNS}) VALUES ${Array(rows).fill(ITEM_PARAMS).join(', ')}`)
      this.insertItems.set(rows, statement)
    }
    return statement
  }

  get(jobId: number): JobRecord {
    const job = this.db.prepare('SELECT * FROM ti_jobs WHERE id = ?').get(jobId) as JobRecord | undefined
    if (!job) throw new HuntbenchError('not_found', `There is no lookup job with id ${jobId}.`)
    return job
  }

  list(limit: number): JobRecord[] {
    return this.db.prepare('SELECT * FROM ti_jobs ORDER BY id DESC LIMIT ?').all(limit) as JobRecord[]
  }

  active(): JobRecord[] {
    return this.db.prepare("SELECT * FROM ti_jobs WHERE state IN ('running', 'paused') ORDER BY id").all() as JobRecord[]
  }

  latestForRun(runId: number, column: string): JobRecord | undefined {
    return this.db.prepare('SELECT * FROM ti_jobs WHERE run_id = ? AND column_name = ? ORDER BY id DESC LIMIT 1').get(runId, column) as JobRecord | undefined
  }

  counts(jobId: number): Record<TiItemState, number> {
    const out: Record<TiItemState, number> = { pending: 0, done: 0, failed: 0, bad: 0, cancelled: 0 }
    for (const r of this.db.prepare('SELECT state, count(*) AS n FROM ti_job_items WHERE job_id = ? GROUP BY state').all(jobId) as { state: TiItemState; n: number }[]) {
      out[r.state] = r.n
    }
    return out
  }

  /** Distinct queued requests this job still waits for, per provider. */
  pendingRequests(jobId: number): { provider: TiProviderName; n: number }[] {
    return this.db
      .prepare("SELECT provider, count(DISTINCT queue_id) AS n FROM ti_job_items WHERE job_id = ? AND state = 'pending' GROUP BY provider")
      .all(jobId) as { provider: TiProviderName; n: number }[]
  }

  setState(jobId: number, state: 'running' | 'paused'): void {
    this.get(jobId)
    this.db.prepare("UPDATE ti_jobs SET state = ? WHERE id = ? AND state IN ('running', 'paused')").run(state, jobId)
  }

  cancel(jobId: number, now: number): void {
    this.get(jobId)
    this.db.transaction(() => {
      this.db.prepare("UPDATE ti_jobs SET state = 'cancelled', finished_at = ? WHERE id = ? AND state IN ('running', 'paused')").run(now, jobId)
      this.db.prepare("UPDATE ti_job_items SET state = 'cancelled', finished_at = ? WHERE job_id = ? AND state = 'pending'").run(now, jobId)
      // Requests no other job waits for are dropped; shared ones stay for the others.
      this.db
        .prepare(
          `UPDATE ti_queue SET state = 'cancelled', finished_at = ? WHERE state = 'pending' AND id IN (SELECT queue_id FROM ti_job_items WHERE job_id = ?)
           AND NOT EXISTS (SELECT 1 FROM ti_job_items i WHERE i.queue_id = ti_queue.id AND i.state = 'pending')`
        )
        .run(now, jobId)
    })()
  }

  rows(jobId: number, offset: number, limit: number, includeRaw: boolean, reference: (p: TiProviderName, ioc: string, sub: string) => string, cachedOnly = false): TiRow[] {
    const records = this.db
      .prepare(
        `SELECT i.idx, i.source, i.ioc, i.ioc_type, i.safe_ioc, i.provider, i.query_subtype, i.state, i.from_cache, i.status, i.message,
           i.result, i.severity, i.fetched_at, i.reference, l.details AS l_details, ${includeRaw ? 'l.raw' : 'NULL'} AS l_raw
         FROM ti_job_items i LEFT JOIN lookups l ON l.id = i.lookup_id
         WHERE i.job_id = ? AND i.idx >= ? ${cachedOnly ? 'AND i.from_cache = 1' : ''} ORDER BY i.idx LIMIT ?`
      )
      .all(jobId, offset, limit) as ItemRecord[]
    return records.map((r) => toRow(r, includeRaw, reference))
  }

  distinctSources(jobId: number): number {
    return this.db.prepare('SELECT count(DISTINCT source) FROM ti_job_items WHERE job_id = ?').pluck().get(jobId) as number
  }

  total(jobId: number): number {
    return this.db.prepare('SELECT count(*) FROM ti_job_items WHERE job_id = ?').pluck().get(jobId) as number
  }

  /** One stored answer by id (History's "Open"). */
  lookupById(id: number): { provider: string; safe_ioc: string; query_subtype: string | null; raw: string | null; severity: Severity; status: number; fetched_at: number; reference: string | null; result: number } | undefined {
    return this.db
      .prepare('SELECT provider, safe_ioc, query_subtype, raw, severity, status, fetched_at, reference, result FROM lookups WHERE id = ?')
      .get(id) as never
  }

  /** The stored answer for a host card: the newest for (provider, ioc, subtype), any age. */
  latestLookup(provider: TiProviderName, ioc: string, subtype: string | null): { raw: string | null; severity: Severity; status: number; fetched_at: number; reference: string | null; result: number } | undefined {
    return this.db
      .prepare('SELECT raw, severity, status, fetched_at, reference, result FROM lookups WHERE provider = ? AND safe_ioc = ? AND query_subtype IS ? ORDER BY fetched_at DESC, id DESC LIMIT 1')
      .get(provider, ioc, subtype) as never
  }
}

function toRow(r: ItemRecord, includeRaw: boolean, reference: (p: TiProviderName, ioc: string, sub: string) => string): TiRow {
  if (r.state === 'done' && r.l_details !== null) {
    return {
      Ioc: r.ioc, IocType: r.ioc_type, SafeIoc: r.safe_ioc, QuerySubtype: r.query_subtype || null, Provider: r.provider,
      Result: r.result === 1, Severity: r.severity ?? 'unknown', Details: parseDetails(r.l_details),
      RawResult: includeRaw ? parseDetails(r.l_raw) : null, Reference: r.reference, Status: r.status ?? LookupStatus.OTHER,
      FetchedAt: r.fetched_at, FromCache: r.from_cache === 1, State: r.state, Source: r.source
    }
  }
  const base = {
    Ioc: r.ioc, IocType: r.ioc_type, SafeIoc: r.safe_ioc, QuerySubtype: r.query_subtype || null, Provider: r.provider,
    State: r.state, Source: r.source
  }
  const message =
    r.state === 'pending' ? QUEUED_MESSAGE
    : r.state === 'cancelled' ? CANCELLED_MESSAGE
    : r.state === 'done' ? 'The stored answer was removed.'
    : r.message ?? ''
  const status = r.status ?? LookupStatus.OTHER
  const requested = r.state === 'failed' || r.state === 'pending'
  return {
    ...base, Result: false, Severity: 'unknown', Details: message, RawResult: null,
    Reference: requested ? reference(r.provider, r.safe_ioc, r.query_subtype) : null, Status: status, FetchedAt: null, FromCache: false
  }
}
