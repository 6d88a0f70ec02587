// A job's progress as the analyst sees it: counts from the job's items, and an ETA from the
// requests still pending (plus the work queued ahead of them) at each provider's spacing.
import type { TiJobSummary, TiProgress, TiProviderName } from '../../shared/ti'
import type { JobRecord, JobStore } from './job-store'
import { tiProviders } from './providers'
import type { QueueStore } from './queue-store'
import { keyId, type LaneIssue } from './worker'

export interface ProgressContext {
  jobs: JobStore
  queue: QueueStore
  spacingMs(provider: TiProviderName): number
  /** The last key read (not re-read here): the widening is kept per key. */
  cachedKey(): string | null
  issue(provider: TiProviderName): LaneIssue
}

export function jobProgress(ctx: ProgressContext, jobId: number, job: JobRecord): TiProgress {
  const c = ctx.jobs.counts(jobId)
  const total = c.pending + c.done + c.failed + c.bad + c.cancelled
  let etaMs = 0
  let issue: LaneIssue = null
  for (const { provider, n } of ctx.jobs.pendingRequests(jobId)) {
    const ahead = ctx.queue.pendingAhead(provider, job.priority)
    const laneKey = tiProviders[provider].needsKey ? keyId(ctx.cachedKey()) : 'keyless'
    etaMs = Math.max(etaMs, (n + ahead) * (ctx.spacingMs(provider) + ctx.queue.widenMs(provider, laneKey)))
    issue ??= ctx.issue(provider)
  }
  const finished = job.state === 'done' || job.state === 'cancelled'
  const out: TiProgress = { jobId, done: total - c.pending, total, failed: c.failed, etaMs: finished ? 0 : etaMs, paused: job.state === 'paused', finished }
  if (job.state === 'cancelled') out.stoppedReason = 'cancelled'
  else if (issue && c.pending > 0) {
    out.stoppedReason = issue.reason
    out.message = issue.message
  }
  return out
}

export function jobSummary(job: JobRecord, progress: TiProgress): TiJobSummary {
  return {
    id: job.id, label: job.label, createdAt: job.created_at, priority: job.priority === 0 ? 'interactive' : 'bulk',
    providers: JSON.parse(job.providers) as TiProviderName[], runId: job.run_id, column: job.column_name, inputCount: job.input_count,
    progress
  }
}
