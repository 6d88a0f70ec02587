import { describe, expect, it } from 'vitest'
import {
  distinctLines, formatCell, formatLocalTime, kqlList, parseDynamic, parseIsoTime, plainText,
  rowToTsv, rowsToTsv, tsvField, CELL_TEXT_LIMIT
} from '../../src/renderer/src/grid/format'

describe('formatCell', () => {
  it('keeps null and the empty string apart', () => {
    expect(formatCell(null, 'string')).toEqual({ kind: 'null', text: 'null' })
    expect(formatCell(undefined, 'long')).toMatchObject({ kind: 'null' })
    expect(formatCell('', 'string')).toEqual({ kind: 'empty', text: '', title: 'empty string' })
  })

  it('shows datetimes in local time with the raw ISO value as the tooltip', () => {
    const raw = '2024-01-31T10:00:05.1234567Z'
    const d = formatCell(raw, 'DateTime')
    expect(d.kind).toBe('datetime')
    expect(d.title).toBe(raw)
    expect(d.text).toBe(formatLocalTime(new Date(Date.UTC(2024, 0, 31, 10, 0, 5, 123))))
    expect(d.text).toMatch(/^2024-01-3[01] \d\d:\d\d:05\.123$/)
    expect(formatCell('not a date', 'datetime')).toMatchObject({ kind: 'text', text: 'not a date' })
  })

  it('formats numbers, bools and dynamic values', () => {
    expect(formatCell(42, 'Int64')).toEqual({ kind: 'number', text: '42' })
    expect(formatCell('9007199254740993', 'long')).toEqual({ kind: 'number', text: '9007199254740993' })
    expect(formatCell(true, 'Boolean')).toEqual({ kind: 'bool', text: 'true' })
    expect(formatCell({ a: [1, 2] }, 'dynamic')).toEqual({ kind: 'dynamic', text: '{"a":[1,2]}' })
    expect(formatCell('{"a":1}', 'dynamic')).toMatchObject({ kind: 'dynamic', text: '{"a":1}' })
  })

  it('cuts long text and flattens line breaks, keeping the full text as the tooltip', () => {
    const long = 'x'.repeat(CELL_TEXT_LIMIT + 100)
    const d = formatCell(long, 'string')
    expect(d.text.length).toBe(CELL_TEXT_LIMIT)
    expect(d.title).toBe(long)
    expect(formatCell('a\nb\tc', 'string')).toEqual({ kind: 'text', text: 'a b c', title: 'a\nb\tc' })
    expect(formatCell('short', 'string')).toEqual({ kind: 'text', text: 'short' })
  })
})

describe('time parsing', () => {
  it('reads .NET 7-digit fractions, offsets and zone-less UTC', () => {
    expect(parseIsoTime('2024-01-31T10:00:00.1234567Z')?.toISOString()).toBe('2024-01-31T10:00:00.123Z')
    expect(parseIsoTime('2024-01-31T10:00:00+02:00')?.toISOString()).toBe('2024-01-31T08:00:00.000Z')
    expect(parseIsoTime('2024-01-31 10:00:00')?.toISOString()).toBe('2024-01-31T10:00:00.000Z')
    expect(parseIsoTime('2024-13-45T99:00:00Z')).toBeNull()
    expect(parseIsoTime('yesterday')).toBeNull()
  })

  it('omits zero milliseconds', () => {
    expect(formatLocalTime(new Date(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02 03:04:05')
    expect(formatLocalTime(new Date(2024, 0, 2, 3, 4, 5, 7))).toBe('2024-01-02 03:04:05.007')
  })
})

describe('copy formats', () => {
  it('quotes TSV fields that hold tabs, line breaks or quotes', () => {
    expect(tsvField('plain')).toBe('plain')
    expect(tsvField('a\tb')).toBe('"a\tb"')
    expect(tsvField('say "hi"')).toBe('"say ""hi"""')
    expect(tsvField('line1\nline2')).toBe('"line1\nline2"')
    expect(tsvField(null)).toBe('')
    expect(tsvField({ k: 'v' })).toBe('"{""k"":""v""}"')
  })

  it('builds TSV rows for chosen columns, with an optional header', () => {
    const row = ['2024-01-31T10:00:00Z', 'cmd.exe', null, 3]
    expect(rowToTsv(row)).toBe('2024-01-31T10:00:00Z\tcmd.exe\t\t3')
    expect(rowToTsv(row, [1, 3])).toBe('cmd.exe\t3')
    expect(rowsToTsv([row, row], ['Time', 'Name', 'X', 'N'])).toBe(
      'Time\tName\tX\tN\n2024-01-31T10:00:00Z\tcmd.exe\t\t3\n2024-01-31T10:00:00Z\tcmd.exe\t\t3'
    )
  })

  it('lists distinct values one per line, skipping null and empty', () => {
    expect(distinctLines(['b', 'a', 'b', null, '', 'multi\nline', 1, 1])).toBe('b\na\nmulti line\n1')
    expect(distinctLines([])).toBe('')
  })

  it('makes KQL list literals by type', () => {
    expect(kqlList(['a"b', 'c', 'c', null], 'string')).toBe('("a\\"b", "c")')
    expect(kqlList([1, 2, '3', 'x'], 'long')).toBe('(1, 2, 3, "x")')
  })

  it('copies raw values, not display text', () => {
    expect(plainText('2024-01-31T10:00:00.1234567Z')).toBe('2024-01-31T10:00:00.1234567Z')
    expect(plainText(undefined)).toBe('')
    expect(plainText([1, 'a'])).toBe('[1,"a"]')
  })
})

describe('parseDynamic', () => {
  it('parses JSON text and passes objects through', () => {
    expect(parseDynamic('{"a": 1}')).toEqual({ a: 1 })
    expect(parseDynamic(' [1,2] ')).toEqual([1, 2])
    const obj = { b: 2 }
    expect(parseDynamic(obj)).toBe(obj)
    expect(parseDynamic('{not json}')).toBeUndefined()
    expect(parseDynamic('plain')).toBeUndefined()
    expect(parseDynamic(5)).toBeUndefined()
    expect(parseDynamic(null)).toBeUndefined()
  })
})
