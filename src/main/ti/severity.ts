// Severity rules, in msticpy's names (information, warning, high, unknown; there is no "low").
//
//   high         the host has a CVE that Shodan marks verified (banner `vulns[id].verified`)
//                or known-exploited (`kev: true`). Verified means Shodan confirmed it, not
//                inferred it from a version string.
//   warning      any other CVE (host-level `vulns`, banner-level `vulns`, or InternetDB's
//                `vulns`, which carries no verified flag), or a risky tag: compromised,
//                malware, c2, botnet, ransomware, doublepulsar, tor (msticpy's Tor
//                provider rates exit nodes warning).
//   information  the provider has data for the host and none of the above, or it has no
//                data at all (404 "No information available": a negative answer, Result false).
//   unknown      no answer: the lookup failed, was refused, or was not made (bad format,
//                unsupported type).
//
// CVE ids Shodan prefixes with "!" are skipped, as its own CLI does.
import type { Severity } from '../../shared/ti'

export const riskyTags = new Set(['compromised', 'malware', 'c2', 'botnet', 'ransomware', 'doublepulsar', 'tor'])

export interface SeverityFacts {
  cves: { id: string; verified: boolean; kev: boolean }[]
  tags: string[]
}

export function severityOf(facts: SeverityFacts): Severity {
  const cves = facts.cves.filter((c) => !c.id.startsWith('!'))
  if (cves.some((c) => c.verified || c.kev)) return 'high'
  if (cves.length > 0) return 'warning'
  if (facts.tags.some((t) => riskyTags.has(t.toLowerCase()))) return 'warning'
  return 'information'
}
