// What a stored run column offers for lookup: each distinct value, taken whole when it is an
// observable, else the observables inside it (each keeping the cell as its source).
import type { Database } from 'better-sqlite3'
import { extractParsed, parseObservable, type ParsedObservable } from '../../shared/observables'

export function columnItems(db: Database, runId: number, index: number): { items: ParsedObservable[]; valueCount: number } {
  const values = db
    .prepare(`SELECT DISTINCT json_extract(row, '$[${index}]') FROM run_rows WHERE run_id = ?`)
    .pluck()
    .all(runId) as unknown[]
  const items: ParsedObservable[] = []
  for (const value of values) {
    if (value === null || value === undefined) continue
    const text = String(value).trim()
    if (!text) continue
    const whole = parseObservable(text)
    if (whole.type !== 'unknown') items.push(whole)
    else {
      const inner = extractParsed(text).map((p) => ({ ...p, source: whole.source }))
      items.push(...(inner.length ? inner : [whole]))
    }
  }
  return { items, valueCount: values.length }
}
