import { describe, expect, it } from 'vitest'
import { tokenize } from '../../src/renderer/src/hunt/kql/tokenizer'

const types = (text: string) => tokenize(text).map((t) => [t.text, t.type])

describe('KQL tokenizer', () => {
  it('classifies operators, keywords, functions and identifiers', () => {
    expect(types('DeviceProcessEvents | where Timestamp > ago(7d) | project FileName')).toEqual([
      ['DeviceProcessEvents', 'variableName'],
      ['|', 'operator'],
      ['where', 'keyword'],
      ['Timestamp', 'variableName'],
      ['>', 'operator'],
      ['ago', 'variableName.function.standard'],
      ['(', 'paren'],
      ['7d', 'unit'],
      [')', 'paren'],
      ['|', 'operator'],
      ['project', 'keyword'],
      ['FileName', 'variableName']
    ])
  })

  it('reads hyphenated operators as one word but keeps subtraction apart', () => {
    expect(types('| mv-expand X | project-away Y | make-series')).toEqual([
      ['|', 'operator'], ['mv-expand', 'keyword'], ['X', 'variableName'],
      ['|', 'operator'], ['project-away', 'keyword'], ['Y', 'variableName'],
      ['|', 'operator'], ['make-series', 'keyword']
    ])
    expect(types('a-b')).toEqual([['a', 'variableName'], ['-', 'operator'], ['b', 'variableName']])
  })

  it('handles string operators including negated and case-insensitive forms', () => {
    expect(types('A has "x" and B !in ("a") or C in~ ("b") and D =~ "c" and E !contains "d"')
      .filter(([, t]) => t === 'operatorKeyword' || t === 'operator').map(([x]) => x))
      .toEqual(['has', 'and', '!in', 'or', 'in~', 'and', '=~', 'and', '!contains'])
    expect(types('!x')).toEqual([['!', 'operator'], ['x', 'variableName']])
  })

  it('tokenizes every string form as one string token', () => {
    for (const s of [`'it\\'s'`, `"say \\"hi\\""`, `@'C:\\temp\\'`, `@"a""b"`, `h'secret'`, `H@"x"`, `h@'y'`]) {
      expect(types(`x == ${s} | take 1`)[2]).toEqual([s, 'string'])
    }
  })

  it('marks an unterminated string as open', () => {
    const toks = tokenize('where A == "abc')
    expect(toks.at(-1)).toMatchObject({ type: 'string', text: '"abc', open: true })
    expect(tokenize('where A == "abc"').at(-1)?.open).toBeUndefined()
  })

  it('handles multi-line ``` strings across lines', () => {
    const toks = tokenize('print ```line one\n| not an operator\nend``` | take 1')
    expect(toks.filter((t) => t.type === 'string').map((t) => t.text)).toEqual(['```line one', '| not an operator', 'end```'])
    expect(toks.at(-2)).toMatchObject({ text: 'take', type: 'keyword' })
  })

  it('treats // as a comment to the end of the line, but not inside strings', () => {
    expect(types('T // take 10\n| take 5')).toEqual([
      ['T', 'variableName'], ['// take 10', 'lineComment'], ['|', 'operator'], ['take', 'keyword'], ['5', 'number']
    ])
    expect(types('x == "http://a"')[2]).toEqual(['"http://a"', 'string'])
  })

  it('reads numbers, timespans and typed literals', () => {
    expect(types('1 2.5 0x1F 1e3 7d 1h 30min 100ms 2.5days')).toEqual([
      ['1', 'number'], ['2.5', 'number'], ['0x1F', 'number'], ['1e3', 'number'],
      ['7d', 'unit'], ['1h', 'unit'], ['30min', 'unit'], ['100ms', 'unit'], ['2.5days', 'unit']
    ])
    expect(types('datetime(2024-01-31T10:00:00Z)')).toEqual([['datetime(2024-01-31T10:00:00Z)', 'string.special']])
    expect(types('todatetime(X)')[0]).toEqual(['todatetime', 'variableName.function.standard'])
    expect(types('dynamic(null)')[0]).toEqual(['dynamic', 'typeName'])
  })

  it('keeps keywords case-sensitive and function names only before (', () => {
    expect(types('Project count')).toEqual([['Project', 'variableName'], ['count', 'keyword']])
    expect(types('count()')[0]).toEqual(['count', 'variableName.function.standard'])
    expect(types('MyFunc(1)')[0]).toEqual(['MyFunc', 'variableName.function'])
    expect(types('true false null')).toEqual([['true', 'bool'], ['false', 'bool'], ['null', 'null']])
  })

  it('gives absolute offsets across lines', () => {
    const toks = tokenize('T\n| take 5')
    expect(toks.map((t) => [t.from, t.to])).toEqual([[0, 1], [2, 3], [4, 8], [9, 10]])
  })
})
