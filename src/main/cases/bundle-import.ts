// Importing a case bundle. The file is verified whole first (checksums, structure,
// versions, every small part against its schema); then everything is written in one
// transaction, so a bundle that fails anywhere leaves nothing behind. The same bundle
// imported twice answers with the case it made the first time (made editable, if that is
// asked for and it was read-only); a newer export of a case already imported read-only
// updates that case in place.
import { createHash } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { z } from 'zod'
import { CASE_STATUSES, MAX_DESCRIPTION_CHARS, MAX_NOTE_CHARS, PAP_LEVELS, TLP_LEVELS, type BundleCounts, type ImportResult } from '../../shared/api/cases'
import { HuntbenchError } from '../../shared/errors'
import { describeIssues } from '../router'
import { partObjects, type ReadBundle } from './bundle-format'
import { readBundle } from './bundle-read'
import type { ObservableStore } from './observables'
import { quoteTitle, type CaseRecord } from './records'

export interface ImportContext {
  db: Database
  observables: ObservableStore
  appVersion: string
  schemaVersion: number
  now: () => number
}

const ms = z.number().int().min(0)
const scalar = z.union([z.string(), z.number(), z.null()])
const caseLine = z
  .object({
    uid: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'not a case uid'),
    title: z.string().trim().min(1).max(200),
    description: z.string().max(MAX_DESCRIPTION_CHARS),
    status: z.enum(CASE_STATUSES),
    tlp: z.enum(TLP_LEVELS),
    pap: z.enum(PAP_LEVELS),
    createdAt: ms,
    updatedAt: ms
  })
  .strict()
const key = z.string().regex(/^[a-z][0-9]{1,6}$/, 'not an item key')
const runLine = z
  .object({
    key,
    addedAt: ms,
    record: z.record(z.string(), scalar).and(
      z.object({ title: z.string().max(10_000), kql: z.string(), started_at: ms, status: z.string(), row_count: z.number().int().min(0), schema_json: z.string() })
    )
  })
  .strict()
const lookupLine = z
  .object({
    key,
    addedAt: ms,
    record: z.record(z.string(), scalar).and(
      z.object({ provider: z.string().min(1), ioc: z.string().min(1), ioc_type: z.string(), safe_ioc: z.string(), status: z.number().int(), fetched_at: ms })
    )
  })
  .strict()
const observableType = z.string().regex(/^[a-z0-9_]{1,32}$/, 'not an observable type')
const observableLine = z.object({ type: observableType, value: z.string().min(1).max(2048), addedAt: ms, firstSeen: ms, lastSeen: ms }).strict()
const sightingLine = z
  .object({
    type: observableType,
    value: z.string().min(1).max(2048),
    source: z.enum(['run', 'lookup', 'case']),
    ref: z.string().max(16),
    count: z.number().int().min(0),
    firstSeen: ms,
    lastSeen: ms
  })
  .strict()
const noteLine = z.object({ body: z.string().min(1).max(MAX_NOTE_CHARS), createdAt: ms, updatedAt: ms }).strict()

const KNOWN_PARTS = new Set(['case', 'runs', 'lookups', 'observables', 'sightings', 'notes'])

function lines<T extends z.ZodType>(bundle: ReadBundle, part: string, schema: T): z.output<T>[] {
  return partObjects(bundle, part).map((value, i) => {
    const parsed = schema.safeParse(value)
    if (!parsed.success) {
      throw new HuntbenchError('bad_data', `This case bundle is not valid: part ${part}, line ${i + 1}: ${describeIssues(parsed.error)}. Nothing was imported.`)
    }
    return parsed.data
  })
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

function columnsOf(db: Database, table: string): Set<string> {
  return new Set((db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]))
}

/** Inserts the record's columns this schema knows; names come from the table, never the file. */
function insertKnown(db: Database, table: string, known: Set<string>, record: Record<string, unknown>): number {
  const cols = Object.keys(record).filter((k) => known.has(k) && k !== 'id')
  const sql = `INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`
  return Number(db.prepare(sql).run(...cols.map((c) => record[c])).lastInsertRowid)
}

