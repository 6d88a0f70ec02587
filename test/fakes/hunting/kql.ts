// Evaluator for the fake hunting API's KQL subset. Compiles eagerly (so semantic errors
// come back before any scanning, as in Kusto) and streams rows lazily, so `take` on a big
// table stops early and a 100k+ row result never sits in memory all at once.
import { KqlError } from './kql-lexer'
import { parseQuery, type Expr, type NamedExpr, type Op, type SortKey } from './kql-parser'
import {
  applyArithmetic, arithmetic, compare, equals, hasTerm, makeAggregate, makeScalar, stringOp,
  aggregates, type Aggregate, type Compiled
} from './kql-functions'
import { KDateTime, asText, typeOfValue, type Column, type KType, type KValue, type Row } from './kql-values'

export { KqlError } from './kql-lexer'
export { parseQuery } from './kql-parser'
export * from './kql-values'

export interface TableSource {
  name: string
  columns: Column[]
  /** Rows in ascending Timestamp order, limited to [fromMs, toMs) when given. */
  scan(fromMs?: number, toMs?: number): Iterable<Row>
}

export type Catalog = (name: string) => TableSource | undefined

export interface RunContext {
  nowMs: number
  /** The request's Timespan window on Timestamp. */
  timeRange?: { from: number; to: number }
  /** Called every 1,024 scanned rows and at the end of the scan; may throw to abort. */
  meter?: (scanned: number) => void
}

export interface RunResult {
  columns: Column[]
  rows: Iterable<Row>
  /** Source rows read so far (final once `rows` is exhausted). */
  scanned(): number
}

type Schema = Map<string, KType>

const schemaOf = (cols: Column[]): Schema => new Map(cols.map((c) => [c.name, c.type]))
const columnsOf = (s: Schema): Column[] => [...s].map(([name, type]) => ({ name, type }))

function compileExpr(e: Expr, schema: Schema, op: string, nowMs: number): Compiled {
  switch (e.k) {
    case 'lit': {
      const v = e.v
      return { t: typeOfValue(v), f: () => v }
    }
    case 'col': {
      const t = schema.get(e.name)
      if (!t) throw new KqlError('semantic', `'${op}' operator: Failed to resolve scalar expression named '${e.name}'`)
      const name = e.name
      return { t, f: (r) => r[name] ?? null }
    }
    case 'neg': {
      const a = compileExpr(e.e, schema, op, nowMs)
      return { t: a.t, f: (r) => applyArithmetic('-', 0, a.f(r)) }
    }
    case 'call':
      return makeScalar(e.fn, e.args.map((a) => compileExpr(a, schema, op, nowMs)), { nowMs, op })
    case 'in': {
      const a = compileExpr(e.e, schema, op, nowMs)
      const list = e.list.map((x) => compileExpr(x, schema, op, nowMs))
      const neg = e.op.startsWith('!')
      if (e.op === 'has_any' || e.op === 'has_all') {
        const all = e.op === 'has_all'
        return { t: 'Boolean', f: (r) => { const hay = asText(a.f(r)); const hits = list.map((x) => hasTerm(hay, asText(x.f(r)), false)); return all ? hits.every(Boolean) : hits.some(Boolean) } }
      }
      const ci = e.op.endsWith('~')
      return { t: 'Boolean', f: (r) => { const v = a.f(r); return list.some((x) => equals(v, x.f(r), ci)) !== neg } }
    }
    case 'between': {
      const [a, lo, hi] = [e.e, e.lo, e.hi].map((x) => compileExpr(x, schema, op, nowMs)) as [Compiled, Compiled, Compiled]
      return { t: 'Boolean', f: (r) => { const v = a.f(r); const inside = (compare(v, lo.f(r)) ?? -1) >= 0 && (compare(v, hi.f(r)) ?? 1) <= 0; return inside !== e.not } }
    }
    case 'bin': {
      const l = compileExpr(e.l, schema, op, nowMs)
      const r = compileExpr(e.r, schema, op, nowMs)
      switch (e.op) {
        case 'and': return { t: 'Boolean', f: (x) => l.f(x) === true && r.f(x) === true }
        case 'or': return { t: 'Boolean', f: (x) => l.f(x) === true || r.f(x) === true }
        case '==': return { t: 'Boolean', f: (x) => equals(l.f(x), r.f(x), false) }
        case '=~': return { t: 'Boolean', f: (x) => equals(l.f(x), r.f(x), true) }
        case '!=': return { t: 'Boolean', f: (x) => { const a = l.f(x); const b = r.f(x); return a !== null && b !== null && !equals(a, b, false) } }
        case '!~': return { t: 'Boolean', f: (x) => { const a = l.f(x); const b = r.f(x); return a !== null && b !== null && !equals(a, b, true) } }
        case '<': case '>': case '<=': case '>=': {
          const test = { '<': (c: number) => c < 0, '>': (c: number) => c > 0, '<=': (c: number) => c <= 0, '>=': (c: number) => c >= 0 }[e.op]
          return { t: 'Boolean', f: (x) => { const c = compare(l.f(x), r.f(x)); return c !== null && test(c) } }
        }
        case '+': case '-': case '*': case '/': case '%': {
          const o = e.op
          return { t: arithmetic(o, l.t, r.t), f: (x) => applyArithmetic(o, l.f(x), r.f(x)) }
        }
        case 'matches regex': {
          const pattern = r.f({})
          let re: RegExp
          try {
            re = new RegExp(asText(pattern))
          } catch {
            throw new KqlError('semantic', `'${op}' operator: Invalid regular expression: '${asText(pattern)}'`)
          }
          return { t: 'Boolean', f: (x) => re.test(asText(l.f(x))) }
        }
        default: {
          const test = stringOp(e.op)
          return { t: 'Boolean', f: (x) => test(l.f(x), r.f(x)) }
        }
      }
    }
  }
}

