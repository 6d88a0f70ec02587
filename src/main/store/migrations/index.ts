// The schema's history: one numbered list, applied in order, each step in its own
// transaction together with the `user_version` bump, so a crash mid-step leaves the
// previous version intact. Never edit a shipped step; append a new one (one file each).
import type { Database } from 'better-sqlite3'
import { migration001 } from './001-initial'
import { migration002 } from './002-ti'
import { migration003 } from './003-profiles'
import { migration004 } from './004-hunting'
import { migration005 } from './005-cases'

export interface Migration {
  version: number
  name: string
  up(db: Database): void
}

export const migrations: Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005
]

export const latestSchemaVersion = migrations[migrations.length - 1].version
