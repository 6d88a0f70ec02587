// Without a usable secret store (headless Linux, no keyring), sign-in still works for the
// session, tokens stay in memory, nothing is written in plaintext, and the status says so.
// This file breaks the D-Bus address on purpose; vitest runs each file in its own process.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultEndpoints } from '../../src/main/config'
import { browserFor } from '../fakes/entra-client'
import { startFakeAuthority, type FakeAuthority } from '../fakes/entra'
import { testServices } from '../helpers/services'
import { tempDir } from '../helpers/tmp'

process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/huntbench-no-bus'
delete process.env.DISPLAY

let fake: FakeAuthority
beforeAll(async () => {
  fake = await startFakeAuthority()
})
afterAll(() => fake.close())

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe.runIf(process.platform === 'linux')('no keyring', () => {
  it('falls back to an in-memory cache, warns, and writes no token to disk', async () => {
    const dataDir = tempDir()
    const s = testServices({
      dataDir,
      endpoints: { ...defaultEndpoints, authority: fake.url },
      auth: { ca: fake.caCertPem, openBrowser: browserFor(fake.caCertPem), broker: false }
    })
    try {
      const id = s.auth.profiles.add({ name: 'Contoso', tenantId: fake.tenantId, clientId: '0f3c1a2b-1234-4abc-9def-0123456789ab', api: 'graph' }).id
      await s.auth.login(id)
      const token = await s.auth.getToken(id, 'graph')
      const status = await s.auth.status(id)
      expect(status.tokenStore).toBe('memory')
      expect(status.profiles[0].signedIn).toBe(true)
      expect(s.status().warnings.join(' ')).toMatch(/Sign-ins are kept for this session only: the OS secret store is not available/)
      for (const file of filesUnder(dataDir)) {
        expect(readFileSync(file).toString('latin1').includes(token.accessToken), file).toBe(false)
      }
      expect(filesUnder(dataDir).some((f) => f.endsWith('.cache'))).toBe(false)
    } finally {
      s.close()
    }
  })
})
