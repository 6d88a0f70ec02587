// Sandboxed preload: exposes exactly the contract's method names and event names. Every
// call goes to its own IPC channel `huntbench:<method>`, which main registered from the
// same table and validates again; unknown names never reach ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron'
import { eventNames, methodNames, type EventName, type MethodName } from '../shared/api'
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
  call(method: MethodName, input: unknown) {
    // Own properties only: `__proto__` and friends are not methods.
    const fn = Object.prototype.hasOwnProperty.call(methods, method) ? methods[method] : undefined
    if (typeof fn !== 'function') return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `There is no method named ${String(method)}.` } })
    return fn(input)
  },
  on(event: EventName, listener: (payload: unknown) => void) {
    if (typeof event !== 'string' || !eventNames.includes(event)) throw new Error(`There is no event named ${String(event)}.`)
    if (!listeners.has(event)) listeners.set(event, new Set())
    listeners.get(event)!.add(listener)
    return () => listeners.get(event)?.delete(listener)
  }
}

contextBridge.exposeInMainWorld('huntbench', bridge)
