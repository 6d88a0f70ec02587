// `huntbench profile ...` and `huntbench auth ...`: in-process for input errors, and as a
// real child process for `auth login`, with $BROWSER set to a script that plays the
// browser against the fake authority (trusted through NODE_EXTRA_CA_CERTS at start).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/hosts/cli/program'
import type { CliIo } from '../../src/main/hosts/cli/context'
import { startFakeAuthority, FAKE_USER, type FakeAuthority } from '../fakes/entra'
import { keyringWorks } from '../helpers/keyring'
import { tempDir } from '../helpers/tmp'
import { playBrowserScript, runCliProcess } from '../helpers/cli-process'

const CLIENT = '0f3c1a2b-1234-4abc-9def-0123456789ab'

async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), readStdin: async () => '', isTty: false }
  const code = await runCli(['--data-dir', dataDir, ...args], io)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('huntbench profile', () => {
  it('adds, lists and removes profiles', async () => {
    const dir = tempDir()
    const added = await cli(dir, 'profile', 'add', 'Contoso', '--tenant', 'contoso.onmicrosoft.com', '--client', CLIENT)
    expect(added).toMatchObject({ code: 0, out: expect.stringContaining('Added profile Contoso (tenant contoso.onmicrosoft.com') })
    const legacy = await cli(dir, 'profile', 'add', 'Old', '--tenant', '72f988bf-86f1-41af-91ab-2d7cd011db47', '--client', CLIENT, '--api', 'legacy')
    expect(legacy.err).toContain('stops returning data on 2027-02-01')
    const list = await cli(dir, 'profile', 'list')
    expect(list.out).toMatch(/Contoso\s+contoso\.onmicrosoft\.com\s+0f3c1a2b-1234-4abc-9def-0123456789ab\s+graph\s+-/)
    expect(list.out).toMatch(/Old .*legacy \(retires 2027-02-01\)/)
    const json = JSON.parse((await cli(dir, 'profile', 'list', '--format', 'json')).out) as { name: string }[]
    expect(json.map((p) => p.name)).toEqual(['Contoso', 'Old'])
    expect(await cli(dir, 'profile', 'remove', 'old')).toMatchObject({ code: 0, out: 'Removed profile Old and its stored sign-in.' })
    expect(JSON.parse((await cli(dir, 'profile', 'list', '--format', 'json')).out).map((p: { name: string }) => p.name)).toEqual(['Contoso'])
  })

  it('refuses bad input with a clear message and exit code 2, losing nothing', async () => {
    const dir = tempDir()
    await cli(dir, 'profile', 'add', 'Contoso', '--tenant', 'contoso.com', '--client', CLIENT)
    const badClient = await cli(dir, 'profile', 'add', 'X', '--tenant', 'contoso.com', '--client', 'not-a-guid')
    expect(badClient.code).toBe(2)
    expect(badClient.err).toMatch(/^huntbench: profile add: clientId: "not-a-guid" is not a client id/)
    const badTenant = await cli(dir, 'profile', 'add', 'X', '--tenant', 'contoso', '--client', CLIENT)
    expect(badTenant.code).toBe(2)
    expect(badTenant.err).toMatch(/tenantId: "contoso" is not a tenant id/)
    const badApi = await cli(dir, 'profile', 'add', 'X', '--tenant', 'contoso.com', '--client', CLIENT, '--api', 'v2')
    expect(badApi.err).toMatch(/api: must be "graph" or "legacy"/)
    const dup = await cli(dir, 'profile', 'add', 'contoso', '--tenant', 'fabrikam.com', '--client', CLIENT)
    expect(dup).toMatchObject({ code: 1, err: 'huntbench: A profile named "contoso" already exists; pick another name.' })
    const missing = await cli(dir, 'profile', 'remove', 'Nope')
    expect(missing.err).toBe('huntbench: There is no profile named "Nope". Known profiles: Contoso.')
    const noTenant = await cli(dir, 'profile', 'add', 'Y', '--client', CLIENT)
    expect(noTenant.code).not.toBe(0)
    expect(noTenant.err).toMatch(/required option '--tenant <tenantId>' not specified/)
    const list = JSON.parse((await cli(dir, 'profile', 'list', '--format', 'json')).out) as { name: string; tenantId: string }[]
    expect(list).toEqual([expect.objectContaining({ name: 'Contoso', tenantId: 'contoso.com' })])
  })

  it('asks which profile when there are several, and explains when there are none', async () => {
    const dir = tempDir()
    expect((await cli(dir, 'auth', 'logout')).err).toMatch(/There are no profiles yet\. Add one: huntbench profile add/)
    await cli(dir, 'profile', 'add', 'A', '--tenant', 'a.com', '--client', CLIENT)
    await cli(dir, 'profile', 'add', 'B', '--tenant', 'b.com', '--client', CLIENT)
    expect((await cli(dir, 'auth', 'logout')).err).toBe('huntbench: Several profiles exist (A, B); name one with --profile NAME.')
    expect(await cli(dir, 'auth', 'logout', '--profile', 'b')).toMatchObject({ code: 0, out: 'Signed out of B; its tokens were removed.' })
    expect((await cli(dir, 'auth', 'status')).out).toMatch(/A\s+no\s+-\s+graph/)
  })
})

describe('huntbench auth login (child process, $BROWSER)', () => {
  let fake: FakeAuthority
  beforeAll(async () => {
    fake = await startFakeAuthority()
  })
  afterAll(() => fake.close())



  it('signs in through $BROWSER, prints the URL, keeps the sign-in for the next command, and signs out', async () => {
    const dir = tempDir()
    const browser = playBrowserScript()
    const env = { HUNTBENCH_AUTHORITY_URL: fake.url, NODE_EXTRA_CA_CERTS: fake.caCertPath, BROWSER: browser, HUNTBENCH_NO_BROKER: '1' }
    expect((await runCliProcess(dir, env, 'profile', 'add', 'Contoso', '--tenant', fake.tenantId, '--client', CLIENT)).code).toBe(0)
    const login = await runCliProcess(dir, env, 'auth', 'login')
    expect(login.err).toMatch(/If no browser opens, visit this URL on this machine:\nhttps:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+\/oauth2\/v2\.0\/authorize\?/)
    expect(login, login.err).toMatchObject({ code: 0, out: `Signed in to Contoso as ${FAKE_USER.username}.\n` })
    const status = await runCliProcess(dir, env, 'auth', 'status', '--profile', 'Contoso')
    expect(status.out).toMatch(new RegExp(`Contoso\\s+yes\\s+${FAKE_USER.username.replace('.', '\\.')}`))
    if (await keyringWorks()) expect(status.out).toContain('Tokens are kept in: libsecret')
    const logout = await runCliProcess(dir, env, 'auth', 'logout')
    expect(logout.out).toBe('Signed out of Contoso; its tokens were removed.\n')
    expect((await runCliProcess(dir, env, 'auth', 'status', '--profile', 'Contoso')).out).toMatch(/Contoso\s+no\s+-/)
  }, 60_000)
})
