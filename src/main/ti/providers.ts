// The provider registry, modelled on msticpy's TI providers: each declares the observable
// types it supports, builds its request, and turns an HTTP answer into a row or a
// decision for the queue. Error classification follows reference/shodan-api.md section 2:
// a 2xx body carrying `error` is an error; 404 is "no data", not failure; 401/403 may be
// nginx HTML; 429 (with `Retry-After: 0`) and 5xx are retried; resets and timeouts too.
import type { IocType } from '../../shared/observables'
import { LookupStatus, type Severity, type TiProviderName } from '../../shared/ti'
import type { HttpAnswer } from './http'
import { retryAfterMs } from './http'
import { severityOf } from './severity'

export type Classified =
  | { kind: 'ok'; result: boolean; severity: Severity; details: unknown; rawText: string | null; status: number }
  | { kind: 'retry'; status: number; message: string; retryAfterMs: number | null }
  | { kind: 'rate_limited'; status: number; message: string; retryAfterMs: number | null }
  | { kind: 'halt'; status: number; message: string; details: string }
  | { kind: 'offline'; message: string }
  | { kind: 'failed'; status: number; message: string }

export interface TiProviderDef {
  name: TiProviderName
  label: string
  types: readonly IocType[]
  needsKey: boolean
  subtypes: readonly string[]
  /** `url` carries the key; `reference` is what may be stored and shown (key=REDACTED). */
  request(base: string, ioc: string, subtype: string, key: string | null): { url: string; reference: string }
  classify(answer: HttpAnswer, now: number): Classified
}

// msticpy's `_response_message` texts, so rows read the same as in a notebook.
export const NOT_FOUND = 'Not found.'
export const AUTH_FAILED = 'Authorization failed. Check account and key details.'

type Json = Record<string, unknown>
const asObject = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null)
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

/** The part of classification every Shodan endpoint shares. Returns null for a 2xx JSON object to parse. */
export function classifyShodanFamily(answer: HttpAnswer, now: number, service: string): Classified | { kind: 'json'; value: Json } {
  if (answer.kind === 'error') {
    if (answer.error === 'offline') return { kind: 'offline', message: `${service} is unreachable: ${answer.message}` }
    if (answer.error === 'timeout' || answer.error === 'reset') return { kind: 'retry', status: LookupStatus.QUERY_FAILED, message: `${service}: ${answer.message}`, retryAfterMs: null }
    if (answer.error === 'too_large') return { kind: 'failed', status: LookupStatus.QUERY_FAILED, message: `${service}: ${answer.message}; it was not stored` }
    return { kind: 'failed', status: LookupStatus.QUERY_FAILED, message: `${service}: ${answer.message}` }
  }
  const { status, body } = answer
  const parsed = parseJson(body)
  const object = asObject(parsed)
  const errorText = str(object?.error) ?? str(object?.detail)
  const retryAfter = retryAfterMs(answer.headers, now)
  if (status === 429 || (status < 300 && errorText && /rate limit/i.test(errorText))) {
    return { kind: 'rate_limited', status: 429, message: `${service} rate limit: ${errorText ?? 'Too Many Requests'}`, retryAfterMs: retryAfter }
  }
  if (status === 401) {
    return { kind: 'halt', status, details: AUTH_FAILED, message: `${service} rejected the API key (401${errorText ? `: ${errorText}` : ', Invalid API key'}). Check or replace the key in Settings, then resume.` }
  }
  if (status === 403) {
    return {
      kind: 'halt', status, details: 'Request forbidden. Your plan may not include this API.',
      message: `${service} refused access (403 Forbidden${errorText ? `: ${errorText}` : ''}): the key's plan may not include this API. Check the plan in Settings, then resume.`
    }
  }
  if (status === 404) return { kind: 'ok', result: false, severity: 'information', details: NOT_FOUND, rawText: object ? body : null, status: 404 }
  if (status >= 500) {
    return { kind: 'retry', status, message: `${service} answered ${status} ${answer.statusText || ''}${errorText ? `: ${errorText}` : ''}`.trim(), retryAfterMs: retryAfter }
  }
  if (status >= 300) {
    return { kind: 'failed', status, message: errorText ?? `${service} answered ${status} ${answer.statusText}`.trim() }
  }
  if (parsed === undefined) return { kind: 'failed', status: LookupStatus.QUERY_FAILED, message: `${service} sent an answer that is not valid JSON` }
  if (!object) return { kind: 'failed', status: LookupStatus.QUERY_FAILED, message: `${service} sent an answer of an unexpected shape (not a JSON object)` }
  if (errorText) {
    if (/no information available/i.test(errorText)) return { kind: 'ok', result: false, severity: 'information', details: NOT_FOUND, rawText: body, status: 404 }
    return { kind: 'failed', status: LookupStatus.QUERY_FAILED, message: `${service} answered with an error: ${errorText}` }
  }
  return { kind: 'json', value: object }
}

