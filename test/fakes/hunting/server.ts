// A fake Microsoft Defender hunting API on 127.0.0.1 serving both shapes: Graph
// `POST /{v1.0|beta}/security/runHuntingQuery` (plus `GET /beta/security/getHuntingSchema`)
// and the legacy `POST /api/advancedhunting/run` (and MDE's /api/advancedqueries/run).
// Tokens, quotas, limits, KQL errors and faults follow reference/defender-hunting-api.md.
//
// Alone: `npx tsx test/fakes/hunting/server.ts --port 8081 [--rows N] [--https] [--print-token]`.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FAKE_SIGNING_SECRET } from '../jwt'
import type { TestCa } from '../tls'
import { createDataset, DEFAULT_ROWS } from './dataset'
import { KqlError, runQuery, type Column } from './kql'
import { checkToken, endpointFor, errorBody, parseTimespan, type Endpoint, type Failure, type Flavor } from './protocol'
import { DEFAULT_LIMITS, Quotas, callsMessage, formatRetryAfter, processingMessage, queryCostSeconds, type HuntingLimits } from './quota'
import { isSchemaPath, schemaBody, schemaEndpoint } from './schema-route'
import type { HuntingTable } from '../../../src/shared/hunting-schema'

export { DEFAULT_LIMITS, queryCostSeconds, type HuntingLimits }

export type FaultKind = '500' | '504' | 'malformed-json' | 'drop-mid-answer' | 'slow'

export interface FakeHuntingOptions {
  port?: number
  signingSecret?: string
  limits?: Partial<HuntingLimits>
  /** Clock for the data window, ago()/now() and quota windows (token expiry uses the real clock). */
  now?: () => number
  /** Rows in DeviceNetworkEvents; the other tables scale from it. Default 120,000. */
  rows?: number
  /** Serve HTTPS with a certificate from this CA instead of plain HTTP. */
  ca?: TestCa
  /** How long a 'slow' fault holds the answer, unless failNext gives its own delay. */
  slowMs?: number
  /** What `GET /beta/security/getHuntingSchema` answers. Default: the standard tables. */
  schemaTables?: HuntingTable[]
}

export interface HuntingCall {
  flavor: Flavor | 'unknown'
  path: string
  query?: string
  status: number
}

export interface HuntingCalls {
  total: number
  byStatus: Record<number, number>
  throttled: number
  /** The most recent calls (up to 1,000), oldest first. */
  log: HuntingCall[]
}

export interface FakeHunting {
  url: string
  calls: HuntingCalls
  limits: Readonly<HuntingLimits>
  failNext(kind: FaultKind, count?: number, delayMs?: number): void
  setLimits(limits: Partial<HuntingLimits>): void
  /** Forget every tenant's quota usage. */
  resetQuotas(): void
  close(): Promise<void>
}

class SizeExceeded extends Error {}
class Timeout extends Error {}

const SIZE_MESSAGE = 'Query execution has exceeded the allowed result size. Optimize your query by limiting the number of results and try again'

