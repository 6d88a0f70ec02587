import { describe, expect, it } from 'vitest'
import {
  allQueries, appendToQueryAtCursor, queryAtCursor, queryToRun
} from '../../src/renderer/src/hunt/kql/query-at-cursor'

const doc = 'A\n| take 1\n\nB\n| where x\n| count\n\n\n   \nC'

describe('queryAtCursor', () => {
  it('returns the blank-line separated block around the cursor', () => {
    expect(queryAtCursor(doc, 0)).toEqual({ from: 0, to: 10, text: 'A\n| take 1' })
    const posB = doc.indexOf('where')
    expect(queryAtCursor(doc, posB).text).toBe('B\n| where x\n| count')
    expect(queryAtCursor(doc, doc.length).text).toBe('C')
  })

  it('on a blank line prefers the block above, else the one below', () => {
    expect(queryAtCursor(doc, 11).text).toBe('A\n| take 1')
    const spaces = doc.indexOf('   ')
    expect(queryAtCursor(doc, spaces + 1).text).toBe('B\n| where x\n| count')
    expect(queryAtCursor('\n\nX', 0).text).toBe('X')
  })

  it('returns an empty range for an empty document', () => {
    expect(queryAtCursor('', 0)).toEqual({ from: 0, to: 0, text: '' })
    expect(queryAtCursor('  \n \n', 3)).toEqual({ from: 3, to: 3, text: '' })
  })

  it('clamps positions and handles CRLF line breaks', () => {
    expect(queryAtCursor('X', 99).text).toBe('X')
    const crlf = 'A\r\n| take 1\r\n\r\nB'
    expect(queryAtCursor(crlf, 1).text).toBe('A\r\n| take 1')
    expect(queryAtCursor(crlf, crlf.length).text).toBe('B')
  })

  it('treats comment-only lines as part of a query', () => {
    expect(queryAtCursor('// hunt\nT | take 1', 0).text).toBe('// hunt\nT | take 1')
  })

  it('lists all queries', () => {
    expect(allQueries(doc).map((q) => q.text)).toEqual(['A\n| take 1', 'B\n| where x\n| count', 'C'])
    expect(allQueries('\n\n')).toEqual([])
  })
})

describe('queryToRun', () => {
  it('runs the selection when there is one, else the query under the cursor', () => {
    expect(queryToRun(doc, { from: 0, to: 1 })).toBe('A')
    expect(queryToRun(doc, { from: doc.indexOf('count'), to: doc.indexOf('count') })).toBe('B\n| where x\n| count')
    expect(queryToRun('  \n', { from: 0, to: 0 })).toBe('')
  })
})

describe('appendToQueryAtCursor', () => {
  it('appends a pipeline step at the end of the current query only', () => {
    const r = appendToQueryAtCursor(doc, 0, 'where FileName == "x"')
    expect(r.doc).toBe('A\n| take 1\n| where FileName == "x"\n\nB\n| where x\n| count\n\n\n   \nC')
    expect(r.doc.slice(0, r.pos).endsWith('"x"')).toBe(true)
  })

  it('does not double the pipe and works on an empty editor', () => {
    expect(appendToQueryAtCursor('T', 0, '| take 1').doc).toBe('T\n| take 1')
    expect(appendToQueryAtCursor('', 0, 'take 1')).toEqual({ doc: '| take 1', pos: 8 })
  })
})
