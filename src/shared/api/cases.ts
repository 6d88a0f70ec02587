// Cases, observables, full-text search and the history facets: one investigation kept
// together, searchable, reportable and carried to another machine as a bundle.
import { z } from 'zod'
import type { RunSummary } from '../types'
import { empty, id, limitedText, method } from './define'

export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const
export const PAP_LEVELS = ['clear', 'green', 'amber', 'red'] as const
export const CASE_STATUSES = ['open', 'closed', 'archived'] as const
export const SEARCH_KINDS = ['run', 'lookup', 'note', 'observable', 'case'] as const

export type Tlp = (typeof TLP_LEVELS)[number]
export type Pap = (typeof PAP_LEVELS)[number]
export type CaseStatus = (typeof CASE_STATUSES)[number]
export type SearchKind = (typeof SEARCH_KINDS)[number]

/** Notes and descriptions are Markdown written by hand; anything bigger is a file, not a note. */
export const MAX_NOTE_CHARS = 100_000
/** The same cap for case descriptions, typed by hand or arriving in a bundle. */
export const MAX_DESCRIPTION_CHARS = MAX_NOTE_CHARS
/** Largest request the browser-mode host reads (src/main/hosts/web/server.ts). */
export const MAX_REQUEST_BYTES = 256 * 1024 * 1024
/**
 * Bundles sent as base64 from browser mode: kept well under MAX_REQUEST_BYTES, so an
 * upload that is too large meets this check (and its "import it by path" advice) rather
 * than the host's bare size refusal.
 */
export const MAX_BUNDLE_BASE64_CHARS = MAX_REQUEST_BYTES - 4 * 1024 * 1024
/** The bundle file size that still fits in MAX_BUNDLE_BASE64_CHARS once base64-encoded. */
export const MAX_BUNDLE_UPLOAD_BYTES = Math.floor(MAX_BUNDLE_BASE64_CHARS / 4) * 3
export const BUNDLE_TOO_LARGE_TO_UPLOAD =
  'the bundle is too large to send from the browser; import it by path with the CLI: huntbench case import FILE'

export interface CaseCounts {
  runs: number
  lookups: number
  observables: number
  notes: number
}

export interface CaseSummary {
  id: number
  uid: string
  title: string
  status: CaseStatus
  tlp: Tlp
  pap: Pap
  readOnly: boolean
  createdAt: number
  updatedAt: number
  counts: CaseCounts
}

export interface CaseProvenance {
  bundleId: string
  appVersion: string
  schemaVersion: number
  exportedAt: number
  importedAt: number
}

export interface CaseNote {
  id: number
  caseId: number
  body: string
  createdAt: number
  updatedAt: number
}

export interface LookupSummary {
  id: number
  provider: string
  ioc: string
  iocType: string
  severity: string
  result: boolean
  status: number
  fetchedAt: number
  reference: string | null
  /** The provider's details as stored (JSON text), cut to a readable length. */
  details: string
}

/** Where else an observable appeared, besides the case being looked at. */
export interface SeenElsewhere {
  cases: number
  runs: number
  lookups: number
}

export interface CaseObservable {
  id: number
  type: string
  value: string
  /** Cells it appeared in across this case's runs (1 when added by hand). */
  count: number
  firstSeen: number
  lastSeen: number
  addedAt: number
  elsewhere: SeenElsewhere
}

export type TimelineItem =
  | { kind: 'run'; refId: number; at: number; addedAt: number; run: RunSummary }
  | { kind: 'lookup'; refId: number; at: number; addedAt: number; lookup: LookupSummary }
  | { kind: 'observable'; refId: number; at: number; addedAt: number; observable: CaseObservable }
  | { kind: 'note'; refId: number; at: number; addedAt: number; note: CaseNote }

export interface CaseDetail extends CaseSummary {
  description: string
  provenance: CaseProvenance | null
  /** Newest first. */
  timeline: TimelineItem[]
  observables: CaseObservable[]
}

export interface ExtractedObservable {
  type: string
  value: string
  count: number
  firstSeen: number
  lastSeen: number
}

export interface ExtractResult {
  runId: number
  /** Distinct observables found in the run. */
  found: number
  /** Of those, how many were new to this case. */
  added: number
  scannedRows: number
  /** The most frequent ones first (at most 200). */
  observables: ExtractedObservable[]
  /** Set when the run held more distinct observables than a case keeps from one run. */
  capped: boolean
}

export interface SeenBefore {
  type: string
  value: string
  known: boolean
  firstSeen: number | null
  lastSeen: number | null
  cases: { id: number; title: string; status: CaseStatus; tlp: Tlp; count: number }[]
  runs: { id: number; title: string; startedAt: number; profile: string | null; count: number }[]
  lookups: { id: number; provider: string; fetchedAt: number; severity: string; status: number }[]
}

/** A piece of highlighted text: `hit` marks the matched terms. */
export interface TextSegment {
  text: string
  hit: boolean
}

export interface SearchHit {
  kind: SearchKind
  refId: number
  title: TextSegment[]
  snippet: TextSegment[]
  at: number | null
  /** The case a hit belongs to: for runs, lookups and observables, the case they were attached to last (null if none). */
  caseId: number | null
  /** An observable hit's full value (its snippet may be cut short with "…"). */
  value?: string
}

