import { isNumericType, kqlString, kqlType, type KqlType } from '../hunt/kql/kql-types'

// Cell values as they come from a result: strings, numbers, booleans, null, and for dynamic
// columns either parsed JSON or the JSON text itself.

export type CellKind = 'null' | 'empty' | 'text' | 'number' | 'bool' | 'datetime' | 'dynamic'

export interface CellDisplay {
  kind: CellKind
  /** What the cell shows (one line, possibly cut short). */
  text: string
  /** Tooltip: the raw ISO time for datetimes, the full value when the text was cut. */
  title?: string
}

/** Longest text put into a cell; the rest is cut (CSS adds the ellipsis at the cell edge). */
export const CELL_TEXT_LIMIT = 500
const TITLE_LIMIT = 2000

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** Parse an ISO-8601 time, including .NET's 7-digit fractions. */
export function parseIsoTime(value: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim())
  if (!m) return null
  const fraction = m[2] ? `.${m[2].slice(0, 3).padEnd(3, '0')}` : ''
  const zone = m[3] ?? 'Z' // Defender times are UTC even when the zone is left off
  const date = new Date(`${m[1].replace(' ', 'T')}${fraction}${zone}`)
  return Number.isNaN(date.getTime()) ? null : date
}

/** Local, readable time: 2024-01-31 11:00:05 (milliseconds only when there are any). */
export function formatLocalTime(date: Date): string {
  const ms = date.getMilliseconds()
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    (ms ? `.${pad(ms, 3)}` : '')
}

function oneLine(text: string): CellDisplay {
  const flat = text.length > CELL_TEXT_LIMIT ? text.slice(0, CELL_TEXT_LIMIT) : text
  const display = flat.replace(/[\r\n\t]+/g, ' ')
  const cut = flat.length < text.length || display !== text
  return cut ? { kind: 'text', text: display, title: text.slice(0, TITLE_LIMIT) } : { kind: 'text', text: display }
}

/** How a value shows in a cell of a column of `type`. */
export function formatCell(value: unknown, type: string): CellDisplay {
  if (value === null || value === undefined) return { kind: 'null', text: 'null' }
  const t = kqlType(type)
  if (value === '') return { kind: 'empty', text: '', title: 'empty string' }
  if (t === 'datetime' && typeof value === 'string') {
    const date = parseIsoTime(value)
    if (date) return { kind: 'datetime', text: formatLocalTime(date), title: value }
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return { kind: 'number', text: String(value) }
  }
  if (typeof value === 'boolean') return { kind: 'bool', text: String(value) }
  if (typeof value === 'object') {
    const json = JSON.stringify(value) ?? String(value)
    return { ...oneLine(json), kind: 'dynamic' }
  }
  const text = String(value)
  if (isNumericType(t) && /^-?\d/.test(text)) return { kind: 'number', text }
  if (t === 'dynamic') return { ...oneLine(text), kind: 'dynamic' }
  return oneLine(text)
}

/** A dynamic value as a JS value: objects as they are, JSON text parsed; else undefined. */
export function parseDynamic(value: unknown): unknown {
  if (value !== null && typeof value === 'object') return value
  if (typeof value !== 'string') return undefined
  const s = value.trim()
  if (!(s.startsWith('{') && s.endsWith('}')) && !(s.startsWith('[') && s.endsWith(']'))) return undefined
  try {
    return JSON.parse(s)
  } catch {
    return undefined
  }
}

/** A value as plain text for copying: raw times, compact JSON, '' for null. */
export function plainText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') return JSON.stringify(value) ?? ''
  return String(value)
}

/** One TSV field, quoted the way spreadsheets read it when it holds tabs, breaks or quotes. */
export function tsvField(value: unknown): string {
  const text = plainText(value)
  return /[\t\r\n"]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function rowToTsv(row: readonly unknown[], columns?: readonly number[]): string {
  const cells = columns ? columns.map((i) => row[i]) : row
  return cells.map(tsvField).join('\t')
}

export function rowsToTsv(rows: readonly (readonly unknown[])[], header?: readonly string[], columns?: readonly number[]): string {
  const lines = rows.map((r) => rowToTsv(r, columns))
  if (header) lines.unshift(header.map(tsvField).join('\t'))
  return lines.join('\n')
}

/**
 * Distinct values of a column, first-seen order, one per line. Null and empty values are
 * left out; line breaks inside a value become spaces so each value stays on one line.
 */
export function distinctLines(values: Iterable<unknown>): string {
  const seen = new Set<string>()
  for (const v of values) {
    const text = plainText(v).replace(/\r?\n|\r/g, ' ')
    if (text !== '') seen.add(text)
  }
  return [...seen].join('\n')
}

/** Distinct values as a KQL list literal, e.g. ("a", "b") or (1, 2), for `in (...)`. */
export function kqlList(values: Iterable<unknown>, type: string): string {
  const t: KqlType = kqlType(type)
  const seen = new Set<string>()
  for (const v of values) {
    if (v === null || v === undefined || v === '') continue
    const text = plainText(v)
    seen.add(isNumericType(t) && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text) ? text : kqlString(text))
  }
  return `(${[...seen].join(', ')})`
}

/** Pretty JSON for the details panel. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value)
}
