import { kqlIdentifier } from './kql-types'
import { queryAtCursor } from './query-at-cursor'
import type { KqlTable } from './schema'
import { tokenize, type KqlToken } from './tokenizer'
import {
  aggregateFunctions, pipeCompletions, predicateCompletions, scalarFunctions, statementKeywords,
  tabularOperators
} from './tokens'

// Completion resolution, free of CodeMirror so it can be tested on Node: given the document,
// the cursor and the known tables, decide what kind of position the cursor is in and which
// items fit there. The editor adapter (completion-source.ts) only maps the result.

export type KqlCompletionKind =
  | 'table' | 'column' | 'operator' | 'function' | 'aggregate' | 'keyword' | 'predicate'
  | 'variable'

export interface KqlCompletionItem {
  label: string
  kind: KqlCompletionKind
  detail?: string
  info?: string
  /** Text to insert instead of the label. */
  apply?: string
  /** Insert `()` after the name and put the cursor between them. */
  call?: boolean
  boost?: number
}

export type KqlContextKind =
  | 'start' | 'table' | 'pipe' | 'expression' | 'columns' | 'aggregate' | 'predicate' | 'by'
  | 'sort-direction' | 'render' | 'none'

export interface KqlCompletion {
  from: number
  to: number
  context: KqlContextKind
  items: KqlCompletionItem[]
}

const WORD_TYPES = new Set([
  'variableName', 'keyword', 'operatorKeyword', 'typeName', 'bool', 'null',
  'variableName.function', 'variableName.function.standard'
])
const VALUE_TYPES = new Set(['variableName', 'string', 'string.special', 'number', 'unit', 'bool', 'null'])
const SUBQUERY_OPENERS = new Set(['join', 'union', 'lookup', 'materialize', 'toscalar', 'fork', 'facet', 'view'])
const COLUMN_ONLY_OPS = new Set(['project-away', 'project-keep', 'project-rename', 'project-reorder', 'distinct'])
const NO_ARG_OPS = new Set(['take', 'limit', 'count', 'getschema', 'sample', 'as', 'serialize', 'consume'])
const AGGREGATE_OPS = new Set(['summarize', 'make-series', 'top-nested'])
const OPTION_KEYWORDS = new Set(['kind', 'withsource', 'isfuzzy'])
const RENDER_KINDS = ['timechart', 'columnchart', 'barchart', 'piechart', 'areachart', 'linechart', 'scatterchart', 'table', 'card']
// Empty-prefix popups appear only where Enter would not mean "new line" anyway.
const IMPLICIT_EMPTY_OK = new Set<KqlContextKind>(['pipe', 'table'])

const isWord = (t: KqlToken | undefined): boolean => t !== undefined && WORD_TYPES.has(t.type)
const isValue = (t: KqlToken | undefined): boolean =>
  t !== undefined && (VALUE_TYPES.has(t.type) || t.text === ')' || t.text === ']')

/** Tables named anywhere in the query, in order of first mention. */
export function referencedTables(queryText: string, tables: readonly KqlTable[]): KqlTable[] {
  const byName = new Map(tables.map((t) => [t.name, t] as const))
  const found = new Map<string, KqlTable>()
  for (const t of tokenize(queryText)) {
    const table = t.type === 'variableName' ? byName.get(t.text) : undefined
    if (table) found.set(table.name, table)
  }
  return [...found.values()]
}

/** Names the query defines: `let` variables and columns made by extend/project/summarize. */
export function definedNames(tokens: readonly KqlToken[]): { lets: string[]; columns: string[] } {
  const lets: string[] = []
  const columns: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    const next = tokens[i + 1]
    const before = tokens[i - 1]
    if (t.type === 'variableName' && next?.text === '=') {
      if (before?.text === 'let') lets.push(t.text)
      else if (before && /^(?:extend|project|project-rename|summarize|make-series|by|,|mv-expand)$/.test(before.text)) {
        columns.push(t.text)
      }
    }
    // `summarize count()` without a name yields a column called count_.
    if (t.text === 'count' && next?.text === '(' && tokens[i + 2]?.text === ')' &&
      before && (before.text === 'summarize' || before.text === ',')) {
      columns.push('count_')
    }
  }
  return { lets: [...new Set(lets)], columns: [...new Set(columns)] }
}

function isSubqueryParen(tokens: readonly KqlToken[], p: number): boolean {
  const before = tokens[p - 1]
  if (!before) return true
  if (SUBQUERY_OPENERS.has(before.text)) return true
  // join kind=inner ( ... )
  if (isWord(before) && tokens[p - 2]?.text === '=' && tokens[p - 3]?.text === 'kind') return true
  // let T = ( ... )
  if (before.text === '=' && tokens[p - 3]?.text === 'let') return true
  // union A, (B | where ...)
  if (before.text === ',' && tokens.slice(0, p).some((t) => t.text === 'union')) return true
  return false
}

interface Position {
  context: KqlContextKind
  op: string | null
  /** Inside a function call's parentheses, e.g. bin( or countif(. */
  inCall: boolean
}

