// Tenant profiles in SQLite. Names are unique regardless of case; the account columns
// remember who signed in last so the status bar can say so before MSAL's cache is read.
import type { Database } from 'better-sqlite3'
import { SANDBOX_PROFILE_NAME, type HuntingApi, type ProfileView } from '../../shared/auth'
import { HuntbenchError } from '../../shared/errors'

interface ProfileRow {
  id: number
  name: string
  tenant_id: string
  client_id: string
  api: HuntingApi
  is_sandbox: number
  account_username: string | null
  account_home_id: string | null
  signed_in_at: number | null
  created_at: number
}

export interface Profile extends ProfileView {
  homeAccountId: string | null
}

export interface NewProfile {
  name: string
  tenantId: string
  clientId: string
  api: HuntingApi
}

function toProfile(row: ProfileRow): Profile {
  return {
    id: row.id,
    name: row.name,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    api: row.api,
    sandbox: row.is_sandbox === 1,
    account: row.account_username,
    homeAccountId: row.account_home_id,
    signedInAt: row.signed_in_at,
    createdAt: row.created_at
  }
}

export function toView(p: Profile): ProfileView {
  const { homeAccountId: _omit, ...view } = p
  return view
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE'
}

export class ProfileStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number
  ) {}

  list(): Profile[] {
    const rows = this.db.prepare('SELECT * FROM profiles ORDER BY is_sandbox, name COLLATE NOCASE').all() as ProfileRow[]
    return rows.map(toProfile)
  }

  find(id: number): Profile | null {
    const row = this.db.prepare('SELECT * FROM profiles WHERE id = ?').get(id) as ProfileRow | undefined
    return row ? toProfile(row) : null
  }

  get(id: number): Profile {
    const found = this.find(id)
    if (!found) throw new HuntbenchError('not_found', `There is no profile with id ${id}; it may have been removed.`)
    return found
  }

  byName(name: string): Profile {
    const row = this.db.prepare('SELECT * FROM profiles WHERE name = ?').get(name.trim()) as ProfileRow | undefined
    if (!row) {
      const names = this.list().map((p) => p.name)
      const known = names.length ? `Known profiles: ${names.join(', ')}.` : 'There are no profiles yet; add one with `huntbench profile add`.'
      throw new HuntbenchError('not_found', `There is no profile named "${name}". ${known}`)
    }
    return toProfile(row)
  }

  sandbox(): Profile | null {
    const row = this.db.prepare('SELECT * FROM profiles WHERE is_sandbox = 1').get() as ProfileRow | undefined
    return row ? toProfile(row) : null
  }

  add(input: NewProfile): Profile {
    try {
      const info = this.db
        .prepare('INSERT INTO profiles (name, tenant_id, client_id, api, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(input.name, input.tenantId, input.clientId, input.api, this.now())
      return this.get(Number(info.lastInsertRowid))
    } catch (err) {
      if (isUniqueViolation(err)) throw new HuntbenchError('conflict', `A profile named "${input.name}" already exists; pick another name.`)
      throw err
    }
  }

  update(id: number, change: Partial<NewProfile>): { profile: Profile; identityChanged: boolean } {
    const before = this.get(id)
    if (before.sandbox) throw new HuntbenchError('conflict', 'The sandbox profile is managed by Huntbench and cannot be edited.')
    const next = { ...before, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) }
    const identityChanged = next.tenantId !== before.tenantId || next.clientId !== before.clientId
    try {
      this.db
        .prepare(
          `UPDATE profiles SET name = ?, tenant_id = ?, client_id = ?, api = ?,
             account_username = CASE WHEN ? THEN NULL ELSE account_username END,
             account_home_id = CASE WHEN ? THEN NULL ELSE account_home_id END,
             signed_in_at = CASE WHEN ? THEN NULL ELSE signed_in_at END
           WHERE id = ?`
        )
        .run(next.name, next.tenantId, next.clientId, next.api, +identityChanged, +identityChanged, +identityChanged, id)
    } catch (err) {
      if (isUniqueViolation(err)) throw new HuntbenchError('conflict', `A profile named "${next.name}" already exists; pick another name.`)
      throw err
    }
    return { profile: this.get(id), identityChanged }
  }

  remove(id: number): void {
    this.get(id)
    this.db.prepare('DELETE FROM profiles WHERE id = ?').run(id)
  }

  recordSignIn(id: number, account: { username: string; homeAccountId: string }): void {
    this.db
      .prepare('UPDATE profiles SET account_username = ?, account_home_id = ?, signed_in_at = ? WHERE id = ?')
      .run(account.username, account.homeAccountId, this.now(), id)
  }

  recordSignOut(id: number): void {
    this.db.prepare('UPDATE profiles SET account_username = NULL, account_home_id = NULL, signed_in_at = NULL WHERE id = ?').run(id)
  }

  /** Creates or repoints the one sandbox profile; a user profile already using its name is left alone. */
  upsertSandbox(tenantId: string, clientId: string): Profile {
    const existing = this.sandbox()
    if (existing) {
      this.db
        .prepare('UPDATE profiles SET tenant_id = ?, client_id = ?, api = ? WHERE id = ?')
        .run(tenantId, clientId, 'graph', existing.id)
      return this.get(existing.id)
    }
    let name = SANDBOX_PROFILE_NAME
    for (let n = 2; this.db.prepare('SELECT 1 FROM profiles WHERE name = ?').get(name); n++) name = `${SANDBOX_PROFILE_NAME} ${n}`
    const info = this.db
      .prepare('INSERT INTO profiles (name, tenant_id, client_id, api, is_sandbox, created_at) VALUES (?, ?, ?, ?, 1, ?)')
      .run(name, tenantId, clientId, 'graph', this.now())
    return this.get(Number(info.lastInsertRowid))
  }
}
