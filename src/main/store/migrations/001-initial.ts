// Schema v1: the first tables for settings, cases, runs and rows, lookups,
// observables, notes, and the full-text index kept in step by triggers.
import type { Migration } from './index'

export const migration001: Migration = {
  version: 1,
  name: 'settings, cases, runs, rows, lookups, observables, notes, search',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        description TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'archived')),
        tlp TEXT NOT NULL DEFAULT 'amber' CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
        pap TEXT NOT NULL DEFAULT 'amber' CHECK (pap IN ('clear', 'green', 'amber', 'red')),
        read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE query_runs (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL CHECK (source IN ('hunt', 'import', 'bundle')),
        title TEXT NOT NULL,
        kql TEXT NOT NULL DEFAULT '',
        profile TEXT,
        timespan TEXT,
        started_at INTEGER NOT NULL,
        duration_ms INTEGER,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        row_count INTEGER NOT NULL DEFAULT 0,
        truncated INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
        schema_json TEXT NOT NULL DEFAULT '[]',
        error TEXT
      ) STRICT;
      CREATE INDEX query_runs_started ON query_runs (started_at DESC);

      -- One row per result row, as a JSON array in schema order; paged by (run_id, idx).
      CREATE TABLE run_rows (
        run_id INTEGER NOT NULL REFERENCES query_runs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        row TEXT NOT NULL,
        PRIMARY KEY (run_id, idx)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE lookups (
        id INTEGER PRIMARY KEY,
        provider TEXT NOT NULL,
        ioc TEXT NOT NULL,
        ioc_type TEXT NOT NULL,
        safe_ioc TEXT NOT NULL,
        query_subtype TEXT,
        result INTEGER NOT NULL DEFAULT 0 CHECK (result IN (0, 1)),
        severity TEXT NOT NULL DEFAULT 'unknown' CHECK (severity IN ('unknown', 'information', 'warning', 'high')),
        details TEXT NOT NULL DEFAULT '{}',
        raw TEXT,
        reference TEXT,
        status INTEGER NOT NULL,
        fetched_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX lookups_fetched ON lookups (fetched_at DESC);
      CREATE INDEX lookups_observable ON lookups (provider, safe_ioc, fetched_at DESC);

      CREATE TABLE observables (
        id INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        value TEXT NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        UNIQUE (type, value)
      ) STRICT;

      CREATE TABLE case_items (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('run', 'lookup', 'observable')),
        ref_id INTEGER NOT NULL,
        added_at INTEGER NOT NULL,
        UNIQUE (case_id, kind, ref_id)
      ) STRICT;

      CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        case_id INTEGER REFERENCES cases (id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- Full-text search over what an analyst types and what lookups say. Kept in step
      -- by triggers so no code path can forget it.
      CREATE VIRTUAL TABLE search_index USING fts5 (
        kind UNINDEXED, ref_id UNINDEXED, title, body,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER query_runs_ai AFTER INSERT ON query_runs BEGIN
        INSERT INTO search_index (kind, ref_id, title, body) VALUES ('run', new.id, new.title, new.kql);
      END;
      CREATE TRIGGER query_runs_ad AFTER DELETE ON query_runs BEGIN
        DELETE FROM search_index WHERE kind = 'run' AND ref_id = old.id;
      END;
      CREATE TRIGGER query_runs_au AFTER UPDATE OF title, kql ON query_runs BEGIN
        UPDATE search_index SET title = new.title, body = new.kql WHERE kind = 'run' AND ref_id = new.id;
      END;
      CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
        INSERT INTO search_index (kind, ref_id, title, body) VALUES ('note', new.id, '', new.body);
      END;
      CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
        DELETE FROM search_index WHERE kind = 'note' AND ref_id = old.id;
      END;
      CREATE TRIGGER notes_au AFTER UPDATE OF body ON notes BEGIN
        UPDATE search_index SET body = new.body WHERE kind = 'note' AND ref_id = new.id;
      END;
      CREATE TRIGGER observables_ai AFTER INSERT ON observables BEGIN
        INSERT INTO search_index (kind, ref_id, title, body) VALUES ('observable', new.id, new.type, new.value);
      END;
      CREATE TRIGGER observables_ad AFTER DELETE ON observables BEGIN
        DELETE FROM search_index WHERE kind = 'observable' AND ref_id = old.id;
      END;
      CREATE TRIGGER lookups_ai AFTER INSERT ON lookups BEGIN
        INSERT INTO search_index (kind, ref_id, title, body)
        VALUES ('lookup', new.id, new.provider || ' ' || new.ioc, new.details);
      END;
      CREATE TRIGGER lookups_ad AFTER DELETE ON lookups BEGIN
        DELETE FROM search_index WHERE kind = 'lookup' AND ref_id = old.id;
      END;
    `)
  }
}
