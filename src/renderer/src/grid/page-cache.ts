import type { RowPageResult } from './types'

// Rows of a large result arrive in pages. The cache keeps a bounded number of pages, evicting
// the least recently used ones, but never the pages of the range currently on screen.

export type PageLoader = (offset: number, limit: number) => Promise<RowPageResult>

export interface PageCacheOptions {
  pageSize?: number
  maxPages?: number
}

export class PageCache {
  readonly pageSize: number
  readonly maxPages: number
  /** Row count reported by the latest page of the current view, or null before any. */
  total: number | null = null
  /** The last load failure of the current view, cleared by the next success. */
  error: unknown = null

  // Map iteration order is insertion order, so re-inserting on use keeps LRU order.
  #pages = new Map<number, unknown[][]>()
  #pending = new Map<number, Promise<void>>()
  #pinned = new Set<number>()
  #generation = 0
  #loader: PageLoader | null = null

  constructor(options: PageCacheOptions = {}) {
    this.pageSize = Math.max(1, options.pageSize ?? 200)
    this.maxPages = Math.max(1, options.maxPages ?? 50)
  }

  /** Drop everything and load future pages with `loader` (a new view or a new source). */
  reset(loader: PageLoader | null): void {
    this.#generation++
    this.#pages.clear()
    this.#pending.clear()
    this.#pinned.clear()
    this.#loader = loader
    this.total = null
    this.error = null
  }

  get size(): number {
    return this.#pages.size
  }

  cachedPages(): number[] {
    return [...this.#pages.keys()]
  }

  pageOf(index: number): number {
    return Math.floor(index / this.pageSize)
  }

  /** The row at `index` if its page is loaded. Does not count as a use. */
  row(index: number): unknown[] | undefined {
    const page = this.#pages.get(this.pageOf(index))
    return page?.[index - this.pageOf(index) * this.pageSize]
  }

  isLoading(): boolean {
    return this.#pending.size > 0
  }

  /**
   * Make sure rows [from, to) are loaded. Pages in the range are pinned against eviction
   * until the next call. `onPage` runs after each page of this view arrives.
   */
  ensure(from: number, to: number, onPage?: () => void): Promise<void> {
    const loader = this.#loader
    if (!loader || to <= from) return Promise.resolve()
    const first = this.pageOf(Math.max(0, from))
    const last = this.pageOf(Math.max(from, to - 1))
    this.#pinned = new Set<number>()
    const waits: Promise<void>[] = []
    for (let p = first; p <= last; p++) {
      this.#pinned.add(p)
      const cached = this.#pages.get(p)
      if (cached) {
        this.#pages.delete(p)
        this.#pages.set(p, cached)
        continue
      }
      waits.push(this.#pending.get(p) ?? this.#load(p, loader, onPage))
    }
    return Promise.all(waits).then(() => undefined)
  }

  #load(page: number, loader: PageLoader, onPage?: () => void): Promise<void> {
    const generation = this.#generation
    const promise = loader(page * this.pageSize, this.pageSize).then(
      (result) => {
        if (generation !== this.#generation) return
        this.#pending.delete(page)
        this.#pages.set(page, result.rows)
        this.total = result.total
        this.error = null
        this.#evict()
        onPage?.()
      },
      (err: unknown) => {
        if (generation !== this.#generation) return
        this.#pending.delete(page)
        this.error = err
        onPage?.()
      }
    )
    this.#pending.set(page, promise)
    return promise
  }

  #evict(): void {
    for (const page of this.#pages.keys()) {
      if (this.#pages.size <= this.maxPages) return
      if (!this.#pinned.has(page)) this.#pages.delete(page)
    }
  }
}
