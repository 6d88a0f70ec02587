// msal-node end to end against the fake Entra authority over HTTPS: interactive through
// MSAL's loopback (an openBrowser that plays the browser), silent, refresh, interaction
// required, timeout, cancel and sign-out. Run under scripts/run-keyring.sh so the token
// cache really goes through libsecret.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { defaultEndpoints } from '../../src/main/config'
import { keyringAccount, KEYRING_SERVICE } from '../../src/main/auth/cache'
import type { AuthConfig } from '../../src/main/auth/service'
import type { Services } from '../../src/main/services'
import type { AuthChange } from '../../src/shared/auth'
import { HuntbenchError } from '../../src/shared/errors'
import { browserFor } from '../fakes/entra-client'
import { FAKE_USER, startFakeAuthority, type FakeAuthority } from '../fakes/entra'
import { keyringWorks, keytar } from '../helpers/keyring'
import { testServices } from '../helpers/services'
import { tempDir } from '../helpers/tmp'

const CLIENT = '0f3c1a2b-1234-4abc-9def-0123456789ab'
let fake: FakeAuthority
let shortFake: FakeAuthority
let keyring = false
const open: Services[] = []

beforeAll(async () => {
  fake = await startFakeAuthority()
  // MSAL treats a token as expired when now + 300 s > expiry (strictly), so exactly 300 s
  // would still be served from the cache within the same second; 240 s always refreshes.
  shortFake = await startFakeAuthority({ tokenLifetimeSec: 240 })
  keyring = await keyringWorks()
})
afterAll(async () => {
  await fake.close()
  await shortFake.close()
})
afterEach(() => {
  while (open.length) open.pop()!.close()
})

function start(authority: FakeAuthority, auth: AuthConfig = {}, dataDir = tempDir()): Services {
  const s = testServices({
    dataDir,
    endpoints: { ...defaultEndpoints, authority: authority.url },
    auth: { ca: authority.caCertPem, openBrowser: browserFor(authority.caCertPem), broker: false, ...auth }
  })
  open.push(s)
  return s
}

function addProfile(s: Services, name = 'Contoso'): number {
  return s.auth.profiles.add({ name, tenantId: authorityTenant(), clientId: CLIENT, api: 'graph' }).id
}

function authorityTenant(): string {
  return fake.tenantId
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'))
}

function grants(authority: FakeAuthority): string[] {
  return authority.requests.filter((r) => r.grantType).map((r) => r.grantType!)
}

