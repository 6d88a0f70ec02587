// The History view's list: newest first, refreshed when main says something changed,
// narrowed by filters (kind, status, dates, tenant profile, provider, case), and the
// full-text search over everything stored.
import type { HistoryFacets, SearchHit, SearchKind } from '../../../shared/api/cases'
import type { HistoryItem, HistoryKind } from '../../../shared/types'
import { client, errorText } from '../lib/client'

export type StatusFilter = '' | 'succeeded' | 'failed' | 'cancelled' | 'running' | 'queued'

const PAGE = 200

/** `yyyy-mm-dd` from a date input, as local midnight in epoch ms (or undefined). */
function dayStart(value: string): number | undefined {
  if (!value) return undefined
  const t = new Date(`${value}T00:00:00`).getTime()
  return Number.isFinite(t) ? t : undefined
}

export class HistoryList {
  items = $state.raw<HistoryItem[]>([])
  total = $state(0)
  loading = $state(true)
  error = $state<string | null>(null)
  kind = $state<HistoryKind | 'all'>('all')
  status = $state<StatusFilter>('')
  profile = $state('')
  provider = $state('')
  caseId = $state<number | null>(null)
  from = $state('')
  to = $state('')
  facets = $state.raw<HistoryFacets>({ profiles: [], providers: [], cases: [] })

  get filtered(): boolean {
    return this.kind !== 'all' || !!this.status || !!this.profile || !!this.provider || this.caseId !== null || !!this.from || !!this.to
  }

  clear(): void {
    this.kind = 'all'
    this.status = ''
    this.profile = ''
    this.provider = ''
    this.caseId = null
    this.from = ''
    this.to = ''
    void this.load()
  }

  async load(more = false): Promise<void> {
    this.loading = true
    const to = dayStart(this.to)
    try {
      const page = await client.call('history.list', {
        limit: PAGE,
        offset: more ? this.items.length : 0,
        ...(this.kind === 'all' ? {} : { kind: this.kind }),
        ...(this.status ? { status: this.status } : {}),
        ...(this.profile ? { profile: this.profile } : {}),
        ...(this.provider ? { provider: this.provider } : {}),
        ...(this.caseId !== null ? { caseId: this.caseId } : {}),
        ...(this.from ? { from: dayStart(this.from) } : {}),
        // The "to" day is included: up to the start of the next day.
        ...(to !== undefined ? { to: to + 86_400_000 } : {})
      })
      this.items = more ? [...this.items, ...page.items] : page.items
      this.total = page.total
      this.error = null
    } catch (err) {
      this.error = errorText(err)
    } finally {
      this.loading = false
    }
  }

  async loadFacets(): Promise<void> {
    try {
      this.facets = await client.call('history.facets', {})
    } catch {
      // Filters still work by typing; the lists are a convenience.
    }
  }

  start(): () => void {
    void this.load()
    void this.loadFacets()
    const offs = [
      client.on('history.changed', () => {
        void this.load()
        void this.loadFacets()
      }),
      client.on('cases.changed', () => void this.loadFacets())
    ]
    return () => offs.forEach((off) => off())
  }
}

export class HistorySearch {
  text = $state('')
  kinds = $state<SearchKind[]>([])
  hits = $state.raw<SearchHit[]>([])
  searched = $state('')
  error = $state<string | null>(null)
  private timer: ReturnType<typeof setTimeout> | null = null
  private seq = 0

  /** Searches as the analyst types, a moment after the last key. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.run(), 200)
  }

  async run(): Promise<void> {
    const text = this.text.trim()
    const seq = ++this.seq
    if (!text) {
      this.hits = []
      this.searched = ''
      this.error = null
      return
    }
    try {
      const result = await client.call('search.query', { text, limit: 100, ...(this.kinds.length ? { kinds: this.kinds } : {}) })
      if (seq !== this.seq) return
      this.hits = result.hits
      this.searched = text
      this.error = null
    } catch (err) {
      if (seq === this.seq) this.error = errorText(err)
    }
  }
}
