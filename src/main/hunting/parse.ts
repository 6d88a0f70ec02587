// Reading what the hunting APIs answer. Graph and the legacy endpoint disagree on casing
// (Schema/schema, Name/name, Results/results, innerError/innererror) and the docs
// disagree with themselves, so every key is looked up case-insensitively.
import { HuntbenchError } from '../../shared/errors'
import type { HuntingColumnType } from '../../shared/hunting-schema'
import type { ColumnSchema } from '../../shared/types'

/** Defender's per-query row cap; a result of this size is assumed cut short. */
export const MAX_RESULT_ROWS = 100_000
export const MAX_KQL_CHARS = 100_000
export const LIMIT_ADVICE = 'Narrow the timespan, `project` only the columns you need, or `summarize` before returning rows.'

export interface ParsedResult {
  schema: ColumnSchema[]
  rows: unknown[][]
  /** The answer reached (or passed) the 100,000-row cap; only the first 100,000 are kept. */
  truncated: boolean
  /** How many rows the service sent. */
  answeredRows: number
}

/** Finds `name` among an object's keys ignoring case (exact match first). */
export function field(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined
  const record = obj as Record<string, unknown>
  if (name in record) return record[name]
  const lower = name.toLowerCase()
  for (const key of Object.keys(record)) if (key.toLowerCase() === lower) return record[key]
  return undefined
}

const typeAliases: Record<string, HuntingColumnType> = {
  datetime: 'DateTime',
  date: 'DateTime',
  'system.datetime': 'DateTime',
  string: 'String',
  'system.string': 'String',
  int64: 'Int64',
  long: 'Int64',
  uint64: 'Int64',
  uint32: 'Int64',
  'system.int64': 'Int64',
  int32: 'Int32',
  int: 'Int32',
  int16: 'Int32',
  uint16: 'Int32',
  byte: 'Int32',
  sbyte: 'Int32',
  'system.int32': 'Int32',
  double: 'Double',
  real: 'Double',
  single: 'Double',
  decimal: 'Double',
  'system.double': 'Double',
  boolean: 'Boolean',
  bool: 'Boolean',
  'system.boolean': 'Boolean',
  guid: 'Guid',
  uniqueid: 'Guid',
  'system.guid': 'Guid',
  timespan: 'TimeSpan',
  time: 'TimeSpan',
  'system.timespan': 'TimeSpan',
  dynamic: 'Dynamic',
  object: 'Dynamic',
  'system.object': 'Dynamic',
  'system.data.sqltypes.sqlstring': 'String'
}

/** Maps the many spellings of a column type to the ones Huntbench knows; unknown stays String. */
export function mapType(raw: unknown): HuntingColumnType {
  if (typeof raw !== 'string') return 'String'
  return typeAliases[raw.trim().toLowerCase()] ?? 'String'
}

function badData(detail: string): HuntbenchError {
  return new HuntbenchError('bad_data', `The hunting service answered with something Huntbench cannot read: ${detail}. Nothing was stored.`)
}

function parseSchema(raw: unknown): ColumnSchema[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) throw badData('its schema is not a list')
  return raw.map((entry, i) => {
    const name = field(entry, 'name')
    if (typeof name !== 'string' || name === '') throw badData(`column ${i + 1} of its schema has no name`)
    return { name, type: mapType(field(entry, 'type') ?? field(entry, 'dataType')) }
  })
}

/** One result row (an object keyed by column name) as an array in schema order. */
function toArray(row: unknown, schema: ColumnSchema[], index: number): unknown[] {
  if (Array.isArray(row)) return schema.map((_, i) => row[i] ?? null)
  if (!row || typeof row !== 'object') throw badData(`row ${index + 1} is not an object`)
  const record = row as Record<string, unknown>
  return schema.map((c) => {
    const value = c.name in record ? record[c.name] : field(record, c.name)
    return value === undefined ? null : value
  })
}

/** Parses a 200 answer (already JSON-decoded) into schema + rows, capping at 100,000 rows. */
export function parseResult(body: unknown): ParsedResult {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badData('the answer is not a JSON object')
  const rawRows = field(body, 'results')
  if (rawRows !== undefined && rawRows !== null && !Array.isArray(rawRows)) throw badData('its results are not a list')
  const list = (rawRows ?? []) as unknown[]
  let schema = parseSchema(field(body, 'schema'))
  if (schema.length === 0 && list.length > 0 && list[0] && typeof list[0] === 'object' && !Array.isArray(list[0])) {
    // No schema but rows: take the columns from the first row rather than dropping data.
    schema = Object.keys(list[0] as object).map((name) => ({ name, type: 'String' }))
  }
  const kept = list.length > MAX_RESULT_ROWS ? list.slice(0, MAX_RESULT_ROWS) : list
  const rows = kept.map((row, i) => toArray(row, schema, i))
  return { schema, rows, truncated: list.length >= MAX_RESULT_ROWS, answeredRows: list.length }
}

export interface ErrorInfo {
  code: string
  message: string
}

/** Reads `{error:{code,message}}` from an error answer; tolerates plain text. */
export function parseErrorBody(text: string): ErrorInfo {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { code: '', message: text.trim().slice(0, 500) }
  }
  const error = field(body, 'error')
  const source = error && typeof error === 'object' ? error : body
  const code = field(source, 'code')
  let message = field(source, 'message')
  if (typeof message !== 'string' || message === '') {
    const inner = field(source, 'innerError')
    const innerMessage = field(inner, 'message')
    message = typeof innerMessage === 'string' ? innerMessage : ''
  }
  return { code: code === undefined || code === null ? '' : String(code), message: String(message).slice(0, 2000) }
}

/** Parses a Retry-After header (seconds, possibly decimal, or an HTTP date) into ms. */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (!header) return null
  const trimmed = header.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000)
  const date = Date.parse(trimmed)
  if (!Number.isNaN(date)) return Math.max(0, date - nowMs)
  return null
}

const unitMs: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000 }

/**
 * Finds the wait a throttling message names: "send requests again in 8 seconds",
 * "run queries again in 00:05:00" or "again in 2 minutes".
 */
export function parseAgainIn(message: string): number | null {
  const words = /again in\s+(\d+(?:\.\d+)?)\s*(second|minute|hour)s?/i.exec(message)
  if (words) return Math.ceil(Number(words[1]) * unitMs[words[2].toLowerCase()])
  const clock = /again in\s+(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)/i.exec(message)
  if (clock) {
    const [, days, h, m, s] = clock
    return Math.ceil(((Number(days ?? 0) * 24 + Number(h)) * 3600 + Number(m) * 60 + Number(s)) * 1000)
  }
  return null
}

/** CPU throttling ("exceeded processing resources") blocks until the next 15-minute cycle. */
export function isCpuThrottle(message: string): boolean {
  return /processing resources|cpu/i.test(message)
}

export function isResultSizeError(message: string): boolean {
  return /result size|exceeded the allowed|too large|50 ?MB/i.test(message)
}

export function isTimeoutMessage(message: string): boolean {
  return /timeout period|timed out|exceeded the timeout/i.test(message)
}
