// The hunting contract through the router: input errors, tabs that survive a restart,
// quota limits and status, and the schema the editor completes from.
import { afterEach, describe, expect, it } from 'vitest'
import type { HuntTabs, QuotaStatus, SchemaTable } from '../../src/shared/api/hunting'
import type { AppStatus } from '../../src/shared/types'
import { parseGraphSchema, sourceTable } from '../../src/main/hunting/schema'
import type { Services } from '../../src/main/services'
import { TEST_CLIENT_ID } from '../helpers/hunting'
import { testServices } from '../helpers/services'
import { tempDir } from '../helpers/tmp'

let services: Services | undefined
afterEach(() => services?.close())

async function call<T>(method: string, input: unknown): Promise<T> {
  const answer = await services!.router.call(method, input)
  if (!answer.ok) throw Object.assign(new Error(answer.error.message), { code: answer.error.code })
  return answer.value as T
}

function withProfile(dataDir = tempDir()): number {
  services = testServices({ dataDir })
  return services.auth.profiles.add({ name: 'Contoso', tenantId: 'contoso.onmicrosoft.com', clientId: TEST_CLIENT_ID, api: 'graph' }).id
}

describe('hunting handlers', () => {
  it('explains bad input and queues nothing', async () => {
    const profileId = withProfile()
    await expect(call('hunting.run', { profileId, kql: '' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/query is empty/) })
    await expect(call('hunting.run', { profileId, kql: 'x'.repeat(100_001) })).rejects.toThrow(/at most 100,000/)
    await expect(call('hunting.run', { profileId, kql: 'T', timespan: 'yesterday' })).rejects.toThrow(/not ISO 8601/)
    await expect(call('hunting.run', { profileId: 99, kql: 'T' })).rejects.toMatchObject({ code: 'not_found' })
    await expect(call('hunting.quota', { profileId: 99 })).rejects.toMatchObject({ code: 'not_found' })
    expect((await call<{ items: unknown[] }>('hunting.queue', {})).items).toEqual([])
  })

  it('queues a run (the CLI host leaves sending to `query run`) and reports it in the queue and status bar', async () => {
    const profileId = withProfile()
    const { queueId, runId } = await call<{ queueId: number; runId: number }>('hunting.run', { profileId, kql: 'DeviceEvents | take 1', timespan: 'P1D' })
    const { items } = await call<{ items: { queueId: number; state: string; position: number; profileName: string }[] }>('hunting.queue', { profileId })
    expect(items).toEqual([expect.objectContaining({ queueId, runId, state: 'pending', position: 1, profileName: 'Contoso' })])
    const status = await call<AppStatus>('app.status', {})
    expect(status.quota).toMatchObject({ profile: 'Contoso', callsPerMinute: 45, queued: 1 })
    expect(await call('hunting.cancel', { queueId })).toEqual({ cancelled: true })
    expect(await call('runs.get', { runId })).toMatchObject({ status: 'cancelled', timespan: 'P1D' })
  })

  it('sets quota limits per profile: a preset or custom figures', async () => {
    const profileId = withProfile()
    expect((await call<QuotaStatus>('hunting.quota', { profileId })).limits.callsPerMinute).toBe(45)
    const strict = await call<{ preset: string; runningMsPerHour: number }>('hunting.setQuotaLimits', { profileId, limits: { preset: 'strict' } })
    expect(strict).toMatchObject({ preset: 'strict', callsPerMinute: 10, runningMsPerHour: 600_000, runningMsPerDay: 14_400_000 })
    await call('hunting.setQuotaLimits', { profileId, limits: { preset: 'custom', callsPerMinute: 20 } })
    expect((await call<QuotaStatus>('hunting.quota', { profileId })).limits).toMatchObject({ preset: 'custom', callsPerMinute: 20, runningMsPerHour: null })
    await expect(call('hunting.setQuotaLimits', { profileId, limits: { preset: 'custom', callsPerMinute: 0 } })).rejects.toMatchObject({ code: 'invalid_input' })
  })

  it('keeps editor tabs across a restart and shrugs off a damaged stored value', async () => {
    const dataDir = tempDir()
    services = testServices({ dataDir })
    const tabs = {
      tabs: [
        { id: 'a', title: 'Logons', kql: 'IdentityLogonEvents | take 10 // Zürich ✓', timespan: 'P7D', profileId: null, runId: null },
        { id: 'b', title: 'Draft', kql: '', timespan: null, profileId: null, runId: null }
      ],
      activeId: 'b'
    }
    expect(await call('hunting.saveTabs', tabs)).toEqual({ saved: 2 })
    services.close()
    services = testServices({ dataDir })
    expect(await call<HuntTabs>('hunting.loadTabs', {})).toEqual(tabs)
    await expect(call('hunting.saveTabs', { tabs: [{ id: '', title: 'x', kql: '' }] })).rejects.toMatchObject({ code: 'invalid_input' })
    expect(await call<HuntTabs>('hunting.loadTabs', {})).toEqual(tabs)
    services.db.prepare("UPDATE settings SET value = '{not json' WHERE key = 'hunting.tabs'").run()
    expect(await call<HuntTabs>('hunting.loadTabs', {})).toEqual({ tabs: [], activeId: null })
  })

  it('offers the standard tables plus columns learned from stored hunts', async () => {
    withProfile()
    const s = services!
    s.runs.storeComplete(
      { source: 'hunt', title: 'custom', kql: 'MyCustomTable\n| where X == 1 | take 5', startedAt: 1, status: 'succeeded' },
      { status: 'succeeded', durationMs: 1, rowCount: 0, truncated: false, schema: [{ name: 'X', type: 'Int64' }, { name: 'Note', type: 'String' }] },
      []
    )
    s.runs.storeComplete(
      { source: 'hunt', title: 'reshaped', kql: 'DeviceEvents | summarize n = count() by DeviceName', startedAt: 2, status: 'succeeded' },
      { status: 'succeeded', durationMs: 1, rowCount: 0, truncated: false, schema: [{ name: 'n', type: 'Int64' }] },
      []
    )
    const { tables } = await call<{ tables: SchemaTable[] }>('hunting.schema', {})
    const custom = tables.find((t) => t.name === 'MyCustomTable')
    expect(custom).toEqual({ name: 'MyCustomTable', description: '', source: 'learned', columns: [{ name: 'X', type: 'Int64' }, { name: 'Note', type: 'String' }] })
    const device = tables.find((t) => t.name === 'DeviceEvents')
    expect(device?.source).toBe('standard')
    // A summarize result's columns are not the table's.
    expect(device?.columns.some((c) => c.name === 'n')).toBe(false)
    expect(tables.find((t) => t.name === 'DeviceProcessEvents')?.columns.length).toBeGreaterThan(20)
  })

  it('reads Graph hunting schemas and tells which queries keep their table’s columns', () => {
    expect(
      parseGraphSchema({ tables: [{ name: 'T', description: 'd', columns: [{ name: 'A', dataType: 'datetime', description: 'when' }, { name: '' }] }], functions: {} })
    ).toEqual([{ name: 'T', description: 'd', source: 'graph', columns: [{ name: 'A', type: 'DateTime', description: 'when' }] }])
    expect(parseGraphSchema({ error: {} })).toBeNull()
    expect(sourceTable('// note\nDeviceEvents | where A == 1 | project A, B | take 3')).toBe('DeviceEvents')
    expect(sourceTable('DeviceEvents | project A = B')).toBeNull()
    expect(sourceTable('DeviceEvents | extend Z = 1')).toBeNull()
    expect(sourceTable('let x = 1; DeviceEvents')).toBeNull()
  })
})
