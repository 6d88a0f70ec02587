// The sandbox: the fake Entra authority, the fake hunting API and the fake Shodan, started
// in this process, with one clearly labelled profile pointing at them. A new user can sign
// in, hunt, enrich and keep a case with no tenant and no key. The fakes live under
// test/fakes and are imported only here, lazily, so normal runs never load them.
import { join } from 'node:path'
import type { Endpoints } from '../config'
import type { Profile } from '../auth/profiles'
import type { Services } from '../services'
import { startAuthorizeRelay } from './authorize-proxy'
import { getSandbox, markSandboxStarted, type SandboxInfo } from './state'

/** The app registration the sandbox profile uses; the fake authority accepts any client id. */
export const SANDBOX_CLIENT_ID = '5a4db0c0-0000-4000-8000-00000000b0c5'

export interface SandboxHandle extends SandboxInfo {
  profile: Profile
}

const starting = new WeakMap<Services, Promise<SandboxHandle>>()

/** Starts the sandbox once per process; later calls return the running one. */
export function startSandbox(services: Services): Promise<SandboxHandle> {
  let pending = starting.get(services)
  if (!pending) {
    pending = launch(services)
    starting.set(services, pending)
    pending.catch(() => starting.delete(services))
  }
  return pending
}

async function launch(services: Services): Promise<SandboxHandle> {
  const [tls, entra, hunting, shodan] = await Promise.all([
    import('../../../test/fakes/tls'),
    import('../../../test/fakes/entra'),
    import('../../../test/fakes/hunting/server'),
    import('../../../test/fakes/shodan')
  ])
  // One CA per data folder; only this process trusts it (never the OS store).
  const ca = tls.loadOrCreateTestCa(join(services.config.dataDir, 'sandbox'))
  const stops: (() => Promise<void>)[] = []
  try {
    const authority = await entra.startFakeAuthority({ ca, autoSubmit: false })
    stops.push(() => authority.close())
    const relay = await startAuthorizeRelay(authority.url, ca.caCertPem)
    stops.push(() => relay.close())
    const hunt = await hunting.startFakeHunting({})
    stops.push(() => hunt.close())
    const shodanFake = await shodan.startFakeShodan({})
    stops.push(() => shodanFake.close())

    const endpoints: Endpoints = {
      authority: authority.url,
      graph: hunt.url,
      defender: hunt.url,
      shodan: shodanFake.url,
      internetdb: shodanFake.internetdbUrl
    }
    const profile = services.auth.profiles.upsertSandbox(authority.tenantId, SANDBOX_CLIENT_ID)
    // Sandbox tokens lived in the last run's memory; that sign-in is gone.
    services.auth.profiles.recordSignOut(profile.id)
    services.auth.attachSandbox({ endpoints, ca: ca.caCertPem, authorizeBase: relay.url })
    // The fake Shodan's key, for this run only. It shadows the stored key inside the TI
    // service without switching the key store: the keychain and a real key in it stay
    // untouched, setting or removing a key is refused while the fake is in place, and a real
    // key is never sent to the fake. Set before the endpoints switch, so no lookup in between
    // can carry the real key to the fake.
    services.ti?.useSandboxKey(shodan.FAKE_SHODAN_KEY)
    // This process now talks to the fakes: Shodan lookups and anything reading the shared
    // endpoints. Real profiles keep their real authority and APIs (auth.endpointsFor).
    Object.assign(services.endpoints, endpoints)
    void services.connectivity.check()
    services.onClose(() => {
      for (const stop of stops.reverse()) void stop().catch(() => {})
    })
    const info: SandboxInfo = { endpoints, shodanKey: shodan.FAKE_SHODAN_KEY, profileId: profile.id }
    markSandboxStarted(services, info)
    services.log.info(`sandbox started: authority ${authority.url}, hunting ${hunt.url}, shodan ${shodanFake.url}`)
    services.auth.changed({ profileId: profile.id, state: 'profiles' })
    services.emitStatus()
    return { ...info, profile: services.auth.profiles.get(profile.id) }
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => {})
    throw err
  }
}

export { getSandbox }
