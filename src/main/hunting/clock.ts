// Time for the queue and governor: the real clock, a scaled one (benchmark) or a fake one
// (tests) — timers included, so waiting for the quota follows the same clock as the ledger.
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const realClock: Clock = {
  now: Date.now,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout)
}
