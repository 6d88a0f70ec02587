// Hunting as one service: the client, the governor and the queue wired to the store, the
// event bus and the auth service's tokens and per-profile endpoints.
import type { Database } from 'better-sqlite3'
import type { HuntingEvents, SchemaTable } from '../../shared/api/hunting'
import type { AppStatus } from '../../shared/types'
import type { Endpoints } from '../config'
import type { EventBus } from '../events'
import type { Logger } from '../log'
import type { RunStore } from '../store/runs'
import { HuntingClient, type HuntingClientOptions, type TokenSource } from './client'
import { QuotaGovernor } from './governor'
import { HuntQueue, realClock, type Clock, type QueueProfile } from './queue'
import { cachedGraphSchema, combinedSchema, parseGraphSchema, storeGraphSchema } from './schema'

export interface HuntingDeps {
  db: Database
  runs: RunStore
  bus: EventBus
  log: Logger
  tokens: TokenSource
  /** Profile facts the queue needs (the auth service's profile store). */
  profile: (id: number) => QueueProfile
  endpointsFor: (profileId: number) => Pick<Endpoints, 'graph' | 'defender'>
  clock?: Clock
  client?: Partial<HuntingClientOptions>
  governorMarginMs?: number
  inflightTimeoutMs?: number
}

export class HuntingService {
  readonly governor: QuotaGovernor
  readonly client: HuntingClient
  readonly queue: HuntQueue
  private readonly clock: Clock
  /** When Graph's schema was last asked for, per profile: one try an hour when it does not answer. */
  private readonly schemaTried = new Map<number, number>()

  constructor(private readonly deps: HuntingDeps) {
    this.clock = deps.clock ?? realClock
    const now = (): number => this.clock.now()
    this.governor = new QuotaGovernor(deps.db, now, { marginMs: deps.governorMarginMs })
    this.client = new HuntingClient({ endpoints: deps.endpointsFor, tokens: deps.tokens, now, ...deps.client })
    const emit = <E extends keyof HuntingEvents>(event: E, payload: HuntingEvents[E]): void =>
      deps.bus.emit(event as keyof HuntingEvents, payload as HuntingEvents[keyof HuntingEvents])
    this.queue = new HuntQueue({
      db: deps.db,
      runs: deps.runs,
      governor: this.governor,
      client: this.client,
      clock: this.clock,
      profile: deps.profile,
      log: deps.log,
      inflightTimeoutMs: deps.inflightTimeoutMs,
      events: {
        queue: (items) => emit('hunting.queue', { items }),
        progress: (p) => emit('hunting.progress', p),
        done: (d) => {
          emit('hunting.done', d)
          deps.bus.emit('history.changed', { kind: 'run', id: d.runId })
        }
      }
    })
  }

  start(): void {
    this.governor.prune()
    this.queue.start()
  }

  stop(): void {
    this.queue.stop()
  }

  /** The profile the status bar shows: one with queued work, else the last one hunted with. */
  activeProfileId(): number | null {
    const queued = this.deps.db.prepare("SELECT profile_id FROM hunt_queue WHERE state IN ('pending', 'in_flight') ORDER BY id LIMIT 1").pluck().get() as number | undefined
    if (queued !== undefined) return queued
    const last = this.deps.db.prepare('SELECT profile_id FROM hunt_queue ORDER BY id DESC LIMIT 1').pluck().get() as number | undefined
    return last ?? null
  }

  statusPart(): Partial<AppStatus> {
    const profileId = this.activeProfileId()
    if (profileId === null) return {}
    let profile: QueueProfile
    try {
      profile = this.deps.profile(profileId)
    } catch {
      return {}
    }
    const quota = this.governor.status(profileId)
    const queued = this.queue.pendingCount()
    return {
      quota: {
        profile: profile.name,
        callsLastMinute: quota.callsLastMinute,
        callsPerMinute: quota.limits.callsPerMinute,
        queued,
        nextCallAt: quota.nextCallAt,
        blockedUntil: quota.blockedUntil
      },
      backgroundWork: queued > 0 ? [{ label: 'Hunting queries', done: 0, total: queued }] : []
    }
  }

  /** Standard + Graph (cached a day, fetched silently) + learned tables. */
  async schema(profileId: number | undefined, refresh: boolean): Promise<SchemaTable[]> {
    let graph: SchemaTable[] | null = null
    if (profileId !== undefined) {
      const now = this.clock.now()
      const cached = cachedGraphSchema(this.deps.db, profileId, now)
      graph = cached?.tables ?? null
      const tried = this.schemaTried.get(profileId)
      if (refresh || (!cached?.fresh && (tried === undefined || now - tried > 3_600_000))) {
        this.schemaTried.set(profileId, now)
        try {
          const body = await this.client.fetchSchema(profileId)
          const parsed = body === null ? null : parseGraphSchema(body)
          if (parsed && parsed.length > 0) {
            storeGraphSchema(this.deps.db, profileId, parsed, now)
            graph = parsed
          }
        } catch (err) {
          // Not signed in yet, or no such endpoint: the standard tables still complete.
          this.deps.log.info(`hunting schema for profile ${profileId}: ${(err as Error).message}`)
        }
      }
    }
    return combinedSchema(this.deps.db, graph)
  }
}

/** Test and benchmark knobs; hosts leave it out. */
export interface HuntingConfig {
  clock?: Clock
  client?: Partial<HuntingClientOptions>
  governorMarginMs?: number
  inflightTimeoutMs?: number
  /** Start the queue's workers now (default: in the desktop and browser hosts, not the CLI). */
  autoStart?: boolean
}

interface HostServices {
  config: { host: string; hunting?: HuntingConfig }
  db: Database
  runs: RunStore
  bus: EventBus
  log: Logger
  auth: {
    getToken: TokenSource['getToken']
    endpointsFor(profileId: number): Endpoints
    profiles: { get(id: number): { id: number; name: string; tenantId: string; api: 'graph' | 'legacy' } }
  }
  addStatusPart(part: () => Partial<AppStatus>): void
  emitStatus(): void
  onClose(fn: () => void): void
}

/** Builds the hunting service for createServices, with its status part and shutdown. */
export function attachHunting(s: HostServices): HuntingService {
  const config = s.config.hunting ?? {}
  const hunting = new HuntingService({
    db: s.db,
    runs: s.runs,
    bus: s.bus,
    log: s.log,
    tokens: { getToken: (profileId, resource, options) => s.auth.getToken(profileId, resource, options) },
    profile: (id) => {
      const p = s.auth.profiles.get(id)
      return { id: p.id, name: p.name, tenantId: p.tenantId, api: p.api }
    },
    endpointsFor: (profileId) => s.auth.endpointsFor(profileId),
    clock: config.clock,
    client: config.client,
    governorMarginMs: config.governorMarginMs,
    inflightTimeoutMs: config.inflightTimeoutMs
  })
  s.addStatusPart(() => hunting.statusPart())
  // The status bar's quota meter follows the queue (sent, finished, waiting).
  const offQueue = s.bus.on('hunting.queue', () => s.emitStatus())
  s.onClose(() => {
    offQueue()
    hunting.stop()
  })
  if (config.autoStart ?? s.config.host !== 'cli') hunting.start()
  return hunting
}
