// Wires the router to Electron's IPC: one channel per contract method, the sender
// checked on every call, the input validated again by the router. Written against a
// small IpcMain-like interface so it is tested without Electron.
import { eventNames, methodNames, type EventName } from '../../../shared/api'
import type { Envelope } from '../../../shared/errors'
import { CHANNEL_PREFIX, EVENT_CHANNEL } from '../../../preload/bridge'
import type { EventBus } from '../../events'
import type { Router } from '../../router'
import { isTrustedSender } from './security'

export interface IpcEventLike {
  senderFrame: { url: string; parent: unknown } | null
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, input: unknown) => Promise<unknown>): void
  removeHandler(channel: string): void
}

export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void
  isDestroyed(): boolean
}

export function registerIpc(ipc: IpcMainLike, router: Router): () => void {
  for (const name of methodNames) {
    ipc.handle(CHANNEL_PREFIX + name, async (event, input): Promise<Envelope<unknown>> => {
      const frame = event.senderFrame
      if (!frame || !isTrustedSender(frame.url, frame.parent === null)) {
        return { ok: false, error: { code: 'forbidden', message: 'Refused: this IPC call did not come from the Huntbench window.' } }
      }
      return router.call(name, input)
    })
  }
  return () => methodNames.forEach((name) => ipc.removeHandler(CHANNEL_PREFIX + name))
}

export function forwardEvents(bus: EventBus, target: () => WebContentsLike | null): () => void {
  return bus.onAny((name: EventName, payload) => {
    const contents = target()
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, payload)
  }, eventNames)
}
