// Deterministic hosts for the fake Shodan: a few well-known addresses with hand-written
// records (shapes per reference/shodan-api.md 1.1-1.3), and a derived record for any other
// global IP, so the same address always answers the same way (or always 404s).

export interface FakeBanner {
  port: number
  transport: 'tcp' | 'udp'
  product?: string
  version?: string
  data: string
  timestamp: string
  http?: { status: number; title: string; server?: string; host?: string }
  ssl?: { subject: string; issuer: string; issuerOrg?: string; issued: string; expires: string }
  vulns?: Record<string, { cvss: number; verified: boolean; summary: string; kev?: boolean }>
  tags?: string[]
  cpe23?: string[]
}

export interface FakeHost {
  ip: string
  org: string
  isp: string
  asn: string
  os: string | null
  country_code: string
  country_name: string
  city: string
  region_code: string
  latitude: number
  longitude: number
  hostnames: string[]
  domains: string[]
  tags: string[]
  last_update: string
  /** Ports Shodan lists without a banner we may see (plan-restricted SSL/Telnet). */
  extraPorts?: number[]
  banners: FakeBanner[]
}

const httpData = (server: string, title: string): string => `HTTP/1.1 200 OK\r\nServer: ${server}\r\nContent-Type: text/html\r\n\r\n<title>${title}</title>`

