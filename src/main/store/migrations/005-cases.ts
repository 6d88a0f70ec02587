// Schema v5: what cases need beyond v1. A stable uid per case (so a bundle imported
// twice, or a newer export of the same case, lands on the same case), where each
// observable was seen (per run, lookup and case), a ledger of imported bundles and of
// the runs/lookups they created (idempotent imports), and cases in the search index.
import type { Migration } from './index'

export const migration005: Migration = {
  version: 5,
  name: 'case uids and provenance, observable sightings, bundle ledger, cases in search',
  up(db) {
    db.exec(`
      ALTER TABLE cases ADD COLUMN uid TEXT;
      -- Provenance of an imported case: the bundle it came from and when.
      ALTER TABLE cases ADD COLUMN imported_bundle TEXT;
      ALTER TABLE cases ADD COLUMN imported_at INTEGER;
      UPDATE cases SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
      CREATE UNIQUE INDEX cases_uid ON cases (uid);
      -- Any insert path that forgets the uid still gets one.
      CREATE TRIGGER cases_uid_ai AFTER INSERT ON cases WHEN new.uid IS NULL BEGIN
        UPDATE cases SET uid = lower(hex(randomblob(16))) WHERE id = new.id;
      END;

      CREATE INDEX case_items_ref ON case_items (kind, ref_id);
      CREATE INDEX notes_case ON notes (case_id, created_at);
      -- "Seen before" asks which lookups were about a value, whatever the provider.
      CREATE INDEX lookups_ioc_seen ON lookups (ioc, fetched_at DESC);
      CREATE INDEX observables_value ON observables (value);

      -- Where an observable appeared: in a run (count of cells, first/last event time),
      -- in a lookup, or added to a case by hand.
      CREATE TABLE observable_sightings (
        observable_id INTEGER NOT NULL REFERENCES observables (id) ON DELETE CASCADE,
        source TEXT NOT NULL CHECK (source IN ('run', 'lookup', 'case')),
        ref_id INTEGER NOT NULL,
        count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 0),
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        PRIMARY KEY (observable_id, source, ref_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX observable_sightings_ref ON observable_sightings (source, ref_id);

      -- One row per bundle imported; bundle_id is the content id from its manifest.
      CREATE TABLE bundle_imports (
        bundle_id TEXT PRIMARY KEY,
        file_sha256 TEXT NOT NULL,
        case_uid TEXT NOT NULL,
        case_id INTEGER REFERENCES cases (id) ON DELETE SET NULL,
        app_version TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        exported_at INTEGER NOT NULL,
        imported_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX bundle_imports_case ON bundle_imports (case_uid);

      -- Runs and lookups created by imports, keyed by a hash of their bundled content,
      -- so two bundles carrying the same run store its rows once.
      CREATE TABLE bundle_objects (
        kind TEXT NOT NULL CHECK (kind IN ('run', 'lookup')),
        origin_key TEXT NOT NULL,
        ref_id INTEGER NOT NULL,
        PRIMARY KEY (kind, origin_key)
      ) STRICT, WITHOUT ROWID;

      CREATE TRIGGER cases_search_ai AFTER INSERT ON cases BEGIN
        INSERT INTO search_index (kind, ref_id, title, body) VALUES ('case', new.id, new.title, new.description);
      END;
      CREATE TRIGGER cases_search_ad AFTER DELETE ON cases BEGIN
        DELETE FROM search_index WHERE kind = 'case' AND ref_id = old.id;
      END;
      CREATE TRIGGER cases_search_au AFTER UPDATE OF title, description ON cases BEGIN
        UPDATE search_index SET title = new.title, body = new.description WHERE kind = 'case' AND ref_id = new.id;
      END;
      INSERT INTO search_index (kind, ref_id, title, body) SELECT 'case', id, title, description FROM cases;
    `)
  }
}
