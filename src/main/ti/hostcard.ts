// A host card from a stored answer: what a hunter reads first about an IP. Shodan's
// fields are all optional (reference 1.1-1.2), so every read is defensive. With history,
// banners are grouped by (port, transport) and the newest timestamp is "current".
import type { HostCard, HostCve, HostService, Severity, TiProviderName } from '../../shared/ti'

type Json = Record<string, unknown>
const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null)
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

const MAX_BANNER = 4000

/** "20231009082208Z" -> "2023-10-09T08:22:08Z". */
export function certDate(text: string | null): string | null {
  const m = text?.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/)
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : text
}

function nameOf(dn: unknown): string | null {
  const o = obj(dn)
  if (!o) return str(dn)
  return [str(o.CN), str(o.O)].filter(Boolean).join(', ') || null
}

interface CardBase {
  provider: TiProviderName
  ioc: string
  subtype: string | null
  fetchedAt: number
  severity: Severity
  reference: string | null
}

function emptyCard(base: CardBase, found: boolean): HostCard {
  return {
    ...base, found, ports: [], services: [], cves: [], tags: [], org: null, isp: null, asn: null, os: null, location: null,
    hostnames: [], domains: [], cpes: [], lastUpdate: null
  }
}

export function buildHostCard(base: CardBase, rawText: string | null, found: boolean): HostCard {
  let raw: Json | null = null
  try {
    raw = rawText ? obj(JSON.parse(rawText)) : null
  } catch {
    raw = null
  }
  if (!found || !raw) return emptyCard(base, false)
  return base.provider === 'internetdb' ? internetDbCard(base, raw) : shodanCard(base, raw)
}

function internetDbCard(base: CardBase, raw: Json): HostCard {
  return {
    ...emptyCard(base, true),
    ports: (Array.isArray(raw.ports) ? raw.ports.filter((p): p is number => typeof p === 'number') : []).sort((a, b) => a - b),
    cves: strings(raw.vulns).filter((v) => !v.startsWith('!')).sort().map((id) => ({ id, cvss: null, verified: false, kev: false, summary: null, ports: [] })),
    tags: strings(raw.tags),
    hostnames: strings(raw.hostnames),
    cpes: strings(raw.cpes)
  }
}

function shodanCard(base: CardBase, raw: Json): HostCard {
  const banners = (Array.isArray(raw.data) ? raw.data : []).map(obj).filter((b): b is Json => b !== null && typeof b.port === 'number')
  const groups = new Map<string, Json[]>()
  for (const b of banners) {
    const key = `${b.port}/${str(b.transport) ?? 'tcp'}`
    groups.set(key, [...(groups.get(key) ?? []), b])
  }
  const services: HostService[] = []
  const cves = new Map<string, HostCve>()
  for (const [, list] of groups) {
    list.sort((a, b) => (str(b.timestamp) ?? '').localeCompare(str(a.timestamp) ?? ''))
    const cur = list[0]
    const http = obj(cur.http)
    const ssl = obj(cur.ssl)
    const cert = obj(ssl?.cert)
    const data = typeof cur.data === 'string' ? cur.data : ''
    services.push({
      port: cur.port as number,
      transport: str(cur.transport) ?? 'tcp',
      product: str(cur.product),
      version: str(cur.version),
      banner: data.length > MAX_BANNER ? data.slice(0, MAX_BANNER) + '…' : data,
      httpTitle: str(http?.title),
      httpStatus: num(http?.status),
      tls: cert ? { subject: nameOf(cert.subject), issuer: nameOf(cert.issuer), expires: certDate(str(cert.expires)), expired: typeof cert.expired === 'boolean' ? cert.expired : null } : null,
      lastSeen: str(cur.timestamp),
      history: list.slice(1).map((b) => ({ timestamp: str(b.timestamp) ?? '', product: str(b.product), version: str(b.version) }))
    })
    for (const b of list) {
      for (const [id, v] of Object.entries(obj(b.vulns) ?? {})) {
        if (id.startsWith('!')) continue
        const info = obj(v)
        const prev = cves.get(id)
        const entry: HostCve = prev ?? { id, cvss: num(info?.cvss), verified: false, kev: false, summary: str(info?.summary), ports: [] }
        entry.verified ||= info?.verified === true
        entry.kev ||= info?.kev === true
        if (!entry.ports.includes(cur.port as number)) entry.ports.push(cur.port as number)
        cves.set(id, entry)
      }
    }
  }
  for (const id of strings(raw.vulns)) {
    if (!id.startsWith('!') && !cves.has(id)) cves.set(id, { id, cvss: null, verified: false, kev: false, summary: null, ports: [] })
  }
  services.sort((a, b) => a.port - b.port || a.transport.localeCompare(b.transport))
  const ports = Array.isArray(raw.ports) ? raw.ports.filter((p): p is number => typeof p === 'number') : services.map((s) => s.port)
  return {
    ...emptyCard(base, true),
    ports: [...new Set(ports)].sort((a, b) => a - b),
    services,
    cves: [...cves.values()].sort((a, b) => Number(b.verified || b.kev) - Number(a.verified || a.kev) || (b.cvss ?? -1) - (a.cvss ?? -1) || a.id.localeCompare(b.id)),
    tags: strings(raw.tags),
    org: str(raw.org),
    isp: str(raw.isp),
    asn: str(raw.asn),
    os: str(raw.os),
    location: {
      city: str(raw.city), region: str(raw.region_code), country: str(raw.country_name), countryCode: str(raw.country_code),
      latitude: num(raw.latitude), longitude: num(raw.longitude)
    },
    hostnames: strings(raw.hostnames),
    domains: strings(raw.domains),
    cpes: [...new Set(banners.flatMap((b) => strings(b.cpe23)))],
    lastUpdate: str(raw.last_update)
  }
}
