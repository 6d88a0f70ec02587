// TLP:RED / PAP:RED gating for outbound lookups, enforced here in main for every caller
// (router, CLI, bulk jobs), not only when a caller names a case: a case given with the
// request, any case the enriched run is attached to, and the cases each observable belongs
// to. An observable that belongs only to RED cases is refused; one that also belongs to a
// case without those markings is already known outside the room and may be looked up.
import type { Database, Statement } from 'better-sqlite3'
import type { Pap, Tlp } from '../../shared/api/cases'
import { HuntbenchError } from '../../shared/errors'
import type { ParsedObservable } from '../../shared/observables'
import { assertLookupAllowed, lookupPolicy } from '../cases/gating'
import { quoteTitle } from '../cases/records'

interface CaseRow {
  id: number
  title: string
  tlp: Tlp
  pap: Pap
}

const isRed = (c: CaseRow): boolean => c.tlp === 'red' || c.pap === 'red'
const caseLabel = (c: CaseRow): string => `Case #${c.id} ${quoteTitle(c.title)}`

export const refusalKey = (item: Pick<ParsedObservable, 'type' | 'value'>): string => `${item.type}\u0000${item.value}`

export class LookupGate {
  private readonly anyRed: Statement
  private readonly runCases: Statement
  private readonly observableCases: Statement

  constructor(private readonly db: Database) {
    this.anyRed = db.prepare("SELECT 1 FROM cases WHERE tlp = 'red' OR pap = 'red' LIMIT 1").pluck()
    this.runCases = db.prepare(
      "SELECT c.id, c.title, c.tlp, c.pap FROM case_items ci JOIN cases c ON c.id = ci.case_id WHERE ci.kind = 'run' AND ci.ref_id = ? ORDER BY c.id"
    )
    // Every case an observable belongs to: attached to it, added to it by hand, or seen in
    // a run attached to it.
    this.observableCases = db.prepare(
      `WITH o AS (SELECT id FROM observables WHERE type = ? AND value = ?)
       SELECT id, title, tlp, pap FROM cases WHERE id IN (
         SELECT case_id FROM case_items WHERE kind = 'observable' AND ref_id IN (SELECT id FROM o)
         UNION SELECT ref_id FROM observable_sightings WHERE source = 'case' AND observable_id IN (SELECT id FROM o)
         UNION SELECT ci.case_id FROM observable_sightings s JOIN case_items ci ON ci.kind = 'run' AND ci.ref_id = s.ref_id
           WHERE s.source = 'run' AND s.observable_id IN (SELECT id FROM o)
       ) ORDER BY id`
    )
  }

  /** The case named with the request. */
  assertCase(caseId: number): void {
    assertLookupAllowed(this.db, caseId)
  }

  /** Bulk enrichment of a run attached to a RED case would send that case's observables out. */
  assertRun(runId: number): void {
    const red = (this.runCases.all(runId) as CaseRow[]).filter(isRed)
    if (red.length === 0) return
    const more = red.length > 1 ? ` (and ${red.length - 1} more such case${red.length > 2 ? 's' : ''})` : ''
    const policy = lookupPolicy(red[0], `Run ${runId} is attached to ${caseLabel(red[0])}${more}, which`)
    throw new HuntbenchError('forbidden', policy.reason as string)
  }

  /**
   * Observables that belong only to RED cases, keyed by refusalKey, with the reason shown
   * on their rows. Cheap when no case is RED (one indexed probe).
   */
  refusals(items: readonly ParsedObservable[]): Map<string, string> {
    const out = new Map<string, string>()
    if (!this.anyRed.get()) return out
    const seen = new Set<string>()
    for (const item of items) {
      if (item.problem || item.type === 'unknown') continue
      const key = refusalKey(item)
      if (seen.has(key)) continue
      seen.add(key)
      const cases = this.observableCases.all(item.type, item.value) as CaseRow[]
      if (cases.length === 0 || !cases.every(isRed)) continue
      const more = cases.length > 1 ? ` (and ${cases.length - 1} more such case${cases.length > 2 ? 's' : ''})` : ''
      const policy = lookupPolicy(cases[0], `${item.value} belongs only to ${caseLabel(cases[0])}${more}, which`)
      out.set(key, `Not looked up: ${policy.reason}`)
    }
    return out
  }
}
