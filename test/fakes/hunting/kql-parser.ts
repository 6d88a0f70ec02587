// Recursive-descent parser for the fake's KQL subset: a table, then piped operators.
import { KqlError, syntaxError, tokenize, type Token } from './kql-lexer'
import { KDateTime, KTimespan, parseDateTime, type KValue } from './kql-values'

export type Expr =
  | { k: 'lit'; v: KValue }
  | { k: 'col'; name: string }
  | { k: 'call'; fn: string; args: Expr[] }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'in'; op: string; e: Expr; list: Expr[] }
  | { k: 'between'; not: boolean; e: Expr; lo: Expr; hi: Expr }
  | { k: 'neg'; e: Expr }

export interface NamedExpr {
  name?: string
  e: Expr
}

export interface SortKey {
  e: Expr
  desc: boolean
}

export type Op =
  | { k: 'where'; e: Expr }
  | { k: 'project' | 'extend' | 'distinct'; items: NamedExpr[] }
  | { k: 'project-away'; names: string[] }
  | { k: 'take'; n: number }
  | { k: 'summarize'; aggs: NamedExpr[]; by: NamedExpr[] }
  | { k: 'sort'; keys: SortKey[] }
  | { k: 'top'; n: number; key: SortKey }
  | { k: 'count' }

export interface Query {
  table: string
  ops: Op[]
}

// Operators that sit between two operands, from loosest to tightest binding.
const STRING_OPS = new Set([
  'has', '!has', 'has_cs', '!has_cs', 'contains', '!contains', 'contains_cs', '!contains_cs',
  'startswith', '!startswith', 'startswith_cs', '!startswith_cs', 'endswith', '!endswith',
  'endswith_cs', '!endswith_cs', 'hasprefix', '!hasprefix', 'hassuffix', '!hassuffix'
])
const COMPARE_OPS = new Set(['==', '!=', '=~', '!~', '<', '>', '<=', '>='])
const IN_OPS = new Set(['in', '!in', 'in~', '!in~', 'has_any', 'has_all'])

class Parser {
  private i = 0
  constructor(private readonly toks: Token[]) {}

