// The one door into main: every host hands (method, input) here. The input is checked
// against the contract's schema before any handler runs, and every outcome becomes an
// envelope, so no host ever has to interpret a thrown error.
import { api, isMethodName, type MethodName, type MethodOutput, type ParsedInput } from '../shared/api'
import { HuntbenchError, type Envelope } from '../shared/errors'
import type { z } from 'zod'
import type { Logger } from './log'

export type Handler<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>
export type Handlers = { [M in MethodName]: Handler<M> }

export interface Router {
  call(method: string, input: unknown): Promise<Envelope<unknown>>
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ')
}

export function toEnvelopeError(err: unknown, method: string, log?: Logger): Envelope<never> {
  if (err instanceof HuntbenchError) return { ok: false, error: { code: err.code, message: err.message } }
  const sqliteCode = (err as { code?: unknown }).code
  if (sqliteCode === 'SQLITE_CORRUPT' || sqliteCode === 'SQLITE_NOTADB') {
    log?.error(`${method}: ${sqliteCode} ${(err as Error).message}`)
    return {
      ok: false,
      error: {
        code: 'store_error',
        message:
          'The database file is damaged. Nothing more was written. Quit Huntbench and start it again: the damaged file is moved aside (its new name is shown) and a fresh one is started; the moved file can be recovered with `sqlite3 FILE .recover`.'
      }
    }
  }
  if (typeof sqliteCode === 'string' && sqliteCode.startsWith('SQLITE_')) {
    log?.error(`${method}: ${sqliteCode} ${(err as Error).message}`)
    return { ok: false, error: { code: 'store_error', message: `The database refused the change (${sqliteCode}). Nothing was stored.` } }
  }
  log?.error(`${method}: ${(err as Error)?.stack ?? String(err)}`)
  return { ok: false, error: { code: 'internal', message: `${method} failed unexpectedly; the log has the details.` } }
}

export function createRouter(handlers: Handlers, log?: Logger): Router {
  return {
    async call(method, input) {
      if (typeof method !== 'string' || !isMethodName(method)) {
        return { ok: false, error: { code: 'unknown_method', message: `There is no method named ${JSON.stringify(String(method)).slice(0, 80)}.` } }
      }
      const parsed = api[method].input.safeParse(input ?? {})
      if (!parsed.success) {
        return { ok: false, error: { code: 'invalid_input', message: `${method}: ${describeIssues(parsed.error)}` } }
      }
      try {
        const handler = handlers[method] as (input: unknown) => unknown
        const value = await handler(parsed.data)
        return { ok: true, value }
      } catch (err) {
        return toEnvelopeError(err, method, log)
      }
    }
  }
}
