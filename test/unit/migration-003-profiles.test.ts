import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { openDatabase } from '../../src/main/store/db'
import { migrations } from '../../src/main/store/migrations/index'
import { tempDir } from '../helpers/tmp'

let db: Database | undefined
afterEach(() => db?.close())

const index = migrations.findIndex((m) => m.version === 3)
const previous = migrations[index - 1].version

describe('migration 003: profiles', () => {
  it('adds profiles and keeps what was stored before', () => {
    const file = join(tempDir(), 'huntbench.db')
    const old = openDatabase(file, { targetVersion: previous })
    expect(old.schemaVersion).toBe(previous)
    old.db.prepare("INSERT INTO settings (key, value) VALUES ('theme', 'dark')").run()
    old.db
      .prepare("INSERT INTO query_runs (source, title, kql, started_at, status) VALUES ('import', 'kept', 'T | take 1', 1, 'succeeded')")
      .run()
    old.db.close()

    const opened = openDatabase(file, { targetVersion: 3 })
    db = opened.db
    expect(opened.schemaVersion).toBe(3)
    expect(db.prepare("SELECT value FROM settings WHERE key = 'theme'").pluck().get()).toBe('dark')
    expect(db.prepare('SELECT title FROM query_runs').pluck().all()).toEqual(['kept'])
    const columns = (db.prepare('PRAGMA table_info(profiles)').all() as { name: string }[]).map((c) => c.name)
    expect(columns).toEqual([
      'id', 'name', 'tenant_id', 'client_id', 'api', 'is_sandbox',
      'account_username', 'account_home_id', 'signed_in_at', 'created_at'
    ])
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'profiles'").pluck().get()).toMatch(/STRICT/)
  })

  it('enforces unique names (any case), the api flavour, and one sandbox', () => {
    const opened = openDatabase(join(tempDir(), 'huntbench.db'), { targetVersion: 3 })
    db = opened.db
    const insert = db.prepare('INSERT INTO profiles (name, tenant_id, client_id, api, is_sandbox, created_at) VALUES (?, ?, ?, ?, ?, 1)')
    const guid = '0f3c1a2b-1234-4abc-9def-0123456789ab'
    insert.run('Contoso', 'contoso.onmicrosoft.com', guid, 'graph', 0)
    expect(() => insert.run('contoso', 'contoso.onmicrosoft.com', guid, 'graph', 0)).toThrow(/UNIQUE/)
    expect(() => insert.run('Other', 'contoso.onmicrosoft.com', guid, 'beta', 0)).toThrow(/CHECK/)
    expect(() => insert.run('Other', 'contoso.onmicrosoft.com', 'short', 'graph', 0)).toThrow(/CHECK/)
    insert.run('Sandbox', 'sandbox.test', guid, 'graph', 1)
    expect(() => insert.run('Sandbox 2', 'sandbox.test', guid, 'graph', 1)).toThrow(/UNIQUE/)
    expect(db.prepare('SELECT count(*) FROM profiles').pluck().get()).toBe(2)
  })

  it('never reuses the id of a removed profile (it names the token cache)', () => {
    const opened = openDatabase(join(tempDir(), 'huntbench.db'), { targetVersion: 3 })
    db = opened.db
    const insert = db.prepare("INSERT INTO profiles (name, tenant_id, client_id, created_at) VALUES (?, 'contoso.com', '0f3c1a2b-1234-4abc-9def-0123456789ab', 1)")
    const first = Number(insert.run('A').lastInsertRowid)
    db.prepare('DELETE FROM profiles WHERE id = ?').run(first)
    const second = Number(insert.run('B').lastInsertRowid)
    expect(second).toBeGreaterThan(first)
  })
})
