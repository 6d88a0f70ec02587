// Error codes that cross the boundary between main and any host's client.
// A client can switch on `code`; `message` is written for the analyst.
export const errorCodes = [
  'invalid_input', // the call's input failed its schema
  'unknown_method', // no such method in the contract
  'not_found', // the thing named does not exist (run, case, lookup)
  'conflict', // the request contradicts stored state (duplicate name, read-only case)
  'forbidden', // policy refuses (TLP:RED lookup, missing permission)
  'unauthenticated', // sign-in or an API key is needed
  'rate_limited', // a remote quota refused; retry later
  'offline', // the network is unreachable
  'remote_error', // a remote service answered with an error
  'bad_data', // an imported file or a server answer is malformed
  'store_error', // the database refused (too new, damaged, full disk)
  'unavailable', // a capability is missing on this machine (keyring, broker)
  'cancelled',
  'internal'
] as const

export type ErrorCode = (typeof errorCodes)[number]

export interface ApiError {
  code: ErrorCode
  message: string
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiError }

/** Thrown inside main; the router turns it into `{ok:false, error}` unchanged. */
export class HuntbenchError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string) {
    super(message)
    this.name = 'HuntbenchError'
    this.code = code
  }
}

export function isHuntbenchError(err: unknown): err is HuntbenchError {
  return err instanceof HuntbenchError
}
