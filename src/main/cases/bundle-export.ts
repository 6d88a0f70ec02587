// Exporting a case as one bundle file (see bundle-format.ts for the container).
// Runs and lookups are written column by column as stored, so columns added by later
// migrations travel too; the importer keeps the ones its own schema knows.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import type { BundleCounts, ExportResult } from '../../shared/api/cases'
import { redact } from '../log'
import { BUNDLE_EXTENSION, BundleWriter } from './bundle-format'
import type { ObservableStore } from './observables'
import type { CaseRecord } from './records'

const ROW_BATCH = 5000
/** Columns that only mean something in the data folder they came from. */
const LOCAL_RUN_COLUMNS = new Set(['id', 'profile_id', 'source'])

export interface ExportContext {
  db: Database
  observables: ObservableStore
  dataDir: string
  appVersion: string
  schemaVersion: number
  now: () => number
}

function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'case'
  )
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')
}

function redactStrings(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out = { ...record }
  for (const key of keys) if (typeof out[key] === 'string') out[key] = redact(out[key] as string)
  return out
}

function* rowBatches(db: Database, runId: number): Generator<string[]> {
  const page = db.prepare('SELECT idx, row FROM run_rows WHERE run_id = ? AND idx > ? ORDER BY idx LIMIT ?')
  let after = -1
  for (;;) {
    const rows = page.all(runId, after, ROW_BATCH) as { idx: number; row: string }[]
    if (rows.length === 0) return
    after = rows[rows.length - 1].idx
    // Stored rows are JSON.stringify output, which never holds a raw newline; re-encode
    // defensively anyway, since a newline would split a row across two bundle lines.
    yield rows.map((r) => (r.row.includes('\n') ? JSON.stringify(JSON.parse(r.row)) : r.row))
  }
}

export async function exportCase(ctx: ExportContext, c: CaseRecord): Promise<ExportResult> {
  const { db } = ctx
  const exportedAt = ctx.now()
  const dir = join(ctx.dataDir, 'exports')
  mkdirSync(dir, { recursive: true })
  const fileName = `case-${c.id}-${slug(c.title)}-${stamp(exportedAt)}${BUNDLE_EXTENSION}`
  const path = join(dir, fileName)

  // Everything but the rows is read at once, so the small parts form one consistent picture.
  const items = db.prepare('SELECT kind, ref_id, added_at FROM case_items WHERE case_id = ? ORDER BY id').all(c.id) as {
    kind: 'run' | 'lookup' | 'observable'
    ref_id: number
    added_at: number
  }[]
  const runItems = items.filter((i) => i.kind === 'run')
  const lookupItems = items.filter((i) => i.kind === 'lookup')
  const runs = runItems
    .map((i, n) => ({ key: `r${n}`, addedAt: i.added_at, record: db.prepare('SELECT * FROM query_runs WHERE id = ?').get(i.ref_id) as Record<string, unknown> | undefined }))
    .filter((r): r is { key: string; addedAt: number; record: Record<string, unknown> } => r.record !== undefined)
  const lookups = lookupItems
    .map((i, n) => ({ key: `l${n}`, addedAt: i.added_at, record: db.prepare('SELECT * FROM lookups WHERE id = ?').get(i.ref_id) as Record<string, unknown> | undefined }))
    .filter((l): l is { key: string; addedAt: number; record: Record<string, unknown> } => l.record !== undefined)
  const runKey = new Map(runs.map((r) => [r.record.id as number, r.key]))
  const lookupKey = new Map(lookups.map((l) => [l.record.id as number, l.key]))
  const observables = ctx.observables.forCase(c.id)
  const sightings: Record<string, unknown>[] = []
  const sightingStmt = db.prepare('SELECT source, ref_id, count, first_seen, last_seen FROM observable_sightings WHERE observable_id = ?')
  for (const o of observables) {
    for (const s of sightingStmt.all(o.id) as { source: string; ref_id: number; count: number; first_seen: number; last_seen: number }[]) {
      const ref = s.source === 'run' ? runKey.get(s.ref_id) : s.source === 'lookup' ? lookupKey.get(s.ref_id) : s.ref_id === c.id ? 'case' : undefined
      if (ref) sightings.push({ type: o.type, value: o.value, source: s.source, ref, count: s.count, firstSeen: s.first_seen, lastSeen: s.last_seen })
    }
  }
  const notes = db.prepare('SELECT body, created_at, updated_at FROM notes WHERE case_id = ? ORDER BY id').all(c.id) as {
    body: string
    created_at: number
    updated_at: number
  }[]
  const rowCounts = runs.map((r) => db.prepare('SELECT count(*) FROM run_rows WHERE run_id = ?').pluck().get(r.record.id) as number)

  const writer = new BundleWriter(path)
  try {
    const caseLine = {
      uid: c.uid,
      title: c.title,
      description: redact(c.description),
      status: c.status,
      tlp: c.tlp,
      pap: c.pap,
      createdAt: c.created_at,
      updatedAt: c.updated_at
    }
    await writer.part('case', 1, [[JSON.stringify(caseLine)]])
    const runLines = runs.map((r) => {
      const record: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(r.record)) if (!LOCAL_RUN_COLUMNS.has(k)) record[k] = v
      return JSON.stringify({ key: r.key, addedAt: r.addedAt, record })
    })
    await writer.part('runs', runLines.length, [runLines])
    for (let i = 0; i < runs.length; i++) await writer.part(`rows:${runs[i].key}`, rowCounts[i], rowBatches(db, runs[i].record.id as number))
    const lookupLines = lookups.map((l) => {
      const { id: _id, ...rest } = l.record
      return JSON.stringify({ key: l.key, addedAt: l.addedAt, record: redactStrings(rest, ['raw', 'details', 'reference']) })
    })
    await writer.part('lookups', lookupLines.length, [lookupLines])
    const observableLines = observables.map((o) => JSON.stringify({ type: o.type, value: o.value, addedAt: o.addedAt, firstSeen: o.firstSeen, lastSeen: o.lastSeen }))
    await writer.part('observables', observableLines.length, [observableLines])
    await writer.part('sightings', sightings.length, [sightings.map((s) => JSON.stringify(s))])
    const noteLines = notes.map((n) => JSON.stringify({ body: redact(n.body), createdAt: n.created_at, updatedAt: n.updated_at }))
    await writer.part('notes', noteLines.length, [noteLines])
    const counts: BundleCounts = {
      runs: runs.length,
      rows: rowCounts.reduce((a, b) => a + b, 0),
      lookups: lookups.length,
      observables: observables.length,
      notes: notes.length
    }
    const done = await writer.finish({
      appVersion: ctx.appVersion,
      schemaVersion: ctx.schemaVersion,
      exportedAt,
      caseUid: c.uid,
      caseTitle: c.title,
      counts: { ...counts }
    })
    return { path, fileName, bytes: done.bytes, sha256: done.sha256, counts }
  } catch (err) {
    await writer.abort()
    throw err
  }
}