async function expectError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(HuntbenchError)
  expect((err as HuntbenchError).code).toBe(code)
  expect((err as HuntbenchError).message).toMatch(message)
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('sign-in against the fake authority', () => {
  it('signs in interactively through the loopback, then answers silently from the cache', async () => {
    const s = start(fake)
    const id = addProfile(s)
    const changes: AuthChange[] = []
    s.bus.on('auth.changed', (c) => changes.push(c))
    const before = grants(fake).length

    const login = await s.router.call('auth.login', { profileId: id })
    expect(login).toEqual({ ok: true, value: { profileId: id, account: FAKE_USER.username } })
    expect(grants(fake).slice(before)).toEqual(['authorization_code'])
    expect(fake.requests.some((r) => r.path.endsWith('/oauth2/v2.0/authorize'))).toBe(true)
    expect(changes.map((c) => c.state)).toEqual(['waiting', 'waiting', 'signed-in'])
    expect(s.status().signedIn).toEqual({ profile: 'Contoso', account: FAKE_USER.username })

    const first = await s.auth.getToken(id, 'graph')
    const second = await s.auth.getToken(id, 'graph')
    expect(second.accessToken).toBe(first.accessToken)
    expect(grants(fake).slice(before)).toEqual(['authorization_code'])
    expect(claimsOf(first.accessToken)).toMatchObject({ aud: 'https://graph.microsoft.com', scp: 'ThreatHunting.Read.All' })
    expect(first.account).toBe(FAKE_USER.username)
    expect(first.expiresOn).toBeGreaterThan(Date.now() + 3000_000)
  })

  it('gets a separate token per resource (Graph, legacy Defender XDR) from one sign-in', async () => {
    const s = start(fake)
    const id = addProfile(s)
    await s.auth.login(id)
    const before = grants(fake).length
    const legacy = await s.auth.getToken(id, 'legacy')
    expect(claimsOf(legacy.accessToken)).toMatchObject({ aud: 'https://api.security.microsoft.com', scp: 'AdvancedHunting.Read' })
    expect(grants(fake).slice(before)).toEqual(['refresh_token'])
  })

  it('refreshes a token that lives less than 300 s instead of returning it from the cache', async () => {
    const s = start(shortFake)
    const id = s.auth.profiles.add({ name: 'Short', tenantId: shortFake.tenantId, clientId: CLIENT, api: 'graph' }).id
    await s.auth.login(id)
    const before = grants(shortFake).length
    // Tokens are minted with second resolution, so the proof is the grant, not the text.
    await s.auth.getToken(id, 'graph')
    const second = await s.auth.getToken(id, 'graph')
    expect(grants(shortFake).slice(before)).toEqual(['refresh_token', 'refresh_token'])
    expect(second.expiresOn).toBeLessThanOrEqual(Date.now() + 300_000)
  })

  it('turns MFA / Conditional Access answers into interaction, and passes their claims on', async () => {
    const urls: string[] = []
    const play = browserFor(fake.caCertPem)
    const s = start(fake, { openBrowser: async (url) => (urls.push(url), play(url)) })
    const id = addProfile(s)
    await s.auth.login(id)
    fake.requireInteraction('mfa')
    await expectError(s.auth.getToken(id, 'legacy'), 'unauthenticated', /Contoso needs you to sign in again .*MFA/)
    const token = await s.auth.getToken(id, 'legacy', { interactive: true })
    expect(claimsOf(token.accessToken)).toMatchObject({ aud: 'https://api.security.microsoft.com' })
    const claims = new URL(urls[urls.length - 1]).searchParams.get('claims')
    expect(claims).toContain('capolids')
    // The challenge is met: silent works again.
    expect((await s.auth.getToken(id, 'legacy')).accessToken).toBe(token.accessToken)
  })

  it('does not sign in interactively unless asked, and says how to sign in', async () => {
    const s = start(fake)
    const id = addProfile(s)
    await expectError(s.auth.getToken(id, 'graph'), 'unauthenticated', /not signed in.*huntbench auth login --profile "Contoso"/)
  })

  it('times out a sign-in nobody completes, and closes the loopback port', async () => {
    let redirect = ''
    const s = start(fake, { interactiveTimeoutMs: 400, openBrowser: async (url) => void (redirect = new URL(url).searchParams.get('redirect_uri')!) })
    const id = addProfile(s)
    const answer = await s.router.call('auth.login', { profileId: id })
    expect(answer).toMatchObject({ ok: false, error: { code: 'cancelled', message: expect.stringMatching(/timed out after/) } })
    expect(redirect).toMatch(/^http:\/\/localhost:\d+$/)
    expect(await portOpen(Number(new URL(redirect).port))).toBe(false)
    expect(s.status().signedIn).toBeNull()
  })

  it('cancels a waiting sign-in and frees the port', async () => {
    let redirect = ''
    let opened: () => void = () => {}
    const browserOpened = new Promise<void>((r) => (opened = r))
    const s = start(fake, { openBrowser: async (url) => ((redirect = new URL(url).searchParams.get('redirect_uri')!), opened()) })
    const id = addProfile(s)
    const login = s.router.call('auth.login', { profileId: id })
    await browserOpened
    expect((await s.auth.status()).profiles[0].login).toBe('waiting')
    expect(await s.router.call('auth.cancelLogin', { profileId: id })).toEqual({ ok: true, value: { cancelled: true } })
    expect(await login).toMatchObject({ ok: false, error: { code: 'cancelled', message: 'Sign-in for Contoso was cancelled.' } })
    expect(await portOpen(Number(new URL(redirect).port))).toBe(false)
    expect(await s.router.call('auth.cancelLogin', { profileId: id })).toEqual({ ok: true, value: { cancelled: false } })
  })

  it('honours an AbortSignal from the caller (a cancelled hunt)', async () => {
    const controller = new AbortController()
    const s = start(fake, { openBrowser: async () => controller.abort() })
    const id = addProfile(s)
    await expectError(s.auth.getToken(id, 'graph', { interactive: true, signal: controller.signal }), 'cancelled', /cancelled/)
  })

  it('names the problem when the token endpoint refuses the app', async () => {
    const s = start(fake)
    const id = addProfile(s)
    await s.auth.login(id)
    fake.failNextToken(400, {
      error: 'unauthorized_client',
      error_description: "AADSTS700016: Application with identifier '0f3c1a2b' was not found in the directory 'Contoso'. Trace ID: abc",
      error_codes: [700016]
    })
    await expectError(s.auth.getToken(id, 'legacy'), 'unauthenticated', /does not know this client id.*AADSTS700016/)
  })

  it('reports an unreachable authority as offline', async () => {
    const gone = await startFakeAuthority()
    const s = start(gone)
    const id = s.auth.profiles.add({ name: 'Gone', tenantId: gone.tenantId, clientId: CLIENT, api: 'graph' }).id
    await s.auth.login(id)
    await gone.close()
    await expectError(s.auth.getToken(id, 'legacy'), 'offline', /Could not reach the sign-in server 127\.0\.0\.1:\d+ for Gone/)
  })
})

