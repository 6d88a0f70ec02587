// MSAL's network module over https.request with an extra trusted CA. The sandbox and the
// tests run their authority over HTTPS with a CA made for the run; NODE_EXTRA_CA_CERTS can
// only be set at process start, so a process that starts the sandbox later trusts that CA
// here instead. The public roots stay trusted too, so real tenants keep working.
import { request as httpsRequest } from 'node:https'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { rootCertificates } from 'node:tls'
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node'

const DEFAULT_TIMEOUT_MS = 30_000

export function caNetworkClient(caPem: string): INetworkModule {
  const ca = [...rootCertificates, caPem]
  const send = <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions, timeout = DEFAULT_TIMEOUT_MS): Promise<NetworkResponse<T>> =>
    new Promise((resolve, reject) => {
      const target = new URL(url)
      const body = method === 'POST' ? options?.body ?? '' : undefined
      const headers: Record<string, string | number> = { ...(options?.headers ?? {}) }
      if (body !== undefined) headers['content-length'] = Buffer.byteLength(body)
      // MSAL puts http:// endpoints in authorityMetadata only when a caller chose them; honour it.
      const req = (target.protocol === 'http:' ? httpRequest : httpsRequest)(
        target,
        { method, headers, ca, timeout },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            const flat: Record<string, string> = {}
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v
            let parsed: unknown
            try {
              parsed = text ? JSON.parse(text) : {}
            } catch {
              reject(new Error(`the sign-in server at ${target.host} answered with something that is not JSON (HTTP ${res.statusCode})`))
              return
            }
            resolve({ headers: flat, body: parsed as T, status: res.statusCode ?? 0 })
          })
        }
      )
      req.on('timeout', () => req.destroy(new Error(`the sign-in server at ${target.host} did not answer within ${Math.round(timeout / 1000)} s`)))
      req.on('error', (err) => reject(new Error(`could not reach the sign-in server at ${target.host}: ${err.message}`)))
      if (body !== undefined) req.write(body)
      req.end()
    })
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options)
  }
}
