// The read side of lookups: result pages, a run column's enrichment, exports and host
// cards, all from what is stored (so they work offline, with each answer's age).
import { HuntbenchError } from '../../shared/errors'
import { parseObservable } from '../../shared/observables'
import type { HostCard, TiProgress, TiProviderName, TiResultsPage, TiRow, TiRunEnrichment } from '../../shared/ti'
import type { RunStore } from '../store/runs'
import { rowsToCsv, rowsToJson } from './export'
import { buildHostCard } from './hostcard'
import type { JobRecord, JobStore } from './job-store'
import { tiProviders } from './providers'

export interface ReadContext {
  jobs: JobStore
  runs: RunStore
  now(): number
  reference(provider: TiProviderName, ioc: string, subtype: string): string
  progress(jobId: number, job: JobRecord): TiProgress
}

export function columnIndex(ctx: ReadContext, runId: number, column: string): { title: string; index: number } {
  const run = ctx.runs.get(runId)
  const index = run.schema.findIndex((c) => c.name === column)
  if (index < 0) {
    throw new HuntbenchError('not_found', `Run ${runId} has no column named ${JSON.stringify(column)}; its columns are ${run.schema.map((c) => c.name).join(', ')}.`)
  }
  return { title: run.title, index }
}

export function results(ctx: ReadContext, jobId: number, offset: number, limit: number, includeRaw: boolean): TiResultsPage {
  ctx.jobs.get(jobId)
  return { jobId, offset, total: ctx.jobs.total(jobId), rows: ctx.jobs.rows(jobId, offset, limit, includeRaw, ctx.reference) }
}

export function allRows(ctx: ReadContext, jobId: number, includeRaw: boolean): TiRow[] {
  const out: TiRow[] = []
  for (let offset = 0; ; offset += 5000) {
    const page = ctx.jobs.rows(jobId, offset, 5000, includeRaw, ctx.reference)
    out.push(...page)
    if (page.length < 5000) return out
  }
}

export function runEnrichment(ctx: ReadContext, runId: number, column: string, offset: number, limit: number): TiRunEnrichment {
  columnIndex(ctx, runId, column)
  const job = ctx.jobs.latestForRun(runId, column)
  if (!job) return { runId, column, jobId: null, progress: null, values: [], total: 0, distinctValues: 0 }
  const groups = new Map<string, TiRow[]>()
  for (const row of ctx.jobs.rows(job.id, offset, limit, false, ctx.reference)) groups.set(row.Source, [...(groups.get(row.Source) ?? []), row])
  return { runId, column, jobId: job.id, progress: ctx.progress(job.id, job), values: [...groups].map(([source, rows]) => ({ source, rows })), total: ctx.jobs.total(job.id), distinctValues: ctx.jobs.distinctSources(job.id) }
}

export function exportJob(ctx: ReadContext, ref: { jobId?: number; runId?: number; column?: string }, format: 'csv' | 'json'): { filename: string; mime: string; text: string } {
  let jobId = ref.jobId
  if (jobId === undefined) {
    columnIndex(ctx, ref.runId!, ref.column!)
    const job = ctx.jobs.latestForRun(ref.runId!, ref.column!)
    if (!job) throw new HuntbenchError('not_found', `Column ${JSON.stringify(ref.column)} of run ${ref.runId} has not been enriched yet.`)
    jobId = job.id
  }
  ctx.jobs.get(jobId)
  const rows = allRows(ctx, jobId, true)
  const stamp = new Date(ctx.now()).toISOString().slice(0, 19).replace(/[:T]/g, '-')
  return format === 'csv'
    ? { filename: `huntbench-lookups-${jobId}-${stamp}.csv`, mime: 'text/csv;charset=utf-8', text: rowsToCsv(rows) }
    : { filename: `huntbench-lookups-${jobId}-${stamp}.json`, mime: 'application/json', text: rowsToJson(rows) }
}

export function hostCard(ctx: ReadContext, provider: TiProviderName, ioc: string, history: boolean, lookupId?: number): HostCard {
  const parsed = parseObservable(ioc)
  if (lookupId !== undefined) {
    // One stored answer, as History lists it: its own age and subtype, no request.
    const stored = ctx.jobs.lookupById(lookupId)
    if (!stored || stored.provider !== provider || stored.safe_ioc !== parsed.value) {
      throw new HuntbenchError('not_found', `There is no stored ${tiProviders[provider].label} answer ${lookupId} for ${parsed.value}.`)
    }
    return buildHostCard(
      { provider, ioc: parsed.value, subtype: stored.query_subtype, fetchedAt: stored.fetched_at, severity: stored.severity, reference: stored.reference },
      stored.raw,
      stored.result === 1
    )
  }
  const subtype = history && provider === 'shodan' ? 'history' : null
  const stored = ctx.jobs.latestLookup(provider, parsed.value, subtype)
  if (!stored) throw new HuntbenchError('not_found', `No stored ${tiProviders[provider].label} answer for ${parsed.value}; look it up first.`)
  return buildHostCard(
    { provider, ioc: parsed.value, subtype, fetchedAt: stored.fetched_at, severity: stored.severity, reference: stored.reference },
    stored.raw,
    stored.result === 1
  )
}
