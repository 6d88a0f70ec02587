// The sandbox's fake Shodan key must never replace or shadow-write the real key store: a
// real key stays in the keychain untouched, key changes are refused while the fake is in
// place, and lookups send the fake's key (never the real one) to the fake.
import { afterEach, describe, expect, it } from 'vitest'
import { getSandbox } from '../../src/main/sandbox/state'
import type { SecretStore } from '../../src/main/secrets/index'
import type { Services } from '../../src/main/services'
import { SANDBOX_KEY_REFUSAL } from '../../src/main/ti/keys'
import type { FakeRequest } from '../fakes/shodan'
import { testServices } from '../helpers/services'
import { fastTi } from '../helpers/ti'

/** A keychain stand-in that records every call, so the test sees what the app touched. */
class RecordingKeychain implements SecretStore {
  readonly storage = 'keychain' as const
  readonly values = new Map<string, string>()
  readonly calls: string[] = []
  async get(account: string): Promise<string | null> {
    this.calls.push(`get ${account}`)
    return this.values.get(account) ?? null
  }
  async set(account: string, value: string): Promise<void> {
    this.calls.push(`set ${account}`)
    this.values.set(account, value)
  }
  async delete(account: string): Promise<boolean> {
    this.calls.push(`delete ${account}`)
    return this.values.delete(account)
  }
}

const REAL_KEY = 'REALKEY0123456789abcdefREALKEY01'
const open: Services[] = []
afterEach(async () => {
  for (const s of open.splice(0)) {
    await s.ti.stop()
    s.close()
  }
})

describe('sandbox and the real Shodan key', () => {
  it('keeps the real key in the keychain, refuses key changes, and never sends the real key to the fake', async () => {
    const keychain = new RecordingKeychain()
    keychain.values.set('shodan', REAL_KEY)
    // Shodan's own 1 s spacing: the fake enforces it per key.
    const s = testServices({ secrets: keychain, ti: { ...fastTi, spacingOverride: {} } })
    open.push(s)
    expect(await s.ti.key('shodan')).toBe(REAL_KEY)

    expect(await s.router.call('sandbox.start', {})).toMatchObject({ ok: true })
    const info = getSandbox(s)!
    keychain.calls.length = 0

    expect(await s.ti.key('shodan')).toBe(info.shodanKey)
    const status = await s.router.call('ti.keyStatus', { provider: 'shodan' })
    expect(status).toMatchObject({ ok: true, value: { configured: true, message: expect.stringContaining('sandbox is running') } })

    // Setting or removing a key while the fake is in place is refused, whatever the storage.
    for (const memoryOnly of [false, true]) {
      const set = await s.router.call('ti.setKey', { provider: 'shodan', key: 'ANOTHERKEY0123456789abcdefANOTHE', memoryOnly })
      expect(set).toEqual({ ok: false, error: { code: 'conflict', message: SANDBOX_KEY_REFUSAL } })
    }
    expect(await s.router.call('ti.deleteKey', { provider: 'shodan' })).toEqual({ ok: false, error: { code: 'conflict', message: SANDBOX_KEY_REFUSAL } })
    expect(keychain.values.get('shodan')).toBe(REAL_KEY)

    // A Shodan lookup reaches the fake with the fake's key (a wrong key gets 401 there).
    const answer = await s.ti.lookup({ observables: ['8.8.8.8'], providers: ['shodan'] })
    const [final] = await s.ti.runInline([answer.jobId], () => {})
    expect(final).toMatchObject({ finished: true, failed: 0 })
    expect(s.ti.allRows(answer.jobId, false)[0]).toMatchObject({ Ioc: '8.8.8.8', Status: 0, Result: true })
    const log = (await (await fetch(`${info.endpoints.shodan}/_fake/requests`)).json()) as FakeRequest[]
    expect(log.filter((r) => r.api === 'host').map((r) => r.status)).toEqual([200])
    const test = await s.router.call('ti.testKey', { provider: 'shodan' })
    expect(test, JSON.stringify(test)).toMatchObject({ ok: true })

    // The keychain was never read for Shodan nor changed while the sandbox ran.
    expect(keychain.calls).toEqual([])
    expect(keychain.values.get('shodan')).toBe(REAL_KEY)
  })
})
