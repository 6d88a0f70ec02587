import { StringStream, type StreamParser } from '@codemirror/language'
import {
  aggregateFunctions, atoms, negatableOperators, otherKeywords, scalarFunctions, scalarTypes,
  statementKeywords, tabularOperators, timespanUnits, wordOperators
} from './tokens'

// A CodeMirror-5 style stream tokenizer for KQL. It does highlighting only; the same token
// stream feeds completion (see `tokenize`), so the two never disagree about what is a string
// or a comment.

export interface KqlState {
  /** Delimiter of an open multi-line string (``` or ~~~), or null. */
  multiline: string | null
  /** Set when the last token was a string cut off by the end of the line. */
  unclosed: boolean
}

const keywords = new Set<string>([...tabularOperators, ...statementKeywords, ...otherKeywords])
const operatorWords = new Set<string>(wordOperators)
const typeWords = new Set<string>(scalarTypes)
const functionWords = new Set<string>([
  ...Object.keys(scalarFunctions), ...Object.keys(aggregateFunctions)
])
// Hyphenated operators are read as one word only when the whole word is known, so that
// `a-b` stays a subtraction.
const hyphenWords = new Set<string>(tabularOperators.filter((w) => w.includes('-')))
const unitPattern = new RegExp(`^(?:${[...timespanUnits].sort((a, b) => b.length - a.length).join('|')})\\b`)

function readQuoted(stream: StringStream, state: KqlState, quote: string, verbatim: boolean): string {
  for (;;) {
    const ch = stream.next()
    if (ch === undefined) {
      state.unclosed = true
      return 'string'
    }
    if (!verbatim && ch === '\\') {
      stream.next()
      continue
    }
    if (ch === quote) {
      // A verbatim string escapes its quote by doubling it.
      if (verbatim && stream.peek() === quote) {
        stream.next()
        continue
      }
      return 'string'
    }
  }
}

function readMultiline(stream: StringStream, state: KqlState): string {
  const delim = state.multiline as string
  const end = stream.string.indexOf(delim, stream.pos)
  if (end < 0) {
    stream.skipToEnd()
  } else {
    stream.pos = end + delim.length
    state.multiline = null
  }
  return 'string'
}

function readWord(stream: StringStream): string {
  let word = stream.current()
  // Hyphenated operators: mv-expand, project-away, make-series...
  for (;;) {
    const m = stream.match(/^-[a-z]+/, false) as RegExpMatchArray | null
    if (!m || !hyphenWords.has(word + m[0])) break
    stream.pos += m[0].length
    word += m[0]
  }
  if ((word === 'in' || word === 'notin') && stream.peek() === '~') {
    stream.next()
    word += '~'
  }
  return word
}

function classifyWord(stream: StringStream, word: string): string {
  const call = stream.match(/^\s*\(/, false) !== null
  if (call) {
    if (functionWords.has(word)) return 'variableName.function.standard'
    if (typeWords.has(word)) return 'typeName'
    if (!keywords.has(word) && !operatorWords.has(word)) return 'variableName.function'
  }
  if (word === 'true' || word === 'false') return 'bool'
  if ((atoms as readonly string[]).includes(word)) return 'null'
  if (operatorWords.has(word)) return 'operatorKeyword'
  if (keywords.has(word)) return 'keyword'
  if (typeWords.has(word)) return 'typeName'
  return 'variableName'
}

export const kqlStreamParser: StreamParser<KqlState> = {
  name: 'kql',
  startState: () => ({ multiline: null, unclosed: false }),
  copyState: (s) => ({ multiline: s.multiline, unclosed: s.unclosed }),
  token(stream, state) {
    state.unclosed = false
    if (state.multiline) return readMultiline(stream, state)
    if (stream.eatSpace()) return null
    if (stream.match('//')) {
      stream.skipToEnd()
      return 'lineComment'
    }
    const fence = stream.match(/^(?:```|~~~)/) as RegExpMatchArray | null
    if (fence) {
      state.multiline = fence[0]
      return readMultiline(stream, state)
    }
    // Verbatim (@'..'), obfuscated (h'..', H@".."), and plain strings.
    const prefix = stream.match(/^(?:[hH]@?|@)(?=['"])/) as RegExpMatchArray | null
    const ch = stream.peek()
    if (ch === '"' || ch === "'") {
      stream.next()
      return readQuoted(stream, state, ch, prefix !== null && prefix[0].includes('@'))
    }
    // Typed literals whose body is not an expression: datetime(2024-01-31), guid(...), 1d.
    if (stream.match(/^(?:datetime|date|timespan|time|guid)\(\s*[0-9a-fA-F][^()'"]*\)/)) {
      return 'string.special'
    }
    if (stream.match(/^0[xX][0-9a-fA-F]+/)) return 'number'
    if (stream.match(/^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/)) {
      if (stream.match(unitPattern)) return 'unit'
      return 'number'
    }
    if (stream.match(/^[A-Za-z_$][\w$]*/)) {
      const word = readWord(stream)
      return classifyWord(stream, word)
    }
    if (ch === '!') {
      const neg = stream.match(/^![a-z_]+~?/, false) as RegExpMatchArray | null
      if (neg && negatableOperators.has(neg[0].slice(1))) {
        stream.pos += neg[0].length
        return 'operatorKeyword'
      }
    }
    if (stream.match(/^(?:==|!=|<>|<=|>=|=~|!~|=>|\.\.|[-+*/%<>=!|])/)) return 'operator'
    if (stream.match(/^[()]/)) return 'paren'
    if (stream.match(/^[[\]]/)) return 'squareBracket'
    if (stream.match(/^[{}]/)) return 'brace'
    if (stream.match(/^;/)) return 'separator'
    if (stream.match(/^[,.:]/)) return 'punctuation'
    stream.next()
    return null
  },
  languageData: {
    commentTokens: { line: '//' },
    closeBrackets: { brackets: ['(', '[', '{', "'", '"'] }
  }
}

export interface KqlToken {
  /** The highlighting style name, or 'other' for unrecognised characters. */
  type: string
  text: string
  from: number
  to: number
  /** A string whose closing quote has not been reached. */
  open?: boolean
}

/**
 * Run the highlighter's tokenizer over a whole text and return its tokens with absolute
 * offsets. Whitespace is dropped.
 */
export function tokenize(text: string): KqlToken[] {
  const out: KqlToken[] = []
  const state = kqlStreamParser.startState!(2)
  let lineStart = 0
  for (const line of text.split('\n')) {
    const stream = new StringStream(line, 4, 2)
    while (!stream.eol()) {
      stream.start = stream.pos
      const type = kqlStreamParser.token(stream, state)
      if (stream.pos === stream.start) stream.pos++ // never loop on a stuck tokenizer
      const tokenText = line.slice(stream.start, stream.pos)
      if (type === null && tokenText.trim() === '') continue
      const token: KqlToken = { type: type ?? 'other', text: tokenText, from: lineStart + stream.start, to: lineStart + stream.pos }
      if (type === 'string' && (state.unclosed || state.multiline)) token.open = true
      out.push(token)
    }
    lineStart += line.length + 1
  }
  return out
}
