// Minimal JWT helpers shared by the fake authority (which signs access tokens) and the fake
// hunting API (which verifies them). HS256 with a shared dev secret keeps both fakes
// self-contained: no JWKS fetch between them.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const FAKE_SIGNING_SECRET = 'huntbench-fake-authority-dev-secret-not-for-production'

export type JwtClaims = Record<string, unknown>

export function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url')
}

function hmac(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url')
}

export function signJwtHs256(claims: JwtClaims, secret = FAKE_SIGNING_SECRET): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const body = b64url(JSON.stringify(claims))
  return `${head}.${body}.${hmac(`${head}.${body}`, secret)}`
}

/** An `alg: none` token, as MSAL accepts for id_token (it never checks the signature). */
export function unsignedJwt(claims: JwtClaims): string {
  return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.`
}

export type VerifyResult =
  | { ok: true; claims: JwtClaims }
  | { ok: false; reason: 'malformed' | 'signature' }

export function verifyJwtHs256(token: string, secret = FAKE_SIGNING_SECRET): VerifyResult {
  const parts = token.split('.')
  if (parts.length !== 3) return { ok: false, reason: 'malformed' }
  const [head, body, sig] = parts as [string, string, string]
  let header: unknown
  let claims: unknown
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'))
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object') {
    return { ok: false, reason: 'malformed' }
  }
  if ((header as { alg?: unknown }).alg !== 'HS256') return { ok: false, reason: 'signature' }
  const expected = Buffer.from(hmac(`${head}.${body}`, secret))
  const given = Buffer.from(sig)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'signature' }
  }
  return { ok: true, claims: claims as JwtClaims }
}
