// Runtime values of the fake's KQL subset. Datetimes carry 100-ns ticks beyond the
// millisecond so results print with Kusto's 7 fractional digits.
import type { HuntingColumnType } from '../../../src/shared/hunting-schema'

export type KType = HuntingColumnType

export class KDateTime {
  constructor(
    readonly ms: number,
    readonly ticks = 0
  ) {}
  valueOf(): number {
    return this.ms + this.ticks / 10_000
  }
  toJSON(): string {
    return formatIso7(this)
  }
}

export class KTimespan {
  constructor(readonly ms: number) {}
  valueOf(): number {
    return this.ms
  }
  toJSON(): string {
    return formatTimespan(this.ms)
  }
}

export type KValue = string | number | boolean | null | KDateTime | KTimespan

export type Row = Record<string, KValue>

export interface Column {
  name: string
  type: KType
}

export function formatIso7(d: KDateTime): string {
  const iso = new Date(d.ms).toISOString() // 2024-01-02T03:04:05.678Z
  return `${iso.slice(0, 23)}${String(Math.floor(d.ticks)).padStart(4, '0')}Z`
}

export function formatTimespan(ms: number): string {
  const sign = ms < 0 ? '-' : ''
  let rest = Math.abs(ms)
  const days = Math.floor(rest / 86_400_000)
  rest -= days * 86_400_000
  const h = Math.floor(rest / 3_600_000)
  rest -= h * 3_600_000
  const m = Math.floor(rest / 60_000)
  rest -= m * 60_000
  const s = Math.floor(rest / 1000)
  const frac = Math.round((rest - s * 1000) * 10_000)
  const p2 = (n: number) => String(n).padStart(2, '0')
  return `${sign}${days ? `${days}.` : ''}${p2(h)}:${p2(m)}:${p2(s)}${frac ? `.${String(frac).padStart(7, '0')}` : ''}`
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i

/** Kusto datetime literals: ISO 8601 dates, optional time, UTC unless an offset is given. */
export function parseDateTime(text: string): KDateTime | null {
  const m = ISO.exec(text.trim())
  if (!m) return null
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  if (Number.isNaN(ms)) return null
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000
  }
  const f = frac.padEnd(7, '0')
  return new KDateTime(ms + Number(f.slice(0, 3)), Number(f.slice(3)))
}

const UNIT_MS: Record<string, number> = {
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
  microsecond: 0.001, microseconds: 0.001, tick: 0.0001, ticks: 0.0001
}

export function timespanUnitMs(unit: string): number | undefined {
  return UNIT_MS[unit.toLowerCase()]
}

export function typeOfValue(v: KValue): KType {
  if (typeof v === 'string') return 'String'
  if (typeof v === 'boolean') return 'Boolean'
  if (typeof v === 'number') return Number.isInteger(v) ? 'Int64' : 'Double'
  if (v instanceof KDateTime) return 'DateTime'
  if (v instanceof KTimespan) return 'TimeSpan'
  return 'String'
}

/** What a value looks like when a string operator or tostring() sees it. */
export function asText(v: KValue): string {
  if (v === null) return ''
  if (v instanceof KDateTime || v instanceof KTimespan) return v.toJSON()
  return String(v)
}