async function readBody(req: IncomingMessage, max = 1_048_576): Promise<string | null> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > max) return null
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function startFakeHunting(opts: FakeHuntingOptions = {}): Promise<FakeHunting> {
  const now = opts.now ?? Date.now
  const secret = opts.signingSecret ?? FAKE_SIGNING_SECRET
  const limits: HuntingLimits = { ...DEFAULT_LIMITS, ...opts.limits }
  const { catalog } = createDataset({ anchorMs: now(), rows: opts.rows ?? DEFAULT_ROWS })
  const quotas = new Quotas(() => limits, now)
  const faults: Array<{ kind: FaultKind; delayMs: number }> = []
  const calls: HuntingCalls = { total: 0, byStatus: {}, throttled: 0, log: [] }

  function record(call: HuntingCall): void {
    calls.byStatus[call.status] = (calls.byStatus[call.status] ?? 0) + 1
    if (call.status === 429) calls.throttled++
    calls.log.push(call)
    if (calls.log.length > 1000) calls.log.shift()
  }

  function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), ...headers })
    res.end(body)
  }

  function fail(res: ServerResponse, flavor: Flavor, f: Failure, call: HuntingCall, clientRequestId?: string): void {
    call.status = f.status
    record(call)
    send(res, f.status, JSON.stringify(errorBody(flavor, f, clientRequestId)), f.headers)
  }

  // Runs the query and builds the whole answer body, enforcing the row, size and time caps.
  function execute(ep: Endpoint, query: string, timeRange: { from: number; to: number }, tenant: string): { body: string } | { failure: Failure } {
    const started = performance.now()
    let scanned = 0
    try {
      const result = runQuery(query, catalog, {
        nowMs: now(),
        timeRange,
        meter: (n) => {
          scanned = n
          if (queryCostSeconds(n) * 1000 > limits.timeoutMs || performance.now() - started > limits.timeoutMs) throw new Timeout()
        }
      })
      const pieces: string[] = []
      let bytes = 0
      for (const row of result.rows) {
        if (pieces.length >= limits.maxRows) break // the service returns at most maxRows rows
        const json = JSON.stringify(row)
        bytes += Buffer.byteLength(json) + 1
        if (bytes > limits.maxBytes) throw new SizeExceeded()
        pieces.push(json)
      }
      scanned = result.scanned()
      const cost = queryCostSeconds(scanned)
      quotas.charge(tenant, cost)
      return { body: answerBody(ep, result.columns, pieces, cost, bytes) }
    } catch (e) {
      if (scanned > 0 || e instanceof Timeout || e instanceof SizeExceeded) quotas.charge(tenant, queryCostSeconds(scanned))
      if (e instanceof KqlError) return { failure: { status: 400, code: 'BadRequest', message: e.message } }
      if (e instanceof Timeout) return { failure: { status: 400, code: 'BadRequest', message: 'Query exceeded the timeout period.' } }
      if (e instanceof SizeExceeded) return { failure: { status: 400, code: 'BadRequest', message: SIZE_MESSAGE } }
      throw e
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    calls.total++
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const ep = endpointFor(path)
    const clientRequestId = req.headers['client-request-id']?.toString()
    const call: HuntingCall = { flavor: ep?.flavor ?? (isSchemaPath(path) ? 'graph' : 'unknown'), path, status: 0 }
    if (isSchemaPath(path)) {
      if (req.method !== 'GET') {
        return fail(res, 'graph', { status: 405, code: 'Request_BadRequest', message: `The HTTP method '${req.method}' is not allowed here; use GET.`, headers: { allow: 'GET' } }, call, clientRequestId)
      }
      const auth = checkToken(req.headers.authorization, schemaEndpoint, secret)
      if (!auth.ok) return fail(res, 'graph', auth.failure, call, clientRequestId)
      call.status = 200
      record(call)
      return send(res, 200, schemaBody(opts.schemaTables))
    }
    if (!ep) {
      const legacy = path.toLowerCase().startsWith('/api/')
      return fail(res, legacy ? 'legacy' : 'graph', legacy
        ? { status: 404, code: 'ResourceNotFound', message: `The resource ${path} was not found.` }
        : { status: 400, code: 'BadRequest', message: `Resource not found for the segment '${path.split('/').filter(Boolean).pop() ?? ''}'.` }, call, clientRequestId)
    }
    if (req.method !== 'POST') {
      return fail(res, ep.flavor, { status: 405, code: ep.flavor === 'graph' ? 'Request_BadRequest' : 'BadRequest', message: `The HTTP method '${req.method}' is not allowed here; use POST.`, headers: { allow: 'POST' } }, call, clientRequestId)
    }
    const auth = checkToken(req.headers.authorization, ep, secret)
    if (!auth.ok) return fail(res, ep.flavor, auth.failure, call, clientRequestId)

    const verdict = quotas.admit(auth.tenant)
    if (!verdict.ok) {
      const wait = verdict.retryAfterSec
      const message = verdict.kind === 'calls'
        ? ep.flavor === 'graph' ? 'Please retry again later.' : callsMessage(limits.callsPerMinute, wait)
        : processingMessage(wait)
      return fail(res, ep.flavor, {
        status: 429,
        code: ep.flavor === 'graph' ? 'TooManyRequests' : '429',
        message,
        headers: ep.flavor === 'graph' ? { 'retry-after': formatRetryAfter(wait) } : {}
      }, call, clientRequestId)
    }

    const raw = await readBody(req)
    let parsed: unknown
    try {
      parsed = raw === null ? undefined : JSON.parse(raw)
    } catch {
      parsed = undefined
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return fail(res, ep.flavor, ep.flavor === 'graph'
        ? { status: 400, code: 'BadRequest', message: 'The request body must be a JSON object with a Query property.' }
        : { status: 400, code: 'InvalidRequestBody', message: 'The request body is not valid JSON.' }, call, clientRequestId)
    }
    const body = parsed as Record<string, unknown>
    // Legacy body names are case-sensitive; Graph's beta page uses lower-case "query".
    const query = ep.flavor === 'graph' ? body.Query ?? body.query : body.Query
    call.query = typeof query === 'string' ? query : undefined
    if (typeof query !== 'string') {
      return fail(res, ep.flavor, ep.flavor === 'graph'
        ? { status: 400, code: 'BadRequest', message: "The parameter 'Query' is required and must be a string." }
        : { status: 400, code: 'MissingRequiredParameter', message: "Required parameter 'Query' is missing." }, call, clientRequestId)
    }
    const nowMs = now()
    let timeRange = { from: nowMs - 30 * 86_400_000, to: nowMs }
    const timespan = ep.flavor === 'graph' ? body.Timespan ?? body.timespan : undefined
    if (timespan !== undefined) {
      const parsedRange = typeof timespan === 'string' ? parseTimespan(timespan, nowMs) : null
      if (!parsedRange) {
        return fail(res, 'graph', { status: 400, code: 'BadRequest', message: `Invalid Timespan '${String(timespan)}'. Use an ISO 8601 duration or interval such as P7D or 2024-01-01T00:00:00Z/2024-01-08T00:00:00Z.` }, call, clientRequestId)
      }
      timeRange = parsedRange
    }

    const fault = faults.shift()
    if (fault?.kind === '500' || fault?.kind === '504') {
      const status = Number(fault.kind)
      return fail(res, ep.flavor, ep.flavor === 'graph'
        ? { status, code: 'UnknownError', message: '' }
        : { status, code: status === 500 ? 'InternalServerError' : 'GatewayTimeout', message: 'An unexpected error occurred during query execution. Please try again in a few minutes.' }, call, clientRequestId)
    }
    if (fault?.kind === 'slow') await sleep(fault.delayMs)

    const answer = execute(ep, query, timeRange, auth.tenant)
    if ('failure' in answer) return fail(res, ep.flavor, answer.failure, call, clientRequestId)
    call.status = 200
    record(call)
    if (fault?.kind === 'malformed-json') return send(res, 200, answer.body.slice(0, Math.max(1, Math.floor(answer.body.length / 2))))
    if (fault?.kind === 'drop-mid-answer') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(answer.body)) })
      res.write(answer.body.slice(0, Math.floor(answer.body.length / 2)))
      setTimeout(() => res.socket?.destroy(), 10)
      return
    }
    send(res, 200, answer.body)
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy()
      send(res, 500, JSON.stringify({ error: { code: 'InternalServerError', message: `fake hunting server bug: ${String(e)}` } }))
    })
  }
  let server: Server
  if (opts.ca) {
    const pair = opts.ca.issue()
    server = createHttpsServer({ cert: pair.cert, key: pair.key }, onRequest)
  } else {
    server = createHttpServer(onRequest)
  }
  await new Promise<void>((ok, bad) => {
    server.once('error', bad)
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  return {
    url: `${opts.ca ? 'https' : 'http'}://127.0.0.1:${port}`,
    calls,
    limits,
    failNext(kind, count = 1, delayMs) {
      for (let i = 0; i < count; i++) faults.push({ kind, delayMs: delayMs ?? opts.slowMs ?? 3000 })
    },
    setLimits(next) {
      Object.assign(limits, next)
    },
    resetQuotas: () => quotas.reset(),
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok())
        server.closeAllConnections()
      })
  }
}

