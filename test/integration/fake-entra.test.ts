// The fake Entra authority, driven by real @azure/msal-node (interactive + silent) and by
// hand for the protocol checks MSAL would never get wrong on its own.
import { createHash, randomBytes } from 'node:crypto'
import { InteractionRequiredAuthError, PublicClientApplication, ServerError } from '@azure/msal-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeAuthority, FAKE_SIGNING_SECRET, FAKE_USER, type FakeAuthority } from '../fakes/entra'
import { browserFor, getText, networkClientTrusting, parseFormPost } from '../fakes/entra-client'
import { verifyJwtHs256 } from '../fakes/jwt'
import { loadOrCreateTestCa } from '../fakes/tls'
import { tempDir } from '../helpers/tmp'

const GRAPH_SCOPE = 'https://graph.microsoft.com/ThreatHunting.Read.All'
const CLIENT_ID = '4a1f7c2e-9b3d-4e8f-a6c5-1d2e3f4a5b6c'

let fake: FakeAuthority

beforeAll(async () => {
  fake = await startFakeAuthority({ ca: loadOrCreateTestCa(tempDir('hb-ca-')), clientId: CLIENT_ID })
})
afterAll(async () => {
  await fake.close()
})

function pca(): PublicClientApplication {
  return new PublicClientApplication({
    auth: {
      clientId: CLIENT_ID,
      authority: `${fake.url}/${fake.tenantId}`,
      knownAuthorities: [new URL(fake.url).host]
    },
    system: { networkClient: networkClientTrusting(fake.caCertPem) }
  })
}

function claimsOf(jwt: string): Record<string, unknown> {
  const v = verifyJwtHs256(jwt, FAKE_SIGNING_SECRET)
  if (!v.ok) throw new Error(`token did not verify: ${v.reason}`)
  return v.claims
}

describe('fake Entra authority with msal-node', () => {
  it('signs in interactively, serves silently from cache, refreshes, then demands MFA', async () => {
    const app = pca()
    const signedIn = await app.acquireTokenInteractive({ scopes: [GRAPH_SCOPE], openBrowser: browserFor(fake.caCertPem) })
    expect(signedIn.account?.username).toBe(FAKE_USER.username)
    expect(signedIn.account?.homeAccountId).toBe(`${FAKE_USER.oid}.${fake.tenantId}`)
    const at = claimsOf(signedIn.accessToken)
    expect(at).toMatchObject({ aud: 'https://graph.microsoft.com', scp: 'ThreatHunting.Read.All', tid: fake.tenantId, oid: FAKE_USER.oid })
    expect(fake.requests.some((r) => r.path.endsWith('/v2.0/.well-known/openid-configuration'))).toBe(true)

    const cached = await app.acquireTokenSilent({ scopes: [GRAPH_SCOPE], account: signedIn.account! })
    expect(cached.fromCache).toBe(true)

    const refreshed = await app.acquireTokenSilent({ scopes: [GRAPH_SCOPE], account: signedIn.account!, forceRefresh: true })
    expect(refreshed.fromCache).toBe(false)
    expect(fake.requests.filter((r) => r.grantType === 'refresh_token')).toHaveLength(1)

    // A second resource through the same refresh token (legacy Defender API).
    const legacy = await app.acquireTokenSilent({ scopes: ['https://api.security.microsoft.com/AdvancedHunting.Read'], account: signedIn.account! })
    expect(claimsOf(legacy.accessToken)).toMatchObject({ aud: 'https://api.security.microsoft.com', scp: 'AdvancedHunting.Read' })

    fake.requireInteraction('mfa')
    const err = await app.acquireTokenSilent({ scopes: [GRAPH_SCOPE], account: signedIn.account!, forceRefresh: true }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InteractionRequiredAuthError)
    const ire = err as InteractionRequiredAuthError
    expect(ire.subError).toBe('basic_action')
    expect(ire.errorMessage).toContain('AADSTS50076')
    expect(JSON.parse(ire.claims)).toHaveProperty('access_token.capolids')

    // Until the user signs in again, refresh keeps failing; after that it works.
    await expect(app.acquireTokenSilent({ scopes: [GRAPH_SCOPE], account: signedIn.account!, forceRefresh: true })).rejects.toBeInstanceOf(InteractionRequiredAuthError)
    await app.acquireTokenInteractive({ scopes: [GRAPH_SCOPE], claims: ire.claims, openBrowser: browserFor(fake.caCertPem) })
    const after = await app.acquireTokenSilent({ scopes: [GRAPH_SCOPE], account: signedIn.account!, forceRefresh: true })
    expect(after.accessToken).toBeTruthy()
  })

  it('reports consent and revoked grants the way MSAL classifies them', async () => {
    const app = pca()
    const r = await app.acquireTokenInteractive({ scopes: [GRAPH_SCOPE], openBrowser: browserFor(fake.caCertPem) })
    fake.requireInteraction('consent', 1)
    const consent = await app.acquireTokenSilent({ scopes: [GRAPH_SCOPE], account: r.account!, forceRefresh: true }).catch((e: unknown) => e)
    expect(consent).toBeInstanceOf(InteractionRequiredAuthError)
    expect((consent as InteractionRequiredAuthError).subError).toBe('consent_required')
    // count 1: the next refresh succeeds without a new sign-in.
    await expect(app.acquireTokenSilent({ scopes: [GRAPH_SCOPE], account: r.account!, forceRefresh: true })).resolves.toBeTruthy()

    fake.revokeAll()
    const revoked = await app.acquireTokenSilent({ scopes: [GRAPH_SCOPE], account: r.account!, forceRefresh: true }).catch((e: unknown) => e)
    expect(revoked).toBeInstanceOf(InteractionRequiredAuthError)
    expect((revoked as InteractionRequiredAuthError).errorMessage).toContain('AADSTS50173')
    // MSAL dropped the refresh token on bad_token; a failing code exchange surfaces as ServerError.
    expect(fake.requests.at(-1)?.grantType).toBe('refresh_token')
    fake.failNextToken(503, { error: 'temporarily_unavailable', error_description: 'AADSTS90033: A transient error has occurred.', error_codes: [90033] })
    const outage = await app.acquireTokenInteractive({ scopes: [GRAPH_SCOPE], openBrowser: browserFor(fake.caCertPem) }).catch((e: unknown) => e)
    expect(outage).toBeInstanceOf(ServerError)
    expect((outage as ServerError).errorCode).toBe('temporarily_unavailable')

  })
})

