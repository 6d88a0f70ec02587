// The sandbox: fakes started in-process, a labelled profile pointing at them, a sign-in
// whose page the user's browser can open without a certificate warning, and a token the
// fake hunting API accepts.
import { afterEach, describe, expect, it } from 'vitest'
import type { Services } from '../../src/main/services'
import { getSandbox } from '../../src/main/sandbox/state'
import { SANDBOX_PROFILE_NAME } from '../../src/shared/auth'
import { parseFormPost } from '../fakes/entra-client'
import { FAKE_USER } from '../fakes/entra'
import { testServices } from '../helpers/services'
import { tempDir } from '../helpers/tmp'

const open: Services[] = []
afterEach(() => {
  while (open.length) open.pop()!.close()
})

/** The user's browser: it trusts no test CA, so the page must come over plain loopback HTTP. */
async function userBrowser(url: string): Promise<void> {
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
  const page = await fetch(url)
  expect(page.status).toBe(200)
  const html = await page.text()
  expect(html).toContain('Sign in to the Huntbench sandbox tenant')
  const { action, fields } = parseFormPost(html)
  await fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })
}

function start(dataDir = tempDir()): Services {
  const s = testServices({ dataDir, auth: { openBrowser: userBrowser } })
  open.push(s)
  return s
}

describe('sandbox', () => {
  it('starts the fakes, creates the labelled profile, signs in and hunts against the fake API', async () => {
    const s = start()
    const real = { ...s.endpoints }
    const started = await s.router.call('sandbox.start', {})
    expect(started).toMatchObject({ ok: true, value: { profile: { name: SANDBOX_PROFILE_NAME, sandbox: true, api: 'graph', account: null } } })
    const id = (started as { value: { profile: { id: number } } }).value.profile.id
    expect(s.status().sandbox).toBe(true)
    const info = getSandbox(s)!
    expect(info.profileId).toBe(id)
    expect(info.shodanKey).toMatch(/^FAKE/)
    expect(s.endpoints.shodan).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(s.endpoints.graph).not.toBe(real.graph)
    // Shodan lookups go to the fake with its key, held in memory only.
    expect(await s.ti.keyStatus()).toMatchObject({ storage: 'memory', configured: true })
    expect(await s.ti.key('shodan')).toBe(info.shodanKey)
    // Starting again reuses everything.
    expect(await s.router.call('sandbox.start', {})).toMatchObject({ ok: true, value: { profile: { id } } })

    expect(await s.router.call('auth.login', { profileId: id })).toEqual({ ok: true, value: { profileId: id, account: FAKE_USER.username } })
    expect(s.status().signedIn).toEqual({ profile: SANDBOX_PROFILE_NAME, account: FAKE_USER.username })

    const token = await s.auth.getToken(id, 'graph')
    const graph = s.auth.endpointsFor(id).graph
    const answer = await fetch(`${graph}/v1.0/security/runHuntingQuery`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Query: 'DeviceProcessEvents | take 2' })
    })
    expect(answer.status).toBe(200)
    expect(((await answer.json()) as { results: unknown[] }).results).toHaveLength(2)
    const bogus = await fetch(`${graph}/v1.0/security/runHuntingQuery`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' },
      body: JSON.stringify({ Query: 'DeviceProcessEvents | take 2' })
    })
    expect(bogus.status).toBe(401)
  })

  it('leaves real profiles on the real endpoints', async () => {
    const s = start()
    const real = { ...s.endpoints }
    const mine = s.auth.profiles.add({ name: 'Contoso', tenantId: 'contoso.com', clientId: '0f3c1a2b-1234-4abc-9def-0123456789ab', api: 'graph' })
    await s.router.call('sandbox.start', {})
    expect(s.auth.endpointsFor(mine.id)).toEqual(real)
  })

  it('after a restart without the sandbox, its profile is kept but says the sandbox is not running', async () => {
    const dataDir = tempDir()
    const first = start(dataDir)
    const started = await first.router.call('sandbox.start', {})
    const id = (started as { value: { profile: { id: number } } }).value.profile.id
    await first.auth.login(id)
    first.close()
    open.splice(open.indexOf(first), 1)

    const second = start(dataDir)
    expect(second.status()).toMatchObject({ sandbox: false, signedIn: null })
    await expect(second.auth.getToken(id, 'graph')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('sandbox is not running') })
    // Starting it again repoints the same profile; the old session's sign-in is gone.
    expect(await second.router.call('sandbox.start', {})).toMatchObject({ ok: true, value: { profile: { id, account: null } } })
    expect(second.auth.profiles.list().filter((p) => p.sandbox)).toHaveLength(1)
  })
})
