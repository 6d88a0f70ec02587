// The hunting client: one KQL query against Microsoft Graph `runHuntingQuery` (default) or
// the legacy Defender XDR `advancedhunting/run`, with every failure turned into something a
// hunter can act on. It never waits out a 429 itself: the queue and governor own time.
import { HuntbenchError, type ErrorCode } from '../../shared/errors'
import { LEGACY_RETIREMENT_DATE } from '../../shared/auth'
import type { Endpoints } from '../config'
import {
  LIMIT_ADVICE,
  MAX_KQL_CHARS,
  isCpuThrottle,
  isResultSizeError,
  isTimeoutMessage,
  parseAgainIn,
  parseErrorBody,
  parseResult,
  parseRetryAfter,
  type ParsedResult
} from './parse'

export type HuntingApiKind = 'graph' | 'legacy'

/** What the auth service offers (src/main/auth TokenProvider); only what the client uses. */
export interface TokenSource {
  getToken(
    profileId: number,
    resource: HuntingApiKind,
    options?: { interactive?: boolean; claims?: string; signal?: AbortSignal }
  ): Promise<{ accessToken: string }>
}

export interface HuntingRequest {
  profileId: number
  api: HuntingApiKind
  kql: string
  timespan?: string | null
}

export interface RunOptions {
  signal?: AbortSignal
  /** A 401 or a claims challenge may open an interactive sign-in once. */
  allowInteractive?: boolean
  /** Runs before every HTTP attempt: the governor waits for a free slot and records the call. */
  beforeAttempt?: () => Promise<void>
  /** Runs after every attempt that reached the service, with how long it took. */
  afterAttempt?: (elapsedMs: number) => void
}

export interface HuntingClientOptions {
  /** Per profile: the sandbox profile talks to the in-process fakes. */
  endpoints: (profileId: number) => Pick<Endpoints, 'graph' | 'defender'>
  tokens: TokenSource
  now?: () => number
  /** The service gives up after 3 minutes; this is our own guard just beyond it. */
  timeoutMs?: number
  /** Answers above this are refused while reading (the service's own cap is 50 MB). */
  maxBodyBytes?: number
  /** Extra attempts after a 5xx or a dropped connection. */
  maxServerRetries?: number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  fetch?: typeof fetch
}

export type QuotaKind = 'calls' | 'cpu'

/** A HuntbenchError with what the queue needs to decide about a retry. */
export class HuntingError extends HuntbenchError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly extra: { status?: number; retryable?: boolean; retryAfterMs?: number | null; quota?: QuotaKind; claims?: string } = {}
  ) {
    super(code, message)
  }
}

const PERMISSION: Record<HuntingApiKind, string> = { graph: 'ThreatHunting.Read.All', legacy: 'AdvancedHunting.Read' }
const SERVICE: Record<HuntingApiKind, string> = { graph: 'Microsoft Graph', legacy: 'the Defender XDR API' }
const TIMESPAN_PART = /^(P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?|\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?)$/

/** Checks the query text before anything is queued or sent. */
export function validateKql(kql: string): string {
  if (typeof kql !== 'string' || kql.trim() === '') {
    throw new HuntbenchError('invalid_input', 'The query is empty. Write KQL first, for example `DeviceProcessEvents | take 10`.')
  }
  if (kql.length > MAX_KQL_CHARS) {
    throw new HuntbenchError(
      'invalid_input',
      `The query is ${kql.length.toLocaleString('en-US')} characters long; the hunting API accepts at most ${MAX_KQL_CHARS.toLocaleString('en-US')}. Move long lists into a smaller \`in (...)\` or split the hunt.`
    )
  }
  return kql
}

/** Accepts the ISO 8601 forms Graph documents: P30D, start/end, P30D/end, start/P30D, start. */
export function validateTimespan(timespan: string | null | undefined): string | null {
  if (timespan === undefined || timespan === null || timespan.trim() === '') return null
  const value = timespan.trim()
  const parts = value.split('/')
  const ok =
    parts.length <= 2 &&
    parts.every((p) => TIMESPAN_PART.test(p) && (p.startsWith('P') || !Number.isNaN(Date.parse(p)))) &&
    !(parts.length === 2 && parts[0].startsWith('P') && parts[1].startsWith('P'))
  if (!ok) {
    throw new HuntbenchError(
      'invalid_input',
      `The timespan ${JSON.stringify(value.slice(0, 80))} is not ISO 8601. Use a duration such as P7D or PT12H, or start/end such as 2026-01-01T00:00:00Z/2026-01-02T00:00:00Z.`
    )
  }
  return value
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled())
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(cancelled())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })

function cancelled(): HuntingError {
  return new HuntingError('cancelled', 'The query was cancelled before it finished; nothing was stored.')
}

