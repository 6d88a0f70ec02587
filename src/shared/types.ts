// Plain data types shared by main and every client. No Node, no DOM.

export type Theme = 'system' | 'light' | 'dark'
export type HostKind = 'electron' | 'web' | 'cli'

export interface AppStatus {
  version: string
  host: HostKind
  dataDir: string
  databaseFile: string
  schemaVersion: number
  online: boolean
  signedIn: { profile: string; account: string } | null
  sandbox: boolean
  backgroundWork: { label: string; done: number; total: number }[]
  warnings: string[]
  /** The hunting quota of the active profile, for the status-bar meter. */
  quota?: { profile: string; callsLastMinute: number; callsPerMinute: number; queued: number; nextCallAt: number; blockedUntil: number | null }
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'
export type RunSource = 'hunt' | 'import' | 'bundle'

export interface ColumnSchema {
  name: string
  type: string
}

export interface RunSummary {
  id: number
  source: RunSource
  title: string
  kql: string
  profile: string | null
  timespan: string | null
  startedAt: number
  durationMs: number | null
  status: RunStatus
  rowCount: number
  truncated: boolean
  error: string | null
  /** The tenant a hunt ran against (null for imports). */
  tenantId?: string | null
}

export interface RunDetail extends RunSummary {
  schema: ColumnSchema[]
}

export interface RowPage {
  runId: number
  offset: number
  total: number
  rows: unknown[][]
}

export type HistoryKind = 'run' | 'lookup'

export interface HistoryItem {
  kind: HistoryKind
  id: number
  at: number
  title: string
  status: string
  detail: string
}

export interface HistoryPage {
  items: HistoryItem[]
  total: number
}