function classify(rest: readonly KqlToken[]): Position {
  // Find where the current statement or subquery starts, and whether we are inside a call.
  const stack: number[] = []
  let segStart = 0
  for (let i = 0; i < rest.length; i++) {
    const text = rest[i].text
    if (text === '(' || text === '[') stack.push(i)
    else if (text === ')' || text === ']') stack.pop()
    else if (text === ';' && stack.length === 0) segStart = i + 1
  }
  let inCall = false
  for (let k = stack.length - 1; k >= 0; k--) {
    const p = stack[k]
    if (rest[p].text === '(' && isSubqueryParen(rest, p)) {
      segStart = Math.max(segStart, p + 1)
      break
    }
    if (k === stack.length - 1) inCall = true
  }
  const segment = rest.slice(segStart)
  const prev = rest[rest.length - 1]
  if (segment.length === 0) return { context: 'start', op: null, inCall: false }
  if (segment.length === 3 && segment[0].text === 'let' && prev.text === '=') {
    return { context: 'start', op: 'let', inCall: false }
  }
  if (prev.text === '|') return { context: 'pipe', op: null, inCall: false }

  // The operator is the first word after the last pipe at this nesting level.
  let depth = 0
  let opIndex = 0
  for (let i = 0; i < segment.length; i++) {
    const text = segment[i].text
    if (text === '(' || text === '[') depth++
    else if (text === ')' || text === ']') depth--
    else if (text === '|' && depth === 0) opIndex = i + 1
  }
  const op = segment[opIndex]?.text ?? null
  const args = segment.slice(opIndex + 1)
  const argsAtTop: string[] = []
  depth = 0
  for (const t of args) {
    if (t.text === '(' || t.text === '[') depth++
    else if (t.text === ')' || t.text === ']') depth--
    else if (depth === 0) argsAtTop.push(t.text)
  }
  const afterOption = prev.text !== '=' && rest[rest.length - 2]?.text === '=' &&
    OPTION_KEYWORDS.has(rest[rest.length - 3]?.text ?? '')
  const result = (context: KqlContextKind): Position => ({ context, op, inCall })

  if (op === 'union') {
    if (prev.text === 'union' || prev.text === ',' || prev.text === '(' || afterOption) return result('table')
    return result('none')
  }
  if (op === 'join' || op === 'lookup') {
    if (argsAtTop.includes('on')) return result(isValue(prev) && !inCall ? 'none' : 'expression')
    if (prev.text === op || prev.text === '(' || afterOption) return result('table')
    return result('none')
  }
  if (op === 'render') return result(prev.text === 'render' ? 'render' : 'none')
  if (op !== null && NO_ARG_OPS.has(op)) return result('none')
  if (op === 'let') return result(isValue(prev) && !inCall ? 'none' : 'expression')
  if (op !== null && AGGREGATE_OPS.has(op)) {
    if (argsAtTop.includes('by')) return result(isValue(prev) && !inCall ? 'none' : 'expression')
    if (inCall) return result('expression')
    if (isValue(prev) && prev.text !== op) return result('by')
    return result('aggregate')
  }
  if (op === 'order' || op === 'sort') {
    if (prev.text === op) return result('by')
    if (isValue(prev) && !inCall) return result('sort-direction')
    return result('expression')
  }
  if (op === 'top') {
    if (!argsAtTop.includes('by')) return result(prev.type === 'number' ? 'by' : 'none')
    if (isValue(prev) && prev.text !== 'by' && !inCall) return result('sort-direction')
    return result('expression')
  }
  if (op === 'where' || op === 'filter') {
    if (isValue(prev) && !inCall) return result('predicate')
    return result('expression')
  }
  if (op !== null && COLUMN_ONLY_OPS.has(op)) {
    return result(isValue(prev) && prev.text !== op ? 'none' : 'columns')
  }
  if (op !== null && !(tabularOperators as readonly string[]).includes(op) &&
    !(statementKeywords as readonly string[]).includes(op)) {
    // The segment starts with a table name and has no pipe yet.
    return result('none')
  }
  if (isValue(prev) && !inCall && prev.text !== op) return result('none')
  return result('expression')
}

function columnItems(tables: readonly KqlTable[], derived: readonly string[]): KqlCompletionItem[] {
  const byName = new Map<string, { type: string; tables: string[]; description?: string }>()
  for (const table of tables) {
    for (const c of table.columns) {
      const entry = byName.get(c.name)
      if (entry) entry.tables.push(table.name)
      else byName.set(c.name, { type: c.type, tables: [table.name], description: c.description })
    }
  }
  const items: KqlCompletionItem[] = []
  for (const [name, c] of byName) {
    const info = [c.tables.join(', '), c.description].filter(Boolean).join(' — ')
    const item: KqlCompletionItem = { label: name, kind: 'column', detail: c.type, info, boost: 2 }
    const id = kqlIdentifier(name)
    if (id !== name) item.apply = id
    items.push(item)
  }
  for (const name of derived) {
    if (!byName.has(name)) items.push({ label: name, kind: 'column', detail: 'calculated', boost: 2 })
  }
  return items
}

