// Opening the one database file: pragmas, refusal of newer schemas, moving damaged
// files aside (never silently recreating them), and applying migrations.
import { existsSync, mkdirSync, renameSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3, { type Database } from 'better-sqlite3'
import { HuntbenchError } from '../../shared/errors'
import { latestSchemaVersion, migrations, type Migration } from './migrations/index'

export interface OpenOptions {
  /** An Electron-ABI build of better-sqlite3 (see scripts/electron-native.mjs). */
  nativeBinding?: string
  /** Stop at this version: migration tests walk the list one step at a time. */
  targetVersion?: number
  migrationList?: Migration[]
  now?: () => number
  /**
   * Read every page once at open (PRAGMA quick_check): about 0.25 s per 150 MB, so the
   * long-running hosts do it and one-shot CLI commands skip it.
   */
  integrityCheck?: boolean
}

export interface OpenedDatabase {
  db: Database
  schemaVersion: number
  /** Set when a damaged file was moved aside and a fresh one created in its place. */
  movedAside: string | null
}

const DAMAGED_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT'])

export function schemaVersionOf(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

function openRaw(file: string, options: OpenOptions): Database {
  const db = new BetterSqlite3(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  try {
    // Reading the schema touches the header and the first pages: a file that is not a
    // database, or whose first pages are damaged, fails here rather than mid-session.
    db.pragma('journal_mode = WAL')
    db.prepare('SELECT count(*) FROM sqlite_master').get()
    if (options.integrityCheck) {
      const verdict = db.pragma('quick_check(1)', { simple: true })
      if (verdict !== 'ok') throw Object.assign(new Error(`quick_check: ${String(verdict)}`), { code: 'SQLITE_CORRUPT' })
    }
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    db.pragma('synchronous = NORMAL')
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

function moveAside(file: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-')
  const target = `${file}.damaged-${stamp}`
  renameSync(file, target)
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix)
  }
  return target
}

export function migrate(db: Database, list: Migration[] = migrations, target = list[list.length - 1].version): number {
  list.forEach((step, i) => {
    if (i > 0 && step.version <= list[i - 1].version) {
      throw new Error(`migration list out of order: ${step.version} follows ${list[i - 1].version}`)
    }
  })
  let version = schemaVersionOf(db)
  for (const step of list) {
    if (step.version <= version || step.version > target) continue
    db.transaction(() => {
      step.up(db)
      db.pragma(`user_version = ${step.version}`)
    })()
    version = step.version
  }
  return version
}

export function openDatabase(file: string, options: OpenOptions = {}): OpenedDatabase {
  const list = options.migrationList ?? migrations
  const known = list[list.length - 1].version
  mkdirSync(dirname(file), { recursive: true })
  let movedAside: string | null = null
  let db: Database
  try {
    db = openRaw(file, options)
  } catch (err) {
    const code = (err as { code?: string }).code
    if (!code || !DAMAGED_CODES.has(code)) throw err
    movedAside = moveAside(file, (options.now ?? Date.now)())
    db = openRaw(file, options)
  }
  const found = schemaVersionOf(db)
  if (found > known) {
    db.close()
    throw new HuntbenchError(
      'store_error',
      `The database ${file} was written by a newer Huntbench (schema version ${found}; this version knows up to ${known}). ` +
        'Update Huntbench, or point --data-dir at another folder. The file was not changed.'
    )
  }
  const schemaVersion = migrate(db, list, options.targetVersion ?? known)
  return { db, schemaVersion, movedAside }
}

export { latestSchemaVersion }
