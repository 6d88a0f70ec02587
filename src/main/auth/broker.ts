// The OS sign-in broker (WAM on Windows, the Enterprise SSO plug-in on macOS, the identity
// broker on Linux). Loaded lazily: the extensions package loads keytar and the msal
// runtime natively, and a missing binary must only cost the broker, never the app.
import type { INativeBrokerPlugin } from '@azure/msal-node'

let loaded: Promise<INativeBrokerPlugin | null> | null = null

/** The broker plugin when the OS broker can actually be used here, else null (then: browser). */
export function loadBroker(log?: (message: string) => void): Promise<INativeBrokerPlugin | null> {
  loaded ??= (async () => {
    try {
      const { NativeBrokerPlugin } = await import('@azure/msal-node-extensions')
      const plugin = new NativeBrokerPlugin()
      // A broker that is configured but unavailable is skipped by MSAL anyway; one that is
      // available but fails does not fall back, so only hand over a working one.
      if (!plugin.isBrokerAvailable) return null
      return plugin
    } catch (err) {
      log?.(`sign-in broker not available: ${(err as Error).message.split('\n')[0]}`)
      return null
    }
  })()
  return loaded
}
