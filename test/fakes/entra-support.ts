// Pieces of the fake Entra ID authority that are plain data or pure functions: the sandbox
// identity, scope -> resource mapping, AAD-shaped error bodies and the sign-in page.
import { randomUUID } from 'node:crypto'

export const FAKE_TENANT_ID = '7d3c5e1a-2b4f-4c6d-8e9f-0a1b2c3d4e5f'
export const FAKE_USER = {
  oid: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  username: 'alice@contoso.test',
  name: 'Alice Analyst'
} as const

export type InteractionKind = 'mfa' | 'consent' | 'claims'

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email'])

interface ResourceInfo {
  aud: string
  appId: string
  displayName: string
  known: string[]
  defaults: string[]
}

// Only the resources Huntbench talks to; anything else is "not found in the tenant", as AAD says.
const RESOURCES: ResourceInfo[] = [
  {
    aud: 'https://graph.microsoft.com',
    appId: '00000003-0000-0000-c000-000000000000',
    displayName: 'Microsoft Graph',
    known: ['ThreatHunting.Read.All', 'User.Read', 'SecurityAlert.Read.All', 'SecurityIncident.Read.All'],
    defaults: ['ThreatHunting.Read.All', 'User.Read']
  },
  {
    aud: 'https://api.security.microsoft.com',
    appId: '8ee8fdad-f234-4243-8f3b-15c294843740',
    displayName: 'Microsoft Threat Protection',
    known: ['AdvancedHunting.Read', 'Incident.Read', 'Alert.Read'],
    defaults: ['AdvancedHunting.Read']
  },
  {
    aud: 'https://api.securitycenter.microsoft.com',
    appId: 'fc780465-2017-40d4-a0c5-307022471b92',
    displayName: 'WindowsDefenderATP',
    known: ['AdvancedQuery.Read', 'Machine.Read', 'Alert.Read'],
    defaults: ['AdvancedQuery.Read']
  }
]

function findResource(prefix: string): ResourceInfo | undefined {
  const p = prefix.replace(/\/+$/, '').toLowerCase()
  return RESOURCES.find((r) => r.aud === p || r.appId === p)
}

export interface ScopeGrant {
  aud: string
  /** Scope names as they go into `scp` (no resource prefix). */
  scp: string[]
  /** Scope string echoed in the token response, the way MSAL caches it. */
  responseScope: string
}

export type ScopeResult = { ok: true; grant: ScopeGrant } | { ok: false; code: number; error: string; message: string }

export function resolveScopes(scopeParam: string): ScopeResult {
  const requested = scopeParam.split(/\s+/).filter(Boolean)
  const oidc = requested.filter((s) => OIDC_SCOPES.has(s))
  const byResource = new Map<ResourceInfo, string[]>()
  for (const scope of requested) {
    if (OIDC_SCOPES.has(scope)) continue
    const cut = scope.lastIndexOf('/')
    const prefix = cut > 0 ? scope.slice(0, cut) : 'https://graph.microsoft.com'
    const name = cut > 0 ? scope.slice(cut + 1) : scope
    const res = findResource(prefix)
    if (!res) {
      return {
        ok: false,
        code: 500011,
        error: 'invalid_resource',
        message: `The resource principal named ${prefix} was not found in the tenant named Contoso sandbox. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`
      }
    }
    if (name !== '.default' && !res.known.includes(name)) {
      return {
        ok: false,
        code: 70011,
        error: 'invalid_scope',
        message: `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' does not exist.`
      }
    }
    byResource.set(res, [...(byResource.get(res) ?? []), name])
  }
  if (byResource.size > 1) {
    return {
      ok: false,
      code: 28000,
      error: 'invalid_request',
      message: 'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ' + requested.join(' ') + ' is not valid.'
    }
  }
  const [entry] = [...byResource.entries()]
  const res = entry?.[0] ?? RESOURCES[0]!
  const names = entry?.[1] ?? ['User.Read']
  const scp = [...new Set(names.flatMap((n) => (n === '.default' ? res.defaults : [n])))]
  const granted = names.includes('.default') ? [...scp.map((s) => `${res.aud}/${s}`), `${res.aud}/.default`] : scp.map((s) => `${res.aud}/${s}`)
  return { ok: true, grant: { aud: res.aud, scp, responseScope: [...granted, ...oidc].join(' ') } }
}

export function resourceDisplayName(aud: string): string {
  return findResource(aud)?.displayName ?? aud
}

export interface AadErrorBody {
  error: string
  error_description: string
  error_codes: number[]
  timestamp: string
  trace_id: string
  correlation_id: string
  error_uri: string
  suberror?: string
  claims?: string
}

export function aadError(
  baseUrl: string,
  error: string,
  code: number,
  message: string,
  correlationId: string | undefined,
  extra: { suberror?: string; claims?: string } = {}
): AadErrorBody {
  const now = new Date()
  const timestamp = now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')
  const traceId = randomUUID()
  const correlation = correlationId || randomUUID()
  return {
    error,
    error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    error_uri: `${baseUrl}/error?code=${code}`,
    ...extra
  }
}

/** What AAD answers a refresh grant when Conditional Access or consent needs the user. */
export function interactionError(kind: InteractionKind, resource: string, clientId: string): {
  code: number
  message: string
  suberror: string
  claims?: string
} {
  if (kind === 'mfa') {
    return {
      code: 50076,
      message: `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource}'.`,
      suberror: 'basic_action',
      claims: JSON.stringify({ access_token: { capolids: { essential: true, values: ['a6e2d4c1-0b3f-4e5a-9c8d-7f6e5d4c3b2a'] } } })
    }
  }
  if (kind === 'consent') {
    return {
      code: 65001,
      message: `The user or administrator has not consented to use the application with ID '${clientId}' named 'Huntbench'. Send an interactive authorization request for this user and resource.`,
      suberror: 'consent_required'
    }
  }
  return {
    code: 50158,
    message: 'External security challenge not satisfied. User will be redirected to another page or authentication provider to satisfy additional authentication challenges.',
    suberror: 'additional_action',
    claims: JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } })
  }
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function signInPage(opts: {
  action: string
  fields: Record<string, string>
  autoSubmit: boolean
  claimsRequested: boolean
  loginHint?: string
}): string {
  const inputs = Object.entries(opts.fields)
    .map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`)
    .join('\n      ')
  const extra = opts.claimsRequested
    ? '<p data-testid="fake-claims">Your organisation requires additional verification. Approve the sign-in request on your authenticator.</p>'
    : ''
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Sign in to your account</title></head>
  <body style="font-family: sans-serif; max-width: 28rem; margin: 4rem auto">
    <h1>Sign in to the Huntbench sandbox tenant</h1>
    <p>Account: <strong data-testid="fake-account">${esc(opts.loginHint || FAKE_USER.username)}</strong></p>
    ${extra}
    <form id="fake-signin-form" method="POST" action="${esc(opts.action)}">
      ${inputs}
      <button type="submit" data-testid="fake-signin">Sign in</button>
    </form>
    ${opts.autoSubmit ? '<script>document.getElementById("fake-signin-form").submit()</script>' : ''}
  </body>
</html>
`
}

export function errorPage(code: number, message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title></head>
  <body><h1>Sorry, but we're having trouble signing you in.</h1>
    <p data-testid="fake-error">AADSTS${code}: ${esc(message)}</p></body></html>
`
}

export function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri)
    return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)
  } catch {
    return false
  }
}