describe('the token cache', () => {
  it('keeps the sign-in in the OS keyring across restarts, and sign-out removes it', async (ctx) => {
    if (!keyring) ctx.skip()
    const dataDir = tempDir()
    const first = start(fake, {}, dataDir)
    const id = addProfile(first)
    await first.auth.login(id)
    const token = await first.auth.getToken(id, 'graph')
    expect((await first.auth.status(id)).tokenStore).toBe('libsecret')
    first.close()
    open.splice(open.indexOf(first), 1)

    const stored = await keytar.getPassword(KEYRING_SERVICE, keyringAccount(dataDir, id))
    expect(stored).toBeTruthy()
    const cache = JSON.parse(stored!) as Record<string, Record<string, { secret?: string }>>
    const secrets = ['AccessToken', 'RefreshToken', 'IdToken'].flatMap((k) => Object.values(cache[k] ?? {}).map((e) => e.secret!))
    expect(secrets).toContain(token.accessToken)
    expect(secrets.length).toBeGreaterThanOrEqual(3)

    // Nothing in the data folder holds a token in plaintext (database, WAL, logs, cache marker).
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file).toString('latin1')
      for (const secret of secrets) expect(bytes.includes(secret), `${file} holds a token`).toBe(false)
    }

    const second = start(fake, {}, dataDir)
    const grantsBefore = grants(fake).length
    expect((await second.auth.getToken(id, 'graph')).accessToken).toBe(token.accessToken)
    expect(grants(fake).length).toBe(grantsBefore)

    expect(await second.router.call('auth.logout', { profileId: id })).toEqual({ ok: true, value: { signedOut: true } })
    expect(await keytar.getPassword(KEYRING_SERVICE, keyringAccount(dataDir, id))).toBeNull()
    await expectError(second.auth.getToken(id, 'graph'), 'unauthenticated', /not signed in/)
    expect(second.status().signedIn).toBeNull()
    const status = await second.auth.status(id)
    expect(status.profiles[0]).toMatchObject({ signedIn: false, account: null })
  })

  it('sign-out empties an in-memory cache too', async () => {
    const s = start(fake, { tokenStore: 'memory' })
    const id = addProfile(s)
    await s.auth.login(id)
    expect((await s.auth.status(id)).profiles[0].signedIn).toBe(true)
    await s.auth.logout(id)
    expect((await s.auth.status(id)).profiles[0].signedIn).toBe(false)
    await expectError(s.auth.getToken(id, 'graph'), 'unauthenticated', /not signed in/)
  })

  it('forgets tokens when the tenant or client of a profile changes', async () => {
    const s = start(fake, { tokenStore: 'memory' })
    const id = addProfile(s)
    await s.auth.login(id)
    const answer = await s.router.call('profiles.update', { profileId: id, clientId: '22222222-3333-4444-8555-666666666666' })
    expect(answer).toMatchObject({ ok: true, value: { account: null } })
    await expectError(s.auth.getToken(id, 'graph'), 'unauthenticated', /not signed in/)
  })
})
