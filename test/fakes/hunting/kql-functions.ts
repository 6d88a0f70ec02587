// Scalar operators, scalar functions and aggregations of the fake's KQL subset.
import { KqlError } from './kql-lexer'
import { KDateTime, KTimespan, asText, parseDateTime, type KType, type KValue, type Row } from './kql-values'

export interface Compiled {
  t: KType
  f: (r: Row) => KValue
}

const isAlnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c)

/** Kusto `has`: the needle appears as a whole term (bounded by non-alphanumerics). */
export function hasTerm(hay: string, needle: string, cs: boolean, edge: 'both' | 'prefix' | 'suffix' = 'both'): boolean {
  const h = cs ? hay : hay.toLowerCase()
  const n = cs ? needle : needle.toLowerCase()
  if (n === '') return true
  for (let idx = h.indexOf(n); idx >= 0; idx = h.indexOf(n, idx + 1)) {
    const before = idx === 0 || !isAlnum(h[idx - 1])
    const after = idx + n.length === h.length || !isAlnum(h[idx + n.length])
    if ((edge === 'suffix' || before) && (edge === 'prefix' || after)) return true
  }
  return false
}

function coercePair(a: KValue, b: KValue): [KValue, KValue] {
  if (a instanceof KDateTime && typeof b === 'string') return [a, parseDateTime(b)]
  if (b instanceof KDateTime && typeof a === 'string') return [parseDateTime(a), b]
  return [a, b]
}

export function equals(a: KValue, b: KValue, ci: boolean): boolean {
  ;[a, b] = coercePair(a, b)
  if (a === null || b === null) return false
  if (typeof a === 'object' || typeof b === 'object') return Number(a) === Number(b)
  if (typeof a === 'string' || typeof b === 'string') {
    const x = asText(a)
    const y = asText(b)
    return ci ? x.toLowerCase() === y.toLowerCase() : x === y
  }
  return a === b
}

/** Ordering used by comparisons and sort; null when either side is null. */
export function compare(a: KValue, b: KValue): number | null {
  ;[a, b] = coercePair(a, b)
  if (a === null || b === null) return null
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  const x = typeof a === 'string' ? Number(a) : Number(a)
  const y = typeof b === 'string' ? Number(b) : Number(b)
  if (Number.isNaN(x) || Number.isNaN(y)) {
    const s = asText(a)
    const t = asText(b)
    return s < t ? -1 : s > t ? 1 : 0
  }
  return x < y ? -1 : x > y ? 1 : 0
}

export function stringOp(op: string): (a: KValue, b: KValue) => boolean {
  const neg = op.startsWith('!')
  const base = neg ? op.slice(1) : op
  const cs = base.endsWith('_cs')
  const name = cs ? base.slice(0, -3) : base
  const test = (hay: string, n: string): boolean => {
    switch (name) {
      case 'has': return hasTerm(hay, n, cs)
      case 'hasprefix': return hasTerm(hay, n, cs, 'prefix')
      case 'hassuffix': return hasTerm(hay, n, cs, 'suffix')
      case 'contains': return cs ? hay.includes(n) : hay.toLowerCase().includes(n.toLowerCase())
      case 'startswith': return cs ? hay.startsWith(n) : hay.toLowerCase().startsWith(n.toLowerCase())
      default: return cs ? hay.endsWith(n) : hay.toLowerCase().endsWith(n.toLowerCase())
    }
  }
  return (a, b) => test(asText(a), asText(b)) !== neg
}

export function arithmetic(op: string, lt: KType, rt: KType): Compiled['t'] {
  if (op === '-' && lt === 'DateTime' && rt === 'DateTime') return 'TimeSpan'
  if (lt === 'DateTime' || rt === 'DateTime') return 'DateTime'
  if (lt === 'TimeSpan' && rt === 'TimeSpan') return op === '/' ? 'Double' : 'TimeSpan'
  if (lt === 'Double' || rt === 'Double' || op === '/' && (lt === 'TimeSpan' || rt === 'TimeSpan')) return 'Double'
  return lt === 'Int32' && rt === 'Int32' ? 'Int32' : 'Int64'
}

