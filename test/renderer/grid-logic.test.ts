import { describe, expect, it, vi } from 'vitest'
import {
  clampWidth, columnWidth, defaultWidth, schemaKey, visibleColumnIndexes, withHidden, withWidth,
  MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH
} from '../../src/renderer/src/grid/columns'
import {
  buildCellMenu, columnValues, isFiltered, nextSort, withColumnFilter, withoutColumnFilter
} from '../../src/renderer/src/grid/menu'
import { moveCell } from '../../src/renderer/src/grid/nav'
import type { CellAction, GridColumn, RowSource } from '../../src/renderer/src/grid/types'

const cols: GridColumn[] = [
  { name: 'Timestamp', type: 'DateTime' }, { name: 'FileName', type: 'String' }, { name: 'RemotePort', type: 'Int32' }
]

describe('columns', () => {
  it('gives a stable short key per schema that changes with names or types', () => {
    const key = schemaKey(cols)
    expect(key).toMatch(/^c3-[0-9a-f]{8}$/)
    expect(schemaKey([...cols])).toBe(key)
    expect(schemaKey([{ name: 'Timestamp', type: 'datetime' }, cols[1], cols[2]])).toBe(key) // same type, other spelling
    expect(schemaKey([cols[1], cols[0], cols[2]])).not.toBe(key)
    expect(schemaKey([cols[0], cols[1], { name: 'RemotePort', type: 'String' }])).not.toBe(key)
  })

  it('hides columns but never all of them', () => {
    expect(visibleColumnIndexes(cols, { hidden: ['FileName'], widths: {} })).toEqual([0, 2])
    expect(visibleColumnIndexes(cols, { hidden: cols.map((c) => c.name), widths: {} })).toEqual([0])
    expect(visibleColumnIndexes([], undefined)).toEqual([])
  })

  it('sizes columns by type and clamps stored widths', () => {
    expect(defaultWidth(cols[0])).toBe(176)
    expect(defaultWidth({ name: 'InitiatingProcessAccountObjectId', type: 'string' })).toBeGreaterThan(170)
    expect(columnWidth(cols[1], { hidden: [], widths: { FileName: 5 } })).toBe(MIN_COLUMN_WIDTH)
    expect(columnWidth(cols[1], { hidden: [], widths: { FileName: 99999 } })).toBe(MAX_COLUMN_WIDTH)
    expect(clampWidth(100.4)).toBe(100)
  })

  it('updates prefs immutably', () => {
    const p = { hidden: [], widths: {} }
    const hidden = withHidden(p, 'A', true)
    expect(hidden).toEqual({ hidden: ['A'], widths: {} })
    expect(p.hidden).toEqual([])
    expect(withHidden(hidden, 'A', false).hidden).toEqual([])
    expect(withWidth(p, 'A', 200).widths).toEqual({ A: 200 })
  })
})

describe('keyboard navigation', () => {
  const b = { rows: 100_000, cols: 5, pageRows: 20 }
  it('moves like a spreadsheet and stays in bounds', () => {
    expect(moveCell({ row: 0, col: 0 }, 'ArrowUp', b)).toEqual({ row: 0, col: 0 })
    expect(moveCell({ row: 0, col: 0 }, 'ArrowDown', b)).toEqual({ row: 1, col: 0 })
    expect(moveCell({ row: 5, col: 4 }, 'ArrowRight', b)).toEqual({ row: 5, col: 4 })
    expect(moveCell({ row: 5, col: 2 }, 'ArrowLeft', b)).toEqual({ row: 5, col: 1 })
    expect(moveCell({ row: 5, col: 2 }, 'PageDown', b)).toEqual({ row: 24, col: 2 })
    expect(moveCell({ row: 5, col: 2 }, 'PageUp', b)).toEqual({ row: 0, col: 2 })
    expect(moveCell({ row: 5, col: 2 }, 'Home', b)).toEqual({ row: 5, col: 0 })
    expect(moveCell({ row: 5, col: 2 }, 'End', b)).toEqual({ row: 5, col: 4 })
    expect(moveCell({ row: 5, col: 2 }, 'End', b, true)).toEqual({ row: 99_999, col: 4 })
    expect(moveCell({ row: 5, col: 2 }, 'Home', b, true)).toEqual({ row: 0, col: 0 })
    expect(moveCell({ row: 5, col: 2 }, 'ArrowDown', b, true)).toEqual({ row: 99_999, col: 2 })
    expect(moveCell({ row: 5, col: 2 }, 'x', b)).toBeNull()
    expect(moveCell({ row: 0, col: 0 }, 'ArrowDown', { rows: 0, cols: 3, pageRows: 10 })).toBeNull()
  })
})

