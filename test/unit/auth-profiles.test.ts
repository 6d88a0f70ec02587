import { afterEach, describe, expect, it } from 'vitest'
import type { Services } from '../../src/main/services'
import { clientIdProblem, tenantIdProblem } from '../../src/shared/auth'
import { testServices } from '../helpers/services'

let services: Services
afterEach(() => services?.close())

const CLIENT = '0F3C1A2B-1234-4ABC-9DEF-0123456789AB'

describe('tenant and client ids', () => {
  it('accepts GUIDs and domain names as tenant ids, and only GUIDs as client ids', () => {
    for (const ok of ['72f988bf-86f1-41af-91ab-2d7cd011db47', 'contoso.onmicrosoft.com', 'sub.contoso.co.uk', ' Contoso.COM ']) {
      expect(tenantIdProblem(ok), ok).toBeNull()
    }
    for (const bad of ['', 'contoso', 'contoso..com', '-contoso.com', 'contoso.com/', 'https://contoso.com', '1.2.3.4', 'a'.repeat(64) + '.com', '72f988bf-86f1-41af-91ab']) {
      expect(tenantIdProblem(bad), bad).not.toBeNull()
    }
    expect(clientIdProblem(CLIENT)).toBeNull()
    expect(clientIdProblem('contoso.onmicrosoft.com')).toMatch(/is not a client id: use the Application \(client\) ID/)
    expect(clientIdProblem('0f3c1a2b-1234-4abc-9def-0123456789ag')).not.toBeNull()
  })
})

describe('profiles through the router', () => {
  it('adds a profile, lower-casing ids and defaulting to Graph', async () => {
    services = testServices()
    const added = await services.router.call('profiles.add', { name: '  Contoso ', tenantId: 'Contoso.OnMicrosoft.com', clientId: CLIENT })
    expect(added).toMatchObject({
      ok: true,
      value: { name: 'Contoso', tenantId: 'contoso.onmicrosoft.com', clientId: CLIENT.toLowerCase(), api: 'graph', sandbox: false, account: null }
    })
    const listed = await services.router.call('profiles.list', {})
    expect(listed.ok && (listed.value as { profiles: { name: string }[] }).profiles.map((p) => p.name)).toEqual(['Contoso'])
  })

  it('refuses bad ids with a message naming the field, and stores nothing', async () => {
    services = testServices()
    const badTenant = await services.router.call('profiles.add', { name: 'X', tenantId: 'not a tenant', clientId: CLIENT })
    expect(badTenant).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/^profiles\.add: tenantId: "not a tenant" is not a tenant id/) } })
    const badClient = await services.router.call('profiles.add', { name: 'X', tenantId: 'contoso.com', clientId: '1234' })
    expect(badClient).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/clientId: "1234" is not a client id/) } })
    const badApi = await services.router.call('profiles.add', { name: 'X', tenantId: 'contoso.com', clientId: CLIENT, api: 'beta' })
    expect(badApi).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/api: must be "graph" or "legacy"/) } })
    expect(services.auth.profiles.list()).toEqual([])
  })

  it('refuses a duplicate name (any case) and keeps the first profile intact', async () => {
    services = testServices()
    await services.router.call('profiles.add', { name: 'Contoso', tenantId: 'contoso.com', clientId: CLIENT, api: 'legacy' })
    const dup = await services.router.call('profiles.add', { name: 'CONTOSO', tenantId: 'fabrikam.com', clientId: CLIENT })
    expect(dup).toEqual({ ok: false, error: { code: 'conflict', message: 'A profile named "CONTOSO" already exists; pick another name.' } })
    const other = await services.router.call('profiles.add', { name: 'Fabrikam', tenantId: 'fabrikam.com', clientId: CLIENT })
    const fabrikam = (other as { value: { id: number } }).value.id
    const rename = await services.router.call('profiles.update', { profileId: fabrikam, name: 'contoso' })
    expect(rename).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(services.auth.profiles.list().map((p) => [p.name, p.tenantId, p.api])).toEqual([
      ['Contoso', 'contoso.com', 'legacy'],
      ['Fabrikam', 'fabrikam.com', 'graph']
    ])
  })

  it('updates a name without forgetting the sign-in, and says when a profile is gone', async () => {
    services = testServices({ auth: { tokenStore: 'memory' } })
    const p = services.auth.profiles.add({ name: 'A', tenantId: 'contoso.com', clientId: CLIENT.toLowerCase(), api: 'graph' })
    services.auth.profiles.recordSignIn(p.id, { username: 'alice@contoso.com', homeAccountId: 'h' })
    const renamed = await services.router.call('profiles.update', { profileId: p.id, name: 'B' })
    expect(renamed).toMatchObject({ ok: true, value: { name: 'B', account: 'alice@contoso.com' } })
    expect(services.status().signedIn).toEqual({ profile: 'B', account: 'alice@contoso.com' })
    expect(await services.router.call('profiles.remove', { profileId: p.id })).toEqual({ ok: true, value: { removed: true } })
    expect(services.status().signedIn).toBeNull()
    expect(await services.router.call('profiles.remove', { profileId: p.id })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await services.router.call('auth.login', { profileId: 99 })).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('keeps the sandbox profile read-only and unusable while the sandbox is not running', async () => {
    services = testServices({ auth: { tokenStore: 'memory' } })
    const sandbox = services.auth.profiles.upsertSandbox('7d3c5e1a-2b4f-4c6d-8e9f-0a1b2c3d4e5f', CLIENT.toLowerCase())
    expect(sandbox).toMatchObject({ name: 'Sandbox (fake tenant)', sandbox: true })
    expect(await services.router.call('profiles.update', { profileId: sandbox.id, name: 'Mine' })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(await services.router.call('auth.login', { profileId: sandbox.id })).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringMatching(/sandbox is not running/) }
    })
    expect(() => services.auth.endpointsFor(sandbox.id)).toThrow(/sandbox is not running/)
    // A second upsert repoints the same row instead of adding one.
    expect(services.auth.profiles.upsertSandbox('7d3c5e1a-2b4f-4c6d-8e9f-0a1b2c3d4e5f', CLIENT.toLowerCase()).id).toBe(sandbox.id)
    const status = await services.router.call('auth.status', {})
    expect(status).toMatchObject({ ok: true, value: { sandbox: false, profiles: [{ name: 'Sandbox (fake tenant)', signedIn: false, login: 'idle' }] } })
  })
})
