// A fake Shodan for tests, benchmarks and demos: the REST host lookup, /api-info and
// /account/profile, and the keyless InternetDB under /internetdb, on 127.0.0.1. It follows
// reference/shodan-api.md, errors and limits included: per-key rate limit with Shodan's
// 429 message and `Retry-After: 0`, 404 "No information available for that IP.", 401 as an
// nginx HTML page, 403, a 2xx body carrying `error`, slow answers and dropped connections.
//
// Alone: `npx tsx test/fakes/shodan.ts --port 8082 [--rate 1]` prints the URLs and a key.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { derivedHost, hostJson, internetDbJson, knownHosts, type FakeHost } from './shodan-hosts'

export const FAKE_SHODAN_KEY = 'FAKEshodanKEY0123456789abcdefABCD'
export const FAKE_FORBIDDEN_KEY = 'FAKEforbiddenKEY0123456789abcdef'
export const RATE_LIMIT_MESSAGE =
  'Request rate limit reached (1 request/ second). Please wait a second before trying again and slow down your API calls.'
export const INTERNETDB_RATE_MESSAGE = 'Rate limit exceeded. Contact sales@shodan.io if you need a higher rate limit.'

const nginxPage = (code: number, text: string): string =>
  `<html>\r\n<head><title>${code} ${text}</title></head>\r\n<body>\r\n<center><h1>${code} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`

export interface FakeShodanOptions {
  port?: number
  /** Valid keys and their plans; the default holds FAKE_SHODAN_KEY on plan "dev". */
  keys?: Record<string, { plan: string }>
  /** Requests per second allowed per key (REST) and per client address (InternetDB); null turns a limit off. */
  ratePerSecond?: number | null
  internetdbRatePerSecond?: number | null
  /** Arrival jitter tolerated by the limiter, as a real server's clock would. */
  toleranceMs?: number
}

export interface ForcedAnswer {
  status: number
  body?: string
  headers?: Record<string, string>
}

export interface FakeShodanControl {
  ratePerSecond: number | null
  internetdbRatePerSecond: number | null
  /** Delay every answer, or answers for particular IPs. */
  slowMs: number
  slowIps: Map<string, number>
  /** Destroy the socket instead of answering: for these IPs, or the next N requests. */
  dropIps: Set<string>
  dropNext: number
  /** 200 with `{"error": ...}` for these IPs. */
  errorBodyIps: Set<string>
  errorBodyMessage: string
  /** 200 with a truncated JSON body. */
  malformedIps: Set<string>
  /** 200 with a valid but enormous body (hugeBytes). */
  hugeIps: Set<string>
  hugeBytes: number
  /** Extra addresses that answer 404. */
  notFoundIps: Set<string>
  /** 401 as JSON `{"error": "Invalid API key"}` instead of nginx HTML. */
  unauthorizedJson: boolean
  /** Answers served, in order, before normal handling (e.g. a 503, a 429 with Retry-After: 2). */
  forceNext: ForcedAnswer[]
}

export interface FakeRequest {
  at: number
  api: 'host' | 'internetdb' | 'api-info' | 'profile' | 'other'
  ip?: string
  history?: boolean
  status: number | 'dropped'
}

export interface FakeShodan {
  /** REST base (HUNTBENCH_SHODAN_URL). */
  url: string
  /** InternetDB base (HUNTBENCH_INTERNETDB_URL). */
  internetdbUrl: string
  port: number
  key: string
  control: FakeShodanControl
  /** Requests received per IP (any answer, 429s included) and the full log, key never recorded. */
  counts: { host: Map<string, number>; internetdb: Map<string, number> }
  requests: FakeRequest[]
  rateLimited(): number
  /** Host requests per IP that got a real answer (not a 429). */
  answered(api?: 'host' | 'internetdb'): Map<string, number>
  resetCounters(): void
  close(): Promise<void>
}

function hostFor(ip: string, control: FakeShodanControl): FakeHost | null {
  if (control.notFoundIps.has(ip)) return null
  return knownHosts[ip] ?? derivedHost(ip)
}

const validIp = (ip: string): boolean => /^(\d{1,3}\.){3}\d{1,3}$/.test(ip) || (/^[0-9a-f:.]+$/i.test(ip) && ip.includes(':'))