/** Reads the claims challenge from `WWW-Authenticate: Bearer ..., claims="base64"`. */
function claimsChallenge(header: string | null): string | null {
  if (!header) return null
  const match = /claims="([^"]+)"/i.exec(header)
  if (!match) return null
  try {
    return Buffer.from(match[1], 'base64').toString('utf8')
  } catch {
    return null
  }
}

export class HuntingClient {
  private readonly now: () => number
  private readonly timeoutMs: number
  private readonly maxBodyBytes: number
  private readonly maxServerRetries: number
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  private readonly fetchImpl: typeof fetch

  constructor(private readonly options: HuntingClientOptions) {
    this.now = options.now ?? Date.now
    this.timeoutMs = options.timeoutMs ?? 200_000
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024
    this.maxServerRetries = options.maxServerRetries ?? 2
    this.sleep = options.sleep ?? defaultSleep
    this.fetchImpl = options.fetch ?? fetch
  }

  url(profileId: number, api: HuntingApiKind): string {
    const endpoints = this.options.endpoints(profileId)
    return api === 'graph' ? `${endpoints.graph}/v1.0/security/runHuntingQuery` : `${endpoints.defender}/api/advancedhunting/run`
  }

  /**
   * Graph's beta getHuntingSchema: the tables this user may query. Silent sign-in only and
   * no retries; null when it does not answer (not every tenant or fake offers it).
   */
  async fetchSchema(profileId: number, signal?: AbortSignal): Promise<unknown | null> {
    const token = await this.options.tokens.getToken(profileId, 'graph', { signal })
    const url = `${this.options.endpoints(profileId).graph}/beta/security/getHuntingSchema`
    const timeout = AbortSignal.timeout(30_000)
    try {
      const res = await this.fetchImpl(url, {
        headers: { Authorization: `Bearer ${token.accessToken}`, Accept: 'application/json' },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout
      })
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined)
        return null
      }
      return JSON.parse(await this.readBody(res, timeout)) as unknown
    } catch {
      return null
    }
  }

  /** Runs one query: bounded retries for 5xx and dropped connections, one interactive retry for auth. */
  async run(request: HuntingRequest, options: RunOptions = {}): Promise<ParsedResult> {
    const kql = validateKql(request.kql)
    const timespan = validateTimespan(request.timespan)
    if (timespan && request.api === 'legacy') {
      throw new HuntbenchError(
        'invalid_input',
        'The legacy Defender API has no timespan parameter. Filter in the query instead (`| where Timestamp > ago(7d)`), or switch the profile to Microsoft Graph.'
      )
    }
    const body = JSON.stringify(request.api === 'graph' && timespan ? { Query: kql, Timespan: timespan } : { Query: kql })
    let interactive = false
    let claims: string | undefined
    let authRetried = false
    let serverFailures = 0
    for (;;) {
      if (options.signal?.aborted) throw cancelled()
      const token = await this.options.tokens.getToken(request.profileId, request.api, { interactive, claims, signal: options.signal })
      await options.beforeAttempt?.()
      try {
        return await this.attempt(this.url(request.profileId, request.api), request.api, body, token.accessToken, options)
      } catch (err) {
        if (!(err instanceof HuntingError)) throw err
        const { retryable } = err.extra
        if (err.code === 'unauthenticated' && options.allowInteractive && !authRetried) {
          authRetried = true
          interactive = true
          claims = err.extra.claims || undefined
          continue
        }
        if (retryable && serverFailures < this.maxServerRetries) {
          serverFailures++
          await this.sleep(1000 * 2 ** (serverFailures - 1) + Math.floor(Math.random() * 250), options.signal)
          continue
        }
        if (retryable && serverFailures > 0) {
          throw new HuntingError(err.code, `${err.message} (tried ${serverFailures + 1} times)`, { ...err.extra, retryable: false })
        }
        throw err
      }
    }
  }

  private async attempt(url: string, api: HuntingApiKind, body: string, accessToken: string, options: RunOptions): Promise<ParsedResult> {
    const timeout = new AbortController()
    const timer = setTimeout(() => timeout.abort(), this.timeoutMs)
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal
    const started = this.now()
    let reachedService = false
    try {
      let res: Response
      try {
        res = await this.fetchImpl(url, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${accessToken}`,
            'Content-Type': 'application/json; charset=utf-8',
            Accept: 'application/json'
          },
          body,
          signal
        })
      } catch (err) {
        throw this.transportError(err, url, options.signal, timeout.signal, false)
      }
      reachedService = true
      let text: string
      try {
        text = await this.readBody(res, signal)
      } catch (err) {
        if (err instanceof HuntingError) throw err
        throw this.transportError(err, url, options.signal, timeout.signal, true)
      }
      if (res.ok) {
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          throw new HuntingError(
            'bad_data',
            `${SERVICE[api]} answered with text that is not valid JSON (it starts ${JSON.stringify(text.slice(0, 60))}). Nothing was stored; run the query again.`
          )
        }
        return parseResult(json)
      }
      throw this.statusError(api, res, text)
    } finally {
      clearTimeout(timer)
      if (reachedService) options.afterAttempt?.(this.now() - started)
    }
  }

  private async readBody(res: Response, signal: AbortSignal): Promise<string> {
    if (!res.body) return ''
    const reader = res.body.getReader()
    const chunks: Uint8Array[] = []
    let size = 0
    for (;;) {
      if (signal.aborted) {
        await reader.cancel().catch(() => undefined)
        throw signal.reason ?? new Error('aborted')
      }
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > this.maxBodyBytes) {
        await reader.cancel().catch(() => undefined)
        throw new HuntingError(
          'remote_error',
          `The answer is larger than the ${Math.round(this.maxBodyBytes / 1024 / 1024)} MB Huntbench reads (the hunting API's own cap is 50 MB). Nothing was stored. ${LIMIT_ADVICE}`
        )
      }
      chunks.push(value)
    }
    return Buffer.concat(chunks).toString('utf8')
  }

  private transportError(err: unknown, url: string, caller: AbortSignal | undefined, timeout: AbortSignal, midAnswer: boolean): HuntingError {
    if (caller?.aborted) return cancelled()
    if (timeout.aborted) {
      return new HuntingError(
        'remote_error',
        `The query ran longer than the ${Math.round(this.timeoutMs / 1000)} seconds Huntbench waits (the service stops queries after 3 minutes). Nothing was stored. ${LIMIT_ADVICE}`
      )
    }
    const cause = (err as { cause?: { code?: string } })?.cause?.code ?? (err as { code?: string })?.code ?? ''
    const host = new URL(url).host
    if (!midAnswer && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH/.test(cause)) {
      return new HuntingError('offline', `Cannot reach ${host} (${cause}). Check the network; the query stays queued.`, { retryable: true })
    }
    return new HuntingError(
      'remote_error',
      midAnswer
        ? `The connection to ${host} dropped while the answer was arriving; nothing from it was stored.`
        : `The connection to ${host} failed before an answer came (${cause || (err as Error)?.message || 'unknown error'}).`,
      { retryable: true }
    )
  }

  private statusError(api: HuntingApiKind, res: Response, text: string): HuntingError {
    const status = res.status
    const info = parseErrorBody(text)
    const said = info.message ? `: ${info.message}` : ''
    if (status === 400) {
      if (isResultSizeError(info.message)) {
        return new HuntingError('remote_error', `The answer would exceed the API's 50 MB cap, so the service refused it${said}. ${LIMIT_ADVICE}`, { status })
      }
      if (isTimeoutMessage(info.message)) {
        return new HuntingError('remote_error', `The query ran past the service's 3-minute limit${said}. ${LIMIT_ADVICE}`, { status })
      }
      return new HuntingError('invalid_input', `Kusto rejected the query${said || ' (no message given)'}. Fix the KQL and run it again.`, { status })
    }
    if (status === 401) {
      return new HuntingError('unauthenticated', `${SERVICE[api]} refused the sign-in${said}. Sign in again to this profile, then rerun the query.`, { status })
    }
    if (status === 403) {
      const claims = claimsChallenge(res.headers.get('www-authenticate'))
      if (claims || /insufficient_claims/i.test(info.code + info.message)) {
        return new HuntingError('unauthenticated', `Conditional Access asks for a fresh sign-in (for example MFA)${said}. Sign in again, then rerun the query.`, { status, claims: claims ?? '' })
      }
      return new HuntingError(
        'forbidden',
        `${SERVICE[api]} refused the query${said}. The app registration needs the delegated permission ${PERMISSION[api]} with admin consent, and your account needs access to the advanced hunting data.`,
        { status }
      )
    }
    if (status === 404 && api === 'legacy') {
      return new HuntingError('remote_error', `The legacy advanced hunting endpoint was not found; it is being retired (it stops answering on ${LEGACY_RETIREMENT_DATE}). Switch the profile to Microsoft Graph.`, { status })
    }
    if (status === 429) {
      const header = parseRetryAfter(res.headers.get('retry-after'), this.now())
      const waitMs = header ?? parseAgainIn(info.message)
      const quota: QuotaKind = isCpuThrottle(info.message) ? 'cpu' : 'calls'
      const when = waitMs === null ? '' : ` It may be tried again in ${Math.ceil(waitMs / 1000)} s.`
      return new HuntingError('rate_limited', `The hunting quota is used up (${quota === 'cpu' ? 'processing time' : 'calls'})${said}.${when}`, { status, retryAfterMs: waitMs, quota })
    }
    if (status >= 500) {
      if (isTimeoutMessage(info.message)) {
        return new HuntingError('remote_error', `The query ran past the service's 3-minute limit${said}. ${LIMIT_ADVICE}`, { status })
      }
      return new HuntingError('remote_error', `${SERVICE[api]} answered ${status}${said || ' with no message'}.`, { status, retryable: true })
    }
    return new HuntingError('remote_error', `${SERVICE[api]} answered ${status}${said}.`, { status })
  }
}
