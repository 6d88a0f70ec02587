// One GET with a deadline and a size cap, classified so the queue can decide: an answer
// (any status, body as text) or a transport failure named by kind. Node's http module
// rather than fetch: error codes (ECONNRESET, ECONNREFUSED) arrive intact, and the body
// can be cut off the moment it grows past the cap. Never logs or returns the URL.
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'

export type TransportFailure = 'timeout' | 'reset' | 'offline' | 'too_large' | 'other'

export type HttpAnswer =
  | { kind: 'response'; status: number; statusText: string; headers: IncomingHttpHeaders; body: string }
  | { kind: 'error'; error: TransportFailure; message: string }

export interface HttpOptions {
  timeoutMs: number
  maxBytes: number
  /** Called once the request has been handed to the OS (for spacing measured from the real send). */
  onSent?: () => void
}

// Network unreachable or name unknown: the request never reached the service, so it is
// "offline" (wait), not a failure of this observable.
const offlineCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EADDRNOTAVAIL'])
const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET'])

const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 4 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 4 }) }

export function httpGet(url: string, options: HttpOptions): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    let settled = false
    const finish = (answer: HttpAnswer): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(answer)
    }
    const parsed = new URL(url)
    const isHttps = parsed.protocol === 'https:'
    const req = (isHttps ? httpsRequest : httpRequest)(
      parsed,
      { method: 'GET', agent: isHttps ? agents.https : agents.http, headers: { Accept: 'application/json', 'User-Agent': 'Huntbench' } },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > options.maxBytes) {
            finish({ kind: 'error', error: 'too_large', message: `the answer was larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB` })
            req.destroy()
            return
          }
          chunks.push(chunk)
        })
        res.on('end', () =>
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8')
          })
        )
        res.on('aborted', () => finish({ kind: 'error', error: 'reset', message: 'the connection closed before the answer was complete' }))
        res.on('error', (err) => finish(classify(err)))
      }
    )
    const timer = setTimeout(() => {
      finish({ kind: 'error', error: 'timeout', message: `no answer within ${Math.round(options.timeoutMs / 100) / 10} s` })
      req.destroy()
    }, options.timeoutMs)
    req.on('error', (err) => finish(classify(err)))
    if (options.onSent) req.once('finish', options.onSent)
    req.end()
  })
}

function classify(err: Error): HttpAnswer {
  const code = (err as { code?: string }).code ?? ''
  if (offlineCodes.has(code)) return { kind: 'error', error: 'offline', message: `could not connect (${code})` }
  if (resetCodes.has(code) || /socket hang up/i.test(err.message)) {
    return { kind: 'error', error: 'reset', message: `the connection was reset (${code || 'socket hang up'})` }
  }
  return { kind: 'error', error: 'other', message: `the request failed (${code || err.name})` }
}

/** Seconds or an HTTP date; null when absent or unreadable. `Retry-After: 0` is 0, not null. */
export function retryAfterMs(headers: IncomingHttpHeaders, now: number): number | null {
  const raw = headers['retry-after']
  if (raw === undefined) return null
  const text = Array.isArray(raw) ? raw[0] : raw
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Math.round(Number(text) * 1000)
  const at = Date.parse(text)
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}