export const knownHosts: Record<string, FakeHost> = {
  '8.8.8.8': {
    ip: '8.8.8.8', org: 'Google LLC', isp: 'Google LLC', asn: 'AS15169', os: null,
    country_code: 'US', country_name: 'United States', city: 'Mountain View', region_code: 'CA',
    latitude: 37.4056, longitude: -122.0775, hostnames: ['dns.google'], domains: ['dns.google'], tags: [],
    last_update: '2023-08-16T06:46:24.287321',
    banners: [
      { port: 53, transport: 'udp', data: '\nRecursion: enabled', timestamp: '2023-08-16T06:46:24.287321' },
      {
        port: 443, transport: 'tcp', product: 'Apache httpd', version: '2.2.8', timestamp: '2023-08-16T05:47:53.468363',
        data: httpData('scaffolding on HTTPServer2', 'Google Public DNS'), cpe23: ['cpe:2.3:a:apache:http_server:2.2.8'],
        http: { status: 200, title: 'Google Public DNS', server: 'scaffolding on HTTPServer2', host: 'dns.google' },
        ssl: { subject: 'dns.google', issuer: 'GTS CA 1C3', issuerOrg: 'Google Trust Services LLC', issued: '20230717082209Z', expires: '20231009082208Z' },
        vulns: { 'CVE-2008-2939': { cvss: 4.3, verified: false, summary: 'Cross-site scripting (XSS) vulnerability in proxy_ftp.c.' } }
      }
    ]
  },
  '1.1.1.1': {
    ip: '1.1.1.1', org: 'APNIC and Cloudflare DNS Resolver project', isp: 'Cloudflare, Inc.', asn: 'AS13335', os: null,
    country_code: 'AU', country_name: 'Australia', city: 'Brisbane', region_code: 'QLD',
    latitude: -27.46794, longitude: 153.02809, hostnames: ['one.one.one.one'], domains: ['one.one.one.one'], tags: [],
    last_update: '2023-08-15T22:10:01.000112',
    banners: [
      { port: 53, transport: 'udp', data: '\nRecursion: enabled', timestamp: '2023-08-15T22:10:01.000112' },
      {
        port: 443, transport: 'tcp', product: 'CloudFlare', timestamp: '2023-08-15T21:01:44.120000',
        data: httpData('cloudflare', '1.1.1.1 — The free app that makes your Internet faster.'),
        http: { status: 200, title: '1.1.1.1 — The free app that makes your Internet faster.', server: 'cloudflare', host: 'one.one.one.one' },
        ssl: { subject: 'cloudflare-dns.com', issuer: 'DigiCert Global G2 TLS RSA SHA256 2020 CA1', issuerOrg: 'DigiCert Inc', issued: '20230105000000Z', expires: '20240104235959Z' }
      }
    ]
  },
  '45.33.32.156': {
    ip: '45.33.32.156', org: 'Linode', isp: 'Linode', asn: 'AS63949', os: 'Linux',
    country_code: 'US', country_name: 'United States', city: 'Fremont', region_code: 'CA',
    latitude: 37.5483, longitude: -121.9886, hostnames: ['scanme.nmap.org'], domains: ['nmap.org'], tags: [],
    last_update: '2023-08-14T11:20:31.554210',
    banners: [
      { port: 22, transport: 'tcp', product: 'OpenSSH', version: '6.6.1p1 Ubuntu-2ubuntu2.13', timestamp: '2023-08-14T11:20:31.554210',
        data: 'SSH-2.0-OpenSSH_6.6.1p1 Ubuntu-2ubuntu2.13\r\nKey type: ssh-rsa',
        vulns: { 'CVE-2016-0777': { cvss: 4.3, verified: false, summary: 'The resend_bytes function in roaming_common.c in the client in OpenSSH leaks memory.' } } },
      { port: 80, transport: 'tcp', product: 'Apache httpd', version: '2.4.7', timestamp: '2023-08-13T09:02:11.000300',
        data: httpData('Apache/2.4.7 (Ubuntu)', 'Go ahead and ScanMe!'), http: { status: 200, title: 'Go ahead and ScanMe!', server: 'Apache/2.4.7 (Ubuntu)' },
        vulns: { 'CVE-2017-15710': { cvss: 5.0, verified: false, summary: 'mod_authnz_ldap out-of-bounds write.' } } },
      { port: 9929, transport: 'tcp', product: 'Nping echo', timestamp: '2023-08-12T04:40:00.000000', data: '' },
      { port: 31337, transport: 'tcp', timestamp: '2023-08-12T04:41:00.000000', data: '\x00' }
    ]
  },
  '185.220.101.1': {
    ip: '185.220.101.1', org: 'Zwiebelfreunde e.V.', isp: 'Artikel10 e.V.', asn: 'AS208294', os: null,
    country_code: 'DE', country_name: 'Germany', city: 'Berlin', region_code: 'BE',
    latitude: 52.52437, longitude: 13.41053, hostnames: ['tor-exit-1.zbau.f3netze.de'], domains: ['f3netze.de'], tags: ['tor', 'malware'],
    last_update: '2023-08-16T01:00:00.000001', extraPorts: [9001],
    banners: [
      { port: 80, transport: 'tcp', product: 'nginx', version: '1.14.0', timestamp: '2023-08-16T01:00:00.000001',
        data: httpData('nginx/1.14.0', 'This is a Tor Exit Router'), http: { status: 200, title: 'This is a Tor Exit Router', server: 'nginx/1.14.0' },
        vulns: { 'CVE-2021-23017': { cvss: 7.7, verified: true, kev: false, summary: 'A security issue in nginx resolver was identified (1-byte memory overwrite).' } }, tags: ['tor'] },
      { port: 443, transport: 'tcp', product: 'nginx', version: '1.14.0', timestamp: '2023-08-15T23:11:00.000001',
        data: httpData('nginx/1.14.0', 'This is a Tor Exit Router'), http: { status: 200, title: 'This is a Tor Exit Router', server: 'nginx/1.14.0' },
        ssl: { subject: 'www.tor-exit.example', issuer: 'www.tor-exit.example', issued: '20230101000000Z', expires: '20220101000000Z' } }
    ]
  },
  '104.16.0.1': {
    ip: '104.16.0.1', org: 'Cloudflare, Inc.', isp: 'Cloudflare, Inc.', asn: 'AS13335', os: null,
    country_code: 'US', country_name: 'United States', city: 'San Francisco', region_code: 'CA',
    latitude: 37.7621, longitude: -122.3971, hostnames: [], domains: [], tags: ['cdn'],
    last_update: '2023-08-16T03:33:33.333333',
    banners: [
      { port: 80, transport: 'tcp', product: 'CloudFlare', timestamp: '2023-08-16T03:33:33.333333',
        data: 'HTTP/1.1 403 Forbidden\r\nServer: cloudflare\r\n\r\n', http: { status: 403, title: '403 Forbidden', server: 'cloudflare' } },
      { port: 8080, transport: 'tcp', product: 'CloudFlare', timestamp: '2023-08-16T03:30:00.000000',
        data: 'HTTP/1.1 403 Forbidden\r\nServer: cloudflare\r\n\r\n', http: { status: 403, title: '403 Forbidden', server: 'cloudflare' } }
    ]
  }
}

