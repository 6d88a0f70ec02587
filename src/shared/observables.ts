// Observables: type detection in msticpy's vocabulary (ipv4, ipv6, dns, url, md5_hash,
// sha1_hash, sha256_hash, email), refanging of defanged forms, extraction from a text blob,
// and the "is this IP global?" check that keeps private addresses off the network.
// Pure: used by main, the renderer and the cases helper alike.

export const iocTypes = ['ipv4', 'ipv6', 'dns', 'url', 'md5_hash', 'sha1_hash', 'sha256_hash', 'email', 'unknown'] as const
export type IocType = (typeof iocTypes)[number]

export interface Observable {
  type: IocType
  value: string
}

/** One input item as the lookup sees it: what was typed, what it means, and what is wrong with it. */
export interface ParsedObservable {
  /** The text as given (defanged, trimmed; at most 200 characters). */
  source: string
  /** Refanged and normalised; what a provider is asked about. */
  value: string
  type: IocType
  /** Set when no request may be made: msticpy's BAD_FORMAT reasons. */
  problem: string | null
}

const MAX_SOURCE = 200

// Defanging conventions seen in reports and threat feeds. Order matters: bracketed
// separators first, then scheme rewrites.
const refangRules: [RegExp, string][] = [
  [/\s*[[({]\s*(?:\.|dot)\s*[\])}]\s*/gi, '.'],
  [/\\\./g, '.'],
  [/\[:\]\/\//g, '://'],
  [/\[:\/\/\]/g, '://'],
  [/\[:\]/g, ':'],
  [/\[\/\]/g, '/'],
  [/\s*[[({]\s*(?:@|at)\s*[\])}]\s*/gi, '@'],
  [/\bh(?:xx|XX|Xx|xX|\*\*)p(s?)(?=:|\[:)/g, 'http$1'],
  [/\bfxp(s?)(?=:|\[:)/gi, 'ftp$1']
]

const mayBeDefanged = /[[({\\]|h(?:xx|\*\*)p|fxp/i

export function refang(text: string): string {
  if (!mayBeDefanged.test(text)) return text
  let out = text
  for (const [pattern, replacement] of refangRules) out = out.replace(pattern, replacement)
  return out
}

// ---- IP addresses -------------------------------------------------------------------

const octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const ipv4Source = `${octet}(?:\\.${octet}){3}`
const ipv4Exact = new RegExp(`^${ipv4Source}$`)

export function parseIpv4(text: string): number[] | null {
  if (!ipv4Exact.test(text)) return null
  return text.split('.').map(Number)
}

/** Eight 16-bit groups, or null when `text` is not an IPv6 address. */
export function parseIpv6(input: string): number[] | null {
  let text = input
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1)
  text = text.replace(/%[\w.-]+$/, '')
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return null
  let tail: number[] = []
  if (text.includes('.')) {
    const idx = text.lastIndexOf(':')
    const v4 = parseIpv4(text.slice(idx + 1))
    if (!v4) return null
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]]
    // Keep a "::" that sat right before the dotted part ("::ffff:1.2.3.4" vs "64:ff9b::1.2.3.4").
    text = text.slice(0, idx).endsWith(':') ? text.slice(0, idx + 1) : text.slice(0, idx)
  }
  const halves = text.split('::')
  if (halves.length > 2) return null
  const groups = (part: string): number[] | null => {
    if (part === '') return []
    const out: number[] = []
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null
      out.push(parseInt(g, 16))
    }
    return out
  }
  const head = groups(halves[0])
  if (!head) return null
  const want = 8 - tail.length
  if (halves.length === 1) return head.length === want ? [...head, ...tail] : null
  const rest = groups(halves[1])
  if (!rest || head.length + rest.length > want - 1) return null
  return [...head, ...new Array<number>(want - head.length - rest.length).fill(0), ...rest, ...tail]
}

/** RFC 5952 text: lower case, longest zero run compressed. */
export function formatIpv6(groups: number[]): string {
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen && j - i > 1) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`
}

type V4Range = [number, number, number, number, number]
// Special-purpose IPv4 blocks (IANA registry): none of these is reachable on the internet,
// so asking Shodan about them wastes a request and its answer would mean nothing.
const v4NonGlobal: [V4Range, string][] = [
  [[0, 0, 0, 0, 8], 'this network'],
  [[10, 0, 0, 0, 8], 'private'],
  [[100, 64, 0, 0, 10], 'shared address space (CGNAT)'],
  [[127, 0, 0, 0, 8], 'loopback'],
  [[169, 254, 0, 0, 16], 'link-local'],
  [[172, 16, 0, 0, 12], 'private'],
  [[192, 0, 0, 0, 24], 'IETF protocol assignments'],
  [[192, 0, 2, 0, 24], 'documentation (TEST-NET-1)'],
  [[192, 88, 99, 0, 24], '6to4 relay anycast (deprecated)'],
  [[192, 168, 0, 0, 16], 'private'],
  [[198, 18, 0, 0, 15], 'benchmarking'],
  [[198, 51, 100, 0, 24], 'documentation (TEST-NET-2)'],
  [[203, 0, 113, 0, 24], 'documentation (TEST-NET-3)'],
  [[224, 0, 0, 0, 4], 'multicast'],
  [[240, 0, 0, 0, 4], 'reserved']
]

const v4Number = (o: number[]): number => ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3]

/** Why an IPv4 address is not global, or null when it is. */
export function ipv4NonGlobalReason(octets: number[]): string | null {
  const n = v4Number(octets)
  for (const [[a, b, c, d, bits], reason] of v4NonGlobal) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
    if (((n & mask) >>> 0) === ((v4Number([a, b, c, d]) & mask) >>> 0)) return reason
  }
  return null
}

/** Why an IPv6 address is not global, or null when it is. */
export function ipv6NonGlobalReason(g: number[]): string | null {
  if (g.every((x) => x === 0)) return 'unspecified'
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback'
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return ipv4NonGlobalReason([g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255]) ?? null
  }
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local'
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique local (private)'
  if ((g[0] & 0xff00) === 0xff00) return 'multicast'
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'documentation'
  if (g[0] === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return 'discard-only'
  if (g[0] === 0x2001 && g[1] < 0x0200 && g[1] !== 0x0000) return 'IETF protocol assignments'
  if ((g[0] & 0xe000) !== 0x2000) return 'reserved'
  return null
}

export function isGlobalIp(text: string): boolean {
  const v4 = parseIpv4(text)
  if (v4) return ipv4NonGlobalReason(v4) === null
  const v6 = parseIpv6(text)
  return v6 !== null && ipv6NonGlobalReason(v6) === null
}

// ---- Other types --------------------------------------------------------------------

const tld = '(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})'
const label = '(?:[a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?)'
const domainSource = `(?:${label}\\.)+${tld}`
const dnsExact = new RegExp(`^(?=.{4,253}$)${domainSource}\\.?$`, 'i')
const emailExact = new RegExp(`^[a-z0-9._%+-]{1,64}@${domainSource}$`, 'i')
const urlExact = /^(?:https?|ftps?|sftp|wss?|smb|tcp|udp):\/\/[^\s/?#]+[^\s]*$/i
const hashTypes: [RegExp, IocType][] = [
  [/^[a-f0-9]{32}$/i, 'md5_hash'],
  [/^[a-f0-9]{40}$/i, 'sha1_hash'],
  [/^[a-f0-9]{64}$/i, 'sha256_hash']
]

function urlHost(url: string): string {
  const rest = url.slice(url.indexOf('://') + 3)
  let host = rest.split(/[/?#]/)[0].replace(/^[^@]*@/, '')
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1)
  host = host.replace(/:\d*$/, '')
  return host
}

/** Detects the type of one refanged token; `unknown` when nothing matches. */
export function detectType(value: string): IocType {
  // Cheap character checks first: a 100,000-line paste goes through here line by line.
  if (value.includes('://')) return urlExact.test(value) ? 'url' : 'unknown'
  const c = value.charCodeAt(0)
  if (c >= 48 && c <= 57 && parseIpv4(value)) return 'ipv4'
  if (value.includes(':')) return parseIpv6(value) ? 'ipv6' : 'unknown'
  if (value.length === 32 || value.length === 40 || value.length === 64) {
    for (const [re, type] of hashTypes) if (re.test(value)) return type
  }
  if (value.includes('@')) return emailExact.test(value) ? 'email' : 'unknown'
  if (value.includes('.') && dnsExact.test(value)) return 'dns'
  return 'unknown'
}

function normalise(type: IocType, value: string): string {
  switch (type) {
    case 'ipv6':
      return formatIpv6(parseIpv6(value) as number[])
    case 'dns':
      return value.toLowerCase().replace(/\.$/, '')
    case 'md5_hash':
    case 'sha1_hash':
    case 'sha256_hash':
    case 'email':
      return value.toLowerCase()
    case 'url': {
      const i = value.indexOf('://')
      return value.slice(0, i).toLowerCase() + value.slice(i)
    }
    default:
      return value
  }
}

/** msticpy's pre-processing: reasons a well-typed value still must not be looked up. */
function problemOf(type: IocType, value: string): string | null {
  if (type === 'ipv4' || type === 'ipv6') {
    const reason = type === 'ipv4' ? ipv4NonGlobalReason(parseIpv4(value)!) : ipv6NonGlobalReason(parseIpv6(value)!)
    return reason ? `IP address is not global (${reason})` : null
  }
  if (type === 'url') {
    const host = urlHost(value)
    if ((parseIpv4(host) || parseIpv6(host)) && !isGlobalIp(host)) return 'URL host is not a global IP address'
  }
  if (type === 'md5_hash' || type === 'sha1_hash' || type === 'sha256_hash') {
    if (new Set(value.toLowerCase()).size < 6) return 'Hash has too little entropy to be a real file hash'
  }
  return null
}

const clip = (text: string): string => (text.length > MAX_SOURCE ? text.slice(0, MAX_SOURCE - 1) + '…' : text)

export const UNRECOGNISED =
  'Not a recognised observable (expected an IP address, domain, URL, MD5/SHA1/SHA256 hash or email address)'

/** Parses one item (a line, a cell): refang, detect, normalise and check. */
export function parseObservable(raw: string): ParsedObservable {
  const source = clip(raw.trim())
  const refanged = refang(raw.trim()).replace(/^[<("'`]+|[>)"'`,;]+$/g, '')
  const type = detectType(refanged)
  if (type === 'unknown') return { source, value: clip(refanged), type, problem: UNRECOGNISED }
  const value = normalise(type, refanged)
  return { source, value, type, problem: problemOf(type, value) }
}

