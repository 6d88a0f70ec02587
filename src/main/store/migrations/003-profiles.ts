// Schema v3: tenant profiles (tenant, client id, API flavour) and the account of the last
// sign-in. Tokens never live here: they stay in MSAL's cache, which is kept in the OS
// keyring (or DPAPI/Keychain), never in this file.
import type { Migration } from './index'

export const migration003: Migration = {
  version: 3,
  name: 'tenant profiles',
  up(db) {
    db.exec(`
      -- AUTOINCREMENT: a profile's id names its token cache in the keyring, so an id must
      -- never be handed to a later profile after a removal.
      CREATE TABLE profiles (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 80),
        tenant_id TEXT NOT NULL CHECK (length(tenant_id) BETWEEN 1 AND 253),
        client_id TEXT NOT NULL CHECK (length(client_id) = 36),
        api TEXT NOT NULL DEFAULT 'graph' CHECK (api IN ('graph', 'legacy')),
        is_sandbox INTEGER NOT NULL DEFAULT 0 CHECK (is_sandbox IN (0, 1)),
        account_username TEXT,
        account_home_id TEXT,
        signed_in_at INTEGER,
        created_at INTEGER NOT NULL
      ) STRICT;
      -- There is at most one sandbox profile; the sandbox updates it in place.
      CREATE UNIQUE INDEX profiles_one_sandbox ON profiles (is_sandbox) WHERE is_sandbox = 1;
    `)
  }
}
