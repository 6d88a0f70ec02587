// The threat-intel service: turns a paste or a result column into a job, answers what the
// cache can at once, queues the rest, runs the lanes (a worker in the desktop and browser
// hosts, inline for a CLI lookup), and reports progress. One instance per process; the
// queue itself lives in SQLite and is shared by every process on the data folder.
import { DEFAULT_MAX_AGE_MS } from '../../shared/api/ti'
import { HuntbenchError } from '../../shared/errors'
import { parseLookupInput, type ParsedObservable } from '../../shared/observables'
import {
  tiProviderNames,
  type HostCard,
  type TiJobSummary,
  type TiLookupAnswer,
  type TiProgress,
  type TiProviderInfo,
  type TiProviderName,
  type TiResultsPage,
  type TiRow,
  type TiRunEnrichment
} from '../../shared/ti'
import { registerSecret } from '../log'
import { columnItems } from './column-items'
import { LookupGate, refusalKey } from './gating'
import { JobStore, type JobRecord } from './job-store'
import { deleteKey, keyStatus, setKey, SHODAN_ACCOUNT, testKey, type KeyContext } from './keys'
import { defaultTiOptions, DEFAULT_SPACING_MS, SPACING_WARNING, type LookupRequest, type TiDeps, type TiOptions } from './options'
import { jobProgress, jobSummary, type ProgressContext } from './progress'
import { tiProviders } from './providers'
import * as read from './read'
import type { ReadContext } from './read'
import { QueueStore } from './queue-store'
import { keyId, Lane, type LaneIssue } from './worker'

// Settings and inputs live in options.ts; kept importable from here, where callers look.
export { DEFAULT_SPACING_MS, SPACING_WARNING, defaultTiOptions, type LookupRequest, type TiDeps, type TiOptions } from './options'

/** The answer to ti.lookup carries the first cache hits; ti.results pages through all rows. */
const MAX_CACHED_IN_ANSWER = 100

export class TiService {
  readonly jobs: JobStore
  readonly queue: QueueStore
  readonly options: TiOptions
  private readonly gate: LookupGate
  private lanes: Lane[] = []
  private readonly issues = new Map<TiProviderName, LaneIssue>()
  private readonly lastProgress = new Map<number, string>()
  private tick: NodeJS.Timeout | null = null
  private keyCache: { key: string | null; at: number } | null = null
  /** Set while the sandbox runs (useSandboxKey); shadows the vault for this process. */
  private sandboxKey: string | null = null
  private backgroundWork: { label: string; done: number; total: number }[] = []

  constructor(private readonly deps: TiDeps) {
    this.jobs = new JobStore(deps.db)
    this.queue = new QueueStore(deps.db)
    this.gate = new LookupGate(deps.db)
    this.options = { ...defaultTiOptions, ...deps.options, spacingOverride: { ...deps.options?.spacingOverride } }
  }

  // ---- settings and providers -------------------------------------------------------

  base(provider: TiProviderName): string {
    return provider === 'shodan' ? this.deps.endpoints.shodan : this.deps.endpoints.internetdb
  }

  storedSpacing(provider: TiProviderName): number {
    const ms = this.deps.db.prepare('SELECT spacing_ms FROM ti_provider_settings WHERE provider = ?').pluck().get(provider) as number | undefined
    return ms ?? DEFAULT_SPACING_MS
  }

  spacingMs(provider: TiProviderName): number {
    return this.options.spacingOverride[provider] ?? this.storedSpacing(provider)
  }

  setSpacing(provider: TiProviderName, spacingMs: number): { provider: string; spacingMs: number; warning: string | null } {
    this.deps.db
      .prepare('INSERT INTO ti_provider_settings (provider, spacing_ms) VALUES (?, ?) ON CONFLICT (provider) DO UPDATE SET spacing_ms = excluded.spacing_ms')
      .run(provider, spacingMs)
    const warning = spacingMs < 1000 ? SPACING_WARNING : null
    if (warning) this.deps.log.warn(`ti: ${provider} spacing set to ${spacingMs} ms`)
    return { provider, spacingMs, warning }
  }

  async key(provider: TiProviderName): Promise<string | null> {
    if (!tiProviders[provider].needsKey) return null
    if (this.sandboxKey) return this.sandboxKey
    const now = Date.now()
    if (this.keyCache && now - this.keyCache.at < 5000) return this.keyCache.key
    const key = await this.deps.vault.get(SHODAN_ACCOUNT)
    this.keyCache = { key, at: now }
    return key
  }

  private async hasKey(): Promise<boolean> {
    try {
      return (await this.key('shodan')) !== null
    } catch {
      return false
    }
  }

