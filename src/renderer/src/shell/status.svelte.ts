// The app's status as main reports it (online, signed in, background work), kept current
// by the `app.status` event, plus the browser's own view of the network.
import type { AppStatus } from '../../../shared/types'
import { client, errorText } from '../lib/client'

class StatusStore {
  current = $state<AppStatus | null>(null)
  browserOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine)
  error = $state<string | null>(null)
  online = $derived(this.browserOnline && (this.current?.online ?? true))

  start(): () => void {
    const off = client.on('app.status', (s) => (this.current = s))
    client
      .call('app.status', {})
      .then((s) => (this.current = s))
      .catch((err: unknown) => (this.error = errorText(err)))
    const up = (): void => void (this.browserOnline = true)
    const down = (): void => void (this.browserOnline = false)
    window.addEventListener('online', up)
    window.addEventListener('offline', down)
    return () => {
      off()
      window.removeEventListener('online', up)
      window.removeEventListener('offline', down)
    }
  }
}

export const status = new StatusStore()
