// A fake Entra ID (Azure AD v2.0) authority over HTTPS on 127.0.0.1, faithful enough for
// @azure/msal-node's interactive (loopback + form_post + PKCE) and silent (refresh) flows.
// Access tokens are HS256 JWTs the fake hunting API can verify with the shared secret.
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  FAKE_TENANT_ID,
  FAKE_USER,
  aadError,
  errorPage,
  interactionError,
  isLoopbackRedirect,
  resolveScopes,
  resourceDisplayName,
  signInPage,
  type InteractionKind
} from './entra-support'
import { FAKE_SIGNING_SECRET, b64url, signJwtHs256, unsignedJwt } from './jwt'
import { loadOrCreateTestCa, type TestCa } from './tls'

export { FAKE_SIGNING_SECRET, FAKE_TENANT_ID, FAKE_USER, type InteractionKind }

export interface AuthorityRequest {
  method: string
  path: string
  grantType?: string
}

export interface FakeAuthorityOptions {
  port?: number
  ca?: TestCa
  tokenLifetimeSec?: number
  signingSecret?: string
  autoSubmit?: boolean
  /** When set, any other client_id is refused (AADSTS700016). */
  clientId?: string
}

export interface FakeAuthority {
  /** Replaces https://login.microsoftonline.com; clients append /<tenant>. */
  url: string
  caCertPath: string
  caCertPem: string
  tenantId: string
  requests: AuthorityRequest[]
  /**
   * Refresh grants fail with invalid_grant + suberror (+ claims) until an interactive
   * sign-in completes, or only for the next `count` refresh requests when count is given.
   */
  requireInteraction(kind: InteractionKind, count?: number): void
  /** The next token request (any grant) answers `status` with `body` (JSON unless a string). */
  failNextToken(status: number, body: unknown): void
  /** Every refresh token issued so far stops working (invalid_grant, suberror bad_token). */
  revokeAll(): void
  close(): Promise<void>
}

export interface MintOptions {
  aud: string
  scp: string | string[]
  tid?: string
  oid?: string
  expiresInSec?: number
  /** Absolute expiry (seconds since epoch); wins over expiresInSec. */
  exp?: number
  secret?: string
  appid?: string
}

/** An access token like the fake authority issues, for tests that skip sign-in. */
export function mintAccessToken(o: MintOptions): string {
  const now = Math.floor(Date.now() / 1000)
  const tid = o.tid ?? FAKE_TENANT_ID
  return signJwtHs256(
    {
      aud: o.aud,
      iss: `https://sts.windows.net/${tid}/`,
      iat: now,
      nbf: now,
      exp: o.exp ?? now + (o.expiresInSec ?? 3600),
      scp: Array.isArray(o.scp) ? o.scp.join(' ') : o.scp,
      tid,
      oid: o.oid ?? FAKE_USER.oid,
      sub: o.oid ?? FAKE_USER.oid,
      upn: FAKE_USER.username,
      name: FAKE_USER.name,
      appid: o.appid ?? 'huntbench-tests',
      ver: '1.0'
    },
    o.secret ?? FAKE_SIGNING_SECRET
  )
}

interface CodeGrant {
  clientId: string
  redirectUri: string
  challenge: string
  tenant: string
  expires: number
  used: boolean
}

interface RefreshGrant {
  clientId: string
  tenant: string
  revoked: boolean
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function tenantIdFor(segment: string): string {
  return GUID.test(segment) ? segment.toLowerCase() : FAKE_TENANT_ID
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text)
  })
  res.end(text)
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  res.end(html)
}

