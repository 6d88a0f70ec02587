// Threat-intel lookup types shared by main and every client. Column names follow msticpy's
// TI result DataFrame exactly (Ioc, IocType, SafeIoc, QuerySubtype, Provider, Result,
// Severity, Details, RawResult, Reference, Status) so notebook users feel at home.
import type { IocType } from './observables'

export const tiProviderNames = ['shodan', 'internetdb'] as const
export type TiProviderName = (typeof tiProviderNames)[number]

/** msticpy's ResultSeverity names; there is no "low". */
export const severities = ['unknown', 'information', 'warning', 'high'] as const
export type Severity = (typeof severities)[number]

/** msticpy's LookupStatus; any other non-zero Status is the HTTP code. */
export const LookupStatus = { OK: 0, NOT_SUPPORTED: 1, BAD_FORMAT: 2, QUERY_FAILED: 3, NO_DATA: 4, OTHER: 10 } as const

export type TiItemState = 'pending' | 'done' | 'failed' | 'bad' | 'cancelled'

export interface TiRow {
  Ioc: string
  IocType: IocType
  SafeIoc: string
  QuerySubtype: string | null
  Provider: TiProviderName
  Result: boolean
  Severity: Severity
  /** A dict of extracted fields, or a message ("Not found.", why it failed). */
  Details: unknown
  /** The parsed answer; null unless asked for (it can be large). */
  RawResult: unknown
  /** The request URL with the key redacted (key=REDACTED). */
  Reference: string | null
  Status: number
  /** When the answer was fetched (ms since epoch); null until there is one. */
  FetchedAt: number | null
  FromCache: boolean
  /** Where the row stands: pending rows wait in the queue. */
  State: TiItemState
  /** The input item (line or cell) this row came from. */
  Source: string
}

export const tiColumns = [
  'Ioc', 'IocType', 'SafeIoc', 'QuerySubtype', 'Provider', 'Result', 'Severity', 'Details', 'RawResult', 'Reference', 'Status', 'FetchedAt', 'FromCache'
] as const

export type TiStoppedReason = 'cancelled' | 'offline' | 'halted' | 'no_key' | null

export interface TiProgress {
  jobId: number
  done: number
  total: number
  failed: number
  /** Milliseconds until the last queued request, from the spacing; 0 when nothing waits. */
  etaMs: number
  paused: boolean
  finished: boolean
  stoppedReason?: TiStoppedReason
  /** Why work stopped, for the analyst (401 from Shodan, keychain missing, offline). */
  message?: string
}

export interface TiJobSummary {
  id: number
  label: string
  createdAt: number
  priority: 'interactive' | 'bulk'
  providers: TiProviderName[]
  runId: number | null
  column: string | null
  inputCount: number
  progress: TiProgress
}

export interface TiLookupAnswer {
  jobId: number
  /** Input items after refanging and dedupe (garbage included, one each). */
  distinct: number
  progress: TiProgress
  /** The first rows answered at once from the cache (at most 100; ti.results pages through every row). */
  cached: TiRow[]
}

export interface TiResultsPage {
  jobId: number
  offset: number
  total: number
  rows: TiRow[]
}

export interface TiProviderInfo {
  name: TiProviderName
  label: string
  types: IocType[]
  needsKey: boolean
  spacingMs: number
  spacingWarning: string | null
  /** Whether a key is configured (always true for keyless providers). */
  ready: boolean
  /** Set while the queue for this provider is stopped (401/403, no key). */
  halted: string | null
}

export interface TiKeyStatus {
  provider: 'shodan'
  configured: boolean
  storage: 'keychain' | 'memory' | 'unavailable'
  /** Why the keychain cannot be used, when it cannot. */
  message: string | null
  halted: string | null
}

export interface TiApiInfo {
  plan: string
  queryCredits: number | null
  scanCredits: number | null
  monitoredIps: number | null
  unlockedLeft: number | null
  /** -1 means no cap. */
  usageLimits: { queryCredits: number | null; scanCredits: number | null; monitoredIps: number | null }
}

export interface HostService {
  port: number
  transport: string
  product: string | null
  version: string | null
  banner: string
  httpTitle: string | null
  httpStatus: number | null
  tls: { subject: string | null; issuer: string | null; expires: string | null; expired: boolean | null } | null
  lastSeen: string | null
  /** Older banners for this port (history lookups). */
  history: { timestamp: string; product: string | null; version: string | null }[]
}

export interface HostCve {
  id: string
  cvss: number | null
  verified: boolean
  kev: boolean
  summary: string | null
  ports: number[]
}

export interface HostCard {
  provider: TiProviderName
  ioc: string
  subtype: string | null
  found: boolean
  fetchedAt: number
  severity: Severity
  ports: number[]
  services: HostService[]
  cves: HostCve[]
  tags: string[]
  org: string | null
  isp: string | null
  asn: string | null
  os: string | null
  location: { city: string | null; region: string | null; country: string | null; countryCode: string | null; latitude: number | null; longitude: number | null } | null
  hostnames: string[]
  domains: string[]
  cpes: string[]
  lastUpdate: string | null
  reference: string | null
}

export interface TiRunEnrichment {
  runId: number
  column: string
  jobId: number | null
  progress: TiProgress | null
  /** Per distinct cell value (as it appears in the column), its rows per provider. */
  values: { source: string; rows: TiRow[] }[]
  /** Rows (value x provider) in the job; `values` holds those from offset, up to limit. */
  total: number
  /** Distinct cell values the job queued (values.length counts those shown). */
  distinctValues: number
}

/** One line for tables (CLI, results grid): ports, owner, CVEs, tags; or the row's message. */
export function tiSummary(row: Pick<TiRow, 'Details' | 'State'>): string {
  const d = row.Details
  if (typeof d === 'string') return d
  if (!d || typeof d !== 'object') return ''
  const o = d as Record<string, unknown>
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [])
  const parts: string[] = []
  const ports = list(o.Ports)
  if (ports.length) parts.push(`ports ${ports.slice(0, 12).join(',')}${ports.length > 12 ? ',…' : ''}`)
  if (typeof o.Org === 'string' && o.Org) parts.push(o.Org)
  const vulns = list(o.Vulns)
  const verified = list(o.VerifiedVulns)
  if (vulns.length) parts.push(`${vulns.length} CVE${vulns.length === 1 ? '' : 's'}${verified.length ? ` (${verified.length} verified)` : ''}`)
  const tags = list(o.Tags)
  if (tags.length) parts.push(`tags ${tags.join(',')}`)
  const names = list(o.Hostnames)
  if (names.length) parts.push(names[0])
  return parts.join(' · ')
}