export async function importCaseBundle(ctx: ImportContext, file: Buffer, options: { readOnly: boolean }): Promise<ImportResult> {
  const bundle = await readBundle(file, { schemaVersion: ctx.schemaVersion, appVersion: ctx.appVersion })
  const { manifest } = bundle
  const { db } = ctx

  // ---- Verify the content before anything is written ----
  const cases = lines(bundle, 'case', caseLine)
  if (cases.length !== 1) throw new HuntbenchError('bad_data', 'This case bundle is not valid: it must hold exactly one case. Nothing was imported.')
  const c = cases[0]
  const runs = lines(bundle, 'runs', runLine)
  const lookups = lines(bundle, 'lookups', lookupLine)
  const observables = lines(bundle, 'observables', observableLine)
  const sightings = lines(bundle, 'sightings', sightingLine)
  const notes = lines(bundle, 'notes', noteLine)
  const runKeys = new Set(runs.map((r) => r.key))
  const lookupKeys = new Set(lookups.map((l) => l.key))
  for (const name of bundle.parts.keys()) {
    const known = KNOWN_PARTS.has(name) || (name.startsWith('rows:') && runKeys.has(name.slice(5)))
    if (!known) throw new HuntbenchError('bad_data', `This case bundle is not valid: it holds an unexpected part "${name.slice(0, 40)}". Nothing was imported.`)
  }
  for (const r of runs) {
    if (!bundle.parts.has(`rows:${r.key}`)) throw new HuntbenchError('bad_data', `This case bundle is not valid: run ${r.key} has no rows part. Nothing was imported.`)
    try {
      if (!Array.isArray(JSON.parse(r.record.schema_json))) throw new Error('not an array')
    } catch {
      throw new HuntbenchError('bad_data', `This case bundle is not valid: run ${r.key} has an unreadable column list. Nothing was imported.`)
    }
  }
  for (const s of sightings) {
    const ok = s.source === 'case' ? s.ref === 'case' : s.source === 'run' ? runKeys.has(s.ref) : lookupKeys.has(s.ref)
    if (!ok) throw new HuntbenchError('bad_data', `This case bundle is not valid: a sighting refers to ${s.ref}, which it does not hold. Nothing was imported.`)
  }
  const counts: BundleCounts = {
    runs: runs.length,
    rows: runs.reduce((sum, r) => sum + (bundle.parts.get(`rows:${r.key}`)?.starts.length ?? 0), 0),
    lookups: lookups.length,
    observables: observables.length,
    notes: notes.length
  }
  const runOrigin = new Map(
    runs.map((r) => [r.key, sha256(JSON.stringify(r.record) + bundle.parts.get(`rows:${r.key}`)!.contentKey)])
  )

  // ---- One transaction ----
  const write = db.transaction((): ImportResult => {
    const now = ctx.now()
    const ledger = db.prepare('SELECT case_id FROM bundle_imports WHERE bundle_id = ?').pluck().get(manifest.bundleId) as number | null | undefined
    if (ledger) {
      const existing = db.prepare('SELECT id, title, read_only FROM cases WHERE id = ?').get(ledger) as { id: number; title: string; read_only: number } | undefined
      if (existing && existing.read_only === 1 && !options.readOnly) {
        // Same content, asked for editable: the stored case becomes the editable one.
        db.prepare('UPDATE cases SET read_only = 0 WHERE id = ?').run(existing.id)
        return { caseId: existing.id, title: existing.title, readOnly: false, created: false, updated: true, counts }
      }
      if (existing) return { caseId: existing.id, title: existing.title, readOnly: existing.read_only === 1, created: false, updated: false, counts }
    }
    const found = db.prepare('SELECT * FROM cases WHERE uid = ?').get(c.uid) as CaseRecord | undefined
    if (found && found.imported_bundle === null) {
      throw new HuntbenchError('conflict', `This bundle is an export of case #${found.id} ${quoteTitle(found.title)}, which is already in this data folder. Nothing was imported.`)
    }
    if (found && found.read_only === 0) {
      throw new HuntbenchError(
        'conflict',
        `This case was already imported here as editable case #${found.id} ${quoteTitle(found.title)}; importing again would overwrite your changes. Nothing was imported.`
      )
    }
    const readOnly = options.readOnly ? 1 : 0
    let caseId: number
    if (found) {
      caseId = found.id
      db.prepare(
        `UPDATE cases SET title = ?, description = ?, status = ?, tlp = ?, pap = ?, read_only = ?, created_at = ?, updated_at = ?,
           imported_bundle = ?, imported_at = ? WHERE id = ?`
      ).run(c.title, c.description, c.status, c.tlp, c.pap, readOnly, c.createdAt, c.updatedAt, manifest.bundleId, now, caseId)
      db.prepare('DELETE FROM case_items WHERE case_id = ?').run(caseId)
      db.prepare('DELETE FROM notes WHERE case_id = ?').run(caseId)
      db.prepare("DELETE FROM observable_sightings WHERE source = 'case' AND ref_id = ?").run(caseId)
    } else {
      caseId = Number(
        db
          .prepare(
            `INSERT INTO cases (uid, title, description, status, tlp, pap, read_only, created_at, updated_at, imported_bundle, imported_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
          )
          .run(c.uid, c.title, c.description, c.status, c.tlp, c.pap, readOnly, c.createdAt, c.updatedAt, manifest.bundleId, now).lastInsertRowid
      )
    }

    const attach = db.prepare('INSERT INTO case_items (case_id, kind, ref_id, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
    const objectRef = db.prepare('SELECT ref_id FROM bundle_objects WHERE kind = ? AND origin_key = ?').pluck()
    const remember = db.prepare('INSERT INTO bundle_objects (kind, origin_key, ref_id) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET ref_id = excluded.ref_id')

    const runColumns = columnsOf(db, 'query_runs')
    // Rows go in as the bundle's bytes, cast to text inside SQLite: no decoding to a JS
    // string and back, which is most of what makes an import faster than a fresh store.
    const insertRow = db.prepare('INSERT INTO run_rows (run_id, idx, row) VALUES (?, ?, CAST(? AS TEXT))')
    // Strict RFC 8259 (flag 1): rows are read back with JSON.parse, which takes no JSON5.
    // One scan after the inserts costs less than checking inside each insert (measured).
    const notArrays = db.prepare('SELECT count(*) FROM run_rows WHERE run_id = ? AND NOT (json_valid(row, 1) AND unicode(row) = 91)').pluck()
    const runIds = new Map<string, number>()
    for (const r of runs) {
      const origin = runOrigin.get(r.key) as string
      const prior = objectRef.get('run', origin) as number | undefined
      if (prior !== undefined && db.prepare('SELECT 1 FROM query_runs WHERE id = ?').get(prior)) {
        runIds.set(r.key, prior)
      } else {
        const record: Record<string, unknown> = { ...r.record, source: 'bundle' }
        delete record.profile_id
        if (record.status === 'queued' || record.status === 'running') {
          record.status = 'cancelled'
          record.error = 'The run had not finished when the case was exported.'
        }
        const runId = insertKnown(db, 'query_runs', runColumns, record)
        const part = bundle.parts.get(`rows:${r.key}`)!
        const { data, starts, ends } = part
        for (let i = 0; i < starts.length; i++) insertRow.run(runId, i, data.subarray(starts[i], ends[i]))
        let bad: number
        try {
          bad = notArrays.get(runId) as number
        } catch {
          bad = 1
        }
        if (bad > 0) throw new HuntbenchError('bad_data', `This case bundle is not valid: run ${r.key} holds rows that are not JSON arrays. Nothing was imported.`)
        remember.run('run', origin, runId)
        runIds.set(r.key, runId)
      }
      attach.run(caseId, 'run', runIds.get(r.key), r.addedAt)
    }

    const lookupColumns = columnsOf(db, 'lookups')
    const sameLookup = db.prepare('SELECT id FROM lookups WHERE provider = ? AND ioc = ? AND fetched_at = ? LIMIT 1').pluck()
    const lookupIds = new Map<string, number>()
    for (const l of lookups) {
      const origin = sha256(JSON.stringify(l.record))
      const prior = (objectRef.get('lookup', origin) as number | undefined) ?? (sameLookup.get(l.record.provider, l.record.ioc, l.record.fetched_at) as number | undefined)
      let lookupId: number
      if (prior !== undefined && db.prepare('SELECT 1 FROM lookups WHERE id = ?').get(prior)) lookupId = prior
      else lookupId = insertKnown(db, 'lookups', lookupColumns, l.record)
      remember.run('lookup', origin, lookupId)
      lookupIds.set(l.key, lookupId)
      attach.run(caseId, 'lookup', lookupId, l.addedAt)
    }

    for (const o of observables) {
      const id = ctx.observables.upsert(o.type, o.value, o.firstSeen, o.lastSeen)
      attach.run(caseId, 'observable', id, o.addedAt)
    }
    for (const s of sightings) {
      const id = ctx.observables.upsert(s.type, s.value, s.firstSeen, s.lastSeen)
      const ref = s.source === 'case' ? caseId : s.source === 'run' ? runIds.get(s.ref) : lookupIds.get(s.ref)
      ctx.observables.sighting(id, s.source, ref as number, s.count, s.firstSeen, s.lastSeen)
    }
    const addNote = db.prepare('INSERT INTO notes (case_id, body, created_at, updated_at) VALUES (?, ?, ?, ?)')
    for (const n of notes) addNote.run(caseId, n.body, n.createdAt, n.updatedAt)

    db.prepare(
      `INSERT INTO bundle_imports (bundle_id, file_sha256, case_uid, case_id, app_version, schema_version, exported_at, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (bundle_id) DO UPDATE SET case_id = excluded.case_id, imported_at = excluded.imported_at`
    ).run(manifest.bundleId, bundle.fileSha256, c.uid, caseId, String(manifest.appVersion), manifest.schemaVersion, Number(manifest.exportedAt) || 0, now)
    return { caseId, title: c.title, readOnly: readOnly === 1, created: !found, updated: Boolean(found), counts }
  })

  // A bigger page cache for the one big transaction: appends and the row check stay in memory.
  const cacheSize = db.pragma('cache_size', { simple: true }) as number
  db.pragma('cache_size = -65536')
  try {
    return write()
  } catch (err) {
    if (err instanceof HuntbenchError) throw err
    const code = (err as { code?: string }).code
    if (typeof code === 'string' && code.startsWith('SQLITE_') && code !== 'SQLITE_FULL' && code !== 'SQLITE_BUSY') {
      throw new HuntbenchError('bad_data', `This case bundle could not be stored (${(err as Error).message}). Nothing was imported.`)
    }
    throw err
  } finally {
    db.pragma(`cache_size = ${cacheSize}`)
  }
}
