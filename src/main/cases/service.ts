// The cases service: one object the handlers, the CLI and other domains (TI gating) use.
import { readFile, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Database } from 'better-sqlite3'
import type {
  CaseDetail,
  CaseNote,
  CaseObservable,
  CaseReport,
  CaseStatus,
  CaseSummary,
  ExportResult,
  ExtractResult,
  ImportResult,
  Pap,
  SearchKind,
  SearchResult,
  SeenBefore,
  Tlp
} from '../../shared/api/cases'
import { HuntbenchError } from '../../shared/errors'
import type { EventBus } from '../events'
import { schemaVersionOf } from '../store/db'
import type { RunStore } from '../store/runs'
import { exportCase } from './bundle-export'
import { BUNDLE_EXTENSION, MAX_BUNDLE_BYTES } from './bundle-format'
import { importCaseBundle } from './bundle-import'
import { RunScanner, typeValue } from './extract'
import { assertLookupAllowed, lookupPolicy, type LookupPolicy } from './gating'
import { ObservableStore } from './observables'
import { quoteTitle } from './records'
import { buildReportModel } from './report-model'
import { renderHtml, renderMarkdown } from './report-render'
import { SearchService } from './search'
import { CaseStore, type ItemKind } from './store'

/** A run may hold more; past these, the rest are the long tail nobody reviews by hand. */
export const MAX_RUN_OBSERVABLES = 20_000
export const MAX_CASE_OBSERVABLES_PER_RUN = 2_000
const SCAN_BATCH = 5_000

export interface CaseServiceDeps {
  db: Database
  runs: RunStore
  bus: EventBus
  dataDir: string
  appVersion: string
  now: () => number
}

export class CaseService {
  readonly store: CaseStore
  readonly observables: ObservableStore
  readonly search: SearchService
  private readonly db: Database

  constructor(private readonly deps: CaseServiceDeps) {
    this.db = deps.db
    this.observables = new ObservableStore(deps.db)
    this.store = new CaseStore(deps.db, deps.runs, this.observables, deps.now)
    this.search = new SearchService(deps.db)
  }

  private changed<T>(caseId: number, value: T): T {
    this.deps.bus.emit('cases.changed', { caseId })
    return value
  }

  list(status?: CaseStatus): CaseSummary[] {
    return this.store.list(status)
  }

  get(caseId: number): CaseDetail {
    return this.store.detail(caseId)
  }

  create(input: { title: string; description: string; tlp: Tlp; pap: Pap }): CaseSummary {
    const created = this.store.create(input)
    return this.changed(created.id, created)
  }

  rename(caseId: number, title: string): CaseSummary {
    return this.changed(caseId, this.store.rename(caseId, title))
  }

  describe(caseId: number, description: string): CaseSummary {
    return this.changed(caseId, this.store.describe(caseId, description))
  }

  setStatus(caseId: number, status: CaseStatus): CaseSummary {
    return this.changed(caseId, this.store.setStatus(caseId, status))
  }

  setMarkings(caseId: number, markings: { tlp?: Tlp; pap?: Pap }): CaseSummary {
    return this.changed(caseId, this.store.setMarkings(caseId, markings))
  }

  attachRun(caseId: number, runId: number): { attached: boolean } {
    return this.changed(caseId, { attached: this.db.transaction(() => this.store.attachRun(caseId, runId))() })
  }

  /** Attaches a stored lookup, and the indicator it was about as an observable of the case. */
  attachLookup(caseId: number, lookupId: number): { attached: boolean } {
    const attached = this.db.transaction(() => {
      this.store.writable(caseId)
      const lookup = this.store.lookupRecord(lookupId)
      const added = this.store.attach(caseId, 'lookup', lookupId)
      const typed = typeValue(lookup.ioc, lookup.ioc_type)
      if ('type' in typed) {
        const id = this.observables.upsert(typed.type, typed.value, lookup.fetched_at, lookup.fetched_at)
        this.observables.sighting(id, 'lookup', lookupId, 1, lookup.fetched_at, lookup.fetched_at)
        this.store.attach(caseId, 'observable', id)
      }
      return added
    })()
    return this.changed(caseId, { attached })
  }

  addObservable(caseId: number, input: { value: string; type?: string; runId?: number }): CaseObservable {
    const typed = typeValue(input.value, input.type)
    if ('problem' in typed) throw new HuntbenchError('invalid_input', `Cannot add the observable: ${typed.problem}.`)
    const id = this.db.transaction(() => {
      this.store.writable(caseId)
      if (input.runId !== undefined) {
        this.deps.runs.get(input.runId)
        this.store.attach(caseId, 'run', input.runId)
      }
      const at = this.deps.now()
      const observableId = this.observables.upsert(typed.type, typed.value, at, at)
      const prior = this.db
        .prepare("SELECT 1 FROM observable_sightings WHERE observable_id = ? AND source = 'case' AND ref_id = ?")
        .get(observableId, caseId)
      if (!prior) this.observables.sighting(observableId, 'case', caseId, 1, at, at)
      this.store.attach(caseId, 'observable', observableId, at)
      return observableId
    })()
    const added = this.observables.forCase(caseId).find((o) => o.id === id)
    return this.changed(caseId, added as CaseObservable)
  }

  addNote(caseId: number, body: string): CaseNote {
    return this.changed(caseId, this.store.addNote(caseId, body))
  }

  editNote(caseId: number, noteId: number, body: string): CaseNote {
    return this.changed(caseId, this.store.editNote(caseId, noteId, body))
  }

  removeItem(caseId: number, kind: ItemKind | 'note', refId: number): { removed: boolean } {
    return this.changed(caseId, { removed: this.db.transaction(() => this.store.removeItem(caseId, kind, refId))() })
  }

