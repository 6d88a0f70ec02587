// Defanging for reports: indicators stay readable but stop being clickable or
// resolvable when the report is pasted into mail or a ticket (`1.2.3[.]4`, `hxxp://`).
import { extractObservables, type IocType } from '../../shared/observables'

const DEFANGED_TYPES = new Set<string>(['ipv4', 'ipv6', 'dns', 'url', 'email'])

function bracketLastDot(host: string): string {
  const i = host.lastIndexOf('.')
  return i < 0 ? host : `${host.slice(0, i)}[.]${host.slice(i + 1)}`
}

function defangUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is.exec(url)
  if (!m) return url
  const scheme = m[1].toLowerCase().replace(/^http/, 'hxxp').replace(/^ftp/, 'fxp')
  // An IPv6 host keeps its brackets; the scheme alone already stops it being a link.
  const host = m[2].startsWith('[') ? m[2] : bracketLastDot(m[2])
  return `${scheme}://${host}${m[3]}`
}

/** Defangs one indicator of a known type; other types (hashes, accounts, devices) are unchanged. */
export function defangValue(type: IocType | string, value: string): string {
  switch (type) {
    case 'ipv4':
    case 'dns':
      return bracketLastDot(value)
    case 'ipv6': {
      const i = value.lastIndexOf(':')
      return i < 0 ? value : `${value.slice(0, i)}[:]${value.slice(i + 1)}`
    }
    case 'url':
      return defangUrl(value)
    case 'email': {
      const at = value.lastIndexOf('@')
      return at < 0 ? value : `${value.slice(0, at)}@${bracketLastDot(value.slice(at + 1))}`
    }
    default:
      return value
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Defangs every IP, domain, URL and email address found in free text (KQL, notes, cells). */
export function defangText(text: string): string {
  if (!text) return text
  const found = extractObservables(text).filter((o) => DEFANGED_TYPES.has(o.type))
  // Longest first: a URL is replaced before the domain inside it.
  found.sort((a, b) => b.value.length - a.value.length)
  let out = text
  for (const o of found) {
    const pattern = new RegExp(`(?<![\\w.@-])${escapeRegExp(o.value)}(?![\\w-]|\\.\\w)`, 'gi')
    out = out.replace(pattern, (match) => defangValue(o.type, match))
  }
  // Schemes the extractor did not see as part of a URL (inside Markdown links, say).
  return out.replace(/\bhttp(s?):\/\//gi, 'hxxp$1://').replace(/\bftp(s?):\/\//gi, 'fxp$1://')
}