export function applyArithmetic(op: string, a: KValue, b: KValue): KValue {
  if (a === null || b === null) return null
  if (a instanceof KDateTime && b instanceof KDateTime && op === '-') return new KTimespan(a.valueOf() - b.valueOf())
  if (a instanceof KDateTime && b instanceof KTimespan) {
    const ms = op === '+' ? a.ms + b.ms : a.ms - b.ms
    return new KDateTime(Math.floor(ms), a.ticks + Math.round((ms - Math.floor(ms)) * 10_000))
  }
  if (a instanceof KTimespan && b instanceof KDateTime && op === '+') return new KDateTime(a.ms + b.ms, b.ticks)
  const x = Number(a)
  const y = Number(b)
  const bothTimespans = a instanceof KTimespan && b instanceof KTimespan
  let v: number
  switch (op) {
    case '+': v = x + y; break
    case '-': v = x - y; break
    case '*': v = x * y; break
    case '/':
      if (y === 0) return null
      v = Number.isInteger(x) && Number.isInteger(y) && !bothTimespans && typeof a === 'number' && typeof b === 'number' ? Math.trunc(x / y) : x / y
      break
    default: v = y === 0 ? NaN : x % y
  }
  if (Number.isNaN(v)) return null
  if ((a instanceof KTimespan || b instanceof KTimespan) && !(bothTimespans && op === '/')) return new KTimespan(v)
  return v
}

const asNumber = (v: KValue): number | null => {
  if (v === null || v === '') return null
  const n = Number(v)
  return Number.isNaN(n) ? null : n
}

type ScalarFn = (args: Compiled[], ctx: { nowMs: number; op: string }) => Compiled

const fixed = (t: KType, f: (a: KValue[]) => KValue): ScalarFn => (args) => ({
  t,
  f: (r) => f(args.map((a) => a.f(r)))
})

function arity(fn: string, args: Compiled[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    throw new KqlError('semantic', `Function '${fn}': expected ${min === max ? min : `${min} to ${max}`} argument(s) but got ${args.length}.`)
  }
}

export const scalarFunctions: Record<string, { min: number; max: number; make: ScalarFn }> = {
  ago: { min: 1, max: 1, make: ([a], { nowMs }) => ({ t: 'DateTime', f: (r) => { const s = a!.f(r); return s === null ? null : new KDateTime(nowMs - Number(s)) } }) },
  now: { min: 0, max: 1, make: ([a], { nowMs }) => ({ t: 'DateTime', f: (r) => new KDateTime(nowMs + (a ? Number(a.f(r)) : 0)) }) },
  not: { min: 1, max: 1, make: fixed('Boolean', ([v]) => v !== true) },
  isempty: { min: 1, max: 1, make: fixed('Boolean', ([v]) => v === null || v === '') },
  isnotempty: { min: 1, max: 1, make: fixed('Boolean', ([v]) => !(v === null || v === '')) },
  isnull: { min: 1, max: 1, make: fixed('Boolean', ([v]) => v === null) },
  isnotnull: { min: 1, max: 1, make: fixed('Boolean', ([v]) => v !== null) },
  tolower: { min: 1, max: 1, make: fixed('String', ([v]) => asText(v!).toLowerCase()) },
  toupper: { min: 1, max: 1, make: fixed('String', ([v]) => asText(v!).toUpperCase()) },
  tostring: { min: 1, max: 1, make: fixed('String', ([v]) => asText(v!)) },
  strlen: { min: 1, max: 1, make: fixed('Int64', ([v]) => asText(v!).length) },
  strcat: { min: 1, max: 64, make: fixed('String', (vs) => vs.map((v) => asText(v)).join('')) },
  substring: { min: 2, max: 3, make: fixed('String', ([s, start, len]) => { const t = asText(s!); const b = Math.max(0, Number(start)); return len === undefined ? t.slice(b) : t.slice(b, b + Math.max(0, Number(len))) }) },
  toint: { min: 1, max: 1, make: fixed('Int32', ([v]) => { const n = asNumber(v!); return n === null ? null : Math.trunc(n) }) },
  tolong: { min: 1, max: 1, make: fixed('Int64', ([v]) => { const n = asNumber(v!); return n === null ? null : Math.trunc(n) }) },
  todouble: { min: 1, max: 1, make: fixed('Double', ([v]) => asNumber(v!)) },
  toreal: { min: 1, max: 1, make: fixed('Double', ([v]) => asNumber(v!)) },
  todatetime: { min: 1, max: 1, make: fixed('DateTime', ([v]) => (v instanceof KDateTime ? v : typeof v === 'string' ? parseDateTime(v) : null)) },
  coalesce: { min: 1, max: 64, make: (args) => ({ t: args[0]!.t, f: (r) => { for (const a of args) { const v = a.f(r); if (v !== null && v !== '') return v } return args[0]!.t === 'String' ? '' : null } }) },
  iff: { min: 3, max: 3, make: ([c, a, b]) => ({ t: a!.t, f: (r) => (c!.f(r) === true ? a!.f(r) : b!.f(r)) }) },
  iif: { min: 3, max: 3, make: ([c, a, b]) => ({ t: a!.t, f: (r) => (c!.f(r) === true ? a!.f(r) : b!.f(r)) }) },
  startofday: { min: 1, max: 1, make: fixed('DateTime', ([v]) => (v instanceof KDateTime ? new KDateTime(Math.floor(v.ms / 86_400_000) * 86_400_000) : null)) },
  bin: { min: 2, max: 2, make: ([v, size]) => ({ t: v!.t, f: (r) => binValue(v!.f(r), size!.f(r)) }) },
  floor: { min: 2, max: 2, make: ([v, size]) => ({ t: v!.t, f: (r) => binValue(v!.f(r), size!.f(r)) }) }
}

