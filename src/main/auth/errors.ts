// MSAL's errors, turned into something an analyst can act on. Messages name the profile
// and the next step; they never carry tokens (MSAL's own messages do not either).
import { AuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node'
import { HuntbenchError } from '../../shared/errors'

function firstLine(text: string | undefined): string {
  return (text ?? '').split(/\r?\n/)[0].replace(/\s*Trace ID:.*$/i, '').trim()
}

export function needsInteraction(err: unknown): err is InteractionRequiredAuthError {
  return err instanceof InteractionRequiredAuthError
}

export function interactionNeeded(profileName: string, err?: InteractionRequiredAuthError): HuntbenchError {
  const why = err?.claims ? ' (your organisation asks for MFA or another Conditional Access step)' : ''
  return new HuntbenchError(
    'unauthenticated',
    `Profile ${profileName} needs you to sign in again${why}. Sign in from Settings > Profiles, or run \`huntbench auth login --profile "${profileName}"\`.`
  )
}

export function notSignedIn(profileName: string): HuntbenchError {
  return new HuntbenchError(
    'unauthenticated',
    `Profile ${profileName} is not signed in. Sign in from Settings > Profiles, or run \`huntbench auth login --profile "${profileName}"\`.`
  )
}

export function mapMsalError(err: unknown, profileName: string, authority: string): HuntbenchError {
  if (err instanceof HuntbenchError) return err
  if (needsInteraction(err)) return interactionNeeded(profileName, err)
  const host = (() => {
    try {
      return new URL(authority).host
    } catch {
      return authority
    }
  })()
  if (err instanceof ServerError) {
    const code = err.errorCode || 'server_error'
    const detail = firstLine(err.errorMessage) || code
    if (code === 'access_denied') return new HuntbenchError('unauthenticated', `Sign-in for ${profileName} was refused: ${detail}`)
    if (/AADSTS700016|unauthorized_client|invalid_client/.test(`${code} ${detail}`)) {
      return new HuntbenchError(
        'unauthenticated',
        `Sign-in for ${profileName} failed: the tenant does not know this client id, or the app is not a public client (${detail}). Check the app registration.`
      )
    }
    if (/AADSTS90002|invalid_tenant/.test(`${code} ${detail}`)) {
      return new HuntbenchError('unauthenticated', `Sign-in for ${profileName} failed: the tenant id is not known (${detail}).`)
    }
    return new HuntbenchError('remote_error', `Sign-in for ${profileName} failed at ${host}: ${code}: ${detail}`)
  }
  if (err instanceof AuthError) {
    if (err.errorCode === 'network_error' || /Network request failed|ECONNREFUSED|ENOTFOUND|could not reach/i.test(err.errorMessage)) {
      return new HuntbenchError('offline', `Could not reach the sign-in server ${host} for ${profileName}: ${firstLine(err.errorMessage)}`)
    }
    return new HuntbenchError('remote_error', `Sign-in for ${profileName} failed: ${err.errorCode}: ${firstLine(err.errorMessage)}`)
  }
  const message = firstLine((err as Error)?.message ?? String(err))
  if (/could not reach|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|fetch failed/i.test(message)) {
    return new HuntbenchError('offline', `Could not reach the sign-in server ${host} for ${profileName}: ${message}`)
  }
  return new HuntbenchError('remote_error', `Sign-in for ${profileName} failed: ${message}`)
}