// ---- Extraction from free text ------------------------------------------------------

// In prose, "report.pdf" is a file, not a domain. Only applied when extracting from a
// blob; a line holding just "example.zip" is still taken as the domain it names.
const fileExtensions = new Set(
  'exe dll sys bat cmd ps1 psm1 vbs js jse hta txt log pdf doc docx xls xlsx xlsm ppt pptx csv json xml htm html png jpg jpeg gif bmp svg tmp dat bin ini cfg conf yml yaml md py sh lnk msi iso img db sql gz tgz tar 7z rar zip jar class so dylib evtx pcap eml msg'.split(' ')
)

const tokenSplit = /[\s,;|"'<>`]+/
const trimEdges = /^[([{*]+|[)\]}.:;!?*]+$/g
const innerFinders: RegExp[] = [
  new RegExp(`[a-z0-9._%+-]{1,64}@${domainSource}`, 'gi'),
  new RegExp(`(?<![\\d.])${ipv4Source}(?![\\d]|\\.\\d)`, 'g'),
  /(?<![a-f0-9])(?:[a-f0-9]{64}|[a-f0-9]{40}|[a-f0-9]{32})(?![a-f0-9])/gi,
  new RegExp(`(?<![a-z0-9.-])${domainSource}(?![a-z0-9-])`, 'gi')
]

function tokenCandidates(token: string): string[] {
  const whole = token.replace(trimEdges, '')
  if (!whole) return []
  if (detectType(whole) !== 'unknown') return [whole]
  // A token such as `dst=1.2.3.4:443` or `user=bob@evil.com`: look inside it.
  const found: string[] = []
  let rest = whole
  for (const finder of innerFinders) {
    rest = rest.replace(finder, (m) => {
      found.push(m)
      return ' '
    })
  }
  return found
}

function isFileName(p: ParsedObservable): boolean {
  return p.type === 'dns' && fileExtensions.has(p.value.slice(p.value.lastIndexOf('.') + 1))
}

/** Every observable found in `text`, refanged, typed and checked, in order of first appearance. */
export function extractParsed(text: string): ParsedObservable[] {
  const out: ParsedObservable[] = []
  const seen = new Set<string>()
  for (const token of refang(text).split(tokenSplit)) {
    for (const candidate of tokenCandidates(token)) {
      const parsed = parseObservable(candidate)
      if (parsed.type === 'unknown' || isFileName(parsed)) continue
      const key = `${parsed.type}\u0000${parsed.value}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push(parsed)
    }
  }
  return out
}

/** Observables in a text blob, deduplicated: `{ type, value }[]`. Non-global IPs are kept (they are still evidence). */
export function extractObservables(text: string): Observable[] {
  return extractParsed(text).map(({ type, value }) => ({ type, value }))
}

export type InputMode = 'auto' | 'lines' | 'extract'

/**
 * Input for a lookup. `lines`: one observable per line, and a line that is not one is
 * reported (so garbage gets a row, never silence). `extract`: pull observables out of
 * prose. `auto`: lines when most non-empty lines are single tokens, else extract.
 * Duplicates (same type and value) are kept once.
 */
export function parseLookupInput(text: string, mode: InputMode = 'auto'): ParsedObservable[] {
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim()).filter((l) => l.length > 0)
  let chosen = mode
  if (chosen === 'auto') {
    const single = lines.filter((l) => !/\s/.test(l) || !/\s/.test(refang(l))).length
    chosen = single * 2 >= lines.length ? 'lines' : 'extract'
  }
  if (chosen === 'extract') return extractParsed(text)
  const out: ParsedObservable[] = []
  const seen = new Set<string>()
  const lineSeen = new Set<string>()
  const add = (p: ParsedObservable): void => {
    const key = `${p.type}\u0000${p.type === 'unknown' ? p.source : p.value}`
    if (seen.has(key)) return
    seen.add(key)
    out.push(p)
  }
  for (const line of lines) {
    if (lineSeen.has(line)) continue
    lineSeen.add(line)
    const parsed = parseObservable(line)
    if (parsed.type !== 'unknown') {
      add(parsed)
      continue
    }
    const inner = extractParsed(line)
    if (inner.length) inner.forEach(add)
    else add(parsed)
  }
  return out
}

/** Deduplicates by type and value, keeping the first. */
export function dedupeObservables<T extends Observable>(items: readonly T[]): T[] {
  const seen = new Set<string>()
  return items.filter((o) => {
    const key = `${o.type}\u0000${o.value}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
