// One MSAL public client per profile. The authority is `${authority base}/${tenant}`;
// login.microsoftonline.com has its metadata built into MSAL, any other base (a sovereign
// cloud override, the sandbox, the tests' fake) is declared a known authority with its
// endpoints spelled out, so MSAL never asks the public cloud for instance discovery.
import {
  LogLevel,
  PublicClientApplication,
  type Configuration,
  type ICachePlugin,
  type INativeBrokerPlugin
} from '@azure/msal-node'
import { HuntbenchError } from '../../shared/errors'
import type { HuntingApi } from '../../shared/auth'
import { defaultEndpoints } from '../config'
import type { Logger } from '../log'
import { caNetworkClient } from './network'

/** Delegated scopes, one resource per token (defender-hunting-api.md, section 9.3). */
export const RESOURCE_SCOPES: Record<HuntingApi, string> = {
  graph: 'https://graph.microsoft.com/ThreatHunting.Read.All',
  legacy: 'https://api.security.microsoft.com/AdvancedHunting.Read'
}

export interface ClientTarget {
  authorityBase: string
  tenantId: string
  clientId: string
  /** A PEM trusted, besides the public roots, for calls to the authority. */
  ca?: string
  /** Where the browser is sent to sign in, when that differs from the authority (the sandbox). */
  authorizeBase?: string
}

export function authorityUrl(target: ClientTarget): string {
  return `${target.authorityBase.replace(/\/+$/, '')}/${target.tenantId}`
}

function isPublicCloud(base: string): boolean {
  return new URL(base).origin === new URL(defaultEndpoints.authority).origin
}

export function buildConfig(
  target: ClientTarget,
  parts: { cachePlugin?: ICachePlugin; broker?: INativeBrokerPlugin | null; log?: Logger }
): Configuration {
  let base: URL
  try {
    base = new URL(target.authorityBase)
  } catch {
    throw new HuntbenchError('invalid_input', `The sign-in authority ${JSON.stringify(target.authorityBase)} is not a URL.`)
  }
  if (base.protocol !== 'https:') {
    throw new HuntbenchError(
      'invalid_input',
      `The sign-in authority must use https (MSAL refuses ${base.protocol} authorities); check HUNTBENCH_AUTHORITY_URL (${base.origin}).`
    )
  }
  const authority = authorityUrl(target)
  const auth: Configuration['auth'] = { clientId: target.clientId, authority }
  if (!isPublicCloud(target.authorityBase)) {
    auth.knownAuthorities = [base.host]
    auth.authorityMetadata = JSON.stringify({
      authorization_endpoint: `${target.authorizeBase ? `${target.authorizeBase.replace(/\/+$/, '')}/${target.tenantId}` : authority}/oauth2/v2.0/authorize`,
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      issuer: `${authority}/v2.0`,
      jwks_uri: `${authority}/discovery/v2.0/keys`
    })
  }
  const log = parts.log
  return {
    auth,
    ...(parts.cachePlugin ? { cache: { cachePlugin: parts.cachePlugin } } : {}),
    ...(parts.broker ? { broker: { nativeBrokerPlugin: parts.broker } } : {}),
    system: {
      // Only when needed: an explicit undefined would replace MSAL's default client with a stub.
      ...(target.ca ? { networkClient: caNetworkClient(target.ca) } : {}),
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message) => {
          if (!log) return
          if (level === LogLevel.Error) log.error(`msal: ${message}`)
          else if (level === LogLevel.Warning) log.warn(`msal: ${message}`)
        }
      }
    }
  }
}

export function createClient(
  target: ClientTarget,
  parts: { cachePlugin?: ICachePlugin; broker?: INativeBrokerPlugin | null; log?: Logger }
): PublicClientApplication {
  return new PublicClientApplication(buildConfig(target, parts))
}
