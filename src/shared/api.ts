// The one contract. Every request is declared once, in its domain's file under ./api/:
// its name, the zod schema its input must pass, and the type of its answer. Every event
// from main is declared once too. Main validates each call against this table; the
// preload, the web client and the renderer are all typed from it.
import type { z } from 'zod'
import { coreApi, coreEventNames, type CoreEvents } from './api/core'
import { authApi, authEventNames, type AuthEvents } from './api/auth'
import { huntingApi, huntingEventNames, type HuntingEvents } from './api/hunting'
import { casesApi, casesEventNames, type CasesEvents } from './api/cases'
import { tiApi, tiEventNames, type TiEvents } from './api/ti'

export { MAX_IMPORT_ROWS, MAX_PAGE_ROWS } from './api/core'

export const api = {
  ...coreApi,
  ...authApi,
  ...huntingApi,
  ...casesApi,
  ...tiApi
} as const

export type Api = typeof api
export type MethodName = keyof Api
export type MethodInput<M extends MethodName> = z.input<Api[M]['input']>
export type ParsedInput<M extends MethodName> = z.output<Api[M]['input']>
export type MethodOutput<M extends MethodName> = Api[M]['output']

export const methodNames = Object.keys(api) as MethodName[]

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(api, name)
}

/** Events main pushes to every connected client. */
export interface Events extends CoreEvents, AuthEvents, HuntingEvents, CasesEvents, TiEvents {}
export type EventName = keyof Events
export const eventNames: readonly EventName[] = [...coreEventNames, ...authEventNames, ...huntingEventNames, ...casesEventNames, ...tiEventNames]

export function isEventName(name: string): name is EventName {
  return (eventNames as readonly string[]).includes(name)
}

/** What a client of any host offers the renderer. */
export interface HuntbenchClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
}
