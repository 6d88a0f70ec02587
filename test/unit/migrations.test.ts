import { existsSync, openSync, readdirSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrate, openDatabase, schemaVersionOf } from '../../src/main/store/db'
import { latestSchemaVersion, migrations, type Migration } from '../../src/main/store/migrations/index'
import { tempDir } from '../helpers/tmp'

describe('migration list', () => {
  it('is numbered 1..N without gaps, in order', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
    expect(latestSchemaVersion).toBe(migrations.length)
  })

  it('refuses a list that is out of order', () => {
    const db = new BetterSqlite3(':memory:')
    const bad: Migration[] = [
      { version: 2, name: 'two', up: () => {} },
      { version: 1, name: 'one', up: () => {} }
    ]
    expect(() => migrate(db, bad)).toThrow(/out of order/)
  })
})

describe('migration 1', () => {
  it('creates the first tables, STRICT, with foreign keys and the search index kept by triggers', () => {
    const dir = tempDir()
    const { db, schemaVersion } = openDatabase(join(dir, 'h.db'), { targetVersion: 1 })
    expect(schemaVersion).toBe(1)
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[]
    const names = tables.map((t) => t.name)
    for (const name of ['settings', 'cases', 'query_runs', 'run_rows', 'lookups', 'observables', 'notes', 'case_items', 'search_index']) {
      expect(names).toContain(name)
    }
    expect(tables.find((t) => t.name === 'query_runs')!.sql).toMatch(/STRICT/)
    db.prepare("INSERT INTO query_runs (source, title, kql, started_at, status) VALUES ('import', 't', 'DeviceLogonEvents | take 5', 1, 'succeeded')").run()
    const hit = db.prepare("SELECT kind, ref_id FROM search_index WHERE search_index MATCH 'DeviceLogonEvents'").all()
    expect(hit).toEqual([{ kind: 'run', ref_id: 1 }])
    expect(() => db.prepare('INSERT INTO run_rows (run_id, idx, row) VALUES (99, 0, ?)').run('[]')).toThrow(/FOREIGN KEY/)
    expect(() => db.prepare("INSERT INTO cases (title, status, created_at, updated_at) VALUES ('x', 'bogus', 1, 1)").run()).toThrow(/CHECK/)
    db.close()
  })

  it('uses the index for paging rows and for history by time', () => {
    const { db } = openDatabase(join(tempDir(), 'h.db'), { targetVersion: 1 })
    const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ')
    expect(plan('SELECT row FROM run_rows WHERE run_id = 1 AND idx >= 100 ORDER BY idx LIMIT 50')).toMatch(/SEARCH run_rows USING PRIMARY KEY/)
    expect(plan('SELECT * FROM query_runs ORDER BY started_at DESC LIMIT 10')).toMatch(/query_runs_started/)
    db.close()
  })
})

describe('opening the database', () => {
  it('applies every migration to a new file and records the version', () => {
    const { db, schemaVersion } = openDatabase(join(tempDir(), 'h.db'))
    expect(schemaVersion).toBe(latestSchemaVersion)
    expect(schemaVersionOf(db)).toBe(latestSchemaVersion)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    db.close()
  })

  it('rolls back a failing step entirely and keeps the previous version', () => {
    const file = join(tempDir(), 'h.db')
    const failing: Migration[] = [
      ...migrations.slice(0, 1),
      {
        version: 2,
        name: 'breaks half-way',
        up(db) {
          db.exec('CREATE TABLE half (x INTEGER) STRICT')
          db.exec('INSERT INTO no_such_table VALUES (1)')
        }
      }
    ]
    expect(() => openDatabase(file, { migrationList: failing })).toThrow(/no_such_table/)
    const db = new BetterSqlite3(file)
    expect(schemaVersionOf(db)).toBe(1)
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0)
    db.close()
  })

  it('refuses a database written by a newer version, with a clear message, and leaves it alone', () => {
    const file = join(tempDir(), 'h.db')
    openDatabase(file).db.close()
    const raw = new BetterSqlite3(file)
    raw.pragma(`user_version = ${latestSchemaVersion + 5}`)
    raw.close()
    expect(() => openDatabase(file)).toThrow(new RegExp(`newer Huntbench \\(schema version ${latestSchemaVersion + 5}; this version knows up to ${latestSchemaVersion}\\)`))
    const again = new BetterSqlite3(file)
    expect(schemaVersionOf(again)).toBe(latestSchemaVersion + 5)
    again.close()
  })

  it('moves a damaged file aside, says where, and never silently reuses it', () => {
    const dir = tempDir()
    const file = join(dir, 'h.db')
    writeFileSync(file, 'this is not a database, it is a note someone saved over it'.repeat(100))
    const opened = openDatabase(file, { now: () => Date.UTC(2026, 10, 28, 12, 0, 0) })
    expect(opened.movedAside).toBe(`${file}.damaged-2026-11-28T12-00-00-000Z`)
    expect(existsSync(opened.movedAside!)).toBe(true)
    expect(opened.schemaVersion).toBe(latestSchemaVersion)
    expect(readdirSync(dir).filter((f) => f.includes('damaged'))).toHaveLength(1)
    opened.db.close()
  })

  it('finds damage deep in the file when asked to check, and moves the file aside', () => {
    const dir = tempDir()
    const file = join(dir, 'h.db')
    const { db } = openDatabase(file)
    const insert = db.prepare("INSERT INTO notes (body, created_at, updated_at) VALUES (?, 1, 1)")
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('evidence '.repeat(50) + i)
    })()
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const size = statSync(file).size
    // Scribble over a page near the end: the header and schema pages stay readable.
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, size - 3 * 4096)
    closeSync(fd)

    const quick = openDatabase(file)
    expect(quick.movedAside).toBeNull()
    quick.db.close()
    const checked = openDatabase(file, { integrityCheck: true })
    expect(checked.movedAside).toMatch(/h\.db\.damaged-/)
    expect(checked.db.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(0)
    checked.db.close()
  })
})
