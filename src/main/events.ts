// A typed event bus: services emit, hosts forward to their clients.
import { EventEmitter } from 'node:events'
import type { EventName, Events } from '../shared/api'

export class EventBus {
  private readonly emitter = new EventEmitter()
  constructor() {
    this.emitter.setMaxListeners(100)
  }
  emit<E extends EventName>(event: E, payload: Events[E]): void {
    this.emitter.emit(event, payload)
  }
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    this.emitter.on(event, listener)
    return () => this.emitter.off(event, listener)
  }
  /** Every event, for hosts that forward all of them. */
  onAny(listener: (event: EventName, payload: unknown) => void, names: readonly EventName[]): () => void {
    const offs = names.map((name) => this.on(name, (payload) => listener(name, payload)))
    return () => offs.forEach((off) => off())
  }
}