  async providers(): Promise<{ providers: TiProviderInfo[]; defaultProviders: string[] }> {
    const ready = await this.hasKey()
    let halted: string | null = null
    if (ready) halted = this.queue.halted('shodan', keyId(await this.key('shodan')))
    const list = tiProviderNames.map((name): TiProviderInfo => {
      const def = tiProviders[name]
      const spacingMs = this.spacingMs(name)
      return {
        name, label: def.label, types: [...def.types], needsKey: def.needsKey, spacingMs,
        spacingWarning: spacingMs < 1000 ? SPACING_WARNING : null,
        ready: def.needsKey ? ready : true,
        halted: name === 'shodan' ? halted : null
      }
    })
    return { providers: list, defaultProviders: ready ? ['shodan'] : ['internetdb'] }
  }

  /**
   * The sandbox points Shodan at its fake: from now on lookups and key tests use the fake's
   * key, and the keychain is neither read for Shodan nor changed (set/delete are refused).
   */
  useSandboxKey(key: string): void {
    registerSecret(key)
    this.sandboxKey = key
    this.keyContext().changed()
  }

  keyContext(): KeyContext {
    return {
      vault: this.deps.vault, queue: this.queue, base: this.deps.endpoints.shodan, now: this.deps.now, sandboxKey: () => this.sandboxKey,
      spacingMs: () => this.spacingMs('shodan'), timeoutMs: this.options.timeoutMs,
      changed: () => {
        this.keyCache = null
        this.issues.delete('shodan')
        this.lanes.forEach((l) => l.wake())
        this.refresh(true)
      }
    }
  }

  keyStatus = () => keyStatus(this.keyContext())
  setKey = (key: string, memoryOnly: boolean) => setKey(this.keyContext(), key, memoryOnly)
  testKey = () => testKey(this.keyContext())
  deleteKey = () => deleteKey(this.keyContext())

  // ---- jobs ---------------------------------------------------------------------------

  private async chooseProviders(requested?: TiProviderName[]): Promise<TiProviderName[]> {
    const hasKey = await this.hasKey()
    if (!requested) return hasKey ? ['shodan'] : ['internetdb']
    if (requested.includes('shodan') && !hasKey) {
      let reason = 'No Shodan API key is set.'
      try {
        await this.key('shodan')
      } catch (err) {
        reason = (err as Error).message
      }
      throw new HuntbenchError('unauthenticated', `${reason} Add a key in Settings (or \`huntbench key set shodan\`), or use internetdb, which needs none.`)
    }
    return requested
  }

  private online(): boolean {
    return this.deps.isOnline() && ![...this.issues.values()].some((i) => i?.reason === 'offline')
  }

  private createJob(items: ParsedObservable[], inputCount: number, label: string, providers: TiProviderName[], req: LookupRequest, run: { runId: number; column: string } | null): TiLookupAnswer {
    const refused = this.gate.refusals(items)
    if (refused.size && items.every((i) => i.problem || refused.has(refusalKey(i)))) {
      // Nothing here may leave: say why instead of creating a job of refusals.
      throw new HuntbenchError('forbidden', [...refused.values()][0].replace(/^Not looked up: /, ''))
    }
    const now = this.deps.now()
    const jobId = this.jobs.create(
      {
        label, priority: req.priority === 'bulk' ? 1 : 0, runId: run?.runId ?? null, column: run?.column ?? null, providers,
        maxAgeMs: req.maxAgeMs ?? DEFAULT_MAX_AGE_MS, refresh: req.refresh ?? false, history: req.history ?? false,
        offline: !this.online(), inputCount, refused
      },
      items,
      now
    )
    this.lanes.forEach((l) => l.wake())
    const progress = this.progress(jobId)
    this.emitProgress(progress)
    const cached = this.jobs.rows(jobId, 0, MAX_CACHED_IN_ANSWER, false, this.reference, true)
    this.refresh()
    return { jobId, distinct: items.length, progress, cached }
  }

  async lookup(req: LookupRequest): Promise<TiLookupAnswer> {
    if (req.caseId !== undefined) this.gate.assertCase(req.caseId)
    const providers = await this.chooseProviders(req.providers)
    const items =
      req.observables !== undefined
        ? parseLookupInput(req.observables.join('\n'), 'lines')
        : parseLookupInput(req.text ?? '', req.mode ?? 'auto')
    if (items.length === 0) {
      throw new HuntbenchError('invalid_input', 'Nothing to look up: the input is empty. Paste IP addresses (one per line) or any text that contains them.')
    }
    const first = items[0].source
    const label = items.length === 1 ? first : `${first} and ${items.length - 1} more`
    return this.createJob(items, req.observables?.length ?? items.length, label, providers, req, null)
  }

