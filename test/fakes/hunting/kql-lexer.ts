// Tokenizer for the fake's KQL subset. Errors carry Kusto's wording so clients can be
// tested against the messages the real service and portal show.
import { timespanUnitMs } from './kql-values'

export type TokenKind = 'ident' | 'string' | 'number' | 'timespan' | 'datetime' | 'op' | 'eof'

export interface Token {
  kind: TokenKind
  text: string
  /** Parsed value: string contents, numeric value, timespan in ms, raw datetime text. */
  value?: string | number
  line: number
  col: number
}

export class KqlError extends Error {
  constructor(
    readonly kind: 'syntax' | 'semantic',
    message: string
  ) {
    super(message)
    this.name = 'KqlError'
  }
}

export function syntaxError(tok: Pick<Token, 'text' | 'line' | 'col'>): KqlError {
  const at = tok.text === '' ? '<end of query>' : tok.text
  return new KqlError('syntax', `A recognition error occurred. Query could not be parsed at '${at}' on line [${tok.line},${tok.col}]`)
}

const OPS = ['..', '==', '!=', '=~', '!~', '<=', '>=', '|', '(', ')', ',', '<', '>', '=', '+', '-', '*', '/', '%', '.', '[', ']', ';', ':']

export function tokenize(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  const at = (): { line: number; col: number } => ({ line, col: i - lineStart + 1 })
  const isIdStart = (c: string) => /[A-Za-z_$]/.test(c)
  const isId = (c: string) => /[A-Za-z0-9_$]/.test(c)

  while (i < src.length) {
    const c = src[i]!
    if (c === '\n') {
      i++
      line++
      lineStart = i
      continue
    }
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++
      continue
    }
    const pos = at()
    // Strings: '...' and "..." with backslash escapes; @'...' verbatim.
    if (c === "'" || c === '"' || (c === '@' && (src[i + 1] === "'" || src[i + 1] === '"'))) {
      const verbatim = c === '@'
      const start = i
      if (verbatim) i++
      const quote = src[i]!
      i++
      let value = ''
      for (;;) {
        if (i >= src.length || src[i] === '\n') throw syntaxError({ text: src.slice(start, i), ...pos })
        const ch = src[i]!
        if (ch === quote) {
          if (verbatim && src[i + 1] === quote) {
            value += quote
            i += 2
            continue
          }
          i++
          break
        }
        if (ch === '\\' && !verbatim) {
          const next = src[i + 1] ?? ''
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next
          i += 2
          continue
        }
        value += ch
        i++
      }
      out.push({ kind: 'string', text: src.slice(start, i), value, ...pos })
      continue
    }
    if (/[0-9]/.test(c)) {
      const start = i
      while (i < src.length && /[0-9]/.test(src[i]!)) i++
      if (src[i] === '.' && /[0-9]/.test(src[i + 1] ?? '')) {
        i++
        while (i < src.length && /[0-9]/.test(src[i]!)) i++
      }
      const num = Number(src.slice(start, i))
      if (i < src.length && isIdStart(src[i]!)) {
        const unitStart = i
        while (i < src.length && isId(src[i]!)) i++
        const unit = src.slice(unitStart, i)
        const ms = timespanUnitMs(unit)
        if (ms === undefined) throw syntaxError({ text: src.slice(start, i), ...pos })
        out.push({ kind: 'timespan', text: src.slice(start, i), value: num * ms, ...pos })
        continue
      }
      out.push({ kind: 'number', text: src.slice(start, i), value: num, ...pos })
      continue
    }
    if (isIdStart(c)) {
      const start = i
      while (i < src.length && isId(src[i]!)) i++
      // Dashed operator names: project-away, project-rename, ...
      while (src[i] === '-' && /[a-z]/.test(src[i + 1] ?? '') && src.slice(start, i) === 'project') {
        i++
        while (i < src.length && isId(src[i]!)) i++
      }
      let text = src.slice(start, i)
      if ((text === 'in' || text === 'has_any') && src[i] === '~') {
        i++
        text += '~'
      }
      // datetime(...) holds raw text such as 2024-01-01T10:00:00Z, which is not a token stream.
      if (text === 'datetime') {
        let j = i
        while (j < src.length && /[ \t]/.test(src[j]!)) j++
        if (src[j] === '(') {
          const close = src.indexOf(')', j)
          if (close < 0) throw syntaxError({ text: src.slice(start), ...pos })
          const raw = src.slice(j + 1, close).trim().replace(/^["']|["']$/g, '')
          i = close + 1
          out.push({ kind: 'datetime', text: src.slice(start, i), value: raw, ...pos })
          continue
        }
      }
      out.push({ kind: 'ident', text, ...pos })
      continue
    }
    // Negated word operators: !has, !contains, !in, !in~, !startswith, ...
    if (c === '!' && isIdStart(src[i + 1] ?? '')) {
      const start = i
      i++
      while (i < src.length && isId(src[i]!)) i++
      if (src[i] === '~') i++
      out.push({ kind: 'op', text: src.slice(start, i), ...pos })
      continue
    }
    const op = OPS.find((o) => src.startsWith(o, i))
    if (!op) throw syntaxError({ text: c, ...pos })
    i += op.length
    out.push({ kind: 'op', text: op, ...pos })
  }
  out.push({ kind: 'eof', text: '', ...at() })
  return out
}
