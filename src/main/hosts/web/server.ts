// Browser mode: the built renderer and the API on 127.0.0.1, behind a per-launch token.
// Calls are `POST /api/call/<method>` with the input as JSON; events stream over
// Server-Sent Events at `/api/events`. Every request passes the guards first.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { eventNames } from '../../../shared/api'
import { MAX_REQUEST_BYTES } from '../../../shared/api/cases'
import type { Services } from '../../services'
import { CONTENT_SECURITY_POLICY } from '../csp'
import { checkRequest, cookieName, presentedToken } from './guards'
import { resolveStatic, sendFile } from './static'


// Shared with the API so case-bundle uploads are refused by their own, more helpful limit first.
export const MAX_BODY_BYTES = MAX_REQUEST_BYTES

export interface WebHostOptions {
  services: Services
  rendererDir: string
  port?: number
  token?: string
}

export interface WebHost {
  port: number
  token: string
  /** The URL to open, token included. */
  url: string
  close(): Promise<void>
}

const baseHeaders = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin'
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...baseHeaders, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify(body))
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { services, rendererDir } = options
  const token = options.token ?? randomBytes(24).toString('base64url')
  const clients = new Set<ServerResponse>()
  let port = 0

  const offEvents = services.bus.onAny((name, payload) => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const client of clients) client.write(frame)
  }, eventNames)

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    const refusal = checkRequest(req, url, { port, token })
    if (refusal) {
      services.log.warn(`web: refused ${req.method} ${url.pathname}: ${refusal.message}`)
      return sendJson(res, refusal.status, { ok: false, error: { code: refusal.code, message: refusal.message } })
    }

    // First load carries the token in the URL: swap it for an HttpOnly cookie and drop
    // it from the address bar, so it does not linger in history or leak via Referer.
    if (req.method === 'GET' && presentedToken(req, url, port).via === 'query') {
      url.searchParams.delete('token')
      res.writeHead(303, {
        ...baseHeaders,
        'Set-Cookie': `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname + url.search,
        'Cache-Control': 'no-store'
      })
      return res.end()
    }

    if (url.pathname.startsWith('/api/call/')) {
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'invalid_input', message: 'API calls use POST.' } })
      const method = decodeURIComponent(url.pathname.slice('/api/call/'.length))
      let input: unknown
      try {
        const body = await readBody(req)
        input = body.length ? JSON.parse(body) : {}
      } catch (err) {
        const status = (err as { status?: number }).status ?? 400
        return sendJson(res, status, { ok: false, error: { code: 'invalid_input', message: status === 413 ? `The request is larger than browser mode accepts (${MAX_BODY_BYTES / 2 ** 20} MB); import a big case bundle by path with the CLI: huntbench case import FILE.` : 'The request body is not valid JSON.' } })
      }
      return sendJson(res, 200, await services.router.call(method, input))
    }

    if (url.pathname === '/api/events') {
      res.writeHead(200, { ...baseHeaders, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' })
      res.write(`event: app.status\ndata: ${JSON.stringify(services.status())}\n\n`)
      clients.add(res)
      req.on('close', () => clients.delete(res))
      return
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { ok: false, error: { code: 'invalid_input', message: 'Method not allowed.' } })
    const file = resolveStatic(rendererDir, url.pathname)
    if (!file) return sendJson(res, 404, { ok: false, error: { code: 'not_found', message: `No such page: ${url.pathname}` } })
    return sendFile(res, file, { ...baseHeaders, 'Cache-Control': 'no-cache' })
  })

  const heartbeat = setInterval(() => {
    for (const client of clients) client.write(': keep-alive\n\n')
  }, 25_000)
  heartbeat.unref()

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: async () => {
      clearInterval(heartbeat)
      offEvents()
      for (const client of clients) client.end()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
