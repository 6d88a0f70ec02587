// What other domains may know about a running sandbox, without loading the fakes: the
// Shodan key the fake accepts, and a hook to hear when the sandbox starts.
import type { Endpoints } from '../config'
import type { Services } from '../services'

export interface SandboxInfo {
  endpoints: Endpoints
  /** The key the fake Shodan accepts; lives in memory only, never in the keychain. */
  shodanKey: string
  profileId: number
}

const running = new WeakMap<Services, SandboxInfo>()
const listeners = new WeakMap<Services, ((info: SandboxInfo) => void)[]>()

export function getSandbox(services: Services): SandboxInfo | null {
  return running.get(services) ?? null
}

/** Called once the sandbox is up (at once, if it already is). */
export function onSandboxStart(services: Services, listener: (info: SandboxInfo) => void): void {
  const current = running.get(services)
  if (current) listener(current)
  listeners.set(services, [...(listeners.get(services) ?? []), listener])
}

export function markSandboxStarted(services: Services, info: SandboxInfo): void {
  running.set(services, info)
  for (const listener of listeners.get(services) ?? []) {
    try {
      listener(info)
    } catch (err) {
      services.log.error(`sandbox listener: ${(err as Error).message}`)
    }
  }
}