function answerBody(ep: Endpoint, columns: Column[], rows: string[], costSec: number, bytes: number): string {
  const results = `[${rows.join(',')}]`
  if (ep.flavor === 'graph') {
    const context = `https://graph.microsoft.com/${ep.version ?? 'v1.0'}/$metadata#microsoft.graph.security.huntingQueryResults`
    return `{"@odata.context":${JSON.stringify(context)},"schema":${JSON.stringify(columns.map((c) => ({ name: c.name, type: c.type })))},"results":${results}}`
  }
  const cpu = new Date(Math.round(costSec * 1000)).toISOString().slice(11, 23) + '0000'
  const stats = {
    ExecutionTime: Number(costSec.toFixed(6)),
    resource_usage: {
      cache: { memory: { hits: rows.length * 3, misses: 0, total: rows.length * 3 }, disk: { hits: 0, misses: 0, total: 0 } },
      cpu: { user: cpu, kernel: '00:00:00', 'total cpu': cpu },
      memory: { peak_per_node: 1_048_576 + bytes * 2 }
    },
    dataset_statistics: [{ table_row_count: rows.length, table_size: bytes }]
  }
  return `{"Stats":${JSON.stringify(stats)},"Schema":${JSON.stringify(columns.map((c) => ({ Name: c.name, Type: c.type })))},"Results":${results}}`
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { loadOrCreateTestCa } = await import('../tls')
  const { mintAccessToken } = await import('../entra')
  const ca = process.argv.includes('--https') ? loadOrCreateTestCa() : undefined
  const rows = argValue('--rows')
  const fake = await startFakeHunting({ port: Number(argValue('--port') ?? 0), rows: rows ? Number(rows) : undefined, ca })
  console.log(`fake hunting API: ${fake.url}`)
  console.log(`  Graph:  POST ${fake.url}/v1.0/security/runHuntingQuery   (token aud https://graph.microsoft.com, scp ThreatHunting.Read.All)`)
  console.log(`          GET  ${fake.url}/beta/security/getHuntingSchema (same token)`)
  console.log(`  Legacy: POST ${fake.url}/api/advancedhunting/run         (token aud https://api.security.microsoft.com, scp AdvancedHunting.Read)`)
  if (ca) console.log(`  trust it with NODE_EXTRA_CA_CERTS=${ca.caCertPath}`)
  if (process.argv.includes('--print-token')) {
    console.log(`  Graph token (1 h): ${mintAccessToken({ aud: 'https://graph.microsoft.com', scp: 'ThreatHunting.Read.All' })}`)
  }
  const stop = () => void fake.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