function binValue(v: KValue, size: KValue): KValue {
  if (v === null || size === null) return null
  const s = Number(size)
  if (!(s > 0)) return null
  if (v instanceof KDateTime) return new KDateTime(Math.floor(v.ms / s) * s)
  if (v instanceof KTimespan) return new KTimespan(Math.floor(v.ms / s) * s)
  return Math.floor(Number(v) / s) * s
}

export function makeScalar(fn: string, args: Compiled[], ctx: { nowMs: number; op: string }): Compiled {
  const def = scalarFunctions[fn]
  if (!def) {
    if (fn in aggregates) throw new KqlError('semantic', `'${ctx.op}' operator: The function '${fn}' cannot be invoked in the current context.`)
    throw new KqlError('semantic', `'${ctx.op}' operator: Unknown function: '${fn}'.`)
  }
  arity(fn, args, def.min, def.max)
  return def.make(args, ctx)
}

export interface Aggregate {
  t: KType
  init(): unknown
  add(state: unknown, r: Row): unknown
  done(state: unknown): KValue
}

type AggMaker = (args: Compiled[]) => Aggregate

const minMax = (sign: 1 | -1): AggMaker => ([a]) => ({
  t: a!.t,
  init: () => null,
  add: (s, r) => {
    const v = a!.f(r)
    if (v === null) return s
    const c = compare(v, s as KValue)
    return s === null || (c !== null && c * sign > 0) ? v : s
  },
  done: (s) => s as KValue
})

export const aggregates: Record<string, { min: number; max: number; prefix: string; make: AggMaker }> = {
  count: { min: 0, max: 0, prefix: 'count_', make: () => ({ t: 'Int64', init: () => 0, add: (s) => (s as number) + 1, done: (s) => s as number }) },
  countif: { min: 1, max: 1, prefix: 'countif_', make: ([p]) => ({ t: 'Int64', init: () => 0, add: (s, r) => (s as number) + (p!.f(r) === true ? 1 : 0), done: (s) => s as number }) },
  dcount: {
    min: 1, max: 2, prefix: 'dcount_',
    make: ([a]) => ({ t: 'Int64', init: () => new Set<string>(), add: (s, r) => (s as Set<string>).add(asText(a!.f(r))), done: (s) => (s as Set<string>).size })
  },
  sum: {
    min: 1, max: 1, prefix: 'sum_',
    make: ([a]) => ({ t: a!.t === 'Double' ? 'Double' : 'Int64', init: () => 0, add: (s, r) => (s as number) + (asNumber(a!.f(r)) ?? 0), done: (s) => s as number })
  },
  avg: {
    min: 1, max: 1, prefix: 'avg_',
    make: ([a]) => ({
      t: 'Double',
      init: () => [0, 0],
      add: (s, r) => { const n = asNumber(a!.f(r)); const st = s as number[]; return n === null ? st : [st[0]! + n, st[1]! + 1] },
      done: (s) => { const st = s as number[]; return st[1] ? st[0]! / st[1]! : null }
    })
  },
  min: { min: 1, max: 1, prefix: 'min_', make: minMax(-1) },
  max: { min: 1, max: 1, prefix: 'max_', make: minMax(1) },
  make_set: {
    min: 1, max: 2, prefix: 'set_',
    make: ([a]) => ({ t: 'Dynamic', init: () => new Map<string, KValue>(), add: (s, r) => { const v = a!.f(r); return (s as Map<string, KValue>).set(asText(v), v) }, done: (s) => JSON.stringify([...(s as Map<string, KValue>).values()]) })
  },
  take_any: { min: 1, max: 1, prefix: 'any_', make: ([a]) => ({ t: a!.t, init: () => undefined, add: (s, r) => (s === undefined ? a!.f(r) : s), done: (s) => (s === undefined ? null : (s as KValue)) }) }
}

export function makeAggregate(fn: string, args: Compiled[]): Aggregate {
  const def = aggregates[fn]
  if (!def) throw new KqlError('semantic', `'summarize' operator: Failed to resolve aggregate function '${fn}'.`)
  arity(fn, args, def.min, def.max)
  return def.make(args)
}
