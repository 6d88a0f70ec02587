// The Hunt view's state: editor tabs (saved to main, so unsaved queries survive a restart),
// the query queue and progress as main reports them, and the schema for completion.
import type { HuntingProgress, HuntTab, QueueItem, SchemaTable } from '../../../shared/api/hunting'
import type { RunDetail } from '../../../shared/types'
import { client, errorText } from '../lib/client'
import type { KqlTable } from './kql/schema'

const SAVE_DELAY_MS = 400

function newId(): string {
  return `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`
}

export function blankTab(n: number, profileId: number | null = null): HuntTab {
  return { id: newId(), title: `Query ${n}`, kql: '', timespan: null, profileId, runId: null }
}

/** A short title from the first meaningful line of the query. */
export function titleFor(kql: string, fallback: string): string {
  const line = kql.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('//'))
  if (!line) return fallback
  return line.length > 32 ? `${line.slice(0, 31)}…` : line
}

export class HuntStore {
  tabs = $state<HuntTab[]>([])
  activeId = $state<string | null>(null)
  loaded = $state(false)
  queue = $state.raw<QueueItem[]>([])
  progress = $state.raw<Record<number, HuntingProgress>>({})
  /** Details of runs shown in tabs, refreshed when main says a run changed. */
  runs = $state.raw<Record<number, RunDetail>>({})
  tables = $state.raw<KqlTable[]>([])
  error = $state<string | null>(null)
  saveError = $state<string | null>(null)
  /** True from an edit until main has stored it. */
  dirty = $state(false)

  active = $derived(this.tabs.find((t) => t.id === this.activeId) ?? this.tabs[0] ?? null)

  private saveTimer: ReturnType<typeof setTimeout> | undefined
  private lastSaved = ''
  private schemaAsk = 0

  start(): () => void {
    const offs = [
      client.on('hunting.queue', ({ items }) => (this.queue = items)),
      client.on('hunting.progress', (p) => (this.progress = { ...this.progress, [p.runId]: p })),
      client.on('hunting.done', (d) => {
        const { [d.runId]: _done, ...rest } = this.progress
        this.progress = rest
        void this.loadRun(d.runId)
        if (d.status === 'succeeded') void this.loadSchema()
      })
    ]
    // Closing the window or the tab gives no time for the debounced save: store edits now.
    const saveNow = (): void => this.flush()
    const onVisibility = (): void => {
      if (document.visibilityState === 'hidden') this.flush()
    }
    window.addEventListener('pagehide', saveNow)
    document.addEventListener('visibilitychange', onVisibility)
    // After the tabs, so the schema asked for is the active tab's profile's.
    void this.loadTabs().then(() => this.loadSchema())
    void this.loadQueue()
    return () => {
      offs.forEach((off) => off())
      window.removeEventListener('pagehide', saveNow)
      document.removeEventListener('visibilitychange', onVisibility)
      this.flush()
    }
  }

  async loadTabs(): Promise<void> {
    try {
      const saved = await client.call('hunting.loadTabs', {})
      this.tabs = saved.tabs.length ? saved.tabs : [blankTab(1)]
      this.activeId = saved.activeId ?? this.tabs[0].id
      this.lastSaved = this.snapshot()
      for (const tab of this.tabs) if (tab.runId !== null) void this.loadRun(tab.runId)
    } catch (err) {
      this.error = errorText(err)
      this.tabs = [blankTab(1)]
      this.activeId = this.tabs[0].id
    } finally {
      this.loaded = true
    }
  }

  async loadQueue(): Promise<void> {
    try {
      this.queue = (await client.call('hunting.queue', {})).items
    } catch (err) {
      this.error = errorText(err)
    }
  }

  /** Graph's and learned tables for a profile (default: the active tab's). The latest ask wins. */
  async loadSchema(profileId: number | null | undefined = this.active?.profileId): Promise<void> {
    const ask = ++this.schemaAsk
    try {
      const { tables } = await client.call('hunting.schema', profileId ? { profileId } : {})
      // An older answer (another profile's, or none) must not replace a newer one.
      if (ask !== this.schemaAsk) return
      this.tables = tables.filter((t: SchemaTable) => t.source !== 'standard').map((t) => ({ name: t.name, description: t.description, columns: t.columns }))
    } catch {
      // Completion still has the built-in tables.
    }
  }

  async loadRun(runId: number): Promise<void> {
    try {
      const run = await client.call('runs.get', { runId })
      this.runs = { ...this.runs, [runId]: run }
    } catch (err) {
      this.runs = { ...this.runs }
      this.error = errorText(err)
    }
  }

  private snapshot(): string {
    return JSON.stringify({ tabs: this.tabs, activeId: this.activeId })
  }

  /** Saves soon (typing saves once it pauses); identical state is not written again. */
  scheduleSave(): void {
    if (!this.loaded) return
    clearTimeout(this.saveTimer)
    if (this.snapshot() === this.lastSaved) return
    this.dirty = true
    this.saveTimer = setTimeout(() => this.flush(), SAVE_DELAY_MS)
  }

  flush(): void {
    clearTimeout(this.saveTimer)
    if (!this.loaded) return
    const snap = this.snapshot()
    if (snap === this.lastSaved) {
      this.dirty = false
      return
    }
    this.lastSaved = snap
    const { tabs, activeId } = JSON.parse(snap) as { tabs: HuntTab[]; activeId: string | null }
    client
      .call('hunting.saveTabs', { tabs, activeId })
      .then(() => {
        this.saveError = null
        // Edits made while saving schedule their own save.
        if (this.snapshot() === this.lastSaved) this.dirty = false
      })
      .catch((err: unknown) => {
        this.lastSaved = ''
        this.saveError = `Tabs were not saved: ${errorText(err)}`
      })
  }

  addTab(kql = '', title?: string, runId: number | null = null): HuntTab {
    const tab = blankTab(this.tabs.length + 1, this.active?.profileId ?? null)
    tab.kql = kql
    tab.runId = runId
    if (title) tab.title = title
    this.tabs.push(tab)
    this.activeId = tab.id
    if (runId !== null) void this.loadRun(runId)
    this.scheduleSave()
    return this.tabs[this.tabs.length - 1]
  }

  closeTab(id: string): void {
    const index = this.tabs.findIndex((t) => t.id === id)
    if (index < 0) return
    this.tabs.splice(index, 1)
    if (this.tabs.length === 0) this.tabs.push(blankTab(1, null))
    if (this.activeId === id) this.activeId = this.tabs[Math.max(0, index - 1)].id
    this.scheduleSave()
  }

  select(id: string): void {
    this.activeId = id
    this.scheduleSave()
  }

  /** Queues `kql` for the tab's profile; the tab then shows that run. */
  async run(tab: HuntTab, kql: string): Promise<void> {
    if (tab.profileId === null) throw new Error('Choose a tenant profile first.')
    const { runId } = await client.call('hunting.run', { profileId: tab.profileId, kql, timespan: tab.timespan ?? undefined, title: titleFor(kql, tab.title) })
    tab.runId = runId
    if (/^Query \d+$/.test(tab.title)) tab.title = titleFor(kql, tab.title)
    this.scheduleSave()
    await this.loadRun(runId)
    await this.loadQueue()
  }

  async cancel(queueId: number): Promise<void> {
    await client.call('hunting.cancel', { queueId })
    await this.loadQueue()
  }

  queueItemFor(runId: number | null): QueueItem | undefined {
    return runId === null ? undefined : this.queue.find((i) => i.runId === runId)
  }
}
