// Test-side helpers for talking to the fake authority from inside a running test process,
// where NODE_EXTRA_CA_CERTS can no longer be set: an MSAL network client that trusts the
// test CA, and an `openBrowser` stand-in that plays the browser and the user.
import { request as httpsRequest } from 'node:https'
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node'

function send<T>(method: 'GET' | 'POST', url: string, caPem: string, options?: NetworkRequestOptions, timeoutMs?: number): Promise<NetworkResponse<T>> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers: options?.headers, ca: caPem, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
        let body: unknown
        try {
          body = text ? JSON.parse(text) : {}
        } catch {
          return reject(new Error(`non-JSON answer (${res.statusCode}) from ${new URL(url).pathname}`))
        }
        resolve({ status: res.statusCode ?? 0, headers, body: body as T })
      })
    })
    req.on('timeout', () => req.destroy(new Error('request timed out')))
    req.on('error', reject)
    if (options?.body) req.write(options.body)
    req.end()
  })
}

/** An MSAL `system.networkClient` that trusts `caPem` (e.g. `fake.caCertPem`). */
export function networkClientTrusting(caPem: string): INetworkModule {
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, caPem, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, caPem, options)
  }
}

export function getText(url: string, caPem: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: 'GET', ca: caPem }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** The form_post page's action and hidden fields, as a browser would submit them. */
export function parseFormPost(html: string): { action: string; fields: Record<string, string> } {
  const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&')
  const action = /<form[^>]*action="([^"]*)"/i.exec(html)?.[1]
  if (!action) throw new Error('the authorize page has no form to submit')
  const fields: Record<string, string> = {}
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescape(m[1]!)] = unescape(m[2]!)
  }
  return { action: unescape(action), fields }
}

/**
 * Use as MSAL's `openBrowser`: loads the fake's authorize page and submits its form to
 * MSAL's loopback listener, as the user clicking "Sign in" would.
 */
export function browserFor(caPem: string): (authorizeUrl: string) => Promise<void> {
  return async (authorizeUrl) => {
    const page = await getText(authorizeUrl, caPem)
    if (page.status !== 200) throw new Error(`authorize page answered ${page.status}`)
    const { action, fields } = parseFormPost(page.text)
    // MSAL's loopback is already listening when it calls openBrowser.
    const posted = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString()
    })
    await posted.text()
  }
}

/**
 * Signs in against the fake authority without MSAL (authorize page + PKCE code redemption)
 * and returns its token response; for tests that need a real issued token quickly.
 */
export async function signInDirect(o: { authorityUrl: string; tenant: string; caPem: string; scope: string; clientId?: string }): Promise<{ access_token: string; refresh_token: string; id_token: string }> {
  const { createHash, randomBytes } = await import('node:crypto')
  const clientId = o.clientId ?? 'huntbench-tests'
  const verifier = randomBytes(32).toString('base64url')
  const redirectUri = 'http://localhost/'
  const q = new URLSearchParams({
    client_id: clientId, response_type: 'code', response_mode: 'form_post', redirect_uri: redirectUri, state: 's',
    scope: `${o.scope} openid profile offline_access`, code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256'
  })
  const page = await getText(`${o.authorityUrl}/${o.tenant}/oauth2/v2.0/authorize?${q}`, o.caPem)
  const { fields } = parseFormPost(page.text)
  if (!fields.code) throw new Error(`the authorize page returned no code: ${fields.error_description ?? page.status}`)
  const form = new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: fields.code, redirect_uri: redirectUri, code_verifier: verifier, scope: o.scope })
  const res = await networkClientTrusting(o.caPem).sendPostRequestAsync<Record<string, string>>(`${o.authorityUrl}/${o.tenant}/oauth2/v2.0/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString()
  })
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body as { access_token: string; refresh_token: string; id_token: string }
}
