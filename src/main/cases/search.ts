// Full-text search over KQL, notes, observables, lookup details and cases (FTS5).
// The analyst's text never reaches FTS5 as syntax: every term becomes a quoted phrase,
// so `"`, `*`, `(`, `NEAR`, `OR` or `-` are searched for, not interpreted.
import type { Database, Statement } from 'better-sqlite3'
import type { SearchHit, SearchKind, SearchResult, TextSegment } from '../../shared/api/cases'
import { SEARCH_KINDS } from '../../shared/api/cases'

const HIT_START = '\u0001'
const HIT_END = '\u0002'
const MAX_TERMS = 16

/** Splits the analyst's text into terms and quotes each one as an FTS5 string. */
export function toFtsQuery(text: string): { match: string; terms: string[] } {
  const terms = text
    .replace(/[\u0000-\u001f]/g, ' ')
    .split(/\s+/)
    .map((t) => t.trim())
    // A term with no letter or digit has no tokens: as a phrase it would match nothing
    // (or everything); dropping it is what the analyst means.
    .filter((t) => /[\p{L}\p{N}]/u.test(t))
    .slice(0, MAX_TERMS)
  if (terms.length === 0) return { match: '', terms }
  const quoted = terms.map((t) => `"${t.replace(/"/g, '""')}"`)
  // The last term matches as a prefix, so results appear while the analyst is typing.
  quoted[quoted.length - 1] += '*'
  return { match: quoted.join(' '), terms }
}

/** Turns FTS5 highlight markers into segments the UI can render without any HTML. */
export function toSegments(marked: string): TextSegment[] {
  const segments: TextSegment[] = []
  let hit = false
  let current = ''
  const push = (): void => {
    if (current) segments.push({ text: current, hit })
    current = ''
  }
  for (const ch of marked) {
    if (ch === HIT_START) {
      push()
      hit = true
    } else if (ch === HIT_END) {
      push()
      hit = false
    } else current += ch
  }
  push()
  return segments
}

interface Row {
  kind: SearchKind
  ref_id: number
  title: string
  snippet: string
}

export class SearchService {
  private readonly at: Record<SearchKind, Statement>
  private readonly noteCase: Statement
  private readonly itemCase: Statement
  private readonly observableValue: Statement

  constructor(private readonly db: Database) {
    this.at = {
      run: db.prepare('SELECT started_at FROM query_runs WHERE id = ?').pluck(),
      lookup: db.prepare('SELECT fetched_at FROM lookups WHERE id = ?').pluck(),
      note: db.prepare('SELECT updated_at FROM notes WHERE id = ?').pluck(),
      observable: db.prepare('SELECT last_seen FROM observables WHERE id = ?').pluck(),
      case: db.prepare('SELECT updated_at FROM cases WHERE id = ?').pluck()
    }
    this.noteCase = db.prepare('SELECT case_id FROM notes WHERE id = ?').pluck()
    // An item can sit in several cases; the one it joined last is the likeliest to matter now.
    this.itemCase = db.prepare('SELECT case_id FROM case_items WHERE kind = ? AND ref_id = ? ORDER BY added_at DESC, id DESC LIMIT 1').pluck()
    this.observableValue = db.prepare('SELECT value FROM observables WHERE id = ?').pluck()
  }

  private caseOf(kind: SearchKind, refId: number): number | null {
    if (kind === 'case') return refId
    const found = kind === 'note' ? this.noteCase.get(refId) : this.itemCase.get(kind, refId)
    return (found as number | null | undefined) ?? null
  }

  query(text: string, options: { kinds?: readonly SearchKind[]; limit: number }): SearchResult {
    const { match, terms } = toFtsQuery(text)
    if (!match) return { hits: [], terms }
    const kinds = options.kinds && options.kinds.length > 0 ? options.kinds : SEARCH_KINDS
    const kindFilter = kinds.length === SEARCH_KINDS.length ? '' : `AND kind IN (${kinds.map(() => '?').join(', ')})`
    // Titles weigh more than bodies: a run named after the host beats a passing mention.
    const rows = this.db
      .prepare(
        `SELECT kind, ref_id,
           highlight(search_index, 2, '${HIT_START}', '${HIT_END}') AS title,
           snippet(search_index, 3, '${HIT_START}', '${HIT_END}', '…', 24) AS snippet
         FROM search_index
         WHERE search_index MATCH ? ${kindFilter}
         ORDER BY bm25(search_index, 0, 0, 3.0, 1.0)
         LIMIT ?`
      )
      .all(match, ...(kindFilter ? kinds : []), options.limit) as Row[]
    const hits: SearchHit[] = rows.map((r) => ({
      kind: r.kind,
      refId: r.ref_id,
      title: toSegments(r.title ?? ''),
      snippet: toSegments(r.snippet ?? ''),
      at: (this.at[r.kind]?.get(r.ref_id) as number | undefined) ?? null,
      caseId: this.caseOf(r.kind, r.ref_id),
      ...(r.kind === 'observable' ? { value: (this.observableValue.get(r.ref_id) as string | undefined) ?? toSegments(r.snippet ?? '').map((s) => s.text).join('') } : {})
    }))
    return { hits, terms }
  }
}