  peek(offset = 0): Token {
    return this.toks[Math.min(this.i + offset, this.toks.length - 1)]!
  }
  next(): Token {
    const t = this.peek()
    if (t.kind !== 'eof') this.i++
    return t
  }
  isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset)
    return t.kind === 'op' && t.text === text
  }
  isWord(text: string, offset = 0): boolean {
    const t = this.peek(offset)
    return t.kind === 'ident' && t.text === text
  }
  expectOp(text: string): void {
    if (!this.isOp(text)) throw syntaxError(this.peek())
    this.next()
  }
  expectWord(text: string): void {
    if (!this.isWord(text)) throw syntaxError(this.peek())
    this.next()
  }
  ident(): string {
    const t = this.peek()
    if (t.kind !== 'ident') throw syntaxError(t)
    this.next()
    return t.text
  }
  int(): number {
    const t = this.peek()
    if (t.kind !== 'number' || !Number.isInteger(t.value)) throw syntaxError(t)
    this.next()
    return t.value as number
  }

  query(): Query {
    const table = this.ident()
    const ops: Op[] = []
    while (this.isOp('|')) {
      this.next()
      ops.push(this.operator())
    }
    if (this.isOp(';')) this.next()
    if (this.peek().kind !== 'eof') throw syntaxError(this.peek())
    return { table, ops }
  }

  operator(): Op {
    const t = this.peek()
    if (t.kind !== 'ident') throw syntaxError(t)
    this.next()
    switch (t.text) {
      case 'where':
      case 'filter':
        return { k: 'where', e: this.expr() }
      case 'project':
      case 'extend':
      case 'distinct':
        return { k: t.text, items: this.namedList() }
      case 'project-away': {
        const names = [this.ident()]
        while (this.isOp(',')) {
          this.next()
          names.push(this.ident())
        }
        return { k: 'project-away', names }
      }
      case 'take':
      case 'limit':
        return { k: 'take', n: this.int() }
      case 'count':
        return { k: 'count' }
      case 'order':
      case 'sort': {
        this.expectWord('by')
        const keys = [this.sortKey()]
        while (this.isOp(',')) {
          this.next()
          keys.push(this.sortKey())
        }
        return { k: 'sort', keys }
      }
      case 'top': {
        const n = this.int()
        this.expectWord('by')
        return { k: 'top', n, key: this.sortKey() }
      }
      case 'summarize': {
        const aggs = this.isWord('by') ? [] : this.namedList()
        let by: NamedExpr[] = []
        if (this.isWord('by')) {
          this.next()
          by = this.namedList()
        }
        if (aggs.length === 0 && by.length === 0) throw syntaxError(this.peek())
        return { k: 'summarize', aggs, by }
      }
      default:
        throw syntaxError(t)
    }
  }

  sortKey(): SortKey {
    const e = this.expr()
    let desc = true // Kusto sorts descending unless told otherwise.
    if (this.isWord('asc') || this.isWord('desc')) desc = this.next().text === 'desc'
    if (this.isWord('nulls')) {
      this.next()
      if (!this.isWord('first') && !this.isWord('last')) throw syntaxError(this.peek())
      this.next()
    }
    return { e, desc }
  }

  namedList(): NamedExpr[] {
    const items = [this.named()]
    while (this.isOp(',')) {
      this.next()
      items.push(this.named())
    }
    return items
  }

  named(): NamedExpr {
    if (this.peek().kind === 'ident' && this.isOp('=', 1)) {
      const name = this.ident()
      this.next()
      return { name, e: this.expr() }
    }
    return { e: this.expr() }
  }

  expr(): Expr {
    let l = this.and()
    while (this.isWord('or')) {
      this.next()
      l = { k: 'bin', op: 'or', l, r: this.and() }
    }
    return l
  }

  and(): Expr {
    let l = this.comparison()
    while (this.isWord('and')) {
      this.next()
      l = { k: 'bin', op: 'and', l, r: this.comparison() }
    }
    return l
  }

  comparison(): Expr {
    const l = this.additive()
    const t = this.peek()
    const word = t.kind === 'ident' || t.kind === 'op' ? t.text : ''
    if (t.kind === 'op' && COMPARE_OPS.has(word)) {
      this.next()
      return { k: 'bin', op: word, l, r: this.additive() }
    }
    if (STRING_OPS.has(word)) {
      this.next()
      return { k: 'bin', op: word, l, r: this.additive() }
    }
    if (word === 'matches' && this.isWord('regex', 1)) {
      this.next()
      this.next()
      return { k: 'bin', op: 'matches regex', l, r: this.additive() }
    }
    if (IN_OPS.has(word)) {
      this.next()
      this.expectOp('(')
      const list: Expr[] = []
      if (!this.isOp(')')) {
        list.push(this.expr())
        while (this.isOp(',')) {
          this.next()
          list.push(this.expr())
        }
      }
      this.expectOp(')')
      return { k: 'in', op: word, e: l, list }
    }
    if (word === 'between' || word === '!between') {
      this.next()
      this.expectOp('(')
      const lo = this.additive()
      this.expectOp('..')
      const hi = this.additive()
      this.expectOp(')')
      return { k: 'between', not: word === '!between', e: l, lo, hi }
    }
    return l
  }

  additive(): Expr {
    let l = this.multiplicative()
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text
      l = { k: 'bin', op, l, r: this.multiplicative() }
    }
    return l
  }

  multiplicative(): Expr {
    let l = this.unary()
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().text
      l = { k: 'bin', op, l, r: this.unary() }
    }
    return l
  }

  unary(): Expr {
    if (this.isOp('-')) {
      this.next()
      return { k: 'neg', e: this.unary() }
    }
    return this.primary()
  }

  primary(): Expr {
    const t = this.next()
    switch (t.kind) {
      case 'string':
        return { k: 'lit', v: t.value as string }
      case 'number':
        return { k: 'lit', v: t.value as number }
      case 'timespan':
        return { k: 'lit', v: new KTimespan(t.value as number) }
      case 'datetime': {
        const raw = t.value as string
        if (raw === 'null') return { k: 'lit', v: null }
        const d = parseDateTime(raw)
        if (!d) throw new KqlError('syntax', `A recognition error occurred. Invalid datetime literal: '${t.text}' on line [${t.line},${t.col}]`)
        return { k: 'lit', v: new KDateTime(d.ms, d.ticks) }
      }
      case 'ident': {
        if (t.text === 'true' || t.text === 'false') return { k: 'lit', v: t.text === 'true' }
        if (this.isOp('(')) {
          this.next()
          const args: Expr[] = []
          if (!this.isOp(')')) {
            args.push(this.expr())
            while (this.isOp(',')) {
              this.next()
              args.push(this.expr())
            }
          }
          this.expectOp(')')
          return { k: 'call', fn: t.text, args }
        }
        return { k: 'col', name: t.text }
      }
      case 'op':
        if (t.text === '(') {
          const e = this.expr()
          this.expectOp(')')
          return e
        }
        throw syntaxError(t)
      default:
        throw syntaxError(t)
    }
  }
}

export function parseQuery(text: string): Query {
  const toks = tokenize(text)
  return new Parser(toks).query()
}