  /** Bulk enrichment: the distinct values of one stored column, queued behind interactive work. */
  async enrichRun(req: { runId: number; column: string; providers?: TiProviderName[]; maxAgeMs?: number; refresh?: boolean; caseId?: number }): Promise<TiLookupAnswer> {
    const { title, index } = read.columnIndex(this.readContext(), req.runId, req.column)
    if (req.caseId !== undefined) this.gate.assertCase(req.caseId)
    this.gate.assertRun(req.runId)
    const providers = await this.chooseProviders(req.providers)
    const { items, valueCount } = columnItems(this.deps.db, req.runId, index)
    if (items.length === 0) throw new HuntbenchError('invalid_input', `Column ${JSON.stringify(req.column)} of run ${req.runId} has no values to look up.`)
    return this.createJob(items, valueCount, `${title} · ${req.column}`, providers, { ...req, priority: 'bulk' }, { runId: req.runId, column: req.column })
  }

  readonly reference = (provider: TiProviderName, ioc: string, subtype: string): string =>
    tiProviders[provider].request(this.base(provider), ioc, subtype, null).reference

  private progressContext(): ProgressContext {
    return {
      jobs: this.jobs, queue: this.queue, spacingMs: (p) => this.spacingMs(p),
      cachedKey: () => this.keyCache?.key ?? null, issue: (p) => this.issues.get(p) ?? null
    }
  }

  progress(jobId: number, job: JobRecord = this.jobs.get(jobId)): TiProgress {
    return jobProgress(this.progressContext(), jobId, job)
  }

  summary(job: JobRecord): TiJobSummary {
    return jobSummary(job, this.progress(job.id, job))
  }

  private readContext(): ReadContext {
    return { jobs: this.jobs, runs: this.deps.runs, now: this.deps.now, reference: this.reference, progress: (id, job) => this.progress(id, job) }
  }

  results = (jobId: number, offset: number, limit: number, includeRaw: boolean): TiResultsPage => read.results(this.readContext(), jobId, offset, limit, includeRaw)
  allRows = (jobId: number, includeRaw: boolean): TiRow[] => read.allRows(this.readContext(), jobId, includeRaw)
  runEnrichment = (runId: number, column: string, offset: number, limit: number): TiRunEnrichment => read.runEnrichment(this.readContext(), runId, column, offset, limit)
  exportJob = (ref: { jobId?: number; runId?: number; column?: string }, format: 'csv' | 'json') => read.exportJob(this.readContext(), ref, format)
  hostCard = (provider: TiProviderName, ioc: string, history: boolean, lookupId?: number): HostCard =>
    read.hostCard(this.readContext(), provider, ioc, history, lookupId)

  pause(jobId: number): TiProgress {
    this.jobs.setState(jobId, 'paused')
    return this.afterChange(jobId)
  }

  resume(jobId: number): TiProgress {
    this.jobs.setState(jobId, 'running')
    // Resuming is also how an analyst says "I fixed the key / plan": lift the stop.
    for (const p of JSON.parse(this.jobs.get(jobId).providers) as TiProviderName[]) {
      this.queue.clearHalt(p)
      if (this.issues.get(p)?.reason === 'halted') this.issues.delete(p)
    }
    this.keyCache = null
    this.lanes.forEach((l) => l.wake())
    return this.afterChange(jobId)
  }

  cancel(jobId: number): TiProgress {
    this.jobs.cancel(jobId, this.deps.now())
    return this.afterChange(jobId)
  }

  private afterChange(jobId: number): TiProgress {
    const p = this.progress(jobId)
    this.emitProgress(p)
    this.refresh(true)
    return p
  }

  // ---- lanes, events, status ----------------------------------------------------------

  private laneContext() {
    return {
      queue: this.queue,
      now: this.deps.now,
      base: (p: TiProviderName) => this.base(p),
      spacingMs: (p: TiProviderName) => this.spacingMs(p),
      key: (p: TiProviderName) => this.key(p),
      sandboxKey: () => this.sandboxKey,
      options: this.options,
      changed: (jobIds: number[], queueId: number | null) => this.changed(jobIds, queueId),
      stored: (lookupId: number) => this.stored(lookupId),
      issue: (p: TiProviderName, issue: LaneIssue) => {
        const before = JSON.stringify(this.issues.get(p) ?? null)
        if (issue) this.issues.set(p, issue)
        else this.issues.delete(p)
        if (before !== JSON.stringify(issue)) this.refresh(true)
      },
      log: (level: 'info' | 'warn', message: string) => this.deps.log[level](message)
    }
  }

