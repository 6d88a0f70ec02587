// Wire details of the two hunting API shapes (defender-hunting-api.md §2, §5–7): which
// token each endpoint accepts, the error envelopes, and Graph's Timespan parameter.
import { randomUUID } from 'node:crypto'
import { FAKE_SIGNING_SECRET, verifyJwtHs256 } from '../jwt'
import { parseDateTime } from './kql-values'

export type Flavor = 'graph' | 'legacy'

export interface Endpoint {
  flavor: Flavor
  /** Graph API version, for @odata.context. */
  version?: 'v1.0' | 'beta'
  audiences: string[]
  /** Delegated scope (scp) and application role (roles) that grant access. */
  scope: string
  role: string
}

const GRAPH_AUD = ['https://graph.microsoft.com', 'https://graph.microsoft.com/', '00000003-0000-0000-c000-000000000000']

export function endpointFor(path: string): Endpoint | undefined {
  const p = path.toLowerCase().replace(/\/+$/, '')
  if (p === '/v1.0/security/runhuntingquery' || p === '/beta/security/runhuntingquery') {
    return { flavor: 'graph', version: p.startsWith('/beta') ? 'beta' : 'v1.0', audiences: GRAPH_AUD, scope: 'ThreatHunting.Read.All', role: 'ThreatHunting.Read.All' }
  }
  if (p === '/api/advancedhunting/run') {
    return {
      flavor: 'legacy',
      audiences: ['https://api.security.microsoft.com', 'https://api.security.microsoft.com/', '8ee8fdad-f234-4243-8f3b-15c294843740'],
      scope: 'AdvancedHunting.Read',
      role: 'AdvancedHunting.Read.All'
    }
  }
  if (p === '/api/advancedqueries/run') {
    return {
      flavor: 'legacy',
      audiences: ['https://api.securitycenter.microsoft.com', 'https://api.securitycenter.windows.com', 'fc780465-2017-40d4-a0c5-307022471b92'],
      scope: 'AdvancedQuery.Read',
      role: 'AdvancedQuery.Read.All'
    }
  }
  return undefined
}

export interface Failure {
  status: number
  code: string
  message: string
  headers?: Record<string, string>
}

/** The JSON error body in the endpoint's own envelope. */
export function errorBody(flavor: Flavor, f: Failure, clientRequestId?: string): unknown {
  if (flavor === 'legacy') return { error: { code: f.code, message: f.message, target: randomUUID() } }
  const innerError: Record<string, string> = {
    date: new Date().toISOString().slice(0, 19),
    'request-id': randomUUID(),
    'client-request-id': clientRequestId ?? randomUUID()
  }
  if (f.status === 429) Object.assign(innerError, { code: '429', message: 'Please retry after', status: '429' })
  return { error: { code: f.code, message: f.message, innerError } }
}

export type AuthResult = { ok: true; tenant: string } | { ok: false; failure: Failure }

/** Checks the bearer token as the real service would: presence, signature, expiry, audience, permission. */
export function checkToken(header: string | undefined, ep: Endpoint, secret = FAKE_SIGNING_SECRET): AuthResult {
  const graph = ep.flavor === 'graph'
  const unauthorized = (graphMessage: string, legacyReason: string): AuthResult => ({
    ok: false,
    failure: graph
      ? { status: 401, code: 'InvalidAuthenticationToken', message: graphMessage }
      : { status: 401, code: 'Unauthorized', message: `Unauthorized request - reason of failure: ${legacyReason}` }
  })
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  if (!m) return unauthorized('Access token is empty.', 'Authorization header is missing or is not a Bearer token')
  const v = verifyJwtHs256(m[1]!, secret)
  if (!v.ok) {
    return v.reason === 'malformed'
      ? unauthorized('IDX14100: JWT is not well formed, there are no dots (.).', 'the access token is malformed')
      : unauthorized('Access token validation failure. Invalid signature.', 'the access token signature is invalid')
  }
  const c = v.claims
  const nowSec = Date.now() / 1000
  if (typeof c.exp !== 'number' || c.exp <= nowSec || (typeof c.nbf === 'number' && c.nbf > nowSec + 300)) {
    return unauthorized('Lifetime validation failed, the token is expired.', 'the access token has expired')
  }
  if (typeof c.aud !== 'string' || !ep.audiences.includes(c.aud)) {
    return unauthorized('Access token validation failure. Invalid audience.', `the access token audience '${String(c.aud)}' is not valid for this API`)
  }
  const scp = typeof c.scp === 'string' ? c.scp.split(' ') : []
  const roles = Array.isArray(c.roles) ? c.roles.map(String) : []
  if (!scp.includes(ep.scope) && !roles.includes(ep.role)) {
    const message = graph
      ? `Missing permission: this operation requires ${ep.scope} (delegated) or ${ep.role} (application).`
      : roles.length > 0 || scp.length === 0
        ? `Missing application roles. API required roles: ${ep.role}, application roles`
        : `The application does not have any of the required delegated permissions (${ep.scope}) to access the resource.`
    return { ok: false, failure: { status: 403, code: 'Forbidden', message } }
  }
  return { ok: true, tenant: typeof c.tid === 'string' ? c.tid : 'unknown-tenant' }
}

const DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i

export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim())
  if (!m || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase().endsWith('T')) return null
  const [, w, d, h, mi, s] = m.map((x) => (x === undefined ? 0 : Number(x))) as number[]
  return (((w! * 7 + d!) * 24 + h!) * 60 + mi!) * 60_000 + s! * 1000
}

/** Graph's Timespan: "P30D", "start/end", "P30D/end", "start/P30D" or "start" (end = now). */
export function parseTimespan(text: string, nowMs: number): { from: number; to: number } | null {
  const parts = text.split('/')
  if (parts.length > 2 || parts.some((p) => p.trim() === '')) return null
  const asDate = (s: string) => parseDateTime(s)?.valueOf() ?? null
  const [a, b] = parts as [string, string?]
  if (b === undefined) {
    const d = parseDuration(a)
    if (d !== null) return { from: nowMs - d, to: nowMs }
    const start = asDate(a)
    return start === null ? null : { from: start, to: nowMs }
  }
  const da = parseDuration(a)
  const db = parseDuration(b)
  const ta = asDate(a)
  const tb = asDate(b)
  if (da !== null && tb !== null) return { from: tb - da, to: tb }
  if (ta !== null && db !== null) return { from: ta, to: ta + db }
  if (ta !== null && tb !== null && ta <= tb) return { from: ta, to: tb }
  return null
}
