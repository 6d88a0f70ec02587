// The shape the preload exposes as `window.huntbench`: named calls from the contract and
// event subscriptions, nothing else (no ipcRenderer, no generic send).
import type { EventName, MethodName } from '../shared/api'
import type { Envelope } from '../shared/errors'

export interface HuntbenchBridge {
  /** One function per contract method: `huntbench.methods['history.list'](input)`. */
  methods: Record<MethodName, (input: unknown) => Promise<Envelope<unknown>>>
  on(event: EventName, listener: (payload: unknown) => void): () => void
}

export const CHANNEL_PREFIX = 'huntbench:'
export const EVENT_CHANNEL = 'huntbench:event'
