import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { buildHostCard, certDate } from '../../src/main/ti/hostcard'
import { EXCEL_CELL_LIMIT, rowsToCsv, rowsToJson } from '../../src/main/ti/export'
import { tiColumns, tiSummary, type TiRow } from '../../src/shared/ti'
import { hostJson, internetDbJson, knownHosts } from '../fakes/shodan-hosts'

const base = { provider: 'shodan' as const, ioc: '185.220.101.1', subtype: null, fetchedAt: 1000, severity: 'high' as const, reference: null }

describe('host card', () => {
  it('shows ports with product/version, banners, HTTP title, TLS, CVEs with CVSS and verified, owner, location, names', () => {
    const card = buildHostCard(base, JSON.stringify(hostJson(knownHosts['185.220.101.1'])), true)
    expect(card.found).toBe(true)
    expect(card.ports).toEqual([80, 443, 9001])
    expect(card.services.map((s) => [s.port, s.product, s.version, s.httpTitle])).toEqual([
      [80, 'nginx', '1.14.0', 'This is a Tor Exit Router'],
      [443, 'nginx', '1.14.0', 'This is a Tor Exit Router']
    ])
    expect(card.services[1].tls).toEqual({ subject: 'www.tor-exit.example', issuer: 'www.tor-exit.example', expires: '2022-01-01T00:00:00Z', expired: true })
    expect(card.services[0].banner).toMatch(/^HTTP\/1.1 200 OK/)
    expect(card.cves).toEqual([{ id: 'CVE-2021-23017', cvss: 7.7, verified: true, kev: false, summary: expect.stringMatching(/nginx resolver/), ports: [80] }])
    expect(card).toMatchObject({ tags: ['tor', 'malware'], org: 'Zwiebelfreunde e.V.', isp: 'Artikel10 e.V.', asn: 'AS208294', hostnames: ['tor-exit-1.zbau.f3netze.de'], domains: ['f3netze.de'], lastUpdate: '2023-08-16T01:00:00.000001' })
    expect(card.location).toMatchObject({ city: 'Berlin', country: 'Germany', countryCode: 'DE' })
  })

  it('groups history banners by port and keeps the newest as current', () => {
    const card = buildHostCard({ ...base, ioc: '8.8.8.8', subtype: 'history' }, JSON.stringify(hostJson(knownHosts['8.8.8.8'], { history: true })), true)
    const https = card.services.find((s) => s.port === 443)!
    expect(https.version).toBe('2.2.8')
    expect(https.history).toEqual([{ timestamp: '2023-05-16T05:47:53.468363', product: 'Apache httpd', version: '2.2.8-old' }])
    expect(card.services.find((s) => s.port === 443)!.tls?.issuer).toBe('GTS CA 1C3, Google Trust Services LLC')
  })

  it('reads InternetDB answers and negative answers', () => {
    const card = buildHostCard({ ...base, provider: 'internetdb', ioc: '45.33.32.156' }, JSON.stringify(internetDbJson(knownHosts['45.33.32.156'])), true)
    expect(card).toMatchObject({ found: true, ports: [22, 80, 9929, 31337], hostnames: ['scanme.nmap.org'], services: [] })
    expect(card.cves.map((c) => c.id)).toEqual(['CVE-2016-0777', 'CVE-2017-15710'])
    expect(buildHostCard(base, '{"error":"No information available for that IP."}', false)).toMatchObject({ found: false, ports: [] })
    expect(buildHostCard(base, 'not json', true)).toMatchObject({ found: false })
    expect(certDate('20231009082208Z')).toBe('2023-10-09T08:22:08Z')
  })
})

const row = (over: Partial<TiRow> = {}): TiRow => ({
  Ioc: '8.8.8.8', IocType: 'ipv4', SafeIoc: '8.8.8.8', QuerySubtype: null, Provider: 'shodan', Result: true, Severity: 'warning',
  Details: { Ports: [53, 443], Org: 'Google LLC', Vulns: ['CVE-2008-2939'], VerifiedVulns: [], Tags: [], Hostnames: ['dns.google'] },
  RawResult: { ip_str: '8.8.8.8' }, Reference: 'https://api.shodan.io/shodan/host/8.8.8.8?key=REDACTED', Status: 0,
  FetchedAt: Date.UTC(2026, 0, 2, 3, 4, 5), FromCache: false, State: 'done', Source: '8.8.8.8', ...over
})

describe('exports', () => {
  it('writes CSV that parses back (pandas-style) with msticpy columns, a BOM and CRLF', () => {
    const text = rowsToCsv([row(), row({ Ioc: '=cmd|calc', SafeIoc: 'x', Details: 'IP address is not global (private)', Status: 2, Result: false, FetchedAt: null })])
    expect(text.startsWith('\uFEFFIoc,IocType,')).toBe(true)
    expect(text).toContain('\r\n')
    const records = parse(text.slice(1), { columns: true }) as Record<string, string>[]
    expect(Object.keys(records[0])).toEqual([...tiColumns])
    expect(records[0]).toMatchObject({ Ioc: '8.8.8.8', Result: 'True', Status: '0', FetchedAt: '2026-01-02T03:04:05.000Z', FromCache: 'False' })
    expect(JSON.parse(records[0].Details)).toMatchObject({ Ports: [53, 443] })
    // A value that Excel would run as a formula is defused.
    expect(records[1].Ioc).toBe("'=cmd|calc")
    expect(records[1].FetchedAt).toBe('')
  })

  it('cuts cells beyond Excel\'s limit in CSV but keeps JSON whole', () => {
    const huge = { data: 'A'.repeat(50_000) }
    const csv = parse(rowsToCsv([row({ RawResult: huge })]).slice(1), { columns: true }) as Record<string, string>[]
    expect(csv[0].RawResult.length).toBeLessThanOrEqual(EXCEL_CELL_LIMIT)
    expect(csv[0].RawResult).toMatch(/truncated for Excel; the JSON export has the full value/)
    const json = JSON.parse(rowsToJson([row({ RawResult: huge })]))
    expect(json[0].RawResult.data).toHaveLength(50_000)
    expect(Object.keys(json[0])).toEqual([...tiColumns])
  })

  it('summarises rows for tables', () => {
    expect(tiSummary(row())).toBe('ports 53,443 · Google LLC · 1 CVE · dns.google')
    expect(tiSummary(row({ Details: 'Not found.' }))).toBe('Not found.')
  })
})
