import { describe, expect, it } from 'vitest'
import type { HttpAnswer } from '../../src/main/ti/http'
import { retryAfterMs } from '../../src/main/ti/http'
import { internetDbProvider, shodanProvider, supports } from '../../src/main/ti/providers'
import { severityOf } from '../../src/main/ti/severity'
import { hostJson, internetDbJson, knownHosts } from '../fakes/shodan-hosts'
import { RATE_LIMIT_MESSAGE } from '../fakes/shodan'

const answer = (status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer => ({
  kind: 'response',
  status,
  statusText: '',
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body)
})
const nginx401 = '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n</body></html>'

describe('Shodan answer classification (reference section 2)', () => {
  const classify = (a: HttpAnswer) => shodanProvider.classify(a, 0)

  it('reads a host: Result true, Status 0, Details in msticpy style', () => {
    const c = classify(answer(200, hostJson(knownHosts['8.8.8.8'])))
    expect(c).toMatchObject({ kind: 'ok', result: true, status: 0, severity: 'warning' })
    expect((c as { details: unknown }).details).toMatchObject({
      Ports: [53, 443], Org: 'Google LLC', ASN: 'AS15169', Hostnames: ['dns.google'], Vulns: ['CVE-2008-2939'], VerifiedVulns: [],
      Services: ['53/udp', '443/tcp Apache httpd 2.2.8']
    })
  })

  it('treats a 2xx body carrying error as an error, and a no-information one as no data', () => {
    expect(classify(answer(200, { error: 'Something broke' }))).toEqual({ kind: 'failed', status: 3, message: 'Shodan answered with an error: Something broke' })
    expect(classify(answer(200, { error: 'No information available for that IP.' }))).toMatchObject({ kind: 'ok', result: false, status: 404 })
    expect(classify(answer(200, { error: RATE_LIMIT_MESSAGE }))).toMatchObject({ kind: 'rate_limited', status: 429 })
  })

  it('maps 404 to a negative answer (msticpy: "Not found."), not a failure', () => {
    expect(classify(answer(404, { error: 'No information available for that IP.' }))).toMatchObject({ kind: 'ok', result: false, status: 404, details: 'Not found.', severity: 'information' })
  })

  it('stops on 401 whether the body is nginx HTML or JSON, and on 403', () => {
    expect(classify(answer(401, nginx401))).toMatchObject({ kind: 'halt', status: 401, details: 'Authorization failed. Check account and key details.', message: expect.stringMatching(/401, Invalid API key/) })
    expect(classify(answer(401, { error: 'Invalid API key' }))).toMatchObject({ kind: 'halt', status: 401, message: expect.stringMatching(/401: Invalid API key/) })
    expect(classify(answer(403, '<html>403 Forbidden</html>'))).toMatchObject({ kind: 'halt', status: 403, message: expect.stringMatching(/plan/) })
  })

  it('retries 429 honouring Retry-After (0 is 0, not absent) and 5xx', () => {
    expect(classify(answer(429, { error: RATE_LIMIT_MESSAGE }, { 'retry-after': '0' }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 0 })
    expect(classify(answer(429, { error: RATE_LIMIT_MESSAGE }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: null })
    expect(classify(answer(503, '<html>503</html>', { 'retry-after': '2' }))).toMatchObject({ kind: 'retry', status: 503, retryAfterMs: 2000 })
    expect(classify(answer(502, '<html>Bad Gateway</html>'))).toMatchObject({ kind: 'retry', status: 502 })
  })

  it('classifies transport failures: resets and timeouts retry, unreachable is offline, too large fails', () => {
    expect(classify({ kind: 'error', error: 'reset', message: 'the connection was reset (ECONNRESET)' })).toMatchObject({ kind: 'retry', status: 3 })
    expect(classify({ kind: 'error', error: 'timeout', message: 'no answer within 20 s' })).toMatchObject({ kind: 'retry' })
    expect(classify({ kind: 'error', error: 'offline', message: 'could not connect (ECONNREFUSED)' })).toMatchObject({ kind: 'offline' })
    expect(classify({ kind: 'error', error: 'too_large', message: 'the answer was larger than 16 MB' })).toMatchObject({ kind: 'failed', status: 3 })
  })

  it('fails clearly on malformed JSON and unexpected shapes', () => {
    expect(classify(answer(200, '{"ip_str": "1.2.3.4", "ports": [22'))).toMatchObject({ kind: 'failed', message: 'Shodan sent an answer that is not valid JSON' })
    expect(classify(answer(200, [1, 2]))).toMatchObject({ kind: 'failed', message: expect.stringMatching(/not a JSON object/) })
    expect(classify(answer(200, { ip_str: '1.2.3.4', ports: [22], data: 'x' }))).toMatchObject({ kind: 'failed', message: expect.stringMatching(/banner list/) })
    expect(classify(answer(400, { error: 'Invalid IP' }))).toEqual({ kind: 'failed', status: 400, message: 'Invalid IP' })
  })

  it('skips "!CVE" ids and reads only what is present (every field optional)', () => {
    const c = classify(answer(200, { ip_str: '1.2.3.4', ports: [80], vulns: ['!CVE-2000-0001', 'CVE-2020-0001'] }))
    expect(c).toMatchObject({ kind: 'ok', severity: 'warning', details: { Vulns: ['CVE-2020-0001'], Org: null, Tags: [] } })
  })

  it('puts the key only in the request URL; the Reference is redacted', () => {
    const r = shodanProvider.request('https://api.shodan.io', '2606:4700:4700::1111', 'history', 'SECRETkey')
    expect(r.url).toBe('https://api.shodan.io/shodan/host/2606%3A4700%3A4700%3A%3A1111?key=SECRETkey&history=true')
    expect(r.reference).toBe('https://api.shodan.io/shodan/host/2606%3A4700%3A4700%3A%3A1111?key=REDACTED&history=true')
  })
})

describe('InternetDB', () => {
  it('reads its flat answer and its own 404 and 429 bodies', () => {
    const ok = internetDbProvider.classify(answer(200, internetDbJson(knownHosts['45.33.32.156'])), 0)
    expect(ok).toMatchObject({ kind: 'ok', result: true, severity: 'warning', details: { Ports: [22, 80, 9929, 31337], Hostnames: ['scanme.nmap.org'] } })
    expect(internetDbProvider.classify(answer(404, { detail: 'No information available' }), 0)).toMatchObject({ kind: 'ok', result: false, status: 404 })
    expect(internetDbProvider.classify(answer(429, { error: 'Rate limit exceeded. Contact sales@shodan.io if you need a higher rate limit.' }), 0)).toMatchObject({ kind: 'rate_limited' })
    expect(internetDbProvider.request('https://internetdb.shodan.io', '8.8.8.8', '', null)).toEqual({ url: 'https://internetdb.shodan.io/8.8.8.8', reference: 'https://internetdb.shodan.io/8.8.8.8' })
  })

  it('declares supported types like msticpy providers', () => {
    expect(supports('shodan', 'ipv4')).toBe(true)
    expect(supports('shodan', 'ipv6')).toBe(true)
    expect(supports('internetdb', 'ipv6')).toBe(false)
    expect(supports('shodan', 'dns')).toBe(false)
  })
})

describe('severity rules', () => {
  it('rates verified or known-exploited CVEs high; other CVEs and risky tags warning; the rest information', () => {
    expect(severityOf({ cves: [{ id: 'CVE-1', verified: true, kev: false }], tags: [] })).toBe('high')
    expect(severityOf({ cves: [{ id: 'CVE-1', verified: false, kev: true }], tags: [] })).toBe('high')
    expect(severityOf({ cves: [{ id: 'CVE-1', verified: false, kev: false }], tags: [] })).toBe('warning')
    for (const tag of ['compromised', 'malware', 'c2', 'botnet', 'tor', 'Ransomware']) expect(severityOf({ cves: [], tags: [tag] })).toBe('warning')
    expect(severityOf({ cves: [], tags: ['cdn', 'cloud'] })).toBe('information')
    expect(severityOf({ cves: [{ id: '!CVE-1', verified: true, kev: false }], tags: [] })).toBe('information')
  })

  it('gives the fake hosts the expected severities', () => {
    const sev = (ip: string) => (shodanProvider.classify(answer(200, hostJson(knownHosts[ip])), 0) as { severity: string }).severity
    expect(sev('185.220.101.1')).toBe('high')
    expect(sev('45.33.32.156')).toBe('warning')
    expect(sev('104.16.0.1')).toBe('information')
    expect(sev('1.1.1.1')).toBe('information')
  })
})

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs({ 'retry-after': '0' }, 0)).toBe(0)
    expect(retryAfterMs({ 'retry-after': '3' }, 0)).toBe(3000)
    expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4000)).toBe(6000)
    expect(retryAfterMs({}, 0)).toBeNull()
    expect(retryAfterMs({ 'retry-after': 'soon' }, 0)).toBeNull()
  })
})
