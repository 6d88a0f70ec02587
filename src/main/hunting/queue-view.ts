// The queue as the analyst sees it: each waiting query's place and expected start (from the
// governor's forecast and recent running times), then the last few that finished.
import type { Database } from 'better-sqlite3'
import type { QueueItem, QueueState } from '../../shared/api/hunting'
import type { QuotaGovernor } from './governor'
import type { QueueProfile } from './queue'

export interface QueueRow {
  id: number
  profile_id: number
  run_id: number
  kql: string
  timespan: string | null
  state: QueueState
  interactive: number
  attempts: number
  throttles: number
  next_at: number
  created_at: number
  started_at: number | null
  owner: string | null
  error_code: string | null
  error: string | null
}

function averageDurationMs(db: Database, profileId: number): number {
  const avg = db
    .prepare("SELECT avg(amount) FROM (SELECT amount FROM quota_ledger WHERE profile_id = ? AND kind = 'running' ORDER BY at DESC LIMIT 10)")
    .pluck()
    .get(profileId) as number | null
  return Math.round(avg ?? 3000)
}

/** Waiting and running queries with position and ETA, then the last few finished. */
export function listQueue(db: Database, governor: QuotaGovernor, profile: (id: number) => QueueProfile, profileId?: number): QueueItem[] {
  const filter = profileId === undefined ? '' : 'AND profile_id = ?'
  const params = profileId === undefined ? [] : [profileId]
  const open = db.prepare(`SELECT * FROM hunt_queue WHERE state IN ('in_flight', 'pending') ${filter} ORDER BY id`).all(...params) as QueueRow[]
  const recent = db
    .prepare(`SELECT * FROM hunt_queue WHERE state NOT IN ('in_flight', 'pending') ${filter} ORDER BY coalesce(finished_at, created_at) DESC, id DESC LIMIT 10`)
    .all(...params) as QueueRow[]
  const names = new Map<number, string>()
  const nameOf = (id: number): string => {
    if (!names.has(id)) {
      let name = `profile ${id}`
      try {
        name = profile(id).name
      } catch {
        // A removed profile still names its finished items by id.
      }
      names.set(id, name)
    }
    return names.get(id) as string
  }
  const etas = new Map<number, number>()
  const byProfile = new Map<number, QueueRow[]>()
  for (const row of open) if (row.state === 'pending') byProfile.set(row.profile_id, [...(byProfile.get(row.profile_id) ?? []), row])
  for (const [pid, rows] of byProfile) {
    const busy = open.some((r) => r.profile_id === pid && r.state === 'in_flight')
    const duration = averageDurationMs(db, pid)
    const starts = governor.forecast(pid, rows.length + (busy ? 1 : 0), duration)
    if (busy) starts.shift()
    rows.forEach((row, i) => etas.set(row.id, Math.max(starts[i], row.next_at)))
  }
  const positions = new Map<number, number>()
  for (const rows of byProfile.values()) rows.forEach((row, i) => positions.set(row.id, i + 1))
  return [...open, ...recent].map((row) => ({
    queueId: row.id,
    runId: row.run_id,
    profileId: row.profile_id,
    profileName: nameOf(row.profile_id),
    kql: row.kql,
    timespan: row.timespan,
    state: row.state,
    position: positions.get(row.id) ?? 0,
    etaAt: etas.get(row.id) ?? null,
    attempts: row.attempts,
    createdAt: row.created_at,
    error: row.error ? { code: row.error_code ?? 'remote_error', message: row.error } : null
  }))
}
