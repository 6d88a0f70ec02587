// Tenant profiles and their sign-in state, kept current by `auth.changed`. Shared by the
// Profiles settings and the first-run panel.
import type { AuthStatus, HuntingApi, ProfileAuthStatus, ProfileView } from '../../../shared/auth'
import { client, errorText } from '../lib/client'

export class ProfilesStore {
  status = $state<AuthStatus | null>(null)
  loading = $state(true)
  error = $state<string | null>(null)
  /** Per profile: the sign-in page to open while a sign-in waits, and the last failure. */
  waitingUrl = $state<Record<number, string | null>>({})
  failure = $state<Record<number, string>>({})
  busy = $state<Record<number, boolean>>({})

  profiles = $derived<ProfileAuthStatus[]>(this.status?.profiles ?? [])

  start(): () => void {
    const off = client.on('auth.changed', (change) => {
      if (change.profileId !== null) {
        if (change.state === 'waiting') this.waitingUrl = { ...this.waitingUrl, [change.profileId]: change.url }
        else this.waitingUrl = { ...this.waitingUrl, [change.profileId]: null }
        if (change.state === 'failed' || change.state === 'cancelled') this.failure = { ...this.failure, [change.profileId]: change.message }
        if (change.state === 'signed-in') this.failure = { ...this.failure, [change.profileId]: '' }
      }
      void this.load()
    })
    void this.load()
    return off
  }

  async load(): Promise<void> {
    try {
      this.status = await client.call('auth.status', {})
      this.error = null
    } catch (err) {
      this.error = errorText(err)
    } finally {
      this.loading = false
    }
  }

  async add(input: { name: string; tenantId: string; clientId: string; api: HuntingApi }): Promise<ProfileView> {
    const added = await client.call('profiles.add', input)
    await this.load()
    return added
  }

  async remove(profileId: number): Promise<void> {
    await this.run(profileId, () => client.call('profiles.remove', { profileId }))
  }

  /** Resolves when the sign-in is done; a failure is kept per profile and returned as false. */
  async signIn(profileId: number): Promise<boolean> {
    this.failure = { ...this.failure, [profileId]: '' }
    return this.run(profileId, () => client.call('auth.login', { profileId }))
  }

  async cancel(profileId: number): Promise<void> {
    try {
      await client.call('auth.cancelLogin', { profileId })
    } catch (err) {
      this.failure = { ...this.failure, [profileId]: errorText(err) }
    }
  }

  async signOut(profileId: number): Promise<void> {
    await this.run(profileId, () => client.call('auth.logout', { profileId }))
  }

  private async run(profileId: number, fn: () => Promise<unknown>): Promise<boolean> {
    this.busy = { ...this.busy, [profileId]: true }
    try {
      await fn()
      return true
    } catch (err) {
      this.failure = { ...this.failure, [profileId]: errorText(err) }
      return false
    } finally {
      this.busy = { ...this.busy, [profileId]: false }
      this.waitingUrl = { ...this.waitingUrl, [profileId]: null }
      await this.load()
    }
  }
}
