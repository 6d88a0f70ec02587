// Sandboxed preload: exposes exactly the contract's method names (one function each) and
// event subscriptions. Every call goes to its own IPC channel `huntbench:<method>`, which
// main registered from the same table and validates again; there is no generic dispatcher.
import { contextBridge, ipcRenderer } from 'electron'
import { eventNames, methodNames, type EventName } from '../shared/api'
import type { Envelope } from '../shared/errors'
import { CHANNEL_PREFIX, EVENT_CHANNEL, type HuntbenchBridge } from './bridge'

const methods = Object.fromEntries(
  methodNames.map((name) => [name, (input: unknown) => ipcRenderer.invoke(CHANNEL_PREFIX + name, input) as Promise<Envelope<unknown>>])
) as HuntbenchBridge['methods']

const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
ipcRenderer.on(EVENT_CHANNEL, (_event, name: EventName, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload)
})

const bridge: HuntbenchBridge = {
  methods,
  on(event: EventName, listener: (payload: unknown) => void) {
    if (typeof event !== 'string' || !eventNames.includes(event)) throw new Error(`There is no event named ${String(event)}.`)
    if (!listeners.has(event)) listeners.set(event, new Set())
    listeners.get(event)!.add(listener)
    return () => listeners.get(event)?.delete(listener)
  }
}

contextBridge.exposeInMainWorld('huntbench', bridge)
