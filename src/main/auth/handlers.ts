// Profiles, sign-in and the sandbox, bound to the contract.
import type { authApi } from '../../shared/api/auth'
import type { DomainHandlers } from '../handlers'
import type { Services } from '../services'
import { toView } from './profiles'

export function authHandlers(s: Services): DomainHandlers<typeof authApi> {
  const auth = s.auth
  return {
    'profiles.list': () => ({ profiles: auth.profiles.list().map(toView) }),
    'profiles.add': ({ name, tenantId, clientId, api }) => {
      const profile = auth.profiles.add({ name, tenantId, clientId, api })
      auth.changed({ profileId: profile.id, state: 'profiles' })
      return toView(profile)
    },
    'profiles.update': async ({ profileId, ...change }) => {
      const { profile, identityChanged } = auth.profiles.update(profileId, change)
      // Tokens belong to the old tenant/app; keeping them would sign in to the wrong place.
      if (identityChanged) await auth.forgetTokens(profileId)
      auth.changed({ profileId, state: 'profiles' })
      return toView(auth.profiles.get(profile.id))
    },
    'profiles.remove': async ({ profileId }) => {
      auth.profiles.get(profileId)
      await auth.logout(profileId)
      auth.profiles.remove(profileId)
      auth.changed({ profileId, state: 'profiles' })
      return { removed: true as const }
    },
    'auth.login': ({ profileId }) => auth.login(profileId),
    'auth.cancelLogin': ({ profileId }) => ({ cancelled: auth.cancelLogin(profileId) }),
    'auth.status': ({ profileId }) => auth.status(profileId),
    'auth.logout': async ({ profileId }) => {
      await auth.logout(profileId)
      return { signedOut: true as const }
    },
    'sandbox.start': async () => {
      // The fakes are loaded only when someone asks for the sandbox.
      const { startSandbox } = await import('../sandbox/index')
      const { profile } = await startSandbox(s)
      return { profile: toView(profile) }
    }
  }
}
