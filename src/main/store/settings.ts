// Typed settings, one purpose-built accessor per setting: no "set any key" path exists.
import type { Database } from 'better-sqlite3'
import type { Theme } from '../../shared/types'

function read(db: Database, key: string): string | undefined {
  return db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined
}

function write(db: Database, key: string, value: string): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value)
}

const themes: readonly Theme[] = ['system', 'light', 'dark']

export function getTheme(db: Database): Theme {
  const value = read(db, 'theme')
  return themes.includes(value as Theme) ? (value as Theme) : 'system'
}

export function setTheme(db: Database, theme: Theme): Theme {
  write(db, 'theme', theme)
  return theme
}
