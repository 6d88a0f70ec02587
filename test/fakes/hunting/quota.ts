// Per-tenant quotas of the hunting API (defender-hunting-api.md §3–4): calls per minute,
// a CPU budget per 15-minute cycle and running time per hour. Each query is charged a
// deterministic cost from the rows it scanned, so throttling tests never depend on timing.

export interface HuntingLimits {
  callsPerMinute: number
  cpuSecondsPer15Min: number
  runningSecondsPerHour: number
  maxRows: number
  maxBytes: number
  timeoutMs: number
}

export const DEFAULT_LIMITS: HuntingLimits = {
  callsPerMinute: 45,
  cpuSecondsPer15Min: 300,
  runningSecondsPerHour: 600,
  maxRows: 100_000,
  maxBytes: 50 * 1024 * 1024,
  timeoutMs: 180_000
}

/** Simulated seconds a query costs: a fixed start-up plus 1 s per 100,000 rows scanned. */
export function queryCostSeconds(scanned: number): number {
  return 0.05 + scanned / 100_000
}

export type QuotaVerdict = { ok: true } | { ok: false; kind: 'calls' | 'cpu' | 'running'; retryAfterSec: number }

interface TenantState {
  windowStart: number
  calls: number
  cpuCycle: number
  cpuUsed: number
  runHour: number
  runUsed: number
}

const CYCLE_MS = 15 * 60_000
const HOUR_MS = 3_600_000

export class Quotas {
  private readonly tenants = new Map<string, TenantState>()

  constructor(
    private readonly limits: () => HuntingLimits,
    private readonly now: () => number
  ) {}

  private state(tenant: string): TenantState {
    const t = this.now()
    let s = this.tenants.get(tenant)
    if (!s) {
      s = { windowStart: t, calls: 0, cpuCycle: Math.floor(t / CYCLE_MS), cpuUsed: 0, runHour: Math.floor(t / HOUR_MS), runUsed: 0 }
      this.tenants.set(tenant, s)
    }
    if (t - s.windowStart >= 60_000) {
      s.windowStart = t
      s.calls = 0
    }
    if (Math.floor(t / CYCLE_MS) !== s.cpuCycle) {
      s.cpuCycle = Math.floor(t / CYCLE_MS)
      s.cpuUsed = 0
    }
    if (Math.floor(t / HOUR_MS) !== s.runHour) {
      s.runHour = Math.floor(t / HOUR_MS)
      s.runUsed = 0
    }
    return s
  }

  /** Admits one call (and counts it) or says which quota refuses it and for how long. */
  admit(tenant: string): QuotaVerdict {
    const s = this.state(tenant)
    const t = this.now()
    const lim = this.limits()
    if (s.calls >= lim.callsPerMinute) return { ok: false, kind: 'calls', retryAfterSec: (s.windowStart + 60_000 - t) / 1000 }
    if (s.cpuUsed >= lim.cpuSecondsPer15Min) return { ok: false, kind: 'cpu', retryAfterSec: ((s.cpuCycle + 1) * CYCLE_MS - t) / 1000 }
    if (s.runUsed >= lim.runningSecondsPerHour) return { ok: false, kind: 'running', retryAfterSec: ((s.runHour + 1) * HOUR_MS - t) / 1000 }
    s.calls++
    return { ok: true }
  }

  charge(tenant: string, seconds: number): void {
    const s = this.state(tenant)
    s.cpuUsed += seconds
    s.runUsed += seconds
  }

  reset(): void {
    this.tenants.clear()
  }
}

/** "00:07:12" — the portal's way of saying how long to wait. */
export function formatWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds))
  const p2 = (n: number) => String(n).padStart(2, '0')
  return `${p2(Math.floor(s / 3600))}:${p2(Math.floor((s % 3600) / 60))}:${p2(s % 60)}`
}

/** Retry-After as Graph sends it: whole seconds, or one decimal when not whole (e.g. 2.5). */
export function formatRetryAfter(seconds: number): string {
  const tenths = Math.max(1, Math.ceil(seconds * 10))
  return tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1)
}

export function processingMessage(retryAfterSec: number): string {
  return `You have exceeded processing resources allocated to this tenant. You can run queries again in ${formatWait(retryAfterSec)}.`
}

export function callsMessage(limit: number, retryAfterSec: number): string {
  return `API calls quota exceeded! Maximum allowed ${limit} per 00:01:00 for the key Destination+TenantID+AppID. You can send requests again in ${Math.max(1, Math.ceil(retryAfterSec))} seconds.`
}