describe('fake Entra authority protocol checks', () => {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const redirect = 'http://localhost:53123/'

  function authorizeUrl(over: Record<string, string> = {}): string {
    const q = new URLSearchParams({
      client_id: CLIENT_ID, response_type: 'code', response_mode: 'form_post', redirect_uri: redirect,
      scope: `${GRAPH_SCOPE} openid profile offline_access`, state: 'eyJpZCI6IjEifQ==|x', client_info: '1',
      code_challenge: challenge, code_challenge_method: 'S256', ...over
    })
    return `${fake.url}/${fake.tenantId}/oauth2/v2.0/authorize?${q}`
  }

  async function postToken(form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
    const { body, status } = await networkClientTrusting(fake.caCertPem).sendPostRequestAsync<Record<string, unknown>>(
      `${fake.url}/${fake.tenantId}/oauth2/v2.0/token`,
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() }
    )
    return { status, body }
  }

  it('renders a sign-in page that form_posts code, exact state and client_info', async () => {
    const page = await getText(authorizeUrl(), fake.caCertPem)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Sign in to the Huntbench sandbox tenant')
    expect(page.text).toContain('data-testid="fake-signin"')
    expect(page.text).not.toContain('.submit()')
    const form = parseFormPost(page.text)
    expect(form.action).toBe(redirect)
    expect(form.fields.state).toBe('eyJpZCI6IjEifQ==|x')
    expect(Object.keys(form.fields).sort()).toEqual(['client_info', 'code', 'state'])
  })

  it('refuses a wrong PKCE verifier, a reused code, and a non-loopback redirect', async () => {
    const { fields } = parseFormPost((await getText(authorizeUrl(), fake.caCertPem)).text)
    const base = { grant_type: 'authorization_code', client_id: CLIENT_ID, redirect_uri: redirect, scope: GRAPH_SCOPE, code: fields.code! }
    const bad = await postToken({ ...base, code_verifier: 'x'.repeat(43) })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ error: 'invalid_grant', error_codes: [501481] })
    expect(bad.body).toHaveProperty('trace_id')
    expect(bad.body).toHaveProperty('correlation_id')
    const good = await postToken({ ...base, code_verifier: verifier })
    expect(good.status).toBe(200)
    expect(good.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: GRAPH_SCOPE })
    const again = await postToken({ ...base, code_verifier: verifier })
    expect(again.body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] })

    const evil = await getText(authorizeUrl({ redirect_uri: 'https://evil.example/cb' }), fake.caCertPem)
    expect(evil.status).toBe(400)
    expect(evil.text).toContain('AADSTS50011')
    const noPkce = parseFormPost((await getText(authorizeUrl({ code_challenge_method: 'plain' }), fake.caCertPem)).text)
    expect(noPkce.fields.error).toBe('invalid_request')
    expect(noPkce.fields.code).toBeUndefined()
  })

  it('auto-submits when asked to', async () => {
    const auto = await startFakeAuthority({ autoSubmit: true, ca: loadOrCreateTestCa(tempDir('hb-ca-')) })
    try {
      const page = await getText(authorizeUrl().replace(fake.url, auto.url), auto.caCertPem)
      expect(page.text).toContain('document.getElementById("fake-signin-form").submit()')
    } finally {
      await auto.close()
    }
  })
})