const functionItems = (src: Record<string, string>, kind: 'function' | 'aggregate', boost: number): KqlCompletionItem[] =>
  Object.entries(src).map(([label, detail]) => ({ label, kind, detail, call: true, boost }))

export interface CompleteOptions {
  /** Completion asked for explicitly (Ctrl+Space) rather than while typing. */
  explicit?: boolean
}

/**
 * What to offer at `pos`. Returns null inside strings and comments, and where nothing fits
 * (unless asked explicitly, when columns and functions are offered).
 */
export function completeKql(
  doc: string,
  pos: number,
  tables: readonly KqlTable[],
  options: CompleteOptions = {}
): KqlCompletion | null {
  const q = queryAtCursor(doc, pos)
  const inside = pos >= q.from && pos <= q.to && q.text !== ''
  const base = inside ? q.from : pos
  const before = inside ? doc.slice(q.from, pos) : ''
  const all = tokenize(before)
  const lastAny = all[all.length - 1]
  if (lastAny && lastAny.to === before.length && (lastAny.type === 'lineComment' || lastAny.open)) return null
  const tokens = all.filter((t) => t.type !== 'lineComment')

  // The word being typed, which completion replaces.
  let prefixFrom = before.length
  let rest = tokens
  const last = tokens[tokens.length - 1]
  if (last && last.to === before.length && (isWord(last) || last.text === '-')) {
    prefixFrom = last.from
    rest = tokens.slice(0, -1)
    // A half-typed hyphenated operator after a pipe (`| mv-ex`) is one word.
    const a = rest[rest.length - 1]
    const b = rest[rest.length - 2]
    if (last.text === '-' && isWord(a) && a.to === last.from && b?.text === '|') {
      prefixFrom = a.from
      rest = rest.slice(0, -1)
    } else if (last.text === '-') {
      prefixFrom = before.length
      rest = tokens
    } else if (a?.text === '-' && a.to === last.from && isWord(b) && b.to === a.from && rest[rest.length - 3]?.text === '|') {
      prefixFrom = b.from
      rest = rest.slice(0, -2)
    } else if (a?.text === '!' && a.to === last.from) {
      prefixFrom = a.from
      rest = rest.slice(0, -1)
    }
  }
  const prefix = before.slice(prefixFrom)
  const position = classify(rest)
  let context = position.context
  if (context === 'none' && options.explicit) context = 'expression'
  if (context === 'none') return null
  if (prefix === '' && !options.explicit && !IMPLICIT_EMPTY_OK.has(context)) return null

  const queryText = inside ? q.text : ''
  const fullTokens = tokenize(queryText)
  const { lets, columns: derived } = definedNames(fullTokens)
  const letItems = lets.map((label): KqlCompletionItem => ({ label, kind: 'variable', detail: 'let', boost: 3 }))
  const tableItems = tables.map((t): KqlCompletionItem => ({
    label: t.name, kind: 'table', detail: 'table', info: t.description, boost: 1
  }))
  const columns = () => columnItems(referencedTables(queryText, tables), derived)
  const scalars = () => functionItems(scalarFunctions, 'function', 0)
  const keyword = (label: string, detail?: string): KqlCompletionItem => ({ label, kind: 'keyword', detail })

  let items: KqlCompletionItem[]
  switch (context) {
    case 'start':
      items = position.op === 'let'
        ? [...tableItems, ...letItems, ...scalars()]
        : [...tableItems, ...letItems, ...['let', 'union', 'print', 'range', 'datatable', 'search', 'find'].map((k) => ({ ...keyword(k), boost: -1 }))]
      break
    case 'table':
      items = [...tableItems, ...letItems]
      break
    case 'pipe': {
      const glued = before.slice(0, prefixFrom).endsWith('|')
      // Boost by list position so the common operators stay on top of an unfiltered list.
      items = pipeCompletions.map(({ label, detail }, i) => ({
        label, kind: 'operator', detail, apply: `${glued ? ' ' : ''}${label} `, boost: 50 - i
      }))
      break
    }
    case 'predicate':
      items = predicateCompletions.map(({ label, detail }, i) => ({ label, kind: 'predicate', detail, boost: 30 - i }))
      break
    case 'by':
      items = [keyword('by')]
      break
    case 'sort-direction':
      items = [keyword('asc', 'ascending'), keyword('desc', 'descending'), keyword('nulls first'), keyword('nulls last')]
      break
    case 'render':
      items = RENDER_KINDS.map((k) => keyword(k, 'chart'))
      break
    case 'columns':
      items = columns()
      break
    case 'aggregate':
      items = [...functionItems(aggregateFunctions, 'aggregate', 3), ...columns(), ...scalars()]
      break
    default:
      items = [...columns(), ...letItems, ...scalars()]
      if (position.op !== null && AGGREGATE_OPS.has(position.op) && !position.inCall) {
        // Grouping by time is the common case after `by`.
        const bin = items.find((i) => i.label === 'bin' && i.kind === 'function')
        if (bin) bin.boost = 3
      }
  }
  return { from: base + prefixFrom, to: pos, context, items }
}
