import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { openDatabase } from '../../src/main/store/db'
import { tempDir } from '../helpers/tmp'

let db: Database | undefined
afterEach(() => db?.close())

describe('migration 002: threat-intel queue', () => {
  it('adds the queue tables, STRICT, and keeps stored lookups and runs', () => {
    const file = join(tempDir(), 'huntbench.db')
    const old = openDatabase(file, { targetVersion: 1 })
    old.db
      .prepare(
        `INSERT INTO lookups (provider, ioc, ioc_type, safe_ioc, result, severity, details, raw, reference, status, fetched_at)
         VALUES ('shodan', '8.8.8.8', 'ipv4', '8.8.8.8', 1, 'information', '{"Ports":[53]}', '{}', 'https://api.shodan.io/shodan/host/8.8.8.8?key=REDACTED', 0, 5)`
      )
      .run()
    old.db.prepare("INSERT INTO query_runs (source, title, kql, started_at, status) VALUES ('import', 'kept', '', 1, 'succeeded')").run()
    old.db.close()

    const opened = openDatabase(file, { targetVersion: 2 })
    db = opened.db
    expect(opened.schemaVersion).toBe(2)
    expect(db.prepare('SELECT ioc, severity, status FROM lookups').all()).toEqual([{ ioc: '8.8.8.8', severity: 'information', status: 0 }])
    expect(db.prepare('SELECT title FROM query_runs').pluck().all()).toEqual(['kept'])
    for (const table of ['ti_jobs', 'ti_queue', 'ti_job_items', 'ti_attempts', 'ti_spacing', 'ti_provider_settings']) {
      expect(db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(table)).toMatch(/STRICT/)
    }
  })

  it('holds one live queue row per observable, and enforces states and foreign keys', () => {
    db = openDatabase(join(tempDir(), 'huntbench.db'), { targetVersion: 2 }).db
    const insert = db.prepare(
      "INSERT INTO ti_queue (provider, ioc_type, safe_ioc, priority, state, next_at, created_at) VALUES ('shodan', 'ipv4', '8.8.8.8', 0, ?, 0, 0)"
    )
    insert.run('pending')
    expect(() => insert.run('inflight')).toThrow(/UNIQUE/)
    insert.run('done')
    insert.run('failed')
    expect(() => insert.run('lost')).toThrow(/CHECK/)
    expect(() =>
      db!.prepare("INSERT INTO ti_job_items (job_id, idx, source, ioc, ioc_type, safe_ioc, provider, state) VALUES (99, 0, 'x', 'x', 'ipv4', 'x', 'shodan', 'pending')").run()
    ).toThrow(/FOREIGN KEY/)
    expect(() => db!.prepare("INSERT INTO ti_provider_settings (provider, spacing_ms) VALUES ('shodan', 10)").run()).toThrow(/CHECK/)
  })

  it('finds the next due row through the index, not a table scan', () => {
    db = openDatabase(join(tempDir(), 'huntbench.db'), { targetVersion: 2 }).db
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM ti_queue WHERE provider = 'shodan' AND state = 'pending' AND next_at <= 5 ORDER BY priority, id LIMIT 1")
      .all() as { detail: string }[]
    const detail = plan.map((p) => p.detail).join(' ')
    expect(detail).toMatch(/USING (COVERING )?INDEX ti_queue_due/)
    expect(detail).not.toMatch(/TEMP B-TREE/)
  })
})
