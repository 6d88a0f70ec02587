// Every method in the contract refuses bad input with a typed error before any handler
// runs, and the database is exactly as it was afterwards. New methods are covered
// automatically because the test walks the contract itself.
import { createHash } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { api, methodNames } from '../../src/shared/api'
import type { Services } from '../../src/main/services'
import { testServices } from '../helpers/services'

function fingerprint(db: Database): string {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_index_%' ORDER BY name")
    .pluck()
    .all() as string[]
  const hash = createHash('sha256')
  for (const table of tables) {
    hash.update(table)
    for (const row of db.prepare(`SELECT * FROM "${table}"`).raw().all()) hash.update(JSON.stringify(row))
  }
  return hash.digest('hex')
}

let services: Services
afterAll(() => services?.close())

describe('contract input validation', () => {
  services = testServices()
  // Some stored state, so "unchanged" is a real claim.
  services.runs.storeComplete(
    { source: 'import', title: 'seed', kql: 'DeviceInfo', startedAt: 1, status: 'succeeded' },
    { status: 'succeeded', durationMs: 1, rowCount: 1, truncated: false, schema: [{ name: 'a', type: 'String' }] },
    [['x']]
  )

  const hostile: [string, unknown][] = [
    ['an unknown field', { __proto_pollution__: true, surprise: 'field' }],
    ['a string instead of an object', 'DROP TABLE query_runs'],
    ['a number', 42],
    ['an array', [1, 2, 3]]
  ]

  it.each(methodNames)('%s rejects bad input with invalid_input and changes nothing', async (method) => {
    const before = fingerprint(services.db)
    for (const [what, input] of hostile) {
      const answer = await services.router.call(method, input)
      expect(answer, `${method} with ${what}`).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
      if (!answer.ok) expect(answer.error.message.startsWith(`${method}:`)).toBe(true)
    }
    expect(fingerprint(services.db)).toBe(before)
  })

  it('every method schema is a strict object (unknown fields are errors, not ignored)', () => {
    for (const name of methodNames) {
      const parsed = api[name].input.safeParse({ definitelyNotAField: 1 })
      expect(parsed.success, name).toBe(false)
    }
  })

  it('oversized and malformed imports are refused whole, with the row named', async () => {
    const before = fingerprint(services.db)
    const ragged = await services.router.call('results.import', { title: 'ragged', columns: [{ name: 'a' }, { name: 'b' }], rows: [['1', '2'], ['only one']] })
    expect(ragged).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('row 2 has 1 cells but there are 2 columns') } })
    const tooMany = await services.router.call('results.import', { title: 'big', columns: [{ name: 'a' }], rows: Array.from({ length: 100_001 }, () => ['x']) })
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('at most 100000 rows') } })
    expect(fingerprint(services.db)).toBe(before)
  })
})