export async function startFakeShodan(options: FakeShodanOptions = {}): Promise<FakeShodan> {
  const keys = options.keys ?? { [FAKE_SHODAN_KEY]: { plan: 'dev' } }
  const tolerance = options.toleranceMs ?? 25
  const control: FakeShodanControl = {
    ratePerSecond: options.ratePerSecond === undefined ? 1 : options.ratePerSecond,
    internetdbRatePerSecond: options.internetdbRatePerSecond === undefined ? 1 : options.internetdbRatePerSecond,
    slowMs: 0,
    slowIps: new Map(),
    dropIps: new Set(),
    dropNext: 0,
    errorBodyIps: new Set(),
    errorBodyMessage: 'Unable to process the request at this time.',
    malformedIps: new Set(),
    hugeIps: new Set(),
    hugeBytes: 40 * 1024 * 1024,
    notFoundIps: new Set(),
    unauthorizedJson: false,
    forceNext: []
  }
  const counts = { host: new Map<string, number>(), internetdb: new Map<string, number>() }
  const requests: FakeRequest[] = []
  const accepted = new Map<string, number[]>()

  // Shodan documents "1 request/ second" per key: at most N requests in any one-second
  // window (less a little arrival jitter). At 1/s that is one request per second, full stop;
  // at N/s one late arrival is not mistaken for a burst. Refused requests do not count.
  const limited = (bucket: string, perSecond: number | null): boolean => {
    if (!perSecond) return false
    const now = performance.now()
    const recent = (accepted.get(bucket) ?? []).filter((t) => now - t < 1000 - tolerance)
    if (recent.length >= perSecond) {
      accepted.set(bucket, recent)
      return true
    }
    recent.push(now)
    accepted.set(bucket, recent)
    return false
  }

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': body.startsWith('<') ? 'text/html' : 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers })
    res.end(body)
  }
  const json = (res: ServerResponse, status: number, value: unknown, headers?: Record<string, string>): void => send(res, status, JSON.stringify(value), headers)

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const path = url.pathname
    // The request log (never the key), for a fake running in another process (the benchmark).
    if (path === '/_fake/requests') return json(res, 200, requests)
    const entry: FakeRequest = { at: Date.now(), api: 'other', status: 0 }
    let ip: string | undefined
    if (path.startsWith('/internetdb/')) {
      entry.api = 'internetdb'
      ip = decodeURIComponent(path.slice('/internetdb/'.length))
    } else if (path.startsWith('/shodan/host/')) {
      entry.api = 'host'
      ip = decodeURIComponent(path.slice('/shodan/host/'.length))
      entry.history = url.searchParams.get('history') === 'true'
    } else if (path === '/api-info') entry.api = 'api-info'
    else if (path === '/account/profile') entry.api = 'profile'
    entry.ip = ip
    requests.push(entry)
    if (ip && (entry.api === 'host' || entry.api === 'internetdb')) {
      const map = counts[entry.api]
      map.set(ip, (map.get(ip) ?? 0) + 1)
    }
    const answer = (status: number, body: string, headers?: Record<string, string>): void => {
      entry.status = status
      send(res, status, body, headers)
    }

    if (control.dropNext > 0 || (ip && control.dropIps.has(ip))) {
      if (control.dropNext > 0) control.dropNext--
      entry.status = 'dropped'
      req.socket.destroy()
      return
    }
    const delay = (ip && control.slowIps.get(ip)) || control.slowMs
    if (delay) await new Promise((r) => setTimeout(r, delay))
    if (res.destroyed) return
    const forced = control.forceNext.shift()
    if (forced) return answer(forced.status, forced.body ?? JSON.stringify({ error: `forced ${forced.status}` }), forced.headers)

    if (entry.api === 'internetdb') {
      if (limited(`idb:${req.socket.remoteAddress}`, control.internetdbRatePerSecond)) {
        return answer(429, JSON.stringify({ error: INTERNETDB_RATE_MESSAGE }))
      }
      const host = ip && validIp(ip) ? hostFor(ip, control) : null
      if (!host) return answer(404, JSON.stringify({ detail: 'No information available' }))
      return answer(200, JSON.stringify(internetDbJson(host)))
    }

    if (entry.api === 'other') return answer(404, nginxPage(404, 'Not Found'))
    const key = url.searchParams.get('key')?.trim() ?? ''
    if (key === FAKE_FORBIDDEN_KEY) return answer(403, nginxPage(403, 'Forbidden'))
    if (!keys[key]) {
      return control.unauthorizedJson
        ? answer(401, JSON.stringify({ error: 'Invalid API key' }))
        : answer(401, nginxPage(401, 'Authorization Required'))
    }
    if (limited(`key:${key}`, control.ratePerSecond)) {
      return answer(429, JSON.stringify({ error: RATE_LIMIT_MESSAGE }), { 'Retry-After': '0' })
    }
    if (entry.api === 'api-info') {
      return answer(200, JSON.stringify({
        scan_credits: 100, usage_limits: { scan_credits: -1, query_credits: -1, monitored_ips: -1 },
        plan: keys[key].plan, https: false, unlocked: true, query_credits: 100, monitored_ips: 0, unlocked_left: 100, telnet: false
      }))
    }
    if (entry.api === 'profile') return answer(200, JSON.stringify({ member: true, credits: 0, display_name: null, created: '2020-06-15T10:44:43.148000' }))

    if (!ip || !validIp(ip)) return answer(400, JSON.stringify({ error: 'Invalid IP' }))
    if (control.errorBodyIps.has(ip)) return answer(200, JSON.stringify({ error: control.errorBodyMessage }))
    if (control.malformedIps.has(ip)) return answer(200, '{"ip_str": "' + ip + '", "ports": [22, 80')
    if (control.hugeIps.has(ip)) {
      entry.status = 200
      res.writeHead(200, { 'Content-Type': 'application/json' })
      const chunk = 'A'.repeat(1024 * 1024)
      res.write(`{"ip_str": "${ip}", "ports": [80], "data": [{"port": 80, "transport": "tcp", "data": "`)
      for (let sent = 0; sent < control.hugeBytes && !res.destroyed; sent += chunk.length) {
        if (!res.write(chunk)) await new Promise((r) => res.once('drain', r).once('close', r))
      }
      if (!res.destroyed) res.end('"}]}')
      return
    }
    const host = hostFor(ip, control)
    if (!host) return answer(404, JSON.stringify({ error: 'No information available for that IP.' }))
    return answer(200, JSON.stringify(hostJson(host, { history: entry.history, minify: url.searchParams.get('minify') === 'true' })))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) json(res, 500, { error: err.message })
      else res.destroy()
    })
  })
  const sockets = new Set<import('node:net').Socket>()
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const base = `http://127.0.0.1:${port}`
  return {
    url: base,
    internetdbUrl: `${base}/internetdb`,
    port,
    key: Object.keys(keys)[0] ?? FAKE_SHODAN_KEY,
    control,
    counts,
    requests,
    rateLimited: () => requests.filter((r) => r.status === 429).length,
    answered: (api = 'host') => {
      const out = new Map<string, number>()
      for (const r of requests) if (r.api === api && r.ip && r.status !== 429 && r.status !== 'dropped') out.set(r.ip, (out.get(r.ip) ?? 0) + 1)
      return out
    },
    resetCounters: () => {
      counts.host.clear()
      counts.internetdb.clear()
      requests.length = 0
    },
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

// Standalone: `npx tsx test/fakes/shodan.ts --port 8082 [--rate 1|off]`; GET /_fake/requests
// returns the request log.
// Matched by path, not import.meta.url: a bundle that inlines this file must never start it.
if (/[\\/]fakes[\\/]shodan\.ts$/.test(process.argv[1] ?? '')) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name)
    return i >= 0 ? process.argv[i + 1] : undefined
  }
  const rate = arg('--rate')
  const fake = await startFakeShodan({ port: Number(arg('--port') ?? 8082), ratePerSecond: rate === 'off' ? null : rate ? Number(rate) : 1 })
  process.stdout.write(
    [
      `fake Shodan on ${fake.url} (InternetDB at ${fake.internetdbUrl})`,
      `  HUNTBENCH_SHODAN_URL=${fake.url} HUNTBENCH_INTERNETDB_URL=${fake.internetdbUrl}`,
      `  key: ${fake.key}   (a 403 key: ${FAKE_FORBIDDEN_KEY}; any other key gets the 401 page)`,
      `  hosts: 8.8.8.8 1.1.1.1 45.33.32.156 185.220.101.1 104.16.0.1, and a stable derived host (or 404) for any other IP`,
      ''
    ].join('\n')
  )
  const stop = (): void => void fake.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
