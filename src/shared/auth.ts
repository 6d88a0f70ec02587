// Tenant profiles and sign-in state as every client sees them, plus the input rules for
// tenant and client ids. Pure: used by main, the CLI and the renderer alike.

export type HuntingApi = 'graph' | 'legacy'

/** The legacy Defender XDR hunting API stops returning data on this date. */
export const LEGACY_RETIREMENT_DATE = '2027-02-01'
export const SANDBOX_PROFILE_NAME = 'Sandbox (fake tenant)'

export interface ProfileView {
  id: number
  name: string
  tenantId: string
  clientId: string
  api: HuntingApi
  sandbox: boolean
  /** The account of the last sign-in (username), or null when signed out. */
  account: string | null
  signedInAt: number | null
  createdAt: number
}

export type LoginState = 'idle' | 'waiting'

export interface ProfileAuthStatus extends ProfileView {
  signedIn: boolean
  login: LoginState
}

export interface AuthStatus {
  profiles: ProfileAuthStatus[]
  /** Where tokens are kept: the OS store, or this run's memory when none is available. */
  tokenStore: 'dpapi' | 'keychain' | 'libsecret' | 'memory'
  broker: boolean
  sandbox: boolean
  warnings: string[]
}

export type AuthChange =
  | { profileId: number; state: 'waiting'; url: string | null }
  | { profileId: number; state: 'signed-in'; account: string }
  | { profileId: number; state: 'signed-out' }
  | { profileId: number; state: 'failed' | 'cancelled'; message: string }
  | { profileId: number | null; state: 'profiles' }

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// RFC 1123 labels, at least two of them, and a TLD that is not all digits.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i

export function isGuid(value: string): boolean {
  return GUID.test(value)
}

/** A directory (tenant) id is a GUID or a verified domain such as contoso.onmicrosoft.com. */
export function tenantIdProblem(value: string): string | null {
  const v = value.trim()
  if (!v) return 'a tenant id is required'
  if (isGuid(v) || DOMAIN.test(v)) return null
  return `"${v.slice(0, 60)}" is not a tenant id: use the Directory (tenant) ID, a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47, or a domain like contoso.onmicrosoft.com`
}

export function clientIdProblem(value: string): string | null {
  const v = value.trim()
  if (!v) return 'a client id is required'
  if (isGuid(v)) return null
  return `"${v.slice(0, 60)}" is not a client id: use the Application (client) ID of your app registration, a GUID like 0f3c1a2b-1234-4abc-9def-0123456789ab`
}

export function profileNameProblem(value: string): string | null {
  const v = value.trim()
  if (!v) return 'a profile name is required'
  if (v.length > 80) return 'a profile name must be at most 80 characters'
  if (/[\u0000-\u001f\u007f]/.test(v)) return 'a profile name cannot contain control characters'
  return null
}
