import { describe, expect, it } from 'vitest'
import {
  dedupeObservables,
  detectType,
  extractObservables,
  formatIpv6,
  isGlobalIp,
  parseIpv6,
  parseLookupInput,
  parseObservable,
  refang,
  UNRECOGNISED
} from '../../src/shared/observables'

describe('detectType', () => {
  it.each([
    ['8.8.8.8', 'ipv4'],
    ['2606:4700:4700::1111', 'ipv6'],
    ['::ffff:8.8.8.8', 'ipv6'],
    ['evil.example.com', 'dns'],
    ['xn--80ak6aa92e.com', 'dns'],
    ['https://evil.example.com/path?q=1', 'url'],
    ['ftp://10.0.0.1/x', 'url'],
    ['d41d8cd98f00b204e9800998ecf8427e', 'md5_hash'],
    ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'sha1_hash'],
    ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'sha256_hash'],
    ['alice@example.org', 'email'],
    ['hello', 'unknown'],
    ['256.1.1.1', 'unknown'],
    ['01.2.3.4', 'unknown'],
    ['1.2.3', 'unknown'],
    ['localhost', 'unknown'],
    ['1:2:3:4:5:6:7:8:9', 'unknown'],
    ['', 'unknown']
  ])('%s is %s', (value, type) => {
    expect(detectType(value)).toBe(type)
  })
})

describe('refang', () => {
  it.each([
    ['1.2.3[.]4', '1.2.3.4'],
    ['1(.)2(.)3(.)4', '1.2.3.4'],
    ['evil[dot]com', 'evil.com'],
    ['evil{.}com', 'evil.com'],
    ['hxxp://evil[.]com/a', 'http://evil.com/a'],
    ['hXXps[:]//evil[.]com', 'https://evil.com'],
    ['bob[@]evil[.]com', 'bob@evil.com'],
    ['bob(at)evil.com', 'bob@evil.com'],
    ['evil\\.com', 'evil.com']
  ])('%s -> %s', (input, output) => {
    expect(refang(input)).toBe(output)
  })

  it('types defanged input by what it means and keeps the source as typed', () => {
    expect(parseObservable('1.2.3[.]4')).toEqual({ source: '1.2.3[.]4', value: '1.2.3.4', type: 'ipv4', problem: null })
    expect(parseObservable(' hxxp://evil[.]com ').type).toBe('url')
  })
})

describe('global IP checks', () => {
  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'CGNAT'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['0.1.2.3', 'this network'],
    ['192.0.2.10', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['::ffff:192.168.0.1', 'private'],
    ['::', 'unspecified']
  ])('%s is not global (%s) and is bad format without a request', (ip, reason) => {
    expect(isGlobalIp(ip)).toBe(false)
    const parsed = parseObservable(ip)
    expect(parsed.problem).toMatch(/^IP address is not global/)
    expect(parsed.problem).toContain(reason)
  })

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '45.33.32.156', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    '%s is global',
    (ip) => {
      expect(isGlobalIp(ip)).toBe(true)
      expect(parseObservable(ip).problem).toBeNull()
    }
  )

  it('flags URLs whose host is a private IP and hashes with no entropy', () => {
    expect(parseObservable('http://10.0.0.5/admin').problem).toMatch(/not a global IP/)
    expect(parseObservable('http://8.8.8.8/').problem).toBeNull()
    expect(parseObservable('0'.repeat(32)).problem).toMatch(/entropy/)
  })
})

describe('IPv6 text', () => {
  it('parses and compresses per RFC 5952', () => {
    expect(formatIpv6(parseIpv6('2606:4700:4700:0:0:0:0:1111')!)).toBe('2606:4700:4700::1111')
    expect(formatIpv6(parseIpv6('[2001:DB8::1]')!)).toBe('2001:db8::1')
    expect(parseIpv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304])
    expect(parseIpv6('64:ff9b::1.2.3.4')).toEqual([0x64, 0xff9b, 0, 0, 0, 0, 0x0102, 0x0304])
    expect(parseIpv6('1::2::3')).toBeNull()
    expect(parseIpv6('12345::1')).toBeNull()
    expect(parseObservable('2606:4700:4700:0:0:0:0:1111').value).toBe('2606:4700:4700::1111')
  })
})

describe('extractObservables', () => {
  it('pulls typed, refanged, deduplicated observables out of prose', () => {
    const text = `Beacon from 185.220.101[.]1 to hxxps://evil[.]example[.]com/gate.php at 10:22.
      Dropper sha256 E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855, contact bob[@]evil.example.com.
      Again 185.220.101.1, plus dst=8.8.8.8:53 and report.pdf and notes.txt; internal 10.0.0.4.`
    expect(extractObservables(text)).toEqual([
      { type: 'ipv4', value: '185.220.101.1' },
      { type: 'url', value: 'https://evil.example.com/gate.php' },
      { type: 'sha256_hash', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
      { type: 'email', value: 'bob@evil.example.com' },
      { type: 'ipv4', value: '8.8.8.8' },
      { type: 'ipv4', value: '10.0.0.4' }
    ])
  })

  it('finds nothing in text without observables', () => {
    expect(extractObservables('nothing to see here, move along')).toEqual([])
  })

  it('dedupes by type and value', () => {
    expect(dedupeObservables([{ type: 'ipv4', value: '1.1.1.1' }, { type: 'ipv4', value: '1.1.1.1' }, { type: 'dns', value: 'a.com' }])).toHaveLength(2)
  })
})

describe('parseLookupInput', () => {
  it('takes one observable per line, skips empty lines and reports garbage once', () => {
    const parsed = parseLookupInput('8.8.8.8\n\n   \n1.1.1[.]1\nnot an ip!!\n8.8.8.8\nnot an ip!!\n10.0.0.1\r\n')
    expect(parsed.map((p) => [p.value, p.type, p.problem === null])).toEqual([
      ['8.8.8.8', 'ipv4', true],
      ['1.1.1.1', 'ipv4', true],
      ['not an ip!!', 'unknown', false],
      ['10.0.0.1', 'ipv4', false]
    ])
    expect(parsed[2].problem).toBe(UNRECOGNISED)
  })

  it('extracts from a blob when most lines are prose', () => {
    const parsed = parseLookupInput('The actor used 45.33.32.156 for scanning\nand later moved to 104.16.0.1 over TLS\n')
    expect(parsed.map((p) => p.value)).toEqual(['45.33.32.156', '104.16.0.1'])
  })

  it('handles 100,000 pasted lines', () => {
    const lines: string[] = []
    for (let i = 0; i < 100_000; i++) lines.push(i % 10 === 0 ? `garbage-${i} ?` : `${11 + (i % 200)}.${(i >> 8) & 255}.${i & 255}.7`)
    const parsed = parseLookupInput(lines.join('\n'), 'lines')
    expect(parsed.length).toBeGreaterThan(1000)
    expect(parsed.filter((p) => p.type === 'unknown')).toHaveLength(10_000)
  })

  it('clips absurdly long lines in the reported source', () => {
    const parsed = parseLookupInput('x'.repeat(10_000), 'lines')
    expect(parsed[0].source.length).toBeLessThanOrEqual(200)
    expect(parsed[0].problem).toBe(UNRECOGNISED)
  })
})
