// The service's settings and inputs: lane timings, the per-process spacing override, what
// the service is built from, and what a lookup asks for.
import type { Database } from 'better-sqlite3'
import type { InputMode } from '../../shared/observables'
import type { TiProviderName } from '../../shared/ti'
import type { Endpoints } from '../config'
import type { EventBus } from '../events'
import type { Logger } from '../log'
import type { SecretVault } from '../secrets/index'
import type { RunStore } from '../store/runs'
import type { LaneOptions } from './worker'

export const DEFAULT_SPACING_MS = 1000
export const SPACING_WARNING =
  'Shodan documents 1 request per second; below 1000 ms expect 429 answers (Huntbench then backs off and widens the spacing).'

export interface TiOptions extends LaneOptions {
  inflightTimeoutMs: number
  /** Spacing for this process only (CLI --spacing), per provider. */
  spacingOverride: Partial<Record<TiProviderName, number>>
}

export const defaultTiOptions: TiOptions = {
  timeoutMs: 20_000,
  maxAnswerBytes: 16 * 1024 * 1024,
  maxAttempts: 5,
  maxRateLimitedAttempts: 8,
  backoffBaseMs: 2000,
  backoffCapMs: 60_000,
  pollMs: 1000,
  inflightTimeoutMs: 120_000,
  spacingOverride: {}
}

export interface TiDeps {
  db: Database
  bus: EventBus
  log: Logger
  runs: RunStore
  endpoints: Endpoints
  vault: SecretVault
  now: () => number
  isOnline: () => boolean
  statusChanged: () => void
  options?: Partial<TiOptions>
}

export interface LookupRequest {
  text?: string
  observables?: string[]
  mode?: InputMode
  providers?: TiProviderName[]
  history?: boolean
  maxAgeMs?: number
  refresh?: boolean
  priority?: 'interactive' | 'bulk'
  /** Looking up for this case: refused when it is TLP:RED / PAP:RED. */
  caseId?: number
}