function autoName(e: Expr, n: number): string {
  if (e.k === 'col') return e.name
  if (e.k === 'call' && ['bin', 'floor', 'startofday'].includes(e.fn) && e.args[0]?.k === 'col') return e.args[0].name
  return `Column${n}`
}

function aggName(item: NamedExpr): string {
  if (item.name) return item.name
  if (item.e.k !== 'call') return 'Column1'
  const prefix = aggregates[item.e.fn]?.prefix ?? `${item.e.fn}_`
  const arg = item.e.args[0]
  return arg?.k === 'col' ? `${prefix}${arg.name}` : prefix
}

function* take(rows: Iterable<Row>, n: number): Iterable<Row> {
  if (n <= 0) return
  let i = 0
  for (const r of rows) {
    yield r
    if (++i >= n) return
  }
}

function sortRows(rows: Iterable<Row>, keys: Array<{ f: (r: Row) => KValue; desc: boolean }>): Row[] {
  const all = [...rows]
  const vals = all.map((r) => keys.map((k) => k.f(r)))
  const idx = all.map((_, i) => i)
  idx.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const x = vals[a]![k]!
      const y = vals[b]![k]!
      // Kusto puts nulls first ascending and last descending.
      const c = x === null && y === null ? 0 : x === null ? -1 : y === null ? 1 : compare(x, y) ?? 0
      if (c !== 0) return keys[k]!.desc ? -c : c
    }
    return a - b
  })
  return idx.map((i) => all[i]!)
}

function* summarize(rows: Iterable<Row>, keys: Array<{ name: string; f: (r: Row) => KValue }>, aggs: Array<{ name: string; a: Aggregate }>): Iterable<Row> {
  const groups = new Map<string, { key: KValue[]; states: unknown[] }>()
  for (const r of rows) {
    const key = keys.map((k) => k.f(r))
    const id = key.map((v) => `${typeof v}:${asText(v)}`).join('\u0001')
    let g = groups.get(id)
    if (!g) {
      g = { key, states: aggs.map((x) => x.a.init()) }
      groups.set(id, g)
    }
    for (let i = 0; i < aggs.length; i++) g.states[i] = aggs[i]!.a.add(g.states[i], r)
  }
  if (keys.length === 0 && groups.size === 0) groups.set('', { key: [], states: aggs.map((x) => x.a.init()) })
  for (const g of groups.values()) {
    const out: Row = {}
    keys.forEach((k, i) => (out[k.name] = g.key[i]!))
    aggs.forEach((x, i) => (out[x.name] = x.a.done(g.states[i])))
    yield out
  }
}

// `where Timestamp > ago(1d)` right after the table narrows the scan, like Kusto's
// time-partition pruning; the predicate still runs on every row.
function timeBounds(op: Op | undefined, nowMs: number): { from?: number; to?: number } {
  if (!op || op.k !== 'where') return {}
  const out: { from?: number; to?: number } = {}
  const conjuncts: Expr[] = []
  const walk = (e: Expr): void => {
    if (e.k === 'bin' && e.op === 'and') {
      walk(e.l)
      walk(e.r)
    } else conjuncts.push(e)
  }
  walk(op.e)
  const constant = (e: Expr): boolean => e.k === 'lit' || (e.k === 'call' && ['ago', 'now', 'datetime'].includes(e.fn) && e.args.every(constant))
  for (const c of conjuncts) {
    if (c.k !== 'bin' || c.l.k !== 'col' || c.l.name !== 'Timestamp' || !constant(c.r)) continue
    let v: KValue
    try {
      v = compileExpr(c.r, new Map(), 'where', nowMs).f({})
    } catch {
      continue
    }
    if (!(v instanceof KDateTime)) continue
    if (c.op === '>' || c.op === '>=') out.from = Math.max(out.from ?? -Infinity, v.ms)
    if (c.op === '<' || c.op === '<=') out.to = Math.min(out.to ?? Infinity, v.ms + 1)
  }
  return out
}

