// Threat-intel lookups: paste or point at a column, get provider rows in msticpy's
// columns; the persistent queue behind them; the Shodan key in the OS keychain.
import { z } from 'zod'
import type {
  HostCard,
  TiApiInfo,
  TiJobSummary,
  TiKeyStatus,
  TiLookupAnswer,
  TiProgress,
  TiProviderInfo,
  TiResultsPage,
  TiRow,
  TiRunEnrichment
} from '../ti'
import { tiProviderNames } from '../ti'
import { id, limitedText, method } from './define'

/** A pasted text or observable list may hold this many items (100,000 lines and then some). */
export const MAX_LOOKUP_ITEMS = 200_000
export const MAX_LOOKUP_TEXT = 32 * 1024 * 1024
export const DEFAULT_MAX_AGE_MS = 7 * 24 * 3600 * 1000

const provider = z.enum(tiProviderNames)
const providers = z
  .array(provider)
  .min(1, 'choose at least one provider')
  .max(tiProviderNames.length)
  .transform((list) => [...new Set(list)])
const maxAgeMs = z.number().int().min(0).max(10 * 365 * 24 * 3600 * 1000)
const priority = z.enum(['interactive', 'bulk'])
const jobRef = z.object({ jobId: id }).strict()
const keyProvider = z.enum(['shodan'])

export const tiApi = {
  'ti.providers': method<{ providers: TiProviderInfo[]; defaultProviders: string[] }>()(z.object({}).strict()),
  'ti.lookup': method<TiLookupAnswer>()(
    z
      .object({
        text: limitedText(MAX_LOOKUP_TEXT).optional(),
        observables: z.array(limitedText(4096)).max(MAX_LOOKUP_ITEMS, `at most ${MAX_LOOKUP_ITEMS} observables`).optional(),
        mode: z.enum(['auto', 'lines', 'extract']).default('auto'),
        providers: providers.optional(),
        history: z.boolean().default(false),
        maxAgeMs: maxAgeMs.optional(),
        refresh: z.boolean().default(false),
        priority: priority.default('interactive'),
        /** Looking up for a case: refused for TLP:RED / PAP:RED cases. */
        caseId: id.optional()
      })
      .strict()
      .refine((v) => v.text !== undefined || v.observables !== undefined, { message: 'give text or observables' })
  ),
  'ti.enrichRun': method<TiLookupAnswer>()(
    z
      .object({
        runId: id,
        column: limitedText(256).min(1),
        providers: providers.optional(),
        maxAgeMs: maxAgeMs.optional(),
        refresh: z.boolean().default(false),
        /** Enriching for a case: refused for TLP:RED / PAP:RED cases (as is a run attached to one). */
        caseId: id.optional()
      })
      .strict()
  ),
  'ti.jobs': method<{ jobs: TiJobSummary[] }>()(z.object({ limit: z.number().int().min(1).max(200).default(20) }).strict()),
  'ti.job': method<TiJobSummary>()(jobRef),
  'ti.results': method<TiResultsPage>()(
    z
      .object({
        jobId: id,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(5000).default(500),
        includeRaw: z.boolean().default(false)
      })
      .strict()
  ),
  'ti.runEnrichment': method<TiRunEnrichment>()(
    z
      .object({
        runId: id,
        column: limitedText(256).min(1),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(20_000).default(5000)
      })
      .strict()
  ),
  'ti.pause': method<TiProgress>()(jobRef),
  'ti.resume': method<TiProgress>()(jobRef),
  'ti.cancel': method<TiProgress>()(jobRef),
  'ti.export': method<{ filename: string; mime: string; text: string }>()(
    z
      .object({
        jobId: id.optional(),
        runId: id.optional(),
        column: limitedText(256).optional(),
        format: z.enum(['csv', 'json'])
      })
      .strict()
      .refine((v) => v.jobId !== undefined || (v.runId !== undefined && v.column !== undefined), {
        message: 'give jobId, or runId and column'
      })
  ),
  'ti.hostCard': method<HostCard>()(
    z
      .object({
        provider,
        ioc: limitedText(4096).min(1),
        history: z.boolean().default(false),
        /** Show this stored answer (History's "Open") rather than the newest one. */
        lookupId: id.optional()
      })
      .strict()
  ),
  'ti.keyStatus': method<TiKeyStatus>()(z.object({ provider: keyProvider }).strict()),
  'ti.setKey': method<TiKeyStatus>()(
    z
      .object({
        provider: keyProvider,
        key: z.string().max(512, 'a Shodan key is 32 characters; this is far longer').refine((k) => k.trim().length > 0, 'the key is empty'),
        memoryOnly: z.boolean().default(false)
      })
      .strict()
  ),
  'ti.testKey': method<TiApiInfo>()(z.object({ provider: keyProvider }).strict()),
  'ti.deleteKey': method<TiKeyStatus>()(z.object({ provider: keyProvider }).strict()),
  'ti.setSpacing': method<{ provider: string; spacingMs: number; warning: string | null }>()(
    z.object({ provider, spacingMs: z.number().int().min(50, 'at least 50 ms').max(600_000, 'at most 10 minutes') }).strict()
  )
} as const

export interface TiEvents {
  'ti.progress': TiProgress
  'ti.result': { jobId: number; rows: TiRow[] }
}
export const tiEventNames = ['ti.progress', 'ti.result'] as const
