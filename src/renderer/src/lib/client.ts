// The renderer's one client. It speaks to main over the Electron preload bridge when it
// exists, and over browser mode's HTTP + Server-Sent Events otherwise; views never know
// which. Calls resolve with the value or throw an ApiCallError carrying main's code.
import type { EventName, Events, HuntbenchClient, MethodInput, MethodName, MethodOutput } from '../../../shared/api'
import type { Envelope, ErrorCode } from '../../../shared/errors'
import type { HuntbenchBridge } from '../../../preload/bridge'

export class ApiCallError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string
  ) {
    super(message)
    this.name = 'ApiCallError'
  }
}

function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value
  throw new ApiCallError(envelope.error.code, envelope.error.message)
}

type Listener = (payload: unknown) => void

function bridgeClient(bridge: HuntbenchBridge): HuntbenchClient {
  return {
    async call(method, input) {
      // Own properties only: an inherited name such as `__proto__` is not a method.
      const fn = Object.prototype.hasOwnProperty.call(bridge.methods, method) ? bridge.methods[method] : undefined
      if (typeof fn !== 'function') throw new ApiCallError('unknown_method', `There is no method named ${String(method)}.`)
      return unwrap(await fn(input)) as never
    },
    on(event, listener) {
      return bridge.on(event, listener as Listener)
    }
  }
}

function webClient(): HuntbenchClient {
  const listeners = new Map<string, Set<Listener>>()
  let source: EventSource | null = null
  const connect = (): void => {
    if (source) return
    source = new EventSource('/api/events')
    for (const name of listeners.keys()) attach(name)
  }
  const attached = new Set<string>()
  const attach = (name: string): void => {
    if (!source || attached.has(name)) return
    attached.add(name)
    source.addEventListener(name, (e) => {
      const payload = JSON.parse((e as MessageEvent<string>).data) as unknown
      for (const l of listeners.get(name) ?? []) l(payload)
    })
  }
  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      let response: Response
      const body = JSON.stringify(input ?? {})
      try {
        response = await fetch(`/api/call/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          credentials: 'same-origin',
          body,
          // A call made as the page goes away (the tabs' last save) must outlive it; the
          // browser refuses keepalive bodies above 64 KiB, so larger ones go as usual.
          keepalive: document.visibilityState === 'hidden' && new TextEncoder().encode(body).length < 60_000
        })
      } catch {
        throw new ApiCallError('offline', 'Huntbench is not answering: is `huntbench web` still running?')
      }
      let envelope: Envelope<MethodOutput<M>>
      try {
        envelope = (await response.json()) as Envelope<MethodOutput<M>>
      } catch {
        throw new ApiCallError('internal', `Huntbench answered ${response.status} without a readable body.`)
      }
      return unwrap(envelope)
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event)!.add(listener as Listener)
      connect()
      attach(event)
      return () => listeners.get(event)?.delete(listener as Listener)
    }
  }
}

export const client: HuntbenchClient = typeof window !== 'undefined' && window.huntbench ? bridgeClient(window.huntbench) : webClient()

export function errorText(err: unknown): string {
  if (err instanceof ApiCallError) return err.message
  return err instanceof Error ? err.message : String(err)
}
