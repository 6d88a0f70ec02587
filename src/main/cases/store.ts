// Cases and what hangs off them: markings, status, attached runs and lookups, notes.
// Every change goes through `writable`, so a case imported read-only stays as it came.
import type { Database } from 'better-sqlite3'
import { HuntbenchError } from '../../shared/errors'
import type { CaseDetail, CaseNote, CaseProvenance, CaseStatus, CaseSummary, Pap, TimelineItem, Tlp } from '../../shared/api/cases'
import type { RunStore } from '../store/runs'
import { countsSql, quoteTitle, toCaseSummary, toLookupSummary, toNote, type CaseRecord, type CountsRecord, type LookupRecord, type NoteRecord } from './records'
import type { ObservableStore } from './observables'

export type ItemKind = 'run' | 'lookup' | 'observable'

export class CaseStore {
  constructor(
    private readonly db: Database,
    private readonly runs: RunStore,
    private readonly observables: ObservableStore,
    private readonly now: () => number
  ) {}

  record(caseId: number): CaseRecord {
    const r = this.db.prepare('SELECT * FROM cases WHERE id = ?').get(caseId) as CaseRecord | undefined
    if (!r) throw new HuntbenchError('not_found', `There is no case with id ${caseId}.`)
    return r
  }

  /** The case, if it may be changed; a clear refusal if it was imported read-only. */
  writable(caseId: number): CaseRecord {
    const r = this.record(caseId)
    if (r.read_only === 1) {
      throw new HuntbenchError(
        'conflict',
        `Case #${r.id} ${quoteTitle(r.title)} was imported from a bundle and is read-only, so it cannot be changed. ` +
          'To edit it here, import its bundle again as editable ("editable copy" in Cases, or huntbench case import FILE --writable).'
      )
    }
    return r
  }

  summary(caseId: number): CaseSummary {
    const row = this.db.prepare(`SELECT c.*, ${countsSql} FROM cases c WHERE c.id = ?`).get(caseId) as (CaseRecord & CountsRecord) | undefined
    if (!row) throw new HuntbenchError('not_found', `There is no case with id ${caseId}.`)
    return toCaseSummary(row, row)
  }

  list(status?: CaseStatus): CaseSummary[] {
    const where = status ? 'WHERE c.status = ?' : ''
    const rows = this.db
      .prepare(`SELECT c.*, ${countsSql} FROM cases c ${where} ORDER BY c.updated_at DESC, c.id DESC`)
      .all(...(status ? [status] : [])) as (CaseRecord & CountsRecord)[]
    return rows.map((r) => toCaseSummary(r, r))
  }

