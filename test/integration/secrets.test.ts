// The key store with REAL keytar against gnome-keyring in a private D-Bus session.
// Run: bash scripts/run-keyring.sh npx vitest run test/integration/secrets.test.ts
// (`npm test` runs every vitest file under that wrapper).
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HuntbenchError } from '../../src/shared/errors'
import { redact } from '../../src/main/log'
import { KEYCHAIN_SERVICE, KeytarSecretStore, MemorySecretStore, SecretVault, type SecretStore } from '../../src/main/secrets/index'
import { runCli } from '../../src/main/hosts/cli/program'
import { startFakeShodan, type FakeShodan } from '../fakes/shodan'
import { tempDir } from '../helpers/tmp'
import { captureIo } from '../helpers/cli-io'

const keytar = createRequire(import.meta.url)('keytar') as {
  getPassword(s: string, a: string): Promise<string | null>
  setPassword(s: string, a: string, p: string): Promise<void>
  deletePassword(s: string, a: string): Promise<boolean>
}


let fake: FakeShodan
beforeAll(async () => {
  // This file writes to the real service name "huntbench": only inside the throwaway
  // keyring of scripts/run-keyring.sh, never a developer's own keychain.
  if (!process.env.HUNTBENCH_REAL_HOME) throw new Error('run this file under bash scripts/run-keyring.sh (npm test does)')
  delete process.env.HUNTBENCH_KEYCHAIN_SERVICE
  fake = await startFakeShodan({ ratePerSecond: 1 })
  process.env.HUNTBENCH_SHODAN_URL = fake.url
  process.env.HUNTBENCH_INTERNETDB_URL = fake.internetdbUrl
  await keytar.deletePassword(KEYCHAIN_SERVICE, 'shodan')
})
afterAll(async () => {
  await keytar.deletePassword(KEYCHAIN_SERVICE, 'shodan').catch(() => false)
  await fake.close()
})

describe('keychain store (keytar, service "huntbench")', () => {
  it('stores, reads and deletes under service huntbench, account shodan, trimmed', async () => {
    const store = new KeytarSecretStore()
    expect(store.service).toBe('huntbench')
    const vault = new SecretVault(store)
    expect(vault.storage).toBe('keychain')
    await vault.set('shodan', '  KEYwithSpacesAround0123456789ab \n')
    expect(await keytar.getPassword('huntbench', 'shodan')).toBe('KEYwithSpacesAround0123456789ab')
    expect(await vault.get('shodan')).toBe('KEYwithSpacesAround0123456789ab')
    // Once read, the key is scrubbed from anything logged.
    expect(redact('calling with KEYwithSpacesAround0123456789ab now')).toBe('calling with REDACTED now')
    expect(await vault.delete('shodan')).toBe(true)
    expect(await keytar.getPassword('huntbench', 'shodan')).toBeNull()
    expect(await vault.get('shodan')).toBeNull()
  })

  it('trims a key that someone else stored with whitespace', async () => {
    await keytar.setPassword('huntbench', 'shodan', 'OUTSIDEkey0123456789abcdefghij  ')
    expect(await new SecretVault(new KeytarSecretStore()).get('shodan')).toBe('OUTSIDEkey0123456789abcdefghij')
    await keytar.deletePassword('huntbench', 'shodan')
  })

  it('says unavailable, clearly, when no keychain is reachable; memory is an explicit opt-in', async () => {
    const broken: SecretStore = {
      storage: 'keychain',
      get: async () => {
        throw new HuntbenchError('unavailable', 'No OS keychain is reachable (test), so the key cannot be stored safely. Huntbench never writes keys to files.')
      },
      set: async () => broken.get('x') as never,
      delete: async () => broken.get('x') as never
    }
    const vault = new SecretVault(broken)
    await expect(vault.set('shodan', 'abcdefgh12345678')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/never writes keys to files/) })
    vault.useMemory()
    expect(vault.storage).toBe('memory')
    await vault.set('shodan', ' memkey0123456789 ')
    expect(await vault.get('shodan')).toBe('memkey0123456789')
    expect(await new MemorySecretStore().get('shodan')).toBeNull()
  })

  it('a process without a D-Bus session gets the unavailable message, not a crash or a file', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', '--data-dir', tempDir(), 'key', 'set', 'shodan'], {
      input: 'SOMEkey0123456789abcdefABCDEF\n',
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      encoding: 'utf8',
      timeout: 30_000
    })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/huntbench: No OS keychain is reachable \(.+\), so the key cannot be stored safely\. Huntbench never writes keys to files\. A memory-only key would vanish/)
    expect(r.stderr).not.toContain('SOMEkey0123456789abcdefABCDEF')
  })
})

describe('huntbench key (CLI, real keychain)', () => {
  it('sets from stdin (never argv), reports status with plan and credits, and deletes', async () => {
    const dataDir = tempDir()
    const argv = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'key', 'set', 'shodan', fake.key], argv)).toBe(2)
    expect(argv.stderr.join('')).toMatch(/Never pass the key as an argument/)
    expect(argv.stderr.join('')).not.toContain(fake.key)
    expect(await keytar.getPassword('huntbench', 'shodan')).toBeNull()

    const set = captureIo(`  ${fake.key}  \n`)
    expect(await runCli(['--data-dir', dataDir, 'key', 'set', 'shodan'], set)).toBe(0)
    expect(set.stdout.join('')).toMatch(/stored in the OS keychain/)
    expect(await keytar.getPassword('huntbench', 'shodan')).toBe(fake.key)

    const status = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'key', 'status', 'shodan'], status)).toBe(0)
    expect(status.stdout.join('')).toBe('shodan: key configured (keychain); plan dev, query credits 100, scan credits 100 (limits: query no cap, scan no cap)')
    const json = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'key', 'status', 'shodan', '--format', 'json'], json)).toBe(0)
    expect(JSON.parse(json.stdout.join(''))).toMatchObject({ configured: true, storage: 'keychain', apiInfo: { plan: 'dev', usageLimits: { queryCredits: -1 } } })
    // The two /api-info calls shared the 1 req/s spacing: no 429.
    expect(fake.rateLimited()).toBe(0)

    const lookup = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'lookup', '185.220.101.1', '--format', 'json'], lookup)).toBe(0)
    expect(JSON.parse(lookup.stdout.join(''))[0]).toMatchObject({ Provider: 'shodan', Severity: 'high', Reference: `${fake.url}/shodan/host/185.220.101.1?key=REDACTED` })
    expect(lookup.stdout.join('')).not.toContain(fake.key)

    const del = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'key', 'delete', 'shodan'], del)).toBe(0)
    expect(del.stdout.join('')).toBe('Shodan key removed from the OS keychain.')
    expect(await keytar.getPassword('huntbench', 'shodan')).toBeNull()
    const none = captureIo()
    expect(await runCli(['--data-dir', dataDir, 'key', 'status', 'shodan'], none)).toBe(0)
    expect(none.stdout.join('')).toMatch(/no key configured/)
  })

  it('names a provider without a key', async () => {
    const io = captureIo()
    expect(await runCli(['--data-dir', tempDir(), 'key', 'set', 'internetdb'], io)).toBe(2)
    expect(io.stderr.join('')).toMatch(/Only the shodan provider has a key/)
  })
})
