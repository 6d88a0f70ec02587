// Hunting: run KQL through the quota-governed queue, watch the queue and the quota, read
// the schema for completion, and keep the editor's tabs across restarts.
import { z } from 'zod'
import type { HuntingColumn } from '../hunting-schema'
import type { RunStatus } from '../types'
import { id, limitedText, method } from './define'

export const MAX_KQL_CHARS = 100_000
export const MAX_TABS = 30

export type QuotaPreset = 'current' | 'strict' | 'custom'

export interface QuotaLimits {
  preset: QuotaPreset
  callsPerMinute: number
  callsPerHour: number | null
  runningMsPerHour: number | null
  runningMsPerDay: number | null
  /** After a CPU 429 without a stated wait, queries wait for the next cycle of this length. */
  cpuCycleMinutes: number
}

export interface QuotaStatus {
  profileId: number
  limits: QuotaLimits
  callsLastMinute: number
  callsLastHour: number
  runningMsLastHour: number
  runningMsLastDay: number
  /** The service said to wait until then (a 429 came anyway). */
  blockedUntil: number | null
  /** The earliest moment the next call may go. */
  nextCallAt: number
  waitReason: string | null
  at: number
}

export type QueueState = 'pending' | 'in_flight' | 'done' | 'failed' | 'cancelled'

export interface QueueItem {
  queueId: number
  runId: number
  profileId: number
  profileName: string
  kql: string
  timespan: string | null
  state: QueueState
  /** 1-based place among this profile's waiting queries (0 when running or finished). */
  position: number
  /** When it is expected to be sent (epoch ms), for waiting items. */
  etaAt: number | null
  attempts: number
  createdAt: number
  error: { code: string; message: string } | null
}

export interface HuntTab {
  id: string
  title: string
  kql: string
  timespan: string | null
  profileId: number | null
  runId: number | null
}

export interface HuntTabs {
  tabs: HuntTab[]
  activeId: string | null
}

export interface SchemaTable {
  name: string
  description: string
  columns: HuntingColumn[]
  source: 'standard' | 'learned' | 'graph'
}

const timespan = limitedText(200).optional().nullable()
const tab = z
  .object({
    id: limitedText(64).min(1),
    title: limitedText(200),
    kql: limitedText(MAX_KQL_CHARS),
    timespan: limitedText(200).nullable().default(null),
    profileId: id.nullable().default(null),
    runId: id.nullable().default(null)
  })
  .strict()

const limits = z
  .object({
    preset: z.enum(['current', 'strict', 'custom']),
    callsPerMinute: z.number().int().min(1).max(100_000).default(45),
    callsPerHour: z.number().int().min(1).nullable().default(null),
    runningMsPerHour: z.number().int().min(1000).nullable().default(null),
    runningMsPerDay: z.number().int().min(1000).nullable().default(null),
    cpuCycleMinutes: z.number().int().min(1).max(1440).default(15)
  })
  .strict()

export const huntingApi = {
  'hunting.run': method<{ queueId: number; runId: number }>()(
    z
      .object({
        profileId: id,
        // Checked in the handler too, so the analyst reads "the query is empty" rather than a schema path.
        kql: z.string(),
        timespan,
        title: limitedText(200).optional()
      })
      .strict()
  ),
  'hunting.queue': method<{ items: QueueItem[] }>()(z.object({ profileId: id.optional() }).strict()),
  'hunting.cancel': method<{ cancelled: boolean }>()(z.object({ queueId: id }).strict()),
  'hunting.quota': method<QuotaStatus>()(z.object({ profileId: id }).strict()),
  'hunting.setQuotaLimits': method<QuotaLimits>()(z.object({ profileId: id, limits }).strict()),
  'hunting.schema': method<{ tables: SchemaTable[] }>()(
    z.object({ profileId: id.optional(), refresh: z.boolean().default(false) }).strict()
  ),
  'hunting.saveTabs': method<{ saved: number }>()(
    z.object({ tabs: z.array(tab).max(MAX_TABS, `at most ${MAX_TABS} tabs`), activeId: limitedText(64).nullable().default(null) }).strict()
  ),
  'hunting.loadTabs': method<HuntTabs>()(z.object({}).strict())
} as const

export interface HuntingProgress {
  queueId: number
  runId: number
  stage: 'waiting' | 'sending' | 'storing' | 'retrying'
  rowsStored: number
  rowsTotal: number | null
  message: string | null
}

export interface HuntingDone {
  queueId: number
  runId: number
  status: Extract<RunStatus, 'succeeded' | 'failed' | 'cancelled'>
  rowCount: number
  truncated: boolean
  error: { code: string; message: string } | null
}

export interface HuntingEvents {
  'hunting.queue': { items: QueueItem[] }
  'hunting.progress': HuntingProgress
  'hunting.done': HuntingDone
}
export const huntingEventNames = ['hunting.queue', 'hunting.progress', 'hunting.done'] as const
