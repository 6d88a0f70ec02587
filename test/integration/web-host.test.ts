// Browser mode over real HTTP on 127.0.0.1: the guards, the API envelope, static files
// and the event stream.
import { request as httpRequest } from 'node:http'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebHost, type WebHost } from '../../src/main/hosts/web/server'
import type { Services } from '../../src/main/services'
import { testServices } from '../helpers/services'
import { tempDir } from '../helpers/tmp'

let services: Services
let host: WebHost

function send(options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

const hostHeader = (): string => `127.0.0.1:${host.port}`
const auth = (): Record<string, string> => ({ Host: hostHeader(), Authorization: `Bearer ${host.token}` })

beforeAll(async () => {
  const renderer = tempDir()
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Huntbench</title>')
  mkdirSync(join(renderer, 'assets'))
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)')
  services = testServices({ host: 'web' })
  host = await startWebHost({ services, rendererDir: renderer, port: 0 })
})
afterAll(async () => {
  await host.close()
  services.close()
})

describe('browser mode', () => {
  it('prints a loopback URL with a long random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/)
  })

  it('refuses requests without the token, for pages and API alike', async () => {
    for (const path of ['/', '/assets/app.js', '/api/call/app.status', '/api/events']) {
      const res = await send({ path, method: path.startsWith('/api/call') ? 'POST' : 'GET', headers: { Host: hostHeader() } })
      expect(res.status, path).toBe(401)
      expect(JSON.parse(res.body).error.code).toBe('unauthenticated')
    }
  })

  it('refuses a wrong token of the same length', async () => {
    const wrong = host.token.replace(/./, (c) => (c === 'a' ? 'b' : 'a'))
    const res = await send({ path: '/api/call/app.status', method: 'POST', headers: { Host: hostHeader(), Authorization: `Bearer ${wrong}` } })
    expect(res.status).toBe(401)
  })

  it('refuses a foreign Host even with the token (DNS rebinding)', async () => {
    const res = await send({ path: '/api/call/app.status', method: 'POST', headers: { Host: `rebind.attacker.example:${host.port}`, Authorization: `Bearer ${host.token}` } })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body).error.message).toContain('rebind.attacker.example')
  })

  it('refuses a foreign Origin and cross-site fetches even with the token', async () => {
    const foreign = await send({ path: '/api/call/app.status', method: 'POST', headers: { ...auth(), Origin: 'http://127.0.0.1:1' } })
    expect(foreign.status).toBe(403)
    const crossSite = await send({ path: '/api/call/app.status', method: 'POST', headers: { ...auth(), 'Sec-Fetch-Site': 'cross-site' } })
    expect(crossSite.status).toBe(403)
    const same = await send({ path: '/api/call/app.status', method: 'POST', headers: { ...auth(), Origin: `http://127.0.0.1:${host.port}` } })
    expect(same.status).toBe(200)
  })

  it('swaps the URL token for an HttpOnly, SameSite=Strict cookie and removes it from the address', async () => {
    const res = await send({ path: `/?token=${host.token}`, headers: { Host: hostHeader() } })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/')
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(new RegExp(`^huntbench_token_${host.port}=`))
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    const page = await send({ path: '/', headers: { Host: hostHeader(), Cookie: cookie.split(';')[0] } })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Huntbench</title>')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
  })

  it('answers API calls with envelopes, typed errors included', async () => {
    const ok = await send({ path: '/api/call/history.list', method: 'POST', headers: auth(), body: '{"limit":5}' })
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: { items: [], total: 0 } })
    const bad = await send({ path: '/api/call/history.list', method: 'POST', headers: auth(), body: '{"limit":"many"}' })
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    const notJson = await send({ path: '/api/call/history.list', method: 'POST', headers: auth(), body: '{limit:' })
    expect(notJson.status).toBe(400)
    expect(JSON.parse(notJson.body).error.message).toBe('The request body is not valid JSON.')
    const unknown = await send({ path: '/api/call/settings.setAnything', method: 'POST', headers: auth(), body: '{}' })
    expect(JSON.parse(unknown.body).error.code).toBe('unknown_method')
  })

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../package.json', '/..%2f..%2fetc%2fpasswd', '/assets/%2e%2e/%2e%2e/secret', '/%00index.html']) {
      const res = await send({ path, headers: auth() })
      expect(res.status, path).toBe(404)
    }
  })

  it('streams events to connected clients', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: host.port, path: '/api/events', headers: auth() }, (res) => {
        let text = ''
        res.on('data', (d) => {
          text += d
          if (text.includes('event: app.status') && !text.includes('history.changed')) {
            void services.router.call('results.import', { title: 'evented', columns: [{ name: 'a' }], rows: [['1']] })
          }
          if (text.includes('event: history.changed')) {
            req.destroy()
            resolve(text)
          }
        })
      })
      req.on('error', reject)
      req.end()
    })
    expect(received).toMatch(/event: history\.changed\ndata: \{"kind":"run","id":\d+\}/)
  })
})
