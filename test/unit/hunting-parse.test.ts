import { describe, expect, it } from 'vitest'
import { validateKql, validateTimespan } from '../../src/main/hunting/client'
import { mapType, parseAgainIn, parseErrorBody, parseResult, parseRetryAfter } from '../../src/main/hunting/parse'

describe('hunting answers', () => {
  it('reads Graph (lower-case) and legacy (Pascal-case) shapes alike, rows in schema order', () => {
    const graph = parseResult({
      '@odata.context': 'x',
      schema: [{ name: 'Timestamp', type: 'DateTime' }, { name: 'FileName', type: 'String' }],
      results: [{ FileName: 'cmd.exe', Timestamp: '2024-03-26T09:39:50.7688641Z' }]
    })
    const legacy = parseResult({
      Stats: { ExecutionTime: 1 },
      Schema: [{ Name: 'Timestamp', Type: 'DateTime' }, { Name: 'FileName', Type: 'String' }],
      Results: [{ Timestamp: '2024-03-26T09:39:50.7688641Z', FileName: 'cmd.exe' }]
    })
    expect(graph).toEqual(legacy)
    // Seven fractional digits stay as sent: no Date round trip loses them.
    expect(graph.rows).toEqual([['2024-03-26T09:39:50.7688641Z', 'cmd.exe']])
    expect(graph.truncated).toBe(false)
  })

  it('maps every documented type name and falls back to String', () => {
    expect(['DateTime', 'String', 'Int64', 'Int32', 'Int16', 'UInt64', 'Double', 'Single', 'Decimal', 'Boolean', 'Guid', 'TimeSpan', 'Dynamic', 'Object', 'SByte', 'Byte'].map(mapType)).toEqual([
      'DateTime', 'String', 'Int64', 'Int32', 'Int32', 'Int64', 'Double', 'Double', 'Double', 'Boolean', 'Guid', 'TimeSpan', 'Dynamic', 'Dynamic', 'Int32', 'Int32'
    ])
    expect(mapType('dynamic')).toBe('Dynamic')
    expect(mapType('Hologram')).toBe('String')
  })

  it('keeps missing cells as null, takes columns from rows when there is no schema, and refuses non-objects', () => {
    expect(parseResult({ schema: [{ name: 'A' }, { name: 'B' }], results: [{ A: 1 }] }).rows).toEqual([[1, null]])
    expect(parseResult({ results: [{ X: 1, Y: 'y' }] }).schema).toEqual([{ name: 'X', type: 'String' }, { name: 'Y', type: 'String' }])
    expect(parseResult({ schema: [], results: [] })).toEqual({ schema: [], rows: [], truncated: false, answeredRows: 0 })
    expect(() => parseResult([1, 2])).toThrow(/not a JSON object/)
    expect(() => parseResult({ results: 'nope' })).toThrow(/results are not a list/)
    expect(() => parseResult({ schema: [{ name: 'A' }], results: [5] })).toThrow(/row 1 is not an object/)
  })

  it('flags the 100,000-row cap and keeps only 100,000 of a 100,001-row answer', () => {
    const results = Array.from({ length: 100_001 }, (_, i) => ({ N: i }))
    const parsed = parseResult({ schema: [{ name: 'N', type: 'Int64' }], results })
    expect(parsed.rows.length).toBe(100_000)
    expect(parsed.truncated).toBe(true)
    expect(parsed.answeredRows).toBe(100_001)
    expect(parsed.rows[99_999]).toEqual([99_999])
  })

  it('reads waits from Retry-After (decimal too) and from the message text', () => {
    expect(parseRetryAfter('2.128', 0)).toBe(2128)
    expect(parseRetryAfter('10', 0)).toBe(10_000)
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.UTC(2026, 9, 21, 7, 27, 30))).toBe(30_000)
    expect(parseRetryAfter('soon', 0)).toBeNull()
    expect(parseAgainIn('API calls quota exceeded! Maximum allowed 30 per 00:01:00 for the key X. You can send requests again in 8 seconds.')).toBe(8000)
    expect(parseAgainIn('You have exceeded processing resources allocated to this tenant. You can run queries again in 00:05:30.')).toBe(330_000)
    expect(parseAgainIn('Please retry again later.')).toBeNull()
  })

  it('reads both error envelopes and plain text', () => {
    expect(parseErrorBody('{"error":{"code":"429","message":"slow down","target":"t"}}')).toEqual({ code: '429', message: 'slow down' })
    expect(parseErrorBody('{"error":{"code":"UnknownError","message":"","innererror":{"message":"inner"}}}')).toEqual({ code: 'UnknownError', message: 'inner' })
    expect(parseErrorBody('<html>Bad gateway</html>')).toEqual({ code: '', message: '<html>Bad gateway</html>' })
  })

  it('checks KQL and timespans before anything is queued', () => {
    expect(() => validateKql('   \n ')).toThrow(/query is empty/)
    expect(() => validateKql('x'.repeat(100_001))).toThrow(/100,001 characters long; the hunting API accepts at most 100,000/)
    expect(validateKql('DeviceEvents | where DeviceName has "Zürich-東京" // ✓')).toContain('東京')
    expect(validateTimespan('P7D')).toBe('P7D')
    expect(validateTimespan('PT12H')).toBe('PT12H')
    expect(validateTimespan('2026-01-01T00:00:00Z/2026-01-02T00:00:00Z')).toBeTruthy()
    expect(validateTimespan('P30D/2026-01-02T00:00:00Z')).toBeTruthy()
    expect(validateTimespan('2026-01-01T00:00:00Z')).toBeTruthy()
    expect(validateTimespan('')).toBeNull()
    expect(() => validateTimespan('7 days')).toThrow(/not ISO 8601/)
    expect(() => validateTimespan('P7D/P1D')).toThrow(/not ISO 8601/)
    expect(() => validateTimespan('P')).toThrow(/not ISO 8601/)
  })
})
