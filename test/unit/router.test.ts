import { afterEach, describe, expect, it } from 'vitest'
import type { Services } from '../../src/main/services'
import { testServices } from '../helpers/services'

let services: Services
afterEach(() => services?.close())

describe('router', () => {
  it('rejects unknown methods with a typed error', async () => {
    services = testServices()
    const answer = await services.router.call('cases.dropAll', {})
    expect(answer).toEqual({ ok: false, error: { code: 'unknown_method', message: expect.stringContaining('cases.dropAll') } })
  })

  it('validates input before the handler runs and names the field', async () => {
    services = testServices()
    const answer = await services.router.call('history.list', { limit: 10_000 })
    expect(answer.ok).toBe(false)
    if (!answer.ok) {
      expect(answer.error.code).toBe('invalid_input')
      expect(answer.error.message).toMatch(/^history\.list: limit:/)
    }
  })

  it('imports a result and pages its rows back', async () => {
    services = testServices()
    const imported = await services.router.call('results.import', {
      title: 'logons',
      columns: [{ name: 'Account', type: 'String' }, { name: 'Count', type: 'Int64' }],
      rows: [['alice', 3], ['bob', 5], ['carol', 1]]
    })
    expect(imported.ok).toBe(true)
    const runId = (imported as { value: { runId: number } }).value.runId
    const page = await services.router.call('runs.rows', { runId, offset: 1, limit: 5 })
    expect(page).toEqual({ ok: true, value: { runId, offset: 1, total: 3, rows: [['bob', 5], ['carol', 1]] } })
    const history = await services.router.call('history.list', {})
    expect(history.ok && (history.value as { items: { title: string }[] }).items.map((i) => i.title)).toEqual(['logons'])
  })

  it('answers not_found for a run that does not exist', async () => {
    services = testServices()
    const answer = await services.router.call('runs.get', { runId: 999 })
    expect(answer).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })
})

describe('store errors', () => {
  it('explains a damaged database instead of a bare SQLite code', async () => {
    const { createRouter } = await import('../../src/main/router')
    const router = createRouter({
      'app.status': () => {
        throw Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' })
      }
    } as never)
    const answer = await router.call('app.status', {})
    expect(answer).toMatchObject({ ok: false, error: { code: 'store_error', message: expect.stringContaining('The database file is damaged') } })
  })
})
