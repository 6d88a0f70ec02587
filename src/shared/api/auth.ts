// Tenant profiles, sign-in and the sandbox tenant.
import { z } from 'zod'
import {
  clientIdProblem,
  profileNameProblem,
  tenantIdProblem,
  type AuthChange,
  type AuthStatus,
  type ProfileView
} from '../auth'
import { empty, id, method } from './define'

const checked = (problem: (v: string) => string | null, max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .superRefine((value, ctx) => {
      const message = problem(value)
      if (message) ctx.addIssue({ code: 'custom', message })
    })
    .transform((value) => value.trim())

export const profileName = checked(profileNameProblem, 200)
// Ids are case-insensitive; lower case keeps one spelling in the store and in MSAL's cache keys.
export const tenantId = checked(tenantIdProblem, 300).transform((v) => v.toLowerCase())
export const clientId = checked(clientIdProblem, 100).transform((v) => v.toLowerCase())
export const huntingApi = z.enum(['graph', 'legacy'], { message: 'must be "graph" or "legacy"' })

export const authApi = {
  'profiles.list': method<{ profiles: ProfileView[] }>()(empty),
  'profiles.add': method<ProfileView>()(
    z.object({ name: profileName, tenantId, clientId, api: huntingApi.default('graph') }).strict()
  ),
  'profiles.update': method<ProfileView>()(
    z
      .object({ profileId: id, name: profileName.optional(), tenantId: tenantId.optional(), clientId: clientId.optional(), api: huntingApi.optional() })
      .strict()
  ),
  'profiles.remove': method<{ removed: true }>()(z.object({ profileId: id }).strict()),
  /** Interactive sign-in; resolves when it is done, fails on timeout or cancel. */
  'auth.login': method<{ profileId: number; account: string }>()(z.object({ profileId: id }).strict()),
  'auth.cancelLogin': method<{ cancelled: boolean }>()(z.object({ profileId: id }).strict()),
  'auth.status': method<AuthStatus>()(z.object({ profileId: id.optional() }).strict()),
  'auth.logout': method<{ signedOut: true }>()(z.object({ profileId: id }).strict()),
  /** Starts the fake tenant (authority, hunting API, Shodan) in-process with its own profile. */
  'sandbox.start': method<{ profile: ProfileView }>()(empty)
} as const

export interface AuthEvents {
  'auth.changed': AuthChange
}
export const authEventNames = ['auth.changed'] as const