/** FNV-1a: stable across runs and machines, unlike Math.random. */
export function fnv(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

const orgs = [
  ['Amazon.com, Inc.', 'Amazon.com', 'AS16509'],
  ['DigitalOcean, LLC', 'DigitalOcean', 'AS14061'],
  ['OVH SAS', 'OVH SAS', 'AS16276'],
  ['Hetzner Online GmbH', 'Hetzner Online GmbH', 'AS24940'],
  ['Microsoft Corporation', 'Microsoft Corporation', 'AS8075']
]
const places = [
  ['US', 'United States', 'Ashburn', 'VA', 39.0438, -77.4874],
  ['DE', 'Germany', 'Falkenstein', 'SN', 50.4779, 12.3713],
  ['FR', 'France', 'Roubaix', 'HDF', 50.6942, 3.1746],
  ['NL', 'Netherlands', 'Amsterdam', 'NH', 52.3740, 4.8897],
  ['SG', 'Singapore', 'Singapore', '01', 1.2897, 103.8501]
] as const
const services: Omit<FakeBanner, 'timestamp'>[] = [
  { port: 22, transport: 'tcp', product: 'OpenSSH', version: '8.9p1', data: 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.1' },
  { port: 80, transport: 'tcp', product: 'nginx', version: '1.18.0', data: httpData('nginx/1.18.0', 'Welcome to nginx!'), http: { status: 200, title: 'Welcome to nginx!', server: 'nginx/1.18.0' } },
  { port: 443, transport: 'tcp', product: 'nginx', version: '1.18.0', data: httpData('nginx/1.18.0', 'Login'), http: { status: 200, title: 'Login', server: 'nginx/1.18.0' } },
  { port: 3389, transport: 'tcp', product: 'Remote Desktop Protocol', data: '\x03\x00\x00\x13\x0e\xd0\x00\x00\x124\x00\x02\x1f\x08\x00\x02\x00\x00\x00' },
  { port: 8080, transport: 'tcp', product: 'Apache Tomcat', version: '9.0.31', data: httpData('Apache-Coyote/1.1', 'Apache Tomcat/9.0.31'), http: { status: 200, title: 'Apache Tomcat/9.0.31', server: 'Apache-Coyote/1.1' } },
  { port: 21, transport: 'tcp', product: 'vsftpd', version: '3.0.3', data: '220 (vsFTPd 3.0.3)' }
]

/** A stable record for any other global IP; null (a 404) for about one address in seven. */
export function derivedHost(ip: string): FakeHost | null {
  const h = fnv(ip)
  if (h % 7 === 0) return null
  const [org, isp, asn] = orgs[h % orgs.length]
  const [cc, country, city, region, lat, lon] = places[(h >>> 3) % places.length]
  const count = 1 + ((h >>> 6) % 3)
  const banners: FakeBanner[] = []
  for (let i = 0; i < count; i++) {
    const svc = services[((h >>> 9) + i * 2) % services.length]
    const day = 1 + ((h >>> (12 + i)) % 27)
    const banner: FakeBanner = { ...svc, timestamp: `2023-08-${String(day).padStart(2, '0')}T12:00:00.000000` }
    if (svc.port === 443) banner.ssl = { subject: `host-${h % 1000}.example.net`, issuer: "R3", issuerOrg: "Let's Encrypt", issued: '20230701000000Z', expires: '20230929000000Z' }
    if (svc.product === 'Apache Tomcat' && h % 2 === 0) banner.vulns = { 'CVE-2020-1938': { cvss: 9.8, verified: false, summary: 'Ghostcat: AJP file read/inclusion.' } }
    banners.push(banner)
  }
  const dedup = banners.filter((b, i) => banners.findIndex((x) => x.port === b.port) === i)
  return {
    ip, org, isp, asn, os: null, country_code: cc, country_name: country, city, region_code: region, latitude: lat, longitude: lon,
    hostnames: h % 3 === 0 ? [`static-${h % 10_000}.${isp.split(/[ ,.]/)[0].toLowerCase()}.example`] : [],
    domains: h % 3 === 0 ? [`${isp.split(/[ ,.]/)[0].toLowerCase()}.example`] : [],
    tags: h % 11 === 0 ? ['cloud'] : [],
    last_update: dedup.map((b) => b.timestamp).sort().slice(-1)[0],
    banners: dedup
  }
}

export function ipToInt(ip: string): number | null {
  const parts = ip.split('.').map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3]
}

function bannerJson(host: FakeHost, b: FakeBanner): Record<string, unknown> {
  const out: Record<string, unknown> = {
    port: b.port, transport: b.transport, timestamp: b.timestamp, hash: fnv(b.data) | 0, data: b.data,
    ip: ipToInt(host.ip) ?? undefined, ip_str: host.ip, org: host.org, isp: host.isp, asn: host.asn, os: host.os,
    hostnames: host.hostnames, domains: host.domains,
    location: { city: host.city, country_code: host.country_code, country_name: host.country_name, latitude: host.latitude, longitude: host.longitude },
    _shodan: { id: `${fnv(host.ip + b.port + b.timestamp).toString(16)}-fake`, region: 'eu', options: {}, module: b.http ? 'http' : 'auto', crawler: 'fakecrawler' }
  }
  if (b.product) out.product = b.product
  if (b.version) out.version = b.version
  if (b.cpe23) out.cpe23 = b.cpe23
  if (b.tags) out.tags = b.tags
  if (b.http) out.http = { ...b.http, html_hash: fnv(b.data) | 0, redirects: [], components: {} }
  if (b.ssl) {
    out.ssl = {
      versions: ['-TLSv1', '-SSLv2', '-SSLv3', '-TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
      cipher: { version: 'TLSv1.3', bits: 256, name: 'TLS_AES_256_GCM_SHA384' },
      cert: {
        subject: { CN: b.ssl.subject }, issuer: { CN: b.ssl.issuer, ...(b.ssl.issuerOrg ? { O: b.ssl.issuerOrg } : {}) },
        issued: b.ssl.issued, expires: b.ssl.expires, expired: b.ssl.expires < '2023081600', serial: 3.3138237773785745e37,
        fingerprint: { sha1: fnv(b.ssl.subject).toString(16), sha256: fnv(b.ssl.subject + 'x').toString(16) }
      }
    }
  }
  if (b.vulns) out.vulns = Object.fromEntries(Object.entries(b.vulns).map(([id, v]) => [id, { ...v, references: [`https://nvd.nist.gov/vuln/detail/${id}`] }]))
  return out
}

/** The REST `/shodan/host/{ip}` answer; `history` adds an older banner per port. */
export function hostJson(host: FakeHost, options: { history?: boolean; minify?: boolean } = {}): Record<string, unknown> {
  const vulnIds = [...new Set(host.banners.flatMap((b) => Object.keys(b.vulns ?? {})))]
  const ports = [...new Set([...host.banners.map((b) => b.port), ...(host.extraPorts ?? [])])].sort((a, b) => a - b)
  const body: Record<string, unknown> = {
    region_code: host.region_code, ip: ipToInt(host.ip) ?? undefined, ip_str: host.ip, country_code: host.country_code, city: host.city,
    last_update: host.last_update, latitude: host.latitude, longitude: host.longitude, tags: host.tags, area_code: null,
    country_name: host.country_name, hostnames: host.hostnames, org: host.org, isp: host.isp, asn: host.asn, os: host.os,
    domains: host.domains, ports
  }
  if (vulnIds.length) body.vulns = vulnIds
  if (options.minify) return body
  const data = host.banners.map((b) => bannerJson(host, b))
  if (options.history) {
    for (const b of host.banners) {
      const older = { ...b, timestamp: b.timestamp.replace(/^2023-08/, '2023-05'), version: b.version ? `${b.version}-old` : undefined, vulns: undefined }
      data.push(bannerJson(host, older))
    }
  }
  body.data = data
  return body
}

/** The InternetDB answer: a flat summary, `ip` a string. */
export function internetDbJson(host: FakeHost): Record<string, unknown> {
  return {
    cpes: [...new Set(host.banners.flatMap((b) => b.cpe23 ?? []))],
    hostnames: host.hostnames,
    ip: host.ip,
    ports: [...new Set([...host.banners.map((b) => b.port), ...(host.extraPorts ?? [])])].sort((a, b) => a - b),
    tags: host.tags,
    vulns: [...new Set(host.banners.flatMap((b) => Object.keys(b.vulns ?? {})))]
  }
}
