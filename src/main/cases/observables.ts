// Observables and where they were seen: per run (cells, first/last event time), per
// lookup, per case (added by hand). "Seen before" reads the same sightings across cases.
import type { Database, Statement } from 'better-sqlite3'
import type { CaseObservable, CaseStatus, SeenBefore, Tlp } from '../../shared/api/cases'
import type { Found } from './extract'

export type SightingSource = 'run' | 'lookup' | 'case'

interface CaseObservableRow {
  id: number
  type: string
  value: string
  added_at: number
  count: number | null
  first_seen: number | null
  last_seen: number | null
  other_cases: number
  other_runs: number
  lookups: number
}

export class ObservableStore {
  private readonly upsertStmt: Statement
  private readonly sightingStmt: Statement

  constructor(private readonly db: Database) {
    this.upsertStmt = db
      .prepare(
        `INSERT INTO observables (type, value, first_seen, last_seen) VALUES (?, ?, ?, ?)
         ON CONFLICT (type, value) DO UPDATE SET
           first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
         RETURNING id`
      )
      .pluck()
    // A run's sightings are recomputed whole on each extraction, so they replace.
    this.sightingStmt = db.prepare(
      `INSERT INTO observable_sightings (observable_id, source, ref_id, count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (observable_id, source, ref_id) DO UPDATE SET
         count = excluded.count, first_seen = excluded.first_seen, last_seen = excluded.last_seen`
    )
  }

  upsert(type: string, value: string, firstSeen: number, lastSeen: number): number {
    return this.upsertStmt.get(type, value, firstSeen, lastSeen) as number
  }

  sighting(observableId: number, source: SightingSource, refId: number, count: number, firstSeen: number, lastSeen: number): void {
    this.sightingStmt.run(observableId, source, refId, count, firstSeen, lastSeen)
  }

  /** Stores a run's observables and their sightings; returns ids in the order given. */
  recordRun(runId: number, found: readonly Found[]): number[] {
    return found.map((f) => {
      const id = this.upsert(f.type, f.value, f.firstSeen, f.lastSeen)
      this.sighting(id, 'run', runId, f.count, f.firstSeen, f.lastSeen)
      return id
    })
  }

  forCase(caseId: number): CaseObservable[] {
    const rows = this.db
      .prepare(
        `WITH case_runs AS (SELECT ref_id FROM case_items WHERE case_id = @c AND kind = 'run'),
              case_lookups AS (SELECT ref_id FROM case_items WHERE case_id = @c AND kind = 'lookup'),
              here AS (
                SELECT s.* FROM observable_sightings s
                JOIN case_items ci ON ci.case_id = @c AND ci.kind = 'observable' AND ci.ref_id = s.observable_id
                WHERE (s.source = 'run' AND s.ref_id IN case_runs)
                   OR (s.source = 'lookup' AND s.ref_id IN case_lookups)
                   OR (s.source = 'case' AND s.ref_id = @c)
              ),
              totals AS (
                SELECT observable_id, sum(count) AS count, min(first_seen) AS first_seen, max(last_seen) AS last_seen
                FROM here GROUP BY observable_id
              )
         SELECT o.id, o.type, o.value, ci.added_at, t.count, t.first_seen, t.last_seen,
           (SELECT count(DISTINCT x.case_id) FROM case_items x WHERE x.kind = 'observable' AND x.ref_id = o.id AND x.case_id <> @c) AS other_cases,
           (SELECT count(*) FROM observable_sightings r WHERE r.observable_id = o.id AND r.source = 'run' AND r.ref_id NOT IN case_runs) AS other_runs,
           (SELECT count(*) FROM lookups l WHERE l.ioc = o.value) AS lookups
         FROM case_items ci
         JOIN observables o ON o.id = ci.ref_id
         LEFT JOIN totals t ON t.observable_id = o.id
         WHERE ci.case_id = @c AND ci.kind = 'observable'
         ORDER BY coalesce(t.count, 0) DESC, o.type, o.value`
      )
      .all({ c: caseId }) as CaseObservableRow[]
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      value: r.value,
      count: r.count ?? 0,
      firstSeen: r.first_seen ?? r.added_at,
      lastSeen: r.last_seen ?? r.added_at,
      addedAt: r.added_at,
      elsewhere: { cases: r.other_cases, runs: r.other_runs, lookups: r.lookups }
    }))
  }

  /** Where a value appeared, outside `excludeCaseId` when given; newest first, 50 of each. */
  seenBefore(value: string, type: string | undefined, excludeCaseId?: number): SeenBefore {
    const ids = (
      type
        ? this.db.prepare('SELECT id FROM observables WHERE type = ? AND value = ?').pluck().all(type, value)
        : this.db.prepare('SELECT id FROM observables WHERE value = ?').pluck().all(value)
    ) as number[]
    const exclude = excludeCaseId ?? 0
    const idList = JSON.stringify(ids)
    const known = ids.length > 0
    const span = known
      ? (this.db
          .prepare('SELECT min(first_seen) AS first, max(last_seen) AS last, min(type) AS type FROM observables WHERE id IN (SELECT value FROM json_each(?))')
          .get(idList) as { first: number; last: number; type: string })
      : null
    const cases = this.db
      .prepare(
        `SELECT c.id, c.title, c.status, c.tlp,
           (SELECT coalesce(sum(s.count), 0) FROM observable_sightings s
             WHERE s.observable_id IN (SELECT value FROM json_each(@ids))
               AND ((s.source = 'case' AND s.ref_id = c.id)
                 OR (s.source = 'run' AND s.ref_id IN (SELECT ref_id FROM case_items WHERE case_id = c.id AND kind = 'run'))
                 OR (s.source = 'lookup' AND s.ref_id IN (SELECT ref_id FROM case_items WHERE case_id = c.id AND kind = 'lookup')))) AS count
         FROM cases c
         WHERE c.id <> @exclude AND c.id IN (
           SELECT case_id FROM case_items WHERE kind = 'observable' AND ref_id IN (SELECT value FROM json_each(@ids)))
         ORDER BY c.updated_at DESC LIMIT 50`
      )
      .all({ ids: idList, exclude }) as { id: number; title: string; status: CaseStatus; tlp: Tlp; count: number }[]
    const runs = this.db
      .prepare(
        `SELECT r.id, r.title, r.started_at AS startedAt, r.profile, sum(s.count) AS count
         FROM observable_sightings s JOIN query_runs r ON r.id = s.ref_id
         WHERE s.source = 'run' AND s.observable_id IN (SELECT value FROM json_each(@ids))
           AND r.id NOT IN (SELECT ref_id FROM case_items WHERE case_id = @exclude AND kind = 'run')
         GROUP BY r.id ORDER BY r.started_at DESC LIMIT 50`
      )
      .all({ ids: idList, exclude }) as SeenBefore['runs']
    const lookups = this.db
      .prepare(
        `SELECT id, provider, fetched_at AS fetchedAt, severity, status FROM lookups
         WHERE ioc = ? ORDER BY fetched_at DESC LIMIT 50`
      )
      .all(value) as SeenBefore['lookups']
    return {
      type: type ?? span?.type ?? 'unknown',
      value,
      known: known || lookups.length > 0,
      firstSeen: span?.first ?? null,
      lastSeen: span?.last ?? null,
      cases,
      runs,
      lookups
    }
  }
}
