// Observables in a stored result. Well-known Defender columns say what their values are
// (an AccountUpn is an account even though it looks like an email; a DeviceName is a
// device even though it looks like a domain); every other text cell is searched with the
// shared extractor. Counts are cells; first/last seen come from the row's event time.
import { extractObservables, parseObservable } from '../../shared/observables'
import type { ColumnSchema } from '../../shared/types'

export const CASE_ONLY_TYPES = ['account', 'device'] as const
export const OBSERVABLE_TYPES = ['ipv4', 'ipv6', 'dns', 'url', 'md5_hash', 'sha1_hash', 'sha256_hash', 'email', ...CASE_ONLY_TYPES] as const
export type ObservableType = (typeof OBSERVABLE_TYPES)[number]

export interface Found {
  type: ObservableType
  value: string
  count: number
  firstSeen: number
  lastSeen: number
}

type ColumnRule = { kind: 'fixed'; type: 'account' | 'device' } | { kind: 'typed' } | { kind: 'text' } | { kind: 'skip' }

const accountColumn = /(?:^|[a-z])Account(?:Name|Upn|Sid|ObjectId)$/
const deviceColumn = /(?:^|[a-z])Device(?:Name|Id)$/
// Columns that hold one indicator each: read the whole cell as that indicator.
const typedColumn = /(?:IP|IPAddress|IPv4|IPv6|Url|Domain|SHA256|SHA1|MD5|Address|Hostname|HostName)$/
const timeColumns = ['Timestamp', 'TimeGenerated', 'EventTime', 'TimeStamp']
const skipTypes = new Set(['datetime', 'date', 'timespan', 'bool', 'boolean', 'int', 'long', 'int32', 'int64', 'real', 'double', 'decimal', 'guid'])

export function columnRule(column: ColumnSchema): ColumnRule {
  if (accountColumn.test(column.name)) return { kind: 'fixed', type: 'account' }
  if (deviceColumn.test(column.name)) return { kind: 'fixed', type: 'device' }
  if (skipTypes.has(column.type.toLowerCase())) return { kind: 'skip' }
  if (typedColumn.test(column.name)) return { kind: 'typed' }
  return { kind: 'text' }
}

export function timeColumnIndex(schema: ColumnSchema[]): number {
  for (const name of timeColumns) {
    const i = schema.findIndex((c) => c.name === name)
    if (i >= 0) return i
  }
  return schema.findIndex((c) => c.type.toLowerCase() === 'datetime')
}

function cellTime(cell: unknown, fallback: number): number {
  if (typeof cell === 'string') {
    const t = Date.parse(cell)
    if (Number.isFinite(t)) return t
  }
  if (typeof cell === 'number' && Number.isFinite(cell)) return cell
  return fallback
}

// Values that fill Defender columns without naming anyone or anything.
const noise = new Set(['', '-', 'null', 'n/a', 'unknown', 'system', 'local service', 'network service'])

const MEMO_LIMIT = 50_000

/** Scans rows (in batches) and gathers observables with counts and first/last seen. */
export class RunScanner {
  private readonly rules: ColumnRule[]
  private readonly timeIndex: number
  private readonly found = new Map<string, Found>()
  private readonly memo = new Map<string, { type: ObservableType; value: string }[]>()
  rows = 0

  constructor(
    schema: ColumnSchema[],
    private readonly fallbackTime: number
  ) {
    this.rules = schema.map(columnRule)
    this.timeIndex = timeColumnIndex(schema)
  }

  private textObservables(text: string): { type: ObservableType; value: string }[] {
    let hit = this.memo.get(text)
    if (hit) return hit
    // Cheap pre-check: every extractable type has a dot, a colon, an @ or 32+ hex chars.
    hit = /[.:@]/.test(text) || text.length >= 32 ? (extractObservables(text) as { type: ObservableType; value: string }[]) : []
    if (this.memo.size < MEMO_LIMIT) this.memo.set(text, hit)
    return hit
  }

  private typedObservables(text: string): { type: ObservableType; value: string }[] {
    const parsed = parseObservable(text)
    if (parsed.type !== 'unknown') return [{ type: parsed.type, value: parsed.value }]
    return this.textObservables(text)
  }

  private add(type: ObservableType, value: string, at: number): void {
    const key = `${type}\u0000${value}`
    const f = this.found.get(key)
    if (f) {
      f.count++
      if (at < f.firstSeen) f.firstSeen = at
      if (at > f.lastSeen) f.lastSeen = at
    } else this.found.set(key, { type, value, count: 1, firstSeen: at, lastSeen: at })
  }

  scan(rows: readonly unknown[][]): void {
    for (const row of rows) {
      this.rows++
      const at = this.timeIndex >= 0 ? cellTime(row[this.timeIndex], this.fallbackTime) : this.fallbackTime
      for (let c = 0; c < this.rules.length; c++) {
        const rule = this.rules[c]
        const cell = row[c]
        if (rule.kind === 'skip' || cell === null || cell === undefined || typeof cell === 'boolean') continue
        if (rule.kind === 'fixed') {
          const value = String(cell).trim()
          if (!noise.has(value.toLowerCase()) && value.length <= 512) this.add(rule.type, value, at)
          continue
        }
        if (typeof cell === 'number') continue
        const text = typeof cell === 'string' ? cell : JSON.stringify(cell)
        if (text.length < 4 || text.length > 100_000) continue
        const list = rule.kind === 'typed' ? this.typedObservables(text) : this.textObservables(text)
        for (const o of list) this.add(o.type, o.value, at)
      }
    }
  }

  /** Most frequent first. */
  results(): Found[] {
    return [...this.found.values()].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
  }
}

/** Types a value typed by hand (or taken from a grid cell); null when it is not one. */
export function typeValue(value: string, type?: string): { type: ObservableType; value: string } | { problem: string } {
  const trimmed = value.trim()
  if (type === 'account' || type === 'device') return { type, value: trimmed }
  if (type !== undefined && !(OBSERVABLE_TYPES as readonly string[]).includes(type)) {
    return { problem: `"${type}" is not an observable type; use one of ${OBSERVABLE_TYPES.join(', ')}` }
  }
  const parsed = parseObservable(trimmed)
  if (parsed.type === 'unknown') {
    if (type) return { problem: `${JSON.stringify(trimmed.slice(0, 80))} is not a valid ${type}` }
    return { problem: `${JSON.stringify(trimmed.slice(0, 80))} is not a recognised observable (IP, domain, URL, hash or email); for a user or a host, choose the type account or device` }
  }
  if (type && type !== parsed.type) {
    return { problem: `${JSON.stringify(trimmed.slice(0, 80))} looks like ${parsed.type}, not ${type}` }
  }
  return { type: parsed.type as ObservableType, value: parsed.value }
}
