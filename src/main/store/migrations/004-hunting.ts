// Schema v4: hunting. The query queue (a queued query is a row before it is a request),
// the quota ledger and per-profile limits the governor reads, Graph's hunting schema
// cached per profile, and the profile/tenant a run was made with.
import type { Migration } from './index'

export const migration004: Migration = {
  version: 4,
  name: 'hunting queue, quota ledger and limits, schema cache, run tenant',
  up(db) {
    db.exec(`
      -- Runs outlive their profile (offline review), so the link is cleared, not cascaded.
      ALTER TABLE query_runs ADD COLUMN profile_id INTEGER REFERENCES profiles (id) ON DELETE SET NULL;
      ALTER TABLE query_runs ADD COLUMN tenant_id TEXT;

      CREATE TABLE hunt_queue (
        id INTEGER PRIMARY KEY,
        profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        run_id INTEGER NOT NULL UNIQUE REFERENCES query_runs (id) ON DELETE CASCADE,
        kql TEXT NOT NULL,
        timespan TEXT,
        state TEXT NOT NULL DEFAULT 'pending'
          CHECK (state IN ('pending', 'in_flight', 'done', 'failed', 'cancelled')),
        interactive INTEGER NOT NULL DEFAULT 0 CHECK (interactive IN (0, 1)),
        attempts INTEGER NOT NULL DEFAULT 0,
        throttles INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        -- host:pid of the process sending it, so a restart can tell a dead sender at once.
        owner TEXT,
        finished_at INTEGER,
        error_code TEXT,
        error TEXT
      ) STRICT;
      CREATE INDEX hunt_queue_due ON hunt_queue (profile_id, state, id);
      CREATE INDEX hunt_queue_state ON hunt_queue (state, id);

      -- kind: 'call' (amount 1), 'running' (amount = ms the service spent), and
      -- 'throttle_calls' / 'throttle_cpu' (amount = epoch ms until which sending is blocked).
      CREATE TABLE quota_ledger (
        id INTEGER PRIMARY KEY,
        profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('call', 'running', 'throttle_calls', 'throttle_cpu')),
        amount INTEGER NOT NULL CHECK (amount >= 0)
      ) STRICT;
      CREATE INDEX quota_ledger_window ON quota_ledger (profile_id, kind, at);

      CREATE TABLE quota_limits (
        profile_id INTEGER PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
        preset TEXT NOT NULL CHECK (preset IN ('current', 'strict', 'custom')),
        calls_per_minute INTEGER NOT NULL CHECK (calls_per_minute BETWEEN 1 AND 100000),
        calls_per_hour INTEGER CHECK (calls_per_hour IS NULL OR calls_per_hour >= 1),
        running_ms_per_hour INTEGER CHECK (running_ms_per_hour IS NULL OR running_ms_per_hour >= 1000),
        running_ms_per_day INTEGER CHECK (running_ms_per_day IS NULL OR running_ms_per_day >= 1000),
        cpu_cycle_minutes INTEGER NOT NULL DEFAULT 15 CHECK (cpu_cycle_minutes BETWEEN 1 AND 1440)
      ) STRICT;

      CREATE TABLE hunting_schema_cache (
        profile_id INTEGER PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
        fetched_at INTEGER NOT NULL,
        tables_json TEXT NOT NULL
      ) STRICT;
    `)
  }
}