  private historyTimer: NodeJS.Timeout | null = null
  private lastStored = 0

  /** History hears about new answers at most once a second (bulk work stores several a second). */
  private stored(lookupId: number): void {
    this.lastStored = lookupId
    if (this.historyTimer) return
    this.deps.bus.emit('history.changed', { kind: 'lookup', id: lookupId })
    this.historyTimer = setTimeout(() => {
      this.historyTimer = null
      if (this.lastStored !== lookupId) this.deps.bus.emit('history.changed', { kind: 'lookup', id: this.lastStored })
    }, 1000)
    this.historyTimer.unref()
  }

  private changed(jobIds: number[], queueId: number | null): void {
    const ids = new Set(jobIds)
    if (queueId !== null) {
      for (const id of this.deps.db.prepare('SELECT DISTINCT job_id FROM ti_job_items WHERE queue_id = ?').pluck().all(queueId) as number[]) ids.add(id)
    }
    for (const jobId of ids) {
      if (queueId !== null && jobIds.includes(jobId)) {
        const rows = this.deps.db.prepare('SELECT idx FROM ti_job_items WHERE job_id = ? AND queue_id = ?').pluck().all(jobId, queueId) as number[]
        const out = rows.flatMap((idx) => this.jobs.rows(jobId, idx, 1, false, this.reference))
        if (out.length) this.deps.bus.emit('ti.result', { jobId, rows: out })
      }
      this.emitProgress(this.progress(jobId))
    }
  }

  private emitProgress(p: TiProgress): void {
    const key = JSON.stringify({ ...p, etaMs: Math.round(p.etaMs / 1000) })
    if (this.lastProgress.get(p.jobId) === key) return
    this.lastProgress.set(p.jobId, key)
    this.deps.bus.emit('ti.progress', p)
  }

  /** Re-reads active jobs (another process may have advanced them) and the status bar part. */
  refresh(force = false): void {
    const active = this.jobs.active()
    let done = 0
    let total = 0
    for (const job of active) {
      const p = this.progress(job.id, job)
      done += p.done
      total += p.total
      this.emitProgress(p)
    }
    const work = active.length ? [{ label: `Lookups (${active.length} job${active.length === 1 ? '' : 's'})`, done, total }] : []
    if (force || JSON.stringify(work) !== JSON.stringify(this.backgroundWork)) {
      this.backgroundWork = work
      this.deps.statusChanged()
    }
  }

  statusPart(): { backgroundWork: { label: string; done: number; total: number }[]; warnings: string[] } {
    return { backgroundWork: this.backgroundWork, warnings: [...this.issues.values()].filter((i) => i && i.reason !== 'offline').map((i) => i!.message) }
  }

  /** Starts a lane per provider serving every job (desktop and browser hosts). */
  start(): void {
    if (this.lanes.length) return
    const reclaimed = this.queue.reclaimStale(this.deps.now(), this.options.inflightTimeoutMs)
    if (reclaimed) this.deps.log.info(`ti: ${reclaimed} interrupted lookups returned to the queue`)
    this.lanes = tiProviderNames.map((p) => new Lane(p, this.laneContext()))
    this.lanes.forEach((l) => l.start())
    this.tick = setInterval(() => this.refresh(), this.options.pollMs)
    this.tick.unref()
    this.refresh(true)
  }

  async stop(): Promise<void> {
    if (this.tick) clearInterval(this.tick)
    this.tick = null
    const lanes = this.lanes
    this.lanes = []
    await Promise.all(lanes.map((l) => l.stop()))
  }

  /**
   * Runs lanes for these jobs only until they finish, or until work cannot continue
   * (offline, the key refused or missing): the CLI's inline worker.
   */
  async runInline(jobIds: number[], onProgress: (p: TiProgress[]) => void, signal?: AbortSignal): Promise<TiProgress[]> {
    this.queue.reclaimStale(this.deps.now(), this.options.inflightTimeoutMs)
    const lanes = tiProviderNames.map((p) => new Lane(p, this.laneContext(), jobIds))
    lanes.forEach((l) => l.start())
    try {
      for (;;) {
        const all = jobIds.map((id) => this.progress(id))
        onProgress(all)
        if (signal?.aborted || all.every((p) => p.finished || p.paused) || all.some((p) => p.stoppedReason && p.stoppedReason !== 'cancelled')) return all
        await new Promise((r) => setTimeout(r, Math.min(this.options.pollMs, 250)))
      }
    } finally {
      await Promise.all(lanes.map((l) => l.stop()))
    }
  }
}