export function runQuery(text: string, catalog: Catalog, ctx: RunContext): RunResult {
  if (text.trim() === '') throw new KqlError('syntax', "A recognition error occurred. Query could not be parsed at '<end of query>' on line [1,1]")
  const q = parseQuery(text)
  const table = catalog(q.table)
  if (!table) throw new KqlError('semantic', `Failed to resolve table or column expression named '${q.table}'`)
  const { nowMs } = ctx
  let schema = schemaOf(table.columns)
  const stages: Array<(rows: Iterable<Row>) => Iterable<Row>> = []

  for (const op of q.ops) {
    switch (op.k) {
      case 'where': {
        const p = compileExpr(op.e, schema, 'where', nowMs)
        stages.push(function* (rows) { for (const r of rows) if (p.f(r) === true) yield r })
        break
      }
      case 'project':
      case 'extend': {
        const items = op.items.map((it, n) => ({ name: it.name ?? autoName(it.e, n + 1), c: compileExpr(it.e, schema, op.k, nowMs) }))
        const keep = op.k === 'extend' ? [...schema.keys()] : []
        const next: Schema = op.k === 'extend' ? new Map(schema) : new Map()
        for (const it of items) next.set(it.name, it.c.t)
        schema = next
        stages.push(function* (rows) {
          for (const r of rows) {
            const out: Row = {}
            for (const k of keep) out[k] = r[k] ?? null
            for (const it of items) out[it.name] = it.c.f(r)
            yield out
          }
        })
        break
      }
      case 'project-away': {
        for (const name of op.names) {
          if (!schema.has(name)) throw new KqlError('semantic', `'project-away' operator: Failed to resolve scalar expression named '${name}'`)
          schema.delete(name)
        }
        const keep = [...schema.keys()]
        stages.push(function* (rows) { for (const r of rows) { const out: Row = {}; for (const k of keep) out[k] = r[k] ?? null; yield out } })
        break
      }
      case 'take': {
        const n = op.n
        stages.push((rows) => take(rows, n))
        break
      }
      case 'count':
        schema = new Map([['Count', 'Int64']])
        stages.push(function* (rows) { let n = 0; for (const _ of rows) n++; yield { Count: n } })
        break
      case 'sort':
      case 'top': {
        const keys = (op.k === 'sort' ? op.keys : [op.key]).map((k: SortKey) => ({ f: compileExpr(k.e, schema, op.k === 'sort' ? 'order' : 'top', nowMs).f, desc: k.desc }))
        const n = op.k === 'top' ? op.n : Infinity
        stages.push((rows) => sortRows(rows, keys).slice(0, n))
        break
      }
      case 'summarize':
      case 'distinct': {
        const opName = op.k
        const byItems = op.k === 'summarize' ? op.by : op.items
        const keys = byItems.map((it, n) => {
          const c = compileExpr(it.e, schema, opName, nowMs)
          return { name: it.name ?? autoName(it.e, n + 1), t: c.t, f: c.f }
        })
        const aggs = (op.k === 'summarize' ? op.aggs : []).map((it) => {
          const call = it.e
          if (call.k !== 'call') throw new KqlError('semantic', `'summarize' operator: Expression is not an aggregate function. Use an aggregation such as count() or dcount().`)
          const args = call.args.map((a) => compileExpr(a, schema, 'summarize', nowMs))
          return { name: aggName(it), a: makeAggregate(call.fn, args) }
        })
        schema = new Map([...keys.map((k) => [k.name, k.t] as const), ...aggs.map((a) => [a.name, a.a.t] as const)])
        stages.push((rows) => summarize(rows, keys, aggs))
        break
      }
    }
  }

  let scanned = 0
  const bounds = timeBounds(q.ops[0], nowMs)
  const from = Math.max(ctx.timeRange?.from ?? -Infinity, bounds.from ?? -Infinity)
  const to = Math.min(ctx.timeRange?.to ?? Infinity, bounds.to ?? Infinity)
  const exactRange = ctx.timeRange
  const source = function* (): Iterable<Row> {
    for (const r of table.scan(Number.isFinite(from) ? from : undefined, Number.isFinite(to) ? to : undefined)) {
      scanned++
      if ((scanned & 1023) === 0) ctx.meter?.(scanned)
      if (exactRange) {
        const ts = r.Timestamp
        if (ts instanceof KDateTime && (ts.ms < exactRange.from || ts.ms >= exactRange.to)) continue
      }
      yield r
    }
    ctx.meter?.(scanned)
  }
  const rows = stages.reduce<Iterable<Row>>((acc, stage) => stage(acc), source())
  return { columns: columnsOf(schema), rows, scanned: () => scanned }
}
