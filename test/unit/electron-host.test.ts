// The desktop host's rules, tested without the Electron binary: IPC answers only our own
// top-level page, every contract method has its channel, and the window settings are the
// hardened ones.
import { describe, expect, it } from 'vitest'
import { methodNames } from '../../src/shared/api'
import { CHANNEL_PREFIX } from '../../src/preload/bridge'
import { registerIpc, type IpcEventLike, type IpcMainLike } from '../../src/main/hosts/electron/ipc'
import { allowPermission, isAllowedNavigation, isTrustedSender, secureWebPreferences } from '../../src/main/hosts/electron/security'
import { isSafeExternalUrl, safeOpenExternal } from '../../src/main/external'
import type { Router } from '../../src/main/router'

class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (event: IpcEventLike, input: unknown) => Promise<unknown>>()
  handle(channel: string, listener: (event: IpcEventLike, input: unknown) => Promise<unknown>): void {
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
}

const calls: [string, unknown][] = []
const router: Router = {
  async call(method, input) {
    calls.push([method, input])
    return { ok: true, value: 'answered' }
  }
}

describe('IPC adapter', () => {
  const ipc = new FakeIpcMain()
  const unregister = registerIpc(ipc, router)
  const mainFrame = (url: string): IpcEventLike => ({ senderFrame: { url, parent: null } })

  it('registers exactly one channel per contract method', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(methodNames.map((m) => CHANNEL_PREFIX + m).sort())
  })

  it('answers the app page in the top frame and passes the input to the router', async () => {
    const answer = await ipc.handlers.get(CHANNEL_PREFIX + 'history.list')!(mainFrame('app://huntbench/index.html#/history'), { limit: 5 })
    expect(answer).toEqual({ ok: true, value: 'answered' })
    expect(calls.at(-1)).toEqual(['history.list', { limit: 5 }])
  })

  it('refuses other origins, subframes and missing frames without reaching the router', async () => {
    const before = calls.length
    const handler = ipc.handlers.get(CHANNEL_PREFIX + 'app.status')!
    for (const event of [
      mainFrame('https://evil.example/'),
      mainFrame('file:///etc/passwd'),
      mainFrame('app://other/index.html'),
      { senderFrame: { url: 'app://huntbench/index.html', parent: {} } },
      { senderFrame: null }
    ]) {
      expect(await handler(event, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    }
    expect(calls.length).toBe(before)
  })

  it('removes its handlers when asked', () => {
    unregister()
    expect(ipc.handlers.size).toBe(0)
  })
})

describe('window security', () => {
  it('uses contextIsolation, sandbox and no Node integration', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs')
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false })
  })

  it('allows navigation only within the app and trusts only the app origin', () => {
    expect(isAllowedNavigation('app://huntbench/index.html#/cases')).toBe(true)
    expect(isAllowedNavigation('https://login.microsoftonline.com/')).toBe(false)
    expect(isAllowedNavigation('app://huntbench.evil/index.html')).toBe(false)
    expect(isTrustedSender('app://huntbench/index.html', true)).toBe(true)
    expect(isTrustedSender('app://huntbench/index.html', false)).toBe(false)
    expect(isTrustedSender(undefined, true)).toBe(false)
  })

  it('denies every permission request', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) expect(allowPermission(p)).toBe(false)
  })
})

describe('safeOpenExternal', () => {
  it('opens only http(s) links without credentials', async () => {
    expect(isSafeExternalUrl('https://learn.microsoft.com/graph')).toBe(true)
    expect(isSafeExternalUrl('http://127.0.0.1:8080/x')).toBe(true)
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:/id', 'https://user:pw@example.com', 'not a url']) {
      expect(isSafeExternalUrl(bad), bad).toBe(false)
    }
    const opened: string[] = []
    await safeOpenExternal('https://example.com/a b', async (u) => void opened.push(u))
    expect(opened).toEqual(['https://example.com/a%20b'])
    await expect(safeOpenExternal('file:///etc/passwd', async (u) => void opened.push(u))).rejects.toThrow(/Only http\(s\) links/)
    expect(opened).toHaveLength(1)
  })
})

describe('content security policy', () => {
  it('is the same in the page (meta tag) and in the served headers', async () => {
    const { readFileSync } = await import('node:fs')
    const { CONTENT_SECURITY_POLICY } = await import('../../src/main/hosts/csp')
    const html = readFileSync('src/renderer/index.html', 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBeDefined()
    const directives = (policy: string): string[] => policy.split(';').map((d) => d.trim()).filter(Boolean).sort()
    // frame-ancestors only works as a header; browsers ignore it in a meta tag.
    const header = directives(CONTENT_SECURITY_POLICY).filter((d) => !d.startsWith('frame-ancestors'))
    expect(directives(meta!)).toEqual(header)
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
  })
})