describe('view changes', () => {
  it('cycles sort asc → desc → none, restarting on another column', () => {
    let v = nextSort({}, 1)
    expect(v.sort).toEqual({ column: 1, direction: 'asc' })
    v = nextSort(v, 1)
    expect(v.sort).toEqual({ column: 1, direction: 'desc' })
    v = nextSort(v, 1)
    expect(v.sort).toBeUndefined()
    expect(nextSort({ sort: { column: 0, direction: 'desc' } }, 2).sort).toEqual({ column: 2, direction: 'asc' })
  })

  it('adds column filters once and removes them', () => {
    let v = withColumnFilter({ filter: 'x' }, 1, 'eq', 'cmd.exe')
    expect(v).toEqual({ filter: 'x', columnFilters: [{ column: 1, op: 'eq', value: 'cmd.exe' }] })
    expect(withColumnFilter(v, 1, 'eq', 'cmd.exe')).toBe(v)
    v = withColumnFilter(v, 2, 'neq', 443)
    expect(v.columnFilters?.[1]).toEqual({ column: 2, op: 'neq', value: '443' })
    expect(withoutColumnFilter(v, 0).columnFilters).toEqual([{ column: 2, op: 'neq', value: '443' }])
    expect(withoutColumnFilter(withoutColumnFilter(v, 0), 0).columnFilters).toBeUndefined()
    expect(isFiltered({})).toBe(false)
    expect(isFiltered({ filter: 'a' })).toBe(true)
    expect(isFiltered({ columnFilters: [] })).toBe(false)
  })
})

describe('cell menu', () => {
  const base = {
    column: cols[1], columnIndex: 1, row: ['t', 'cmd.exe', 1],
    copyValue: vi.fn(), copyRow: vi.fn(), copyColumn: vi.fn(), addFilter: vi.fn(), openDetails: vi.fn()
  }

  it('lists built-in entries then the actions that apply', () => {
    const run = vi.fn()
    const actions: CellAction[] = [
      { id: 'shodan', label: 'Look up in Shodan', applies: (v) => typeof v === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(v), run },
      { id: 'case', label: 'Add to case as observable', run },
      { id: 'broken', label: 'Broken', applies: () => { throw new Error('bug') }, run }
    ]
    const items = buildCellMenu({ ...base, value: 'cmd.exe', cellActions: actions })
    expect(items.map((i) => i.id)).toEqual([
      'copy-value', 'copy-row', 'copy-column', 'copy-column-kql', 'filter-eq', 'filter-neq', 'details', 'action:case'
    ])
    expect(items.find((i) => i.id === 'action:case')?.separated).toBe(true)
    items.find((i) => i.id === 'action:case')?.run()
    expect(run).toHaveBeenCalledWith('cmd.exe', cols[1], ['t', 'cmd.exe', 1])
    items.find((i) => i.id === 'filter-neq')?.run()
    expect(base.addFilter).toHaveBeenCalledWith('neq')
    expect(items.find((i) => i.id === 'filter-eq')?.label).toBe('Show only FileName = "cmd.exe"')
    const ip = buildCellMenu({ ...base, value: '10.0.0.1', cellActions: actions })
    expect(ip.map((i) => i.id)).toContain('action:shodan')
  })
})

describe('columnValues', () => {
  const rows = Array.from({ length: 12_345 }, (_, i) => [i, `v${i % 7}`])
  const paged: RowSource = {
    columns: [{ name: 'N', type: 'long' }, { name: 'S', type: 'string' }],
    total: rows.length,
    fetch: vi.fn(async (offset: number, limit: number) => ({ rows: rows.slice(offset, offset + limit), total: rows.length }))
  }

  it('pages through the whole view when the source has no distinct()', async () => {
    const values = await columnValues(paged, 1, { filter: 'x' })
    expect(values.length).toBe(12_345)
    expect(paged.fetch).toHaveBeenCalledTimes(3)
    expect(vi.mocked(paged.fetch).mock.calls[0]).toEqual([0, 5000, { filter: 'x' }])
  })

  it('stops at the limit', async () => {
    expect((await columnValues(paged, 0, {}, 7000)).length).toBe(7000)
  })

  it('prefers the source distinct()', async () => {
    const distinct = vi.fn(async () => ['a', 'b'])
    expect(await columnValues({ ...paged, distinct }, 1, {})).toEqual(['a', 'b'])
    expect(distinct).toHaveBeenCalledWith(1, {}, 100_000)
  })
})
