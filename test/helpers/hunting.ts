// Shared pieces for hunting tests: a fake clock whose timers fire only when a test moves
// time, and a migrated database with a profile to hang quota and queue rows on.
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import { ProfileStore } from '../../src/main/auth/profiles'
import type { Clock } from '../../src/main/hunting/queue'
import { openDatabase } from '../../src/main/store/db'
import { tempDir } from './tmp'

export const TEST_CLIENT_ID = '0f3c1a2b-1234-4abc-9def-0123456789ab'

export class FakeClock implements Clock {
  private timers: { id: number; at: number; fn: () => void }[] = []
  private seq = 0
  constructor(public t = Date.UTC(2026, 10, 28, 12, 0, 0)) {}
  now = (): number => this.t
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq
    this.timers.push({ id, at: this.t + Math.max(0, ms), fn })
    return id
  }
  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== handle)
  }
  get pending(): number {
    return this.timers.length
  }
  nextAt(): number | null {
    return this.timers.length ? Math.min(...this.timers.map((t) => t.at)) : null
  }
  /** Moves time forward, firing due timers in order (and any they schedule). */
  advance(ms: number): void {
    const end = this.t + ms
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (!due) break
      this.timers = this.timers.filter((t) => t !== due)
      this.t = Math.max(this.t, due.at)
      due.fn()
    }
    this.t = end
  }
}

export function huntingDb(file = join(tempDir(), 'huntbench.db')): { db: Database; file: string; profileId: number; profiles: ProfileStore } {
  const { db } = openDatabase(file)
  const profiles = new ProfileStore(db, Date.now)
  const existing = profiles.list()[0]
  const profileId = existing ? existing.id : profiles.add({ name: 'Contoso', tenantId: 'contoso.onmicrosoft.com', clientId: TEST_CLIENT_ID, api: 'graph' }).id
  return { db, file, profileId, profiles }
}
