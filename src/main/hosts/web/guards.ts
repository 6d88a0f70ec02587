// Browser mode listens on the loopback address only, but any web page the user visits
// can still aim requests at it. Three checks stop that: the per-launch token, the Host
// header (defeats DNS rebinding) and the Origin header (defeats cross-site requests).
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export interface GuardConfig {
  port: number
  token: string
}

export interface Refusal {
  status: number
  code: 'forbidden' | 'unauthenticated'
  message: string
}

export function cookieName(port: number): string {
  // Cookies are not isolated by port, so two instances on 127.0.0.1 need distinct names.
  return `huntbench_token_${port}`
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`]
}

export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((h) => `http://${h}`)
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return decodeURIComponent(v.join('='))
  }
  return undefined
}

/** The token a request presents, from the URL (first page load), a header, or the cookie. */
export function presentedToken(req: IncomingMessage, url: URL, port: number): { token?: string; via?: 'query' | 'header' | 'cookie' } {
  const fromQuery = url.searchParams.get('token')
  if (fromQuery) return { token: fromQuery, via: 'query' }
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7), via: 'header' }
  const header = req.headers['x-huntbench-token']
  if (typeof header === 'string') return { token: header, via: 'header' }
  const cookie = readCookie(req.headers.cookie, cookieName(port))
  if (cookie) return { token: cookie, via: 'cookie' }
  return {}
}

export function checkRequest(req: IncomingMessage, url: URL, config: GuardConfig): Refusal | null {
  const host = req.headers.host
  if (!host || !allowedHosts(config.port).includes(host.toLowerCase())) {
    return { status: 403, code: 'forbidden', message: `Refused: Host ${JSON.stringify(host ?? '')} is not this loopback server.` }
  }
  const origin = req.headers.origin
  if (origin !== undefined && !allowedOrigins(config.port).includes(origin)) {
    return { status: 403, code: 'forbidden', message: `Refused: requests from origin ${JSON.stringify(origin)} are not allowed.` }
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') {
    return { status: 403, code: 'forbidden', message: 'Refused: cross-site request.' }
  }
  const { token } = presentedToken(req, url, config.port)
  if (!token || !sameSecret(token, config.token)) {
    return {
      status: 401,
      code: 'unauthenticated',
      message: 'Refused: this Huntbench browser session needs the token from the URL that `huntbench web` printed.'
    }
  }
  return null
}
