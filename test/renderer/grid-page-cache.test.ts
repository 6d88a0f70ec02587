import { describe, expect, it } from 'vitest'
import { PageCache } from '../../src/renderer/src/grid/page-cache'
import type { RowPageResult } from '../../src/renderer/src/grid/types'

function source(total: number) {
  const calls: [number, number][] = []
  const load = async (offset: number, limit: number): Promise<RowPageResult> => {
    calls.push([offset, limit])
    const rows: unknown[][] = []
    for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push([i, `row ${i}`])
    return { rows, total }
  }
  return { calls, load }
}

describe('PageCache', () => {
  it('loads only the pages covering the requested rows', async () => {
    const s = source(100_000)
    const cache = new PageCache({ pageSize: 100, maxPages: 10 })
    cache.reset(s.load)
    await cache.ensure(150, 260)
    expect(s.calls).toEqual([[100, 100], [200, 100]])
    expect(cache.row(150)).toEqual([150, 'row 150'])
    expect(cache.row(299)).toEqual([299, 'row 299'])
    expect(cache.row(300)).toBeUndefined()
    expect(cache.total).toBe(100_000)
  })

  it('does not load a page twice, even while it is in flight', async () => {
    const s = source(1000)
    const cache = new PageCache({ pageSize: 100 })
    cache.reset(s.load)
    const a = cache.ensure(0, 50)
    const b = cache.ensure(10, 90)
    expect(cache.isLoading()).toBe(true)
    await Promise.all([a, b])
    await cache.ensure(0, 100)
    expect(s.calls).toEqual([[0, 100]])
    expect(cache.isLoading()).toBe(false)
  })

  it('evicts the least recently used pages beyond the limit', async () => {
    const s = source(100_000)
    const cache = new PageCache({ pageSize: 10, maxPages: 3 })
    cache.reset(s.load)
    await cache.ensure(0, 10) // page 0
    await cache.ensure(10, 20) // page 1
    await cache.ensure(20, 30) // page 2
    await cache.ensure(0, 10) // use page 0 again: page 1 is now the oldest
    await cache.ensure(30, 40) // page 3 evicts page 1
    expect(cache.cachedPages().sort()).toEqual([0, 2, 3])
    expect(cache.row(15)).toBeUndefined()
    expect(cache.row(5)).toEqual([5, 'row 5'])
  })

  it('never evicts pages of the range on screen, even when it needs more than the limit', async () => {
    const s = source(1000)
    const cache = new PageCache({ pageSize: 10, maxPages: 2 })
    cache.reset(s.load)
    await cache.ensure(0, 50) // five pages on screen
    expect(cache.size).toBe(5)
    await cache.ensure(100, 110) // a jump: the old range is no longer pinned
    expect(cache.cachedPages()).toEqual([4, 10])
  })

  it('ignores pages of an older view after a reset', async () => {
    let release: (r: RowPageResult) => void = () => {}
    const slow = () => new Promise<RowPageResult>((resolve) => (release = resolve))
    const cache = new PageCache({ pageSize: 10 })
    cache.reset(slow)
    let pages = 0
    const pending = cache.ensure(0, 10, () => pages++)
    const fresh = source(5)
    cache.reset(fresh.load)
    release({ rows: [['stale']], total: 999 })
    await pending
    expect(pages).toBe(0)
    expect(cache.row(0)).toBeUndefined()
    expect(cache.total).toBeNull()
    await cache.ensure(0, 10)
    expect(cache.row(0)).toEqual([0, 'row 0'])
    expect(cache.total).toBe(5)
  })

  it('reports a failed page and retries it on the next request', async () => {
    let fail = true
    const cache = new PageCache({ pageSize: 10 })
    cache.reset(async (offset) => {
      if (fail) throw new Error('database is locked')
      return { rows: [[offset]], total: 1 }
    })
    let notified = 0
    await cache.ensure(0, 5, () => notified++)
    expect(notified).toBe(1)
    expect((cache.error as Error).message).toBe('database is locked')
    expect(cache.row(0)).toBeUndefined()
    fail = false
    await cache.ensure(0, 5)
    expect(cache.row(0)).toEqual([0])
    expect(cache.error).toBeNull()
  })

  it('does nothing without a loader or for an empty range', async () => {
    const cache = new PageCache()
    await cache.ensure(0, 10)
    expect(cache.size).toBe(0)
    const s = source(10)
    cache.reset(s.load)
    await cache.ensure(5, 5)
    expect(s.calls).toEqual([])
  })
})
