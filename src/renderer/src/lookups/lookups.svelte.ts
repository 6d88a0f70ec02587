// State for the Lookups view: providers, the current job's progress and rows (filled live
// from ti.progress / ti.result events), and the actions on it.
import type { TiProgress, TiProviderInfo, TiProviderName, TiRow } from '../../../shared/ti'
import { client, errorText } from '../lib/client'
import { saveFile } from '../lib/save-file'

export const PAGE = 500
export const DAY = 24 * 3600 * 1000

/** How old a stored answer may be and still be used instead of asking again. */
export const maxAgeChoices = [
  { ms: DAY, label: 'younger than 1 day' },
  { ms: 7 * DAY, label: 'younger than 7 days' },
  { ms: 30 * DAY, label: 'younger than 30 days' },
  { ms: 0, label: 'never (always ask again)' }
] as const

export const rowKey = (r: TiRow): string => `${r.Provider}|${r.Source}|${r.SafeIoc}`


export class LookupsStore {
  providers = $state<TiProviderInfo[]>([])
  chosen = $state<TiProviderName[]>([])
  jobId = $state<number | null>(null)
  label = $state('')
  progress = $state<TiProgress | null>(null)
  rows = $state.raw<TiRow[]>([])
  total = $state(0)
  shown = $state(PAGE)
  busy = $state(false)
  error = $state<string | null>(null)
  private reloadTimer: ReturnType<typeof setTimeout> | null = null

  /** Subscribes to events; returns the cleanup for $effect. */
  start(): () => void {
    void this.loadProviders()
    void this.restore()
    const offProgress = client.on('ti.progress', (p) => {
      if (p.jobId !== this.jobId) return
      const moved = !this.progress || p.done !== this.progress.done
      this.progress = p
      if (moved) this.scheduleReload()
    })
    const offResult = client.on('ti.result', ({ jobId, rows }) => {
      if (jobId !== this.jobId) return
      this.merge(rows)
    })
    return () => {
      offProgress()
      offResult()
      if (this.reloadTimer) clearTimeout(this.reloadTimer)
    }
  }

  /** Coming back to the view (or reloading) shows the latest pasted lookup again. */
  private async restore(): Promise<void> {
    try {
      const { jobs } = await client.call('ti.jobs', { limit: 10 })
      const latest = jobs.find((j) => j.runId === null)
      if (latest && this.jobId === null) {
        this.open(latest.id, latest.progress, latest.label)
        await this.reload()
      }
    } catch (err) {
      this.error = errorText(err)
    }
  }

  async loadProviders(): Promise<void> {
    try {
      const answer = await client.call('ti.providers', {})
      this.providers = answer.providers
      if (this.chosen.length === 0) this.chosen = answer.defaultProviders as TiProviderName[]
    } catch (err) {
      this.error = errorText(err)
    }
  }

  private merge(rows: TiRow[]): void {
    const key = (r: TiRow): string => `${r.Provider}\u0000${r.Source}\u0000${r.SafeIoc}`
    const fresh = new Map(rows.map((r) => [key(r), r]))
    this.rows = this.rows.map((r) => fresh.get(key(r)) ?? r)
  }

  /** Progress came from another window or process: re-read the visible rows, at most every 300 ms. */
  private scheduleReload(): void {
    if (this.reloadTimer) return
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null
      void this.reload()
    }, 300)
  }

  async reload(): Promise<void> {
    if (this.jobId === null) return
    const jobId = this.jobId
    try {
      const page = await client.call('ti.results', { jobId, offset: 0, limit: Math.min(this.shown, 5000) })
      if (jobId !== this.jobId) return
      this.rows = page.rows
      this.total = page.total
    } catch (err) {
      this.error = errorText(err)
    }
  }

  async lookup(text: string, options: { history: boolean; refresh: boolean; caseId?: number; maxAgeMs?: number }): Promise<void> {
    this.busy = true
    this.error = null
    try {
      const answer = await client.call('ti.lookup', {
        text,
        providers: this.chosen.length ? this.chosen : undefined,
        history: options.history,
        refresh: options.refresh,
        maxAgeMs: options.maxAgeMs,
        priority: 'interactive',
        caseId: options.caseId
      })
      this.open(answer.jobId, answer.progress)
      await this.reload()
    } catch (err) {
      this.error = errorText(err)
    } finally {
      this.busy = false
    }
  }

  open(jobId: number, progress: TiProgress | null, label = ''): void {
    this.jobId = jobId
    this.progress = progress
    this.label = label
    this.rows = []
    this.total = 0
    this.shown = PAGE
  }

  async openJob(jobId: number): Promise<void> {
    try {
      const job = await client.call('ti.job', { jobId })
      this.open(job.id, job.progress, job.label)
      await this.reload()
    } catch (err) {
      this.error = errorText(err)
    }
  }

  async showMore(): Promise<void> {
    this.shown += PAGE
    await this.reload()
  }

  async act(action: 'ti.pause' | 'ti.resume' | 'ti.cancel'): Promise<void> {
    if (this.jobId === null) return
    try {
      this.progress = await client.call(action, { jobId: this.jobId })
      await this.reload()
    } catch (err) {
      this.error = errorText(err)
    }
  }

  async exportAs(format: 'csv' | 'json', ref: { jobId: number } | { runId: number; column: string }): Promise<void> {
    try {
      const file = await client.call('ti.export', { ...ref, format })
      saveFile(file.filename, file.text, file.mime)
    } catch (err) {
      this.error = errorText(err)
    }
  }
}