export interface SearchResult {
  hits: SearchHit[]
  /** The terms actually searched for, after quoting. */
  terms: string[]
}

export interface BundleCounts {
  runs: number
  rows: number
  lookups: number
  observables: number
  notes: number
}

export interface ExportResult {
  path: string
  fileName: string
  bytes: number
  sha256: string
  counts: BundleCounts
}

export interface ImportResult {
  caseId: number
  title: string
  readOnly: boolean
  /** false when this exact bundle had been imported before (nothing was written). */
  created: boolean
  /** true when an older import of the same case was brought up to date. */
  updated: boolean
  counts: BundleCounts
}

export interface CaseReport {
  format: 'markdown' | 'html'
  fileName: string
  content: string
}

export interface HistoryFacets {
  profiles: string[]
  providers: string[]
  cases: { id: number; title: string }[]
}

const caseId = { caseId: id }
const title = limitedText(200).trim().min(1, 'a title is required')
const markdown = z.string().max(MAX_NOTE_CHARS, `must be at most ${MAX_NOTE_CHARS.toLocaleString('en-US')} characters; split it into several notes`)
const description = z.string().max(MAX_DESCRIPTION_CHARS, `must be at most ${MAX_DESCRIPTION_CHARS.toLocaleString('en-US')} characters`)
const observableValue = limitedText(2048).trim().min(1, 'a value is required')

export const casesApi = {
  'cases.list': method<CaseSummary[]>()(
    z.object({ status: z.enum(CASE_STATUSES).optional() }).strict()
  ),
  'cases.get': method<CaseDetail>()(z.object(caseId).strict()),
  'cases.create': method<CaseSummary>()(
    z
      .object({
        title,
        description: description.default(''),
        tlp: z.enum(TLP_LEVELS).default('amber'),
        pap: z.enum(PAP_LEVELS).default('amber')
      })
      .strict()
  ),
  'cases.rename': method<CaseSummary>()(z.object({ ...caseId, title }).strict()),
  'cases.describe': method<CaseSummary>()(z.object({ ...caseId, description }).strict()),
  'cases.setStatus': method<CaseSummary>()(z.object({ ...caseId, status: z.enum(CASE_STATUSES) }).strict()),
  'cases.setMarkings': method<CaseSummary>()(
    z
      .object({ ...caseId, tlp: z.enum(TLP_LEVELS).optional(), pap: z.enum(PAP_LEVELS).optional() })
      .strict()
      .refine((v) => v.tlp !== undefined || v.pap !== undefined, 'give tlp, pap or both')
  ),
  'cases.attachRun': method<{ attached: boolean }>()(z.object({ ...caseId, runId: id }).strict()),
  'cases.attachLookup': method<{ attached: boolean }>()(z.object({ ...caseId, lookupId: id }).strict()),
  'cases.addObservable': method<CaseObservable>()(
    z
      .object({
        ...caseId,
        value: observableValue,
        /** Detected from the value when left out. */
        type: limitedText(32).optional(),
        /** The run whose grid cell it came from, if any. */
        runId: id.optional()
      })
      .strict()
  ),
  'cases.addNote': method<CaseNote>()(z.object({ ...caseId, body: markdown.trim().min(1, 'a note needs some text') }).strict()),
  'cases.editNote': method<CaseNote>()(
    z.object({ ...caseId, noteId: id, body: markdown.trim().min(1, 'a note needs some text') }).strict()
  ),
  'cases.removeItem': method<{ removed: boolean }>()(
    z.object({ ...caseId, kind: z.enum(['run', 'lookup', 'observable', 'note']), refId: id }).strict()
  ),
  'cases.extractObservables': method<ExtractResult>()(z.object({ ...caseId, runId: id }).strict()),
  'cases.exportBundle': method<ExportResult>()(z.object(caseId).strict()),
  /** Hands an exported bundle's bytes to a browser-mode client for download. */
  'cases.bundleFile': method<{ fileName: string; base64: string }>()(
    z.object({ fileName: limitedText(255).min(1) }).strict()
  ),
  'cases.importBundle': method<ImportResult>()(
    z
      .object({
        path: limitedText(4096).min(1).optional(),
        content: z.string().max(MAX_BUNDLE_BASE64_CHARS, BUNDLE_TOO_LARGE_TO_UPLOAD).optional(),
        readOnly: z.boolean().default(true)
      })
      .strict()
      .refine((v) => (v.path === undefined) !== (v.content === undefined), 'give either path or content (base64), not both')
  ),
  'cases.report': method<CaseReport>()(
    z
      .object({ ...caseId, format: z.enum(['markdown', 'html']).default('markdown'), defang: z.boolean().default(true) })
      .strict()
  ),
  'observables.seenBefore': method<SeenBefore>()(
    z
      .object({ value: observableValue, type: limitedText(32).optional(), excludeCaseId: id.optional() })
      .strict()
  ),
  'search.query': method<SearchResult>()(
    z
      .object({
        text: limitedText(500),
        kinds: z.array(z.enum(SEARCH_KINDS)).max(SEARCH_KINDS.length).optional(),
        limit: z.number().int().min(1).max(200).default(50)
      })
      .strict()
  ),
  'history.facets': method<HistoryFacets>()(empty)
} as const

export interface CasesEvents {
  'cases.changed': { caseId: number }
}
export const casesEventNames = ['cases.changed'] as const
