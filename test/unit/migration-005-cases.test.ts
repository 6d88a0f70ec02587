import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { openDatabase } from '../../src/main/store/db'
import { migrations } from '../../src/main/store/migrations/index'
import { tempDir } from '../helpers/tmp'

let db: Database | undefined
afterEach(() => db?.close())

const index = migrations.findIndex((m) => m.version === 5)
const previous = migrations[index - 1].version

describe('migration 005: cases', () => {
  it('gives existing cases a uid, indexes them for search, and keeps everything stored', () => {
    const file = join(tempDir(), 'huntbench.db')
    const old = openDatabase(file, { targetVersion: previous })
    expect(old.schemaVersion).toBe(previous)
    old.db.prepare("INSERT INTO cases (title, description, created_at, updated_at) VALUES ('Beacon on HR laptops', 'cobalt strike suspected', 1, 2)").run()
    old.db.prepare("INSERT INTO cases (title, created_at, updated_at) VALUES ('Second', 1, 2)").run()
    old.db.prepare("INSERT INTO notes (case_id, body, created_at, updated_at) VALUES (1, 'kept note', 1, 1)").run()
    old.db.prepare("INSERT INTO observables (type, value, first_seen, last_seen) VALUES ('ipv4', '8.8.8.8', 1, 2)").run()
    old.db.prepare("INSERT INTO case_items (case_id, kind, ref_id, added_at) VALUES (1, 'observable', 1, 3)").run()
    old.db.close()

    const opened = openDatabase(file, { targetVersion: 5 })
    db = opened.db
    expect(opened.schemaVersion).toBe(5)
    const uids = db.prepare('SELECT uid FROM cases ORDER BY id').pluck().all() as string[]
    expect(uids).toHaveLength(2)
    for (const uid of uids) expect(uid).toMatch(/^[0-9a-f]{32}$/)
    expect(uids[0]).not.toBe(uids[1])
    expect(db.prepare('SELECT body FROM notes').pluck().all()).toEqual(['kept note'])
    expect(db.prepare('SELECT count(*) FROM case_items').pluck().get()).toBe(1)
    // Cases stored before the migration are found by full-text search.
    const hit = db.prepare("SELECT ref_id FROM search_index WHERE search_index MATCH 'cobalt' AND kind = 'case'").pluck().all()
    expect(hit).toEqual([1])
    for (const table of ['observable_sightings', 'bundle_imports', 'bundle_objects']) {
      expect(db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(table)).toMatch(/STRICT/)
    }
  })

  it('assigns a uid to new cases, keeps them unique, and keeps search in step with renames', () => {
    db = openDatabase(join(tempDir(), 'huntbench.db'), { targetVersion: 5 }).db
    db.prepare("INSERT INTO cases (title, created_at, updated_at) VALUES ('Alpha', 1, 1)").run()
    const uid = db.prepare('SELECT uid FROM cases WHERE id = 1').pluck().get() as string
    expect(uid).toMatch(/^[0-9a-f]{32}$/)
    expect(() => db!.prepare("INSERT INTO cases (uid, title, created_at, updated_at) VALUES (?, 'Dup', 1, 1)").run(uid)).toThrow(/UNIQUE/)
    db.prepare("UPDATE cases SET title = 'Renamed phishing wave' WHERE id = 1").run()
    expect(db.prepare("SELECT ref_id FROM search_index WHERE search_index MATCH 'phishing'").pluck().all()).toEqual([1])
    expect(db.prepare("SELECT count(*) FROM search_index WHERE search_index MATCH 'alpha'").pluck().get()).toBe(0)
    expect(() =>
      db!.prepare("INSERT INTO observable_sightings (observable_id, source, ref_id, count, first_seen, last_seen) VALUES (99, 'run', 1, 1, 1, 1)").run()
    ).toThrow(/FOREIGN KEY/)
  })
})
