import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { openDatabase } from '../../src/main/store/db'
import { migrations } from '../../src/main/store/migrations/index'
import { tempDir } from '../helpers/tmp'

let db: Database | undefined
afterEach(() => db?.close())

const previous = migrations[migrations.findIndex((m) => m.version === 4) - 1].version
const guid = '0f3c1a2b-1234-4abc-9def-0123456789ab'

describe('migration 004: hunting', () => {
  it('adds the queue, ledger, limits and schema cache and keeps earlier runs and profiles', () => {
    const file = join(tempDir(), 'huntbench.db')
    const old = openDatabase(file, { targetVersion: previous }).db
    old.prepare("INSERT INTO profiles (name, tenant_id, client_id, api, created_at) VALUES ('Contoso', 'contoso.onmicrosoft.com', ?, 'graph', 1)").run(guid)
    old.prepare("INSERT INTO query_runs (source, title, kql, profile, started_at, status, row_count) VALUES ('hunt', 'old', 'T', 'Contoso', 1, 'succeeded', 1)").run()
    old.prepare("INSERT INTO run_rows (run_id, idx, row) VALUES (1, 0, '[1]')").run()
    old.close()

    const opened = openDatabase(file, { targetVersion: 4 })
    db = opened.db
    expect(opened.schemaVersion).toBe(4)
    expect(db.prepare('SELECT title, profile, profile_id, tenant_id FROM query_runs').get()).toEqual({ title: 'old', profile: 'Contoso', profile_id: null, tenant_id: null })
    expect(db.prepare('SELECT row FROM run_rows').pluck().get()).toBe('[1]')
    for (const table of ['hunt_queue', 'quota_ledger', 'quota_limits', 'hunting_schema_cache']) {
      expect(db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(table)).toMatch(/STRICT/)
    }
  })

  it('enforces states, kinds and foreign keys, and cascades a removed profile', () => {
    const opened = openDatabase(join(tempDir(), 'huntbench.db'), { targetVersion: 4 })
    db = opened.db
    db.prepare("INSERT INTO profiles (name, tenant_id, client_id, api, created_at) VALUES ('Contoso', 'contoso.onmicrosoft.com', ?, 'graph', 1)").run(guid)
    db.prepare("INSERT INTO query_runs (source, title, kql, started_at, status, profile_id) VALUES ('hunt', 'q', 'T', 1, 'queued', 1)").run()
    const queue = db.prepare('INSERT INTO hunt_queue (profile_id, run_id, kql, state, next_at, created_at) VALUES (?, 1, ?, ?, 1, 1)')
    expect(() => queue.run(1, 'T', 'sleeping')).toThrow(/CHECK/)
    expect(() => queue.run(99, 'T', 'pending')).toThrow(/FOREIGN KEY/)
    queue.run(1, 'T', 'pending')
    expect(() => queue.run(1, 'T', 'pending')).toThrow(/UNIQUE/)
    const ledger = db.prepare('INSERT INTO quota_ledger (profile_id, at, kind, amount) VALUES (1, 1, ?, ?)')
    expect(() => ledger.run('guess', 1)).toThrow(/CHECK/)
    expect(() => ledger.run('call', -1)).toThrow(/CHECK/)
    ledger.run('call', 1)
    db.prepare("INSERT INTO quota_limits (profile_id, preset, calls_per_minute) VALUES (1, 'strict', 10)").run()
    expect(() => db!.prepare("INSERT INTO quota_limits (profile_id, preset, calls_per_minute) VALUES (1, 'loose', 10)").run()).toThrow()

    db.prepare('DELETE FROM profiles WHERE id = 1').run()
    expect(db.prepare('SELECT count(*) FROM hunt_queue').pluck().get()).toBe(0)
    expect(db.prepare('SELECT count(*) FROM quota_ledger').pluck().get()).toBe(0)
    expect(db.prepare('SELECT count(*) FROM quota_limits').pluck().get()).toBe(0)
    // The run stays for offline review; only its link to the profile goes.
    expect(db.prepare('SELECT title, profile_id FROM query_runs').get()).toEqual({ title: 'q', profile_id: null })
  })
})