export async function startFakeAuthority(opts: FakeAuthorityOptions = {}): Promise<FakeAuthority> {
  const ca = opts.ca ?? loadOrCreateTestCa()
  const secret = opts.signingSecret ?? FAKE_SIGNING_SECRET
  const lifetime = opts.tokenLifetimeSec ?? 3600
  const codes = new Map<string, CodeGrant>()
  const refreshTokens = new Map<string, RefreshGrant>()
  const failures: Array<{ status: number; body: unknown }> = []
  let pending: { kind: InteractionKind; remaining: number } | null = null
  const requests: AuthorityRequest[] = []
  let base = ''

  const clientInfo = (tid: string) => b64url(JSON.stringify({ uid: FAKE_USER.oid, utid: tid }))

  function issueTokens(clientId: string, tenant: string, scope: string, correlation?: string) {
    const scopes = resolveScopes(scope)
    if (!scopes.ok) return { status: 400, body: aadError(base, scopes.error, scopes.code, scopes.message, correlation) }
    const tid = tenantIdFor(tenant)
    const now = Math.floor(Date.now() / 1000)
    const refresh = b64url(randomBytes(32))
    refreshTokens.set(refresh, { clientId, tenant, revoked: false })
    const access = signJwtHs256(
      {
        aud: scopes.grant.aud,
        iss: `https://sts.windows.net/${tid}/`,
        iat: now,
        nbf: now,
        exp: now + lifetime,
        scp: scopes.grant.scp.join(' '),
        tid,
        oid: FAKE_USER.oid,
        sub: FAKE_USER.oid,
        upn: FAKE_USER.username,
        name: FAKE_USER.name,
        appid: clientId,
        ver: '1.0'
      },
      secret
    )
    const idToken = unsignedJwt({
      aud: clientId,
      iss: `${base}/${tid}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      oid: FAKE_USER.oid,
      sub: FAKE_USER.oid,
      tid,
      preferred_username: FAKE_USER.username,
      name: FAKE_USER.name,
      ver: '2.0'
    })
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        scope: scopes.grant.responseScope,
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: access,
        refresh_token: refresh,
        id_token: idToken,
        client_info: clientInfo(tid)
      }
    }
  }

  function authorize(res: ServerResponse, tenant: string, q: URLSearchParams): void {
    const clientId = q.get('client_id') ?? ''
    const redirectUri = q.get('redirect_uri') ?? ''
    if (!clientId) return sendHtml(res, 400, errorPage(900144, "The request body must contain the following parameter: 'client_id'."))
    if (opts.clientId && clientId !== opts.clientId) {
      return sendHtml(res, 400, errorPage(700016, `Application with identifier '${clientId}' was not found in the directory 'Contoso sandbox'.`))
    }
    if (!isLoopbackRedirect(redirectUri)) {
      return sendHtml(res, 400, errorPage(50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`))
    }
    const state = q.get('state') ?? ''
    const postError = (code: number, error: string, message: string) =>
      sendHtml(res, 200, signInPage({
        action: redirectUri,
        fields: { error, error_description: `AADSTS${code}: ${message}`, state },
        autoSubmit: true,
        claimsRequested: false
      }))
    if (q.get('response_type') !== 'code') return postError(700054, 'unsupported_response_type', "response_type 'code' is required for this flow.")
    if (q.get('response_mode') !== 'form_post') return postError(900144, 'invalid_request', "The fake authority only answers with response_mode 'form_post', as MSAL Node requires.")
    const challenge = q.get('code_challenge') ?? ''
    if (!challenge || q.get('code_challenge_method') !== 'S256') {
      return postError(9002325, 'invalid_request', 'Proof Key for Code Exchange is required: send code_challenge with code_challenge_method S256.')
    }
    const code = b64url(randomBytes(32))
    codes.set(code, { clientId, redirectUri, challenge, tenant, expires: Date.now() + 10 * 60_000, used: false })
    const fields: Record<string, string> = { code, state }
    if (q.get('client_info') === '1') fields.client_info = clientInfo(tenantIdFor(tenant))
    sendHtml(res, 200, signInPage({
      action: redirectUri,
      fields,
      autoSubmit: opts.autoSubmit ?? false,
      claimsRequested: Boolean(q.get('claims')),
      loginHint: q.get('login_hint') ?? undefined
    }))
  }

  function token(form: URLSearchParams, correlation?: string): { status: number; body: unknown } {
    const failure = failures.shift()
    if (failure) return failure
    const grant = form.get('grant_type') ?? ''
    const clientId = form.get('client_id') ?? ''
    const err = (status: number, error: string, code: number, message: string, extra?: { suberror?: string; claims?: string }) => ({
      status,
      body: aadError(base, error, code, message, correlation, extra)
    })
    if (!clientId) return err(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.")
    if (opts.clientId && clientId !== opts.clientId) {
      return err(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory 'Contoso sandbox'.`)
    }
    const scope = form.get('scope') ?? ''
    if (grant === 'authorization_code') {
      const code = form.get('code') ?? ''
      const entry = codes.get(code)
      if (!entry) return err(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid. The authorization code is not valid.')
      if (entry.used) return err(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.')
      if (Date.now() > entry.expires) return err(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.')
      if (entry.clientId !== clientId) return err(400, 'invalid_grant', 70000, 'The provided authorization code was issued to a different client.')
      if (entry.redirectUri !== (form.get('redirect_uri') ?? '')) {
        return err(400, 'invalid_grant', 50011, `The redirect URI '${form.get('redirect_uri') ?? ''}' specified in the request does not match the redirect URI used in the authorization request.`)
      }
      const verifier = form.get('code_verifier') ?? ''
      if (!verifier) return err(400, 'invalid_grant', 50148, 'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.')
      if (createHash('sha256').update(verifier).digest('base64url') !== entry.challenge) {
        return err(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.')
      }
      entry.used = true
      // The user has just signed in interactively, which satisfies any pending challenge.
      pending = null
      return issueTokens(clientId, entry.tenant, scope, correlation)
    }
    if (grant === 'refresh_token') {
      const entry = refreshTokens.get(form.get('refresh_token') ?? '')
      if (!entry || entry.clientId !== clientId) {
        return err(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid. The refresh token is not valid.')
      }
      if (entry.revoked) {
        return err(400, 'invalid_grant', 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.", { suberror: 'bad_token' })
      }
      if (pending) {
        const kind = pending.kind
        pending.remaining -= 1
        if (pending.remaining <= 0) pending = null
        const scopes = resolveScopes(scope)
        const resource = resourceDisplayName(scopes.ok ? scopes.grant.aud : 'https://graph.microsoft.com')
        const ie = interactionError(kind, scopes.ok ? scopes.grant.aud : resource, clientId)
        return err(400, 'invalid_grant', ie.code, ie.message, { suberror: ie.suberror, ...(ie.claims ? { claims: ie.claims } : {}) })
      }
      return issueTokens(clientId, entry.tenant, scope, correlation)
    }
    return err(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base)
    const parts = url.pathname.split('/').filter(Boolean)
    const tenant = parts[0] ?? ''
    const rest = parts.slice(1).join('/')
    const entry: AuthorityRequest = { method: req.method ?? 'GET', path: url.pathname }
    requests.push(entry)
    const correlation = url.searchParams.get('client-request-id') ?? req.headers['client-request-id']?.toString()

    if (req.method === 'GET' && rest === 'v2.0/.well-known/openid-configuration') {
      const t = `${base}/${tenant}`
      return sendJson(res, 200, {
        token_endpoint: `${t}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${t}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${t}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${base}/oidc/userinfo`,
        authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${t}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${t}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'oid'],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com'
      })
    }
    if (req.method === 'GET' && rest === 'discovery/v2.0/keys') return sendJson(res, 200, { keys: [] })
    if (req.method === 'GET' && rest === 'discovery/instance') {
      const host = url.host
      return sendJson(res, 200, {
        tenant_discovery_endpoint: `${base}/${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }]
      })
    }
    if (req.method === 'GET' && rest === 'oauth2/v2.0/authorize') return authorize(res, tenant, url.searchParams)
    if (req.method === 'GET' && rest === 'oauth2/v2.0/logout') return sendHtml(res, 200, '<!doctype html><p>You signed out of your account.</p>')
    if (req.method === 'POST' && rest === 'oauth2/v2.0/token') {
      const form = new URLSearchParams(await readBody(req))
      entry.grantType = form.get('grant_type') ?? undefined
      const answer = token(form, correlation)
      return sendJson(res, answer.status, answer.body)
    }
    sendJson(res, 404, aadError(base, 'invalid_request', 900561, `The endpoint ${url.pathname} does not exist on this fake authority.`, correlation))
  }

  const tls = ca.issue()
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(e) })
      else res.destroy()
    })
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  base = `https://127.0.0.1:${port}`

  return {
    url: base,
    caCertPath: ca.caCertPath,
    caCertPem: ca.caCertPem,
    tenantId: FAKE_TENANT_ID,
    requests,
    requireInteraction(kind, count) {
      pending = { kind, remaining: count ?? Number.POSITIVE_INFINITY }
    },
    failNextToken(status, body) {
      failures.push({ status, body })
    },
    revokeAll() {
      for (const rt of refreshTokens.values()) rt.revoked = true
    },
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok())
        server.closeAllConnections()
      })
  }
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const port = Number(argValue('--port') ?? 0)
  const fake = await startFakeAuthority({ port, autoSubmit: process.argv.includes('--auto-submit') })
  console.log(`fake Entra authority: ${fake.url}  (tenant ${fake.tenantId}, user ${FAKE_USER.username})`)
  console.log(`authority URL for MSAL: ${fake.url}/${fake.tenantId}`)
  console.log(`trust it with NODE_EXTRA_CA_CERTS=${fake.caCertPath}`)
  const stop = () => void fake.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
