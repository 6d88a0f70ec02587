// The sandbox's authority speaks HTTPS with a CA made for this machine, which MSAL is told
// to trust but the user's browser is not: opening its authorize page directly would show a
// certificate warning. MSAL checks only the authority URL's scheme, not the authorize
// endpoint's (msal-node.md 8.1), so the browser gets that one page through this plain-HTTP
// loopback relay instead, and every token call still goes to the HTTPS authority.
import { createServer, type Server } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'

export interface AuthorizeRelay {
  url: string
  close(): Promise<void>
}

const ALLOWED = /^\/[^/]+\/oauth2\/v2\.0\/(authorize|logout)$/

export async function startAuthorizeRelay(authorityBase: string, caPem: string): Promise<AuthorizeRelay> {
  const upstream = new URL(authorityBase)
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    if (req.method !== 'GET' || !ALLOWED.test(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
      return
    }
    const target = new URL(req.url ?? '/', upstream)
    const forward = httpsRequest(target, { method: 'GET', ca: caPem, headers: { accept: req.headers.accept ?? 'text/html' } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, {
        'content-type': answer.headers['content-type'] ?? 'text/html; charset=utf-8',
        'cache-control': 'no-store'
      })
      answer.pipe(res)
    })
    forward.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`The sandbox sign-in page is not reachable: ${err.message}`)
    })
    forward.end()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
