import { parse } from 'csv-parse/sync'
import { afterEach, describe, expect, it } from 'vitest'
import type { Services } from '../../src/main/services'
import { testServices } from '../helpers/services'

let services: Services
afterEach(() => services?.close())

const columns = [
  { name: 'Timestamp', type: 'DateTime' },
  { name: 'DeviceName', type: 'String' },
  { name: 'Port', type: 'Int32' },
  { name: 'Extra', type: 'Dynamic' },
  { name: 'Ok', type: 'Boolean' }
]
const rows = [
  ['2026-11-01T10:00:00.0000000Z', 'WS-Alpha', 443, { user: 'ÉLODIE' }, true],
  ['2026-11-02T10:00:00.0000000Z', 'ws-beta', 80, null, false],
  ['2026-11-03T10:00:00.0000000Z', 'Srv "quoted", comma', 8080, ['a', 'b'], true],
  ['2026-11-04T10:00:00.0000000Z', 'München-01', 9, { note: 'line\nbreak' }, null],
  ['2026-11-05T10:00:00.0000000Z', null, 443, null, true]
]

async function call<T>(method: string, input: unknown): Promise<T> {
  const answer = await services.router.call(method, input)
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`)
  return answer.value as T
}

async function seed(): Promise<number> {
  services = testServices()
  return (await call<{ runId: number }>('results.import', { title: 'Logons: test', columns, rows })).runId
}

const names = (page: { rows: unknown[][] }): unknown[] => page.rows.map((r) => r[1])

describe('stored result views', () => {
  it('sorts by a column (numbers as numbers) in both directions and pages the sorted order', async () => {
    const runId = await seed()
    const asc = await call<{ rows: unknown[][]; total: number }>('runs.rows', { runId, sort: { column: 2, direction: 'asc' } })
    expect(asc.rows.map((r) => r[2])).toEqual([9, 80, 443, 443, 8080])
    const desc = await call<{ rows: unknown[][] }>('runs.rows', { runId, sort: { column: 1, direction: 'desc' }, offset: 1, limit: 2 })
    // SQLite orders by code point: lower-case and non-ASCII after upper-case; nulls last in desc.
    expect(names(desc)).toEqual(['WS-Alpha', 'Srv "quoted", comma'])
  })

  it('finds a substring in any cell, ignoring case, including non-ASCII and JSON cells', async () => {
    const runId = await seed()
    const ws = await call<{ rows: unknown[][]; total: number }>('runs.rows', { runId, filter: 'ws-' })
    expect(ws.total).toBe(2)
    expect(names(ws)).toEqual(['WS-Alpha', 'ws-beta'])
    expect((await call<{ total: number }>('runs.rows', { runId, filter: 'élodie' })).total).toBe(1)
    expect((await call<{ total: number }>('runs.rows', { runId, filter: 'MÜNCHEN' })).total).toBe(1)
    // Quotes and commas are matched as displayed, not as the JSON they are stored in.
    expect(names(await call('runs.rows', { runId, filter: '"quoted", c' }))).toEqual(['Srv "quoted", comma'])
    // '","' sits between every pair of stored cells, but is shown only inside the array cell.
    expect(names(await call('runs.rows', { runId, filter: '","' }))).toEqual(['Srv "quoted", comma'])
    expect((await call<{ total: number }>('runs.rows', { runId, filter: '443,' })).total).toBe(0)
    // A null cell shows as empty, so "null" finds nothing.
    expect((await call<{ total: number }>('runs.rows', { runId, filter: 'null' })).total).toBe(0)
    expect((await call<{ total: number }>('runs.rows', { runId, filter: '100%_' })).total).toBe(0)
  })

  it('applies column filters together with find and sort', async () => {
    const runId = await seed()
    const port443 = await call<{ rows: unknown[][]; total: number }>('runs.rows', { runId, columnFilters: [{ column: 2, op: 'equals', value: 443 }] })
    expect(port443.total).toBe(2)
    const typed = await call<{ total: number }>('runs.rows', { runId, columnFilters: [{ column: 2, op: 'equals', value: '443' }] })
    expect(typed.total).toBe(2)
    const inList = await call<{ rows: unknown[][] }>('runs.rows', {
      runId,
      columnFilters: [{ column: 1, op: 'in', values: ['ws-beta', null] }],
      sort: { column: 0, direction: 'desc' }
    })
    expect(names(inList)).toEqual([null, 'ws-beta'])
    expect((await call<{ total: number }>('runs.rows', { runId, columnFilters: [{ column: 1, op: 'empty' }] })).total).toBe(1)
    expect((await call<{ total: number }>('runs.rows', { runId, columnFilters: [{ column: 2, op: 'gt', value: 100 }] })).total).toBe(3)
    expect((await call<{ total: number }>('runs.rows', { runId, columnFilters: [{ column: 0, op: 'lt', value: '2026-11-03' }] })).total).toBe(2)
    expect((await call<{ total: number }>('runs.rows', { runId, columnFilters: [{ column: 4, op: 'equals', value: true }] })).total).toBe(3)
    // Typed text compares with the cell as shown.
    expect((await call<{ total: number }>('runs.rows', { runId, columnFilters: [{ column: 4, op: 'equals', value: 'false' }] })).total).toBe(1)
    expect((await call<{ total: number }>('runs.rows', { runId, columnFilters: [{ column: 4, op: 'contains', value: 'RU' }] })).total).toBe(3)
    const both = await call<{ rows: unknown[][]; total: number }>('runs.rows', {
      runId,
      filter: 'ws',
      columnFilters: [{ column: 1, op: 'notContains', value: 'BETA' }]
    })
    expect(names(both)).toEqual(['WS-Alpha'])
  })

  it('rejects a column that does not exist with a clear message', async () => {
    const runId = await seed()
    const answer = await services.router.call('runs.rows', { runId, sort: { column: 7 } })
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('5 columns') } })
  })

  it('lists distinct values with counts, typed as stored', async () => {
    const runId = await seed()
    const ports = await call<{ values: { value: unknown; count: number }[]; distinct: number }>('runs.distinct', { runId, column: 2 })
    expect(ports.distinct).toBe(4)
    expect(ports.values[0]).toEqual({ value: 443, count: 2 })
    const ok = await call<{ values: { value: unknown; count: number }[] }>('runs.distinct', { runId, column: 4 })
    expect(ok.values).toEqual([{ value: true, count: 3 }, { value: null, count: 1 }, { value: false, count: 1 }])
    const inView = await call<{ values: { value: unknown; count: number }[]; distinct: number }>('runs.distinct', { runId, column: 2, filter: 'ws' })
    expect(inView).toMatchObject({ distinct: 2, values: [{ value: 80, count: 1 }, { value: 443, count: 1 }] })
    const extra = await call<{ values: { value: unknown }[] }>('runs.distinct', { runId, column: 3 })
    expect(extra.values.map((v) => v.value)).toContainEqual({ user: 'ÉLODIE' })
  })

  it('exports RFC 4180 CSV and JSON, honouring the view and the chosen columns', async () => {
    const runId = await seed()
    const csv = await call<{ content: string; fileName: string; rowCount: number }>('runs.export', { runId, format: 'csv' })
    expect(csv.fileName).toBe(`huntbench-run-${runId}-Logons-test.csv`)
    expect(csv.content).toContain('\r\n')
    const parsed = parse(csv.content) as string[][]
    expect(parsed[0]).toEqual(columns.map((c) => c.name))
    expect(parsed[3][1]).toBe('Srv "quoted", comma')
    expect(parsed[4][3]).toBe('{"note":"line\\nbreak"}')
    expect(parsed[5][1]).toBe('')

    const json = await call<{ content: string; rowCount: number }>('runs.export', { runId, format: 'json', columns: [1, 2], filter: 'ws', sort: { column: 2, direction: 'desc' } })
    expect(json.rowCount).toBe(2)
    expect(JSON.parse(json.content)).toEqual([
      { DeviceName: 'WS-Alpha', Port: 443 },
      { DeviceName: 'ws-beta', Port: 80 }
    ])
  })
})
