// Row shapes as SQLite returns them, and their conversion to the contract's types.
import type { CaseNote, CaseStatus, CaseSummary, LookupSummary, Pap, Tlp } from '../../shared/api/cases'

export interface CaseRecord {
  id: number
  uid: string
  title: string
  description: string
  status: CaseStatus
  tlp: Tlp
  pap: Pap
  read_only: number
  created_at: number
  updated_at: number
  imported_bundle: string | null
  imported_at: number | null
}

export interface CountsRecord {
  runs: number
  lookups: number
  observables: number
  notes: number
}

export interface NoteRecord {
  id: number
  case_id: number
  body: string
  created_at: number
  updated_at: number
}

export interface LookupRecord {
  id: number
  provider: string
  ioc: string
  ioc_type: string
  safe_ioc: string
  query_subtype: string | null
  result: number
  severity: string
  details: string
  raw: string | null
  reference: string | null
  status: number
  fetched_at: number
}

export const MAX_DETAILS_CHARS = 4000

export function toCaseSummary(r: CaseRecord, counts: CountsRecord): CaseSummary {
  return {
    id: r.id,
    uid: r.uid,
    title: r.title,
    status: r.status,
    tlp: r.tlp,
    pap: r.pap,
    readOnly: r.read_only === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    counts: { runs: counts.runs, lookups: counts.lookups, observables: counts.observables, notes: counts.notes }
  }
}

export function toNote(r: NoteRecord): CaseNote {
  return { id: r.id, caseId: r.case_id, body: r.body, createdAt: r.created_at, updatedAt: r.updated_at }
}

export function toLookupSummary(r: LookupRecord): LookupSummary {
  return {
    id: r.id,
    provider: r.provider,
    ioc: r.ioc,
    iocType: r.ioc_type,
    severity: r.severity,
    result: r.result === 1,
    status: r.status,
    fetchedAt: r.fetched_at,
    reference: r.reference,
    details: r.details.length > MAX_DETAILS_CHARS ? r.details.slice(0, MAX_DETAILS_CHARS) + '…' : r.details
  }
}

/** SQL for the per-case item counts, given a `c` alias for cases. */
export const countsSql = `
  (SELECT count(*) FROM case_items i WHERE i.case_id = c.id AND i.kind = 'run') AS runs,
  (SELECT count(*) FROM case_items i WHERE i.case_id = c.id AND i.kind = 'lookup') AS lookups,
  (SELECT count(*) FROM case_items i WHERE i.case_id = c.id AND i.kind = 'observable') AS observables,
  (SELECT count(*) FROM notes n WHERE n.case_id = c.id) AS notes`

export function quoteTitle(title: string): string {
  return title.length > 60 ? `"${title.slice(0, 57)}..."` : `"${title}"`
}
