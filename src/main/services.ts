// Builds every service once from a config. Hosts (desktop, browser mode, CLI) call this
// and never construct services themselves, so all three behave the same.
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import { eventNames } from '../shared/api'
import type { AppStatus, HostKind } from '../shared/types'
import { endpointsFromEnv, type Endpoints } from './config'
import { ConnectivityMonitor, tcpProbe, type Probe } from './connectivity'
import { EventBus } from './events'
import type { Opener } from './external'
import { createHandlers } from './handlers'
import { createLogger, type Logger } from './log'
import { createRouter, type Router } from './router'
import { openDatabase } from './store/db'
import { RunStore } from './store/runs'
import { AuthService, type AuthConfig } from './auth/service'
import { attachHunting, type HuntingConfig, type HuntingService } from './hunting/service'
import { CaseService } from './cases/service'
import { KeytarSecretStore, SecretVault, type SecretStore } from './secrets/index'
import { TiService, type TiOptions } from './ti/service'

export const APP_VERSION = '0.1.0'

export interface ServicesConfig {
  dataDir: string
  host: HostKind
  endpoints?: Endpoints
  nativeBinding?: string
  opener?: Opener
  now?: () => number
  /** Replaces the TCP probe (tests decide what "online" means). */
  probe?: Probe
  echoLog?: boolean
  /** Sign-in options (extra CA, interactive timeout, token store); see auth/service.ts. */
  auth?: AuthConfig
  /** Hunting queue knobs (clock, client timeouts) for tests and the benchmark. */
  hunting?: HuntingConfig
  /** Where API keys live (default: the OS keychain); tests pass a MemorySecretStore. */
  secrets?: SecretStore
  /** Threat-intel queue knobs (timeouts, backoff, per-run spacing) for tests and the benchmark. */
  ti?: Partial<TiOptions>
}

export interface Services {
  config: Required<Pick<ServicesConfig, 'dataDir' | 'host'>> & ServicesConfig
  db: Database
  databaseFile: string
  runs: RunStore
  bus: EventBus
  log: Logger
  router: Router
  connectivity: ConnectivityMonitor
  endpoints: Endpoints
  now: () => number
  warnings: string[]
  status(): AppStatus
  /** Pushes the current status to every client (after sign-in, queue progress, ...). */
  emitStatus(): void
  /** Domains contribute to the status bar (signed-in state, background work, quota). */
  addStatusPart(part: () => Partial<AppStatus>): void
  /** Domains register their shutdown (timers, workers) here; run in reverse order. */
  onClose(fn: () => void): void
  close(): void
  // Domain services are attached below this line by createServices.
  /** Profiles, sign-in and the TokenProvider the hunting client uses. */
  auth: AuthService
  /** KQL through the quota-governed queue; results into the run store. */
  hunting: HuntingService
  /** Cases, observables, search, bundles, reports; `assertLookupAllowed` gates TI lookups. */
  cases: CaseService
  /** Threat-intel lookups: providers, the persistent rate-limited queue, the cache, the Shodan key. */
  ti: TiService
}

export function createServices(config: ServicesConfig): Services {
  const now = config.now ?? Date.now
  const log = createLogger(config.dataDir, { echo: config.echoLog })
  const databaseFile = join(config.dataDir, 'huntbench.db')
  const opened = openDatabase(databaseFile, { nativeBinding: config.nativeBinding, now, integrityCheck: config.host !== 'cli' })
  const warnings: string[] = []
  if (opened.movedAside) {
    const message = `The database was damaged and has been moved to ${opened.movedAside}; Huntbench started a new, empty one at ${databaseFile}.`
    warnings.push(message)
    log.warn(message)
  }
  const endpoints = config.endpoints ?? endpointsFromEnv()
  const bus = new EventBus()
  const connectivity = new ConnectivityMonitor(config.probe ?? tcpProbe(() => [endpoints.shodan, endpoints.graph]), () =>
    services.emitStatus()
  )

  const statusParts: (() => Partial<AppStatus>)[] = []
  const closers: (() => void)[] = []
  const baseStatus = (): AppStatus => ({
    version: APP_VERSION,
    host: config.host,
    dataDir: config.dataDir,
    databaseFile,
    schemaVersion: opened.schemaVersion,
    online: connectivity.online,
    signedIn: null,
    sandbox: false,
    backgroundWork: [],
    warnings: [...warnings]
  })

  const services: Services = {
    config,
    db: opened.db,
    databaseFile,
    runs: new RunStore(opened.db),
    bus,
    log,
    router: undefined as unknown as Router,
    auth: undefined as unknown as AuthService,
    hunting: undefined as unknown as HuntingService,
    cases: undefined as unknown as CaseService,
    ti: undefined as unknown as TiService,
    connectivity,
    endpoints,
    now,
    warnings,
    status: () => {
      const status = baseStatus()
      for (const part of statusParts) {
        const extra = part()
        Object.assign(status, { ...extra, backgroundWork: [...status.backgroundWork, ...(extra.backgroundWork ?? [])], warnings: [...status.warnings, ...(extra.warnings ?? [])] })
      }
      return status
    },
    emitStatus: () => bus.emit('app.status', services.status()),
    addStatusPart: (part) => void statusParts.push(part),
    onClose: (fn) => void closers.push(fn),
    close: () => {
      connectivity.stop()
      for (const fn of closers.reverse()) {
        try {
          fn()
        } catch (err) {
          log.error(`shutdown: ${(err as Error).message}`)
        }
      }
      opened.db.close()
    }
  }
  // Domain services attach here, before the router binds their handlers.
  services.auth = new AuthService({ db: opened.db, dataDir: config.dataDir, endpoints, bus, log, now, emitStatus: () => services.emitStatus(), config: config.auth })
  services.addStatusPart(() => services.auth.statusPart())
  services.onClose(() => services.auth.close())
  services.hunting = attachHunting(services)
  services.cases = new CaseService({ db: opened.db, runs: services.runs, bus, dataDir: config.dataDir, appVersion: APP_VERSION, now })
  services.ti = new TiService({
    db: opened.db, bus, log, runs: services.runs, endpoints, now, vault: new SecretVault(config.secrets ?? new KeytarSecretStore()),
    isOnline: () => connectivity.online, statusChanged: () => services.emitStatus(), options: config.ti
  })
  services.addStatusPart(() => services.ti.statusPart())
  services.onClose(() => void services.ti.stop())
  if (config.host !== 'cli') services.ti.start()
  services.router = createRouter(createHandlers(services), log)
  return services
}

export { eventNames }
