// Outbound-lookup gating by case markings. TLP:RED means the case's details stay with
// the people in the room; PAP:RED means no action that could be seen from outside the
// organisation. Either way, a lookup sent to Shodan for this case would break the marking.
import type { Database } from 'better-sqlite3'
import { HuntbenchError } from '../../shared/errors'
import type { Pap, Tlp } from '../../shared/api/cases'
import { quoteTitle } from './records'

export interface LookupPolicy {
  allowed: boolean
  reason: string | null
}

export function lookupPolicy(markings: { tlp: Tlp; pap: Pap }, label = 'This case'): LookupPolicy {
  const reasons: string[] = []
  if (markings.tlp === 'red') reasons.push('TLP:RED (its details may not leave the people it was given to)')
  if (markings.pap === 'red') reasons.push('PAP:RED (no action that could be detected outside your organisation)')
  if (reasons.length === 0) return { allowed: true, reason: null }
  return {
    allowed: false,
    reason:
      `${label} is marked ${reasons.join(' and ')}, so Huntbench will not send its observables to an outside service such as Shodan. ` +
      'Stored lookups still open as usual; change the marking if the case owner allows outside lookups.'
  }
}

/** Throws `forbidden` when an outbound lookup made for this case would break its TLP or PAP. */
export function assertLookupAllowed(db: Database, caseId: number): void {
  const row = db.prepare('SELECT id, title, tlp, pap FROM cases WHERE id = ?').get(caseId) as
    | { id: number; title: string; tlp: Tlp; pap: Pap }
    | undefined
  if (!row) throw new HuntbenchError('not_found', `There is no case with id ${caseId}.`)
  const policy = lookupPolicy(row, `Case #${row.id} ${quoteTitle(row.title)}`)
  if (!policy.allowed) throw new HuntbenchError('forbidden', policy.reason as string)
}