function bannerCves(data: unknown[]): { id: string; verified: boolean; kev: boolean }[] {
  const out: { id: string; verified: boolean; kev: boolean }[] = []
  for (const banner of data) {
    const vulns = asObject(asObject(banner)?.vulns)
    if (!vulns) continue
    for (const [id, v] of Object.entries(vulns)) {
      const info = asObject(v)
      out.push({ id, verified: info?.verified === true, kev: info?.kev === true })
    }
  }
  return out
}

/** Shodan's host answer -> msticpy Details. Throws on a shape we cannot read. */
export function shodanDetails(host: Json): { details: Json; severity: Severity } {
  if (!Array.isArray(host.ports) || !host.ports.every((p) => typeof p === 'number')) throw new Error('the ports list is missing')
  if (host.data !== undefined && !Array.isArray(host.data)) throw new Error('the banner list is not a list')
  const data = (host.data as unknown[] | undefined) ?? []
  const fromBanners = bannerCves(data)
  const hostCves = strings(host.vulns).filter((v) => !v.startsWith('!'))
  const ids = [...new Set([...hostCves, ...fromBanners.map((c) => c.id).filter((v) => !v.startsWith('!'))])].sort()
  const verified = [...new Set(fromBanners.filter((c) => c.verified || c.kev).map((c) => c.id))].sort()
  const tags = strings(host.tags)
  const services = new Map<string, string>()
  for (const b of data) {
    const banner = asObject(b)
    if (!banner || typeof banner.port !== 'number') continue
    const key = `${banner.port}/${str(banner.transport) ?? 'tcp'}`
    const label = [str(banner.product), str(banner.version)].filter(Boolean).join(' ')
    if (!services.has(key) || label) services.set(key, label ? `${key} ${label}` : key)
  }
  const details: Json = {
    Ports: [...(host.ports as number[])].sort((a, b) => a - b),
    Services: [...services.values()],
    Org: str(host.org), ISP: str(host.isp), ASN: str(host.asn), OS: str(host.os),
    Country: str(host.country_name), City: str(host.city),
    Hostnames: strings(host.hostnames), Domains: strings(host.domains), Tags: tags,
    Vulns: ids, VerifiedVulns: verified, LastUpdate: str(host.last_update)
  }
  const cves = [...ids.map((id) => ({ id, verified: verified.includes(id), kev: fromBanners.some((c) => c.id === id && c.kev) }))]
  return { details, severity: severityOf({ cves, tags }) }
}

/** InternetDB's flat answer -> Details. */
export function internetDbDetails(host: Json): { details: Json; severity: Severity } {
  if (!Array.isArray(host.ports) || !host.ports.every((p) => typeof p === 'number')) throw new Error('the ports list is missing')
  const vulns = strings(host.vulns).filter((v) => !v.startsWith('!')).sort()
  const tags = strings(host.tags)
  const details: Json = {
    Ports: [...(host.ports as number[])].sort((a, b) => a - b),
    Hostnames: strings(host.hostnames), Tags: tags, Vulns: vulns, Cpes: strings(host.cpes)
  }
  return { details, severity: severityOf({ cves: vulns.map((id) => ({ id, verified: false, kev: false })), tags }) }
}

function parsedRow(service: string, answer: HttpAnswer, now: number, read: (j: Json) => { details: Json; severity: Severity }): Classified {
  const first = classifyShodanFamily(answer, now, service)
  if (first.kind !== 'json') return first
  try {
    const { details, severity } = read(first.value)
    return { kind: 'ok', result: true, severity, details, rawText: (answer as { body: string }).body, status: LookupStatus.OK }
  } catch (err) {
    return { kind: 'failed', status: LookupStatus.QUERY_FAILED, message: `${service} sent an answer of an unexpected shape (${(err as Error).message})` }
  }
}

const ipPath = (ioc: string): string => encodeURIComponent(ioc)

export const shodanProvider: TiProviderDef = {
  name: 'shodan',
  label: 'Shodan',
  types: ['ipv4', 'ipv6'],
  needsKey: true,
  subtypes: ['', 'history'],
  request(base, ioc, subtype, key) {
    const query = subtype === 'history' ? '&history=true' : ''
    const path = `${base}/shodan/host/${ipPath(ioc)}`
    return { url: `${path}?key=${encodeURIComponent(key ?? '')}${query}`, reference: `${path}?key=REDACTED${query}` }
  },
  classify: (answer, now) => parsedRow('Shodan', answer, now, shodanDetails)
}

export const internetDbProvider: TiProviderDef = {
  name: 'internetdb',
  label: 'Shodan InternetDB (keyless)',
  types: ['ipv4'],
  needsKey: false,
  subtypes: [''],
  request(base, ioc) {
    const url = `${base}/${ipPath(ioc)}`
    return { url, reference: url }
  },
  classify: (answer, now) => parsedRow('InternetDB', answer, now, internetDbDetails)
}

export const tiProviders: Record<TiProviderName, TiProviderDef> = { shodan: shodanProvider, internetdb: internetDbProvider }

export function supports(provider: TiProviderName, type: IocType): boolean {
  return tiProviders[provider].types.includes(type)
}
