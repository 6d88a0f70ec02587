// The Hunt view's editor tabs, kept in settings under one purpose-built key so unsaved
// queries survive a restart. Whatever was stored is re-checked on load: a damaged value
// gives an empty tab set, never an error that blocks the view.
import type { Database } from 'better-sqlite3'
import type { HuntTab, HuntTabs } from '../../shared/api/hunting'

const KEY = 'hunting.tabs'

function isTab(value: unknown): value is HuntTab {
  const t = value as HuntTab
  return (
    !!t &&
    typeof t.id === 'string' &&
    typeof t.title === 'string' &&
    typeof t.kql === 'string' &&
    (t.timespan === null || typeof t.timespan === 'string') &&
    (t.profileId === null || typeof t.profileId === 'number') &&
    (t.runId === null || typeof t.runId === 'number')
  )
}

export function saveTabs(db: Database, tabs: HuntTabs): number {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(KEY, JSON.stringify(tabs))
  return tabs.tabs.length
}

export function loadTabs(db: Database): HuntTabs {
  const text = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(KEY) as string | undefined
  if (!text) return { tabs: [], activeId: null }
  try {
    const parsed = JSON.parse(text) as { tabs?: unknown; activeId?: unknown }
    const tabs = Array.isArray(parsed.tabs) ? parsed.tabs.filter(isTab) : []
    const activeId = typeof parsed.activeId === 'string' && tabs.some((t) => t.id === parsed.activeId) ? parsed.activeId : (tabs[0]?.id ?? null)
    return { tabs, activeId }
  } catch {
    return { tabs: [], activeId: null }
  }
}
