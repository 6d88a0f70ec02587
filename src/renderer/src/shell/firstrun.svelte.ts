// A new user (no tenant profile, no Shodan key, nothing stored) lands on the first-run
// panel instead of an empty Hunt view; anything already set up skips it.
import { client } from '../lib/client'

class FirstRunState {
  show = $state(false)

  async check(): Promise<void> {
    try {
      const [profiles, key, history] = await Promise.all([
        client.call('profiles.list', {}),
        client.call('ti.keyStatus', { provider: 'shodan' }),
        client.call('history.list', { limit: 1 })
      ])
      this.show = profiles.profiles.length === 0 && !key.configured && history.total === 0
    } catch {
      this.show = false
    }
  }

  dismiss(): void {
    this.show = false
  }
}

export const firstRun = new FirstRunState()
