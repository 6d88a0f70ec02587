// The History view's list: newest first, refreshed when main says something changed.
import type { HistoryItem, HistoryKind } from '../../../shared/types'
import { client, errorText } from '../lib/client'

export class HistoryList {
  items = $state.raw<HistoryItem[]>([])
  total = $state(0)
  loading = $state(true)
  error = $state<string | null>(null)
  kind = $state<HistoryKind | 'all'>('all')

  async load(): Promise<void> {
    this.loading = true
    try {
      const page = await client.call('history.list', { limit: 200, ...(this.kind === 'all' ? {} : { kind: this.kind }) })
      this.items = page.items
      this.total = page.total
      this.error = null
    } catch (err) {
      this.error = errorText(err)
    } finally {
      this.loading = false
    }
  }

  start(): () => void {
    void this.load()
    return client.on('history.changed', () => void this.load())
  }
}
