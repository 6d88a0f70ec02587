// Restart recovery for the hunt queue: which in-flight rows were abandoned (their process
// died, or they outlived the timeout) and putting a row back to pending with its run queued.
import { hostname } from 'node:os'
import type { Database } from 'better-sqlite3'
import type { RunStore } from '../store/runs'

/** Marks rows this process sends, so another process on this machine can tell it died. */
export const OWNER = `${hostname()}:${process.pid}`

/** A sender on this machine whose process is gone; other machines' rows wait for the timeout. */
function ownerIsDead(owner: string | null): boolean {
  if (!owner) return false
  const at = owner.lastIndexOf(':')
  const host = owner.slice(0, at)
  const pid = Number(owner.slice(at + 1))
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/** In-flight rows nobody will finish: not ours, and expired or owned by a dead process. */
export function abandonedRows(db: Database, ours: number[], expired: number): number[] {
  const inFlight = db.prepare("SELECT id, run_id, started_at, owner FROM hunt_queue WHERE state = 'in_flight'").all() as {
    id: number
    run_id: number
    started_at: number | null
    owner: string | null
  }[]
  return inFlight.filter((row) => !ours.includes(row.id) && ((row.started_at ?? 0) < expired || ownerIsDead(row.owner))).map((row) => row.id)
}

export function oldestInFlight(db: Database): number | null {
  return db.prepare("SELECT min(started_at) FROM hunt_queue WHERE state = 'in_flight'").pluck().get() as number | null
}

export function requeueRow(db: Database, runs: RunStore, queueId: number): void {
  db.transaction(() => {
    const row = db.prepare("UPDATE hunt_queue SET state = 'pending', started_at = NULL, owner = NULL WHERE id = ? AND state = 'in_flight' RETURNING run_id").get(queueId) as
      | { run_id: number }
      | undefined
    if (row) runs.setStatus(row.run_id, 'queued')
  })()
}