  /** Scans a stored result for observables and adds the most frequent to the case. */
  extractObservables(caseId: number, runId: number): ExtractResult {
    this.store.writable(caseId)
    const run = this.deps.runs.get(runId)
    const scanner = new RunScanner(run.schema, run.startedAt)
    for (let offset = 0; ; offset += SCAN_BATCH) {
      const page = this.deps.runs.rows(runId, offset, SCAN_BATCH)
      if (page.rows.length === 0) break
      scanner.scan(page.rows)
    }
    const found = scanner.results()
    const kept = found.slice(0, MAX_RUN_OBSERVABLES)
    const added = this.db.transaction(() => {
      this.store.writable(caseId)
      this.store.attach(caseId, 'run', runId)
      const ids = this.observables.recordRun(runId, kept)
      const at = this.deps.now()
      let count = 0
      for (const id of ids.slice(0, MAX_CASE_OBSERVABLES_PER_RUN)) if (this.store.attach(caseId, 'observable', id, at)) count++
      return count
    })()
    return this.changed(caseId, {
      runId,
      found: found.length,
      added,
      scannedRows: scanner.rows,
      observables: kept.slice(0, 200),
      capped: found.length > MAX_CASE_OBSERVABLES_PER_RUN
    })
  }

  seenBefore(value: string, type?: string, excludeCaseId?: number): SeenBefore {
    const typed = typeValue(value, type)
    if ('type' in typed) return this.observables.seenBefore(typed.value, typed.type, excludeCaseId)
    if (type) throw new HuntbenchError('invalid_input', `Cannot look this up: ${typed.problem}.`)
    return this.observables.seenBefore(value.trim(), undefined, excludeCaseId)
  }

  query(text: string, options: { kinds?: readonly SearchKind[]; limit: number }): SearchResult {
    return this.search.query(text, options)
  }

  /** Outbound-lookup gate for the TI domain: throws `forbidden` for TLP:RED / PAP:RED cases. */
  assertLookupAllowed(caseId: number): void {
    assertLookupAllowed(this.db, caseId)
  }

  lookupPolicy(caseId: number): LookupPolicy {
    const c = this.store.record(caseId)
    return lookupPolicy(c, `Case #${c.id} ${quoteTitle(c.title)}`)
  }

  exportsDir(): string {
    return join(this.deps.dataDir, 'exports')
  }

  async exportBundle(caseId: number): Promise<ExportResult> {
    const record = this.store.record(caseId)
    return exportCase(
      { db: this.db, observables: this.observables, dataDir: this.deps.dataDir, appVersion: this.deps.appVersion, schemaVersion: schemaVersionOf(this.db), now: this.deps.now },
      record
    )
  }

  /** Bytes of an exported bundle, named by file name only (never a path), for browser downloads. */
  async bundleFile(fileName: string): Promise<{ fileName: string; base64: string }> {
    if (basename(fileName) !== fileName || !fileName.endsWith(BUNDLE_EXTENSION) || fileName.startsWith('.')) {
      throw new HuntbenchError('invalid_input', `${JSON.stringify(fileName.slice(0, 80))} is not the name of an exported case bundle.`)
    }
    const path = join(this.exportsDir(), fileName)
    try {
      return { fileName, base64: (await readFile(path)).toString('base64') }
    } catch {
      throw new HuntbenchError('not_found', `There is no exported bundle named ${fileName} in ${this.exportsDir()}.`)
    }
  }

  async importBundle(input: { path?: string; content?: string; readOnly: boolean }): Promise<ImportResult> {
    let file: Buffer
    if (input.path !== undefined) {
      let size: number
      try {
        size = (await stat(input.path)).size
      } catch {
        throw new HuntbenchError('not_found', `Cannot read ${input.path}: no such file.`)
      }
      if (size > MAX_BUNDLE_BYTES) throw new HuntbenchError('bad_data', `${basename(input.path)} is larger than Huntbench imports (${Math.round(size / 2 ** 20)} MB). Nothing was imported.`)
      file = await readFile(input.path)
    } else {
      const content = input.content ?? ''
      if (!/^[A-Za-z0-9+/=\s]*$/.test(content.slice(0, 4096))) {
        throw new HuntbenchError('invalid_input', 'The bundle content is not base64. Nothing was imported.')
      }
      file = Buffer.from(content, 'base64')
    }
    const result = await importCaseBundle(
      { db: this.db, observables: this.observables, appVersion: this.deps.appVersion, schemaVersion: schemaVersionOf(this.db), now: this.deps.now },
      file,
      { readOnly: input.readOnly }
    )
    if (result.created || result.updated) {
      this.deps.bus.emit('cases.changed', { caseId: result.caseId })
      const firstRun = this.db.prepare("SELECT ref_id FROM case_items WHERE case_id = ? AND kind = 'run' LIMIT 1").pluck().get(result.caseId) as number | undefined
      if (firstRun !== undefined) this.deps.bus.emit('history.changed', { kind: 'run', id: firstRun })
    }
    return result
  }

  report(caseId: number, format: 'markdown' | 'html', defang: boolean): CaseReport {
    const detail = this.store.detail(caseId)
    const model = buildReportModel(this.db, this.deps.runs, detail, { defang, now: this.deps.now(), appVersion: this.deps.appVersion })
    const safeTitle = detail.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'case'
    const ext = format === 'html' ? 'html' : 'md'
    return {
      format,
      fileName: `case-${caseId}-${safeTitle}-report.${ext}`,
      content: format === 'html' ? renderHtml(model) : renderMarkdown(model)
    }
  }
}
