// Interactive sign-in with a deadline and a cancel button. MSAL's loopback flow never
// learns that the user closed the browser tab, so (as VS Code does) the flow is raced
// against a timeout and an AbortSignal. On either, the pending loopback server is sent an
// `error` form post carrying its own state: MSAL then rejects and closes the server, so no
// port stays open and no promise dangles.
import type { AuthenticationResult, InteractiveRequest, PublicClientApplication } from '@azure/msal-node'
import { HuntbenchError } from '../../shared/errors'

export const DEFAULT_INTERACTIVE_TIMEOUT_MS = 5 * 60_000

export interface InteractiveRun {
  pca: PublicClientApplication
  request: Omit<InteractiveRequest, 'openBrowser'>
  openBrowser: (url: string) => Promise<void>
  /** Told the authorize URL before the browser opens (the CLI prints it for headless machines). */
  onUrl?: (url: string) => void
  /** The browser could not be started; the URL is still valid and can be opened by hand. */
  onBrowserError?: (err: Error) => void
  timeoutMs: number
  signal?: AbortSignal
  profileName: string
}

const successPage = (name: string): string =>
  `<!doctype html><meta charset="utf-8"><title>Huntbench</title><body style="font:16px system-ui;margin:3em">` +
  `<h1>Signed in</h1><p>Huntbench is signed in for the profile ${escapeHtml(name)}. You can close this tab.</p></body>`
const errorPage = `<!doctype html><meta charset="utf-8"><title>Huntbench</title><body style="font:16px system-ui;margin:3em">` +
  `<h1>Sign-in did not complete</h1><p>Return to Huntbench for details. You can close this tab.</p></body>`

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Makes MSAL's loopback server give up: it accepts an error post that carries its state. */
async function releaseLoopback(authorizeUrl: URL, reason: string): Promise<void> {
  const redirect = authorizeUrl.searchParams.get('redirect_uri')
  const state = authorizeUrl.searchParams.get('state')
  if (!redirect || !state || !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/?$/.test(redirect)) return
  const target = new URL(redirect)
  target.hostname = '127.0.0.1'
  try {
    await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ error: 'access_denied', error_description: reason, state }).toString(),
      signal: AbortSignal.timeout(5_000)
    })
  } catch {
    /* the server already closed: nothing left to release */
  }
}

export async function runInteractive(run: InteractiveRun): Promise<AuthenticationResult> {
  let authorizeUrl: URL | null = null
  let stopped: HuntbenchError | null = null
  let release: () => void = () => {}
  const stop = new Promise<never>((_, reject) => {
    release = () => {
      if (stopped) reject(stopped)
    }
  })

  const halt = (err: HuntbenchError): void => {
    if (stopped) return
    stopped = err
    release()
    if (authorizeUrl) void releaseLoopback(authorizeUrl, err.message)
  }

  const openBrowser = async (url: string): Promise<void> => {
    authorizeUrl = new URL(url)
    if (stopped) {
      await releaseLoopback(authorizeUrl, stopped.message)
      return
    }
    run.onUrl?.(url)
    try {
      await run.openBrowser(url)
    } catch (err) {
      // Headless machines have no browser; the printed URL still completes the sign-in.
      run.onBrowserError?.(err as Error)
    }
  }

  const minutes = Math.round(run.timeoutMs / 6000) / 10
  const timer = setTimeout(
    () => halt(new HuntbenchError('cancelled', `Sign-in for ${run.profileName} timed out after ${minutes} minutes without an answer from the browser. Try again, and finish the sign-in in the browser tab that opens.`)),
    run.timeoutMs
  )
  const onAbort = (): void => halt(new HuntbenchError('cancelled', `Sign-in for ${run.profileName} was cancelled.`))
  if (run.signal?.aborted) onAbort()
  run.signal?.addEventListener('abort', onAbort, { once: true })

  const flow = run.pca.acquireTokenInteractive({
    ...run.request,
    openBrowser,
    successTemplate: successPage(run.profileName),
    errorTemplate: errorPage
  })
  flow.catch(() => {})
  try {
    return await Promise.race([flow, stop])
  } catch (err) {
    if (stopped) {
      // Wait (briefly) for MSAL to close its loopback server after the release post.
      await Promise.race([flow.catch(() => {}), new Promise((r) => setTimeout(r, 2_000).unref())])
      throw stopped
    }
    throw err
  } finally {
    clearTimeout(timer)
    run.signal?.removeEventListener('abort', onAbort)
  }
}
