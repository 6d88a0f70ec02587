// Threat-intel test rig: the fake Shodan on 127.0.0.1 and real services pointed at it,
// with the key in a memory store (the real keychain is tested in secrets.test.ts).
import { afterEach } from 'vitest'
import type { ServicesConfig, Services } from '../../src/main/services'
import { MemorySecretStore } from '../../src/main/secrets/index'
import type { TiOptions } from '../../src/main/ti/service'
import type { TiProgress } from '../../src/shared/ti'
import { startFakeShodan, type FakeShodan, type FakeShodanOptions } from '../fakes/shodan'
import { testServices } from './services'
import { tempDir } from './tmp'

export const fastTi: Partial<TiOptions> = {
  timeoutMs: 2000,
  backoffBaseMs: 50,
  backoffCapMs: 2000,
  pollMs: 50,
  spacingOverride: { shodan: 60, internetdb: 60 }
}

const open: { fake?: FakeShodan; services: Services[] }[] = []
afterEach(async () => {
  for (const rig of open.splice(0)) {
    for (const s of rig.services) {
      await s.ti.stop()
      s.close()
    }
    await rig.fake?.close()
  }
})

export interface TiRig {
  fake: FakeShodan
  services: Services
  dataDir: string
  store: MemorySecretStore
  /** Another process-like services instance on the same data folder. */
  another(overrides?: Partial<ServicesConfig>): Promise<Services>
}

export async function tiRig(options: { fake?: FakeShodanOptions; ti?: Partial<TiOptions>; key?: string | null; host?: ServicesConfig['host']; dataDir?: string } = {}): Promise<TiRig> {
  const fake = await startFakeShodan({ ratePerSecond: null, internetdbRatePerSecond: null, ...options.fake })
  const dataDir = options.dataDir ?? tempDir()
  const store = new MemorySecretStore()
  if (options.key !== null) await store.set('shodan', options.key ?? fake.key)
  const make = (overrides: Partial<ServicesConfig> = {}): Services =>
    testServices({
      dataDir,
      host: options.host ?? 'cli',
      secrets: store,
      ti: { ...fastTi, ...options.ti },
      endpoints: { ...fakeEndpoints(fake) } as ServicesConfig['endpoints'],
      ...overrides
    })
  const services = make()
  const entry = { fake, services: [services] }
  open.push(entry)
  return {
    fake,
    services,
    dataDir,
    store,
    another: async (overrides) => {
      const s = make(overrides)
      entry.services.push(s)
      return s
    }
  }
}

export function fakeEndpoints(fake: FakeShodan): { shodan: string; internetdb: string } {
  return { shodan: fake.url, internetdb: fake.internetdbUrl }
}

/** Polls until the job finishes (or `until` holds); no fixed sleeps. */
export async function waitForJob(s: Services, jobId: number, until: (p: TiProgress) => boolean = (p) => p.finished, timeoutMs = 20_000): Promise<TiProgress> {
  const start = Date.now()
  for (;;) {
    const p = s.ti.progress(jobId)
    if (until(p)) return p
    if (Date.now() - start > timeoutMs) throw new Error(`job ${jobId} did not get there in ${timeoutMs} ms: ${JSON.stringify(p)}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
