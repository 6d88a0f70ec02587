// Schema v2: threat-intel lookups. A queued lookup is a row before it is a request
// (ti_queue); a job is what an analyst asked for (ti_jobs, one ti_job_items row per
// observable and provider); every failed or rate-limited try is an attempt (ti_attempts),
// never a cached result; spacing is shared per provider and key across processes
// (ti_spacing); per-provider settings live in ti_provider_settings.
import type { Migration } from './index'

export const migration002: Migration = {
  version: 2,
  name: 'threat-intel queue, jobs, attempts and spacing',
  up(db) {
    db.exec(`
      CREATE TABLE ti_jobs (
        id INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,
        label TEXT NOT NULL,
        priority INTEGER NOT NULL CHECK (priority IN (0, 1)),
        state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'cancelled', 'done')),
        run_id INTEGER REFERENCES query_runs (id) ON DELETE SET NULL,
        column_name TEXT,
        providers TEXT NOT NULL,
        max_age_ms INTEGER NOT NULL CHECK (max_age_ms >= 0),
        refresh INTEGER NOT NULL CHECK (refresh IN (0, 1)),
        input_count INTEGER NOT NULL,
        finished_at INTEGER
      ) STRICT;
      CREATE INDEX ti_jobs_run ON ti_jobs (run_id, column_name, id DESC) WHERE run_id IS NOT NULL;
      CREATE INDEX ti_jobs_state ON ti_jobs (state);

      -- One request to make. The partial unique index is the dedupe: while a lookup of
      -- (provider, subtype, observable) is pending or in flight, every job joins it.
      CREATE TABLE ti_queue (
        id INTEGER PRIMARY KEY,
        provider TEXT NOT NULL,
        ioc_type TEXT NOT NULL,
        safe_ioc TEXT NOT NULL,
        query_subtype TEXT NOT NULL DEFAULT '',
        priority INTEGER NOT NULL CHECK (priority IN (0, 1)),
        state TEXT NOT NULL CHECK (state IN ('pending', 'inflight', 'done', 'failed', 'cancelled')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        inflight_at INTEGER,
        inflight_owner TEXT,
        lookup_id INTEGER REFERENCES lookups (id) ON DELETE SET NULL,
        finished_at INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX ti_queue_live ON ti_queue (provider, query_subtype, safe_ioc) WHERE state IN ('pending', 'inflight');
      CREATE INDEX ti_queue_due ON ti_queue (provider, state, priority, id);

      CREATE TABLE ti_job_items (
        job_id INTEGER NOT NULL REFERENCES ti_jobs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        source TEXT NOT NULL,
        ioc TEXT NOT NULL,
        ioc_type TEXT NOT NULL,
        safe_ioc TEXT NOT NULL,
        provider TEXT NOT NULL,
        query_subtype TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'bad', 'cancelled')),
        queue_id INTEGER REFERENCES ti_queue (id) ON DELETE SET NULL,
        lookup_id INTEGER REFERENCES lookups (id) ON DELETE SET NULL,
        from_cache INTEGER NOT NULL DEFAULT 0 CHECK (from_cache IN (0, 1)),
        status INTEGER,
        message TEXT,
        finished_at INTEGER,
        -- Copied from the answer when done: lookups.raw sits before reference, status and
        -- fetched_at, so reading those from a row with a 50 KB answer walks its overflow pages.
        result INTEGER CHECK (result IN (0, 1)),
        severity TEXT CHECK (severity IN ('unknown', 'information', 'warning', 'high')),
        fetched_at INTEGER,
        reference TEXT,
        PRIMARY KEY (job_id, idx)
      ) STRICT;
      CREATE INDEX ti_job_items_queue ON ti_job_items (queue_id) WHERE state = 'pending';
      CREATE INDEX ti_job_items_state ON ti_job_items (job_id, state);

      -- The cache decision reads only this index (never the row and its raw answer).
      CREATE INDEX lookups_cache ON lookups (provider, safe_ioc, query_subtype, fetched_at, result, severity, status, reference);

      CREATE TABLE ti_attempts (
        id INTEGER PRIMARY KEY,
        queue_id INTEGER REFERENCES ti_queue (id) ON DELETE CASCADE,
        provider TEXT NOT NULL,
        safe_ioc TEXT NOT NULL,
        at INTEGER NOT NULL,
        http_status INTEGER,
        status INTEGER NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('rate_limited', 'retry', 'failed', 'halted', 'offline')),
        message TEXT NOT NULL,
        retry_after_ms INTEGER
      ) STRICT;
      CREATE INDEX ti_attempts_queue ON ti_attempts (queue_id);

      -- Spacing is measured from the last request sent per provider and key, by whichever
      -- process sent it; key_id is a short hash, never the key.
      CREATE TABLE ti_spacing (
        provider TEXT NOT NULL,
        key_id TEXT NOT NULL,
        last_sent_at INTEGER NOT NULL DEFAULT 0,
        blocked_until INTEGER NOT NULL DEFAULT 0,
        widen_ms INTEGER NOT NULL DEFAULT 0 CHECK (widen_ms >= 0),
        ok_streak INTEGER NOT NULL DEFAULT 0,
        halted TEXT,
        PRIMARY KEY (provider, key_id)
      ) STRICT;

      CREATE TABLE ti_provider_settings (
        provider TEXT PRIMARY KEY,
        spacing_ms INTEGER NOT NULL CHECK (spacing_ms BETWEEN 50 AND 600000)
      ) STRICT;
    `)
  }
}
