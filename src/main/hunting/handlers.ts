// Hunting, bound to the contract.
import type { huntingApi } from '../../shared/api/hunting'
import type { DomainHandlers } from '../handlers'
import type { Services } from '../services'
import { loadTabs, saveTabs } from './tabs'

export function huntingHandlers(s: Services): DomainHandlers<typeof huntingApi> {
  const hunting = s.hunting
  return {
    'hunting.run': ({ profileId, kql, timespan, title }) => {
      // Asked for from a window, so a sign-in the query needs may open interactively.
      const queued = hunting.queue.enqueue({ profileId, kql, timespan, title, interactive: s.config.host !== 'cli' })
      s.bus.emit('history.changed', { kind: 'run', id: queued.runId })
      s.emitStatus()
      return queued
    },
    'hunting.queue': ({ profileId }) => ({ items: hunting.queue.list(profileId) }),
    'hunting.cancel': ({ queueId }) => {
      const cancelled = hunting.queue.cancel(queueId)
      s.emitStatus()
      return { cancelled }
    },
    'hunting.quota': ({ profileId }) => {
      s.auth.profiles.get(profileId)
      return hunting.governor.status(profileId)
    },
    'hunting.setQuotaLimits': ({ profileId, limits }) => {
      s.auth.profiles.get(profileId)
      const saved = hunting.governor.setLimits(profileId, limits)
      hunting.queue.schedule(profileId)
      s.emitStatus()
      return saved
    },
    'hunting.schema': async ({ profileId, refresh }) => {
      if (profileId !== undefined) s.auth.profiles.get(profileId)
      return { tables: await hunting.schema(profileId, refresh) }
    },
    'hunting.saveTabs': ({ tabs, activeId }) => ({ saved: saveTabs(s.db, { tabs, activeId }) }),
    'hunting.loadTabs': () => loadTabs(s.db)
  }
}