  create(input: { title: string; description: string; tlp: Tlp; pap: Pap }): CaseSummary {
    const at = this.now()
    const info = this.db
      .prepare('INSERT INTO cases (title, description, tlp, pap, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(input.title, input.description, input.tlp, input.pap, at, at)
    return this.summary(Number(info.lastInsertRowid))
  }

  private update(caseId: number, set: string, values: unknown[]): CaseSummary {
    this.writable(caseId)
    this.db.prepare(`UPDATE cases SET ${set}, updated_at = ? WHERE id = ?`).run(...values, this.now(), caseId)
    return this.summary(caseId)
  }

  rename(caseId: number, title: string): CaseSummary {
    return this.update(caseId, 'title = ?', [title])
  }

  describe(caseId: number, description: string): CaseSummary {
    return this.update(caseId, 'description = ?', [description])
  }

  setStatus(caseId: number, status: CaseStatus): CaseSummary {
    return this.update(caseId, 'status = ?', [status])
  }

  setMarkings(caseId: number, markings: { tlp?: Tlp; pap?: Pap }): CaseSummary {
    const current = this.writable(caseId)
    return this.update(caseId, 'tlp = ?, pap = ?', [markings.tlp ?? current.tlp, markings.pap ?? current.pap])
  }

  touch(caseId: number): void {
    this.db.prepare('UPDATE cases SET updated_at = ? WHERE id = ?').run(this.now(), caseId)
  }

  /** Adds an item once; answers false when it was already there. */
  attach(caseId: number, kind: ItemKind, refId: number, at = this.now()): boolean {
    const info = this.db
      .prepare('INSERT INTO case_items (case_id, kind, ref_id, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(caseId, kind, refId, at)
    if (info.changes > 0) this.touch(caseId)
    return info.changes > 0
  }

  attachRun(caseId: number, runId: number): boolean {
    this.writable(caseId)
    this.runs.get(runId)
    return this.attach(caseId, 'run', runId)
  }

  lookupRecord(lookupId: number): LookupRecord {
    const r = this.db.prepare('SELECT * FROM lookups WHERE id = ?').get(lookupId) as LookupRecord | undefined
    if (!r) throw new HuntbenchError('not_found', `There is no stored lookup with id ${lookupId}.`)
    return r
  }

  addNote(caseId: number, body: string): CaseNote {
    this.writable(caseId)
    const at = this.now()
    const info = this.db.prepare('INSERT INTO notes (case_id, body, created_at, updated_at) VALUES (?, ?, ?, ?)').run(caseId, body, at, at)
    this.touch(caseId)
    return this.note(caseId, Number(info.lastInsertRowid))
  }

  note(caseId: number, noteId: number): CaseNote {
    const r = this.db.prepare('SELECT * FROM notes WHERE id = ? AND case_id = ?').get(noteId, caseId) as NoteRecord | undefined
    if (!r) throw new HuntbenchError('not_found', `Case #${caseId} has no note with id ${noteId}.`)
    return toNote(r)
  }

  editNote(caseId: number, noteId: number, body: string): CaseNote {
    this.writable(caseId)
    this.note(caseId, noteId)
    this.db.prepare('UPDATE notes SET body = ?, updated_at = ? WHERE id = ?').run(body, this.now(), noteId)
    this.touch(caseId)
    return this.note(caseId, noteId)
  }

  removeItem(caseId: number, kind: ItemKind | 'note', refId: number): boolean {
    this.writable(caseId)
    const info =
      kind === 'note'
        ? this.db.prepare('DELETE FROM notes WHERE case_id = ? AND id = ?').run(caseId, refId)
        : this.db.prepare('DELETE FROM case_items WHERE case_id = ? AND kind = ? AND ref_id = ?').run(caseId, kind, refId)
    if (kind === 'observable') {
      this.db.prepare("DELETE FROM observable_sightings WHERE source = 'case' AND ref_id = ? AND observable_id = ?").run(caseId, refId)
    }
    if (info.changes === 0) throw new HuntbenchError('not_found', `Case #${caseId} has no ${kind} with id ${refId}.`)
    this.touch(caseId)
    return true
  }

  provenance(r: CaseRecord): CaseProvenance | null {
    if (!r.imported_bundle) return null
    const b = this.db.prepare('SELECT * FROM bundle_imports WHERE bundle_id = ?').get(r.imported_bundle) as
      | { bundle_id: string; app_version: string; schema_version: number; exported_at: number; imported_at: number }
      | undefined
    if (!b) return null
    return { bundleId: b.bundle_id, appVersion: b.app_version, schemaVersion: b.schema_version, exportedAt: b.exported_at, importedAt: b.imported_at }
  }

  detail(caseId: number): CaseDetail {
    const r = this.record(caseId)
    const summary = this.summary(caseId)
    const items = this.db
      .prepare("SELECT kind, ref_id, added_at FROM case_items WHERE case_id = ? AND kind IN ('run', 'lookup')")
      .all(caseId) as { kind: 'run' | 'lookup'; ref_id: number; added_at: number }[]
    const timeline: TimelineItem[] = []
    for (const item of items) {
      if (item.kind === 'run') {
        const run = this.db.prepare('SELECT id FROM query_runs WHERE id = ?').get(item.ref_id)
        if (!run) continue
        const detail = this.runs.get(item.ref_id)
        const { schema: _schema, ...summaryOnly } = detail
        timeline.push({ kind: 'run', refId: item.ref_id, at: detail.startedAt, addedAt: item.added_at, run: summaryOnly })
      } else {
        const lookup = this.db.prepare('SELECT * FROM lookups WHERE id = ?').get(item.ref_id) as LookupRecord | undefined
        if (!lookup) continue
        timeline.push({ kind: 'lookup', refId: item.ref_id, at: lookup.fetched_at, addedAt: item.added_at, lookup: toLookupSummary(lookup) })
      }
    }
    const observables = this.observables.forCase(caseId)
    for (const o of observables) timeline.push({ kind: 'observable', refId: o.id, at: o.addedAt, addedAt: o.addedAt, observable: o })
    const notes = this.db.prepare('SELECT * FROM notes WHERE case_id = ?').all(caseId) as NoteRecord[]
    for (const n of notes) timeline.push({ kind: 'note', refId: n.id, at: n.created_at, addedAt: n.created_at, note: toNote(n) })
    const order = { note: 0, lookup: 1, run: 2, observable: 3 }
    timeline.sort((a, b) => b.at - a.at || order[a.kind] - order[b.kind] || b.refId - a.refId)
    return { ...summary, description: r.description, provenance: this.provenance(r), timeline, observables }
  }
}
