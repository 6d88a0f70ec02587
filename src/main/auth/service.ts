// Sign-in for every profile: silent first, interactive (OS broker, else the system browser
// through MSAL's loopback) only when a caller allows it. The hunting client asks this
// service for tokens through `TokenProvider` and never touches MSAL itself.
import type { AccountInfo, AuthenticationResult, PublicClientApplication } from '@azure/msal-node'
import type { Database } from 'better-sqlite3'
import type { AppStatus } from '../../shared/types'
import type { AuthChange, AuthStatus, HuntingApi } from '../../shared/auth'
import { HuntbenchError } from '../../shared/errors'
import type { Endpoints } from '../config'
import type { EventBus } from '../events'
import type { Logger } from '../log'
import { openInBrowser } from '../platform/open-browser'
import { loadBroker } from './broker'
import { memoryCache, openPersistentCache, type ProfileCache, type TokenStoreKind } from './cache'
import { createClient, RESOURCE_SCOPES, type ClientTarget } from './client'
import { mapMsalError, needsInteraction, interactionNeeded, notSignedIn } from './errors'
import { DEFAULT_INTERACTIVE_TIMEOUT_MS, runInteractive } from './interactive'
import { ProfileStore, type Profile } from './profiles'

export interface TokenProvider {
  getToken(
    profileId: number,
    resource: 'graph' | 'legacy',
    options?: { interactive?: boolean; claims?: string; signal?: AbortSignal }
  ): Promise<{ accessToken: string; expiresOn: number; account: string }>
}

export interface AuthConfig {
  /** PEM of an extra CA to trust for the authority (tests); the sandbox brings its own. */
  ca?: string
  /** How long an interactive sign-in may wait for the browser (default 5 minutes). */
  interactiveTimeoutMs?: number
  /** Opens the authorize URL (default: the OS browser, `$BROWSER` on Linux). */
  openBrowser?: (url: string) => Promise<void>
  /** 'memory' keeps tokens for this run only (tests); 'auto' uses the OS secret store. */
  tokenStore?: 'auto' | 'memory'
  /** false never uses the OS broker (tests, or an app registration without the broker's redirect
   * URI); default: used where available unless HUNTBENCH_NO_BROKER=1. */
  broker?: boolean
}

/** The fakes the sandbox runs in this process; only the sandbox profile talks to them. */
export interface SandboxTarget {
  endpoints: Endpoints
  ca: string
  /** A plain-HTTP relay for the authorize page, so the user's browser shows no certificate warning. */
  authorizeBase?: string
}

interface ClientEntry {
  key: string
  pca: PublicClientApplication
  cache: ProfileCache
  brokered: boolean
}

export interface AuthDeps {
  db: Database
  dataDir: string
  endpoints: Endpoints
  bus: EventBus
  log: Logger
  now: () => number
  emitStatus: () => void
  config?: AuthConfig
}

export class AuthService implements TokenProvider {
  readonly profiles: ProfileStore
  private readonly clients = new Map<number, Promise<ClientEntry>>()
  private readonly pending = new Map<number, { controller: AbortController; done: Promise<AuthenticationResult> }>()
  private readonly realEndpoints: Endpoints
  private readonly config: AuthConfig
  private sandboxTarget: SandboxTarget | null = null
  private windowHandle: () => Buffer | undefined = () => undefined
  private storeWarning: string | null = null
  private storeKind: TokenStoreKind | null = null
  private brokerActive = false
  private readonly brokerRefused = new Set<number>()

  constructor(private readonly deps: AuthDeps) {
    this.profiles = new ProfileStore(deps.db, deps.now)
    this.realEndpoints = { ...deps.endpoints }
    this.config = deps.config ?? {}
  }

  /** The Electron host hands over its window so the broker's dialog is parented to it. */
  setWindowHandleProvider(provider: () => Buffer | undefined): void {
    this.windowHandle = provider
  }

  attachSandbox(target: SandboxTarget): void {
    this.sandboxTarget = target
    const profile = this.profiles.sandbox()
    if (profile) this.clients.delete(profile.id)
  }

  get sandboxRunning(): boolean {
    return this.sandboxTarget !== null
  }

  /** Where this profile's hunting calls go: the sandbox's fakes for the sandbox profile. */
  endpointsFor(profileId: number): Endpoints {
    const profile = this.profiles.get(profileId)
    if (!profile.sandbox) return { ...this.realEndpoints }
    if (!this.sandboxTarget) throw sandboxStopped()
    return { ...this.sandboxTarget.endpoints }
  }

  private target(profile: Profile): ClientTarget {
    if (profile.sandbox) {
      if (!this.sandboxTarget) throw sandboxStopped()
      const t = this.sandboxTarget
      return { authorityBase: t.endpoints.authority, tenantId: profile.tenantId, clientId: profile.clientId, ca: t.ca, authorizeBase: t.authorizeBase }
    }
    return { authorityBase: this.realEndpoints.authority, tenantId: profile.tenantId, clientId: profile.clientId, ca: this.config.ca }
  }

  private async openCache(profile: Profile): Promise<ProfileCache> {
    // Sandbox tokens come from fakes that forget them on exit: keeping them would only fail later.
    if (profile.sandbox || this.config.tokenStore === 'memory') return memoryCache()
    const opened = await openPersistentCache(this.deps.dataDir, profile.id)
    if ('problem' in opened) {
      if (!this.storeWarning) {
        this.storeWarning = `Sign-ins are kept for this session only: ${opened.problem}. Install and unlock a keyring (e.g. gnome-keyring) to stay signed in.`
        this.deps.log.warn(this.storeWarning)
        this.deps.emitStatus()
      }
      this.storeKind ??= 'memory'
      return memoryCache()
    }
    this.storeKind = opened.kind
    return opened
  }

  private client(profile: Profile): Promise<ClientEntry> {
    const target = this.target(profile)
    const brokerAllowed = this.config.broker ?? process.env.HUNTBENCH_NO_BROKER !== '1'
    const noBroker = profile.sandbox || !brokerAllowed || this.brokerRefused.has(profile.id)
    const key = `${target.authorityBase}|${target.authorizeBase ?? ''}|${target.tenantId}|${target.clientId}|${target.ca ? 'ca' : ''}|${noBroker ? '' : 'broker'}`
    const existing = this.clients.get(profile.id)
    // A fresh cache plugin per client: the persistence plugin skips reloading into a new
    // MSAL instance when it thinks nothing changed, which would hide the stored sign-in.
    const next = (async (): Promise<ClientEntry> => {
      const old = existing ? await existing.catch(() => null) : null
      if (old?.key === key) return old
      const cache = await this.openCache(profile)
      const broker = noBroker ? null : await loadBroker((m) => this.deps.log.info(m))
      this.brokerActive ||= broker !== null
      const pca = createClient(target, { cachePlugin: cache.plugin, broker, log: this.deps.log })
      return { key, pca, cache, brokered: broker !== null }
    })()
    this.clients.set(profile.id, next)
    next.catch(() => this.clients.get(profile.id) === next && this.clients.delete(profile.id))
    return next
  }

  private async accountFor(entry: ClientEntry, profile: Profile): Promise<AccountInfo | null> {
    const accounts = await entry.pca.getAllAccounts()
    return accounts.find((a) => a.homeAccountId === profile.homeAccountId) ?? accounts[0] ?? null
  }

  async getToken(
    profileId: number,
    resource: HuntingApi,
    options: { interactive?: boolean; claims?: string; signal?: AbortSignal } = {}
  ): Promise<{ accessToken: string; expiresOn: number; account: string }> {
    const profile = this.profiles.get(profileId)
    const scopes = [RESOURCE_SCOPES[resource]]
    const authority = this.target(profile).authorityBase
    if (options.signal?.aborted) throw new HuntbenchError('cancelled', `The request for a ${profile.name} token was cancelled.`)
    const inFlight = this.pending.get(profileId)
    if (inFlight) await inFlight.done.catch(() => {})
    const entry = await this.client(profile)
    const account = await this.accountFor(entry, profile)
    let claims = options.claims
    if (account) {
      try {
        const result = await entry.pca.acquireTokenSilent({ scopes, account, claims, forceRefresh: Boolean(claims) })
        return this.accepted(profile, result)
      } catch (err) {
        if (!needsInteraction(err)) throw mapMsalError(err, profile.name, authority)
        if (!options.interactive) throw interactionNeeded(profile.name, err)
        claims = err.claims || claims
      }
    } else if (!options.interactive) {
      throw notSignedIn(profile.name)
    }
    const result = await this.interactive(profile, { scopes, claims, account, signal: options.signal })
    return this.accepted(profile, result)
  }

  /** Interactive sign-in for the profile's own API; the CLI passes onUrl to print the link. */
  async login(profileId: number, options: { onUrl?: (url: string) => void; signal?: AbortSignal } = {}): Promise<{ profileId: number; account: string }> {
    const profile = this.profiles.get(profileId)
    const entry = await this.client(profile)
    const account = await this.accountFor(entry, profile)
    const result = await this.interactive(profile, { scopes: [RESOURCE_SCOPES[profile.api]], account, ...options })
    const token = this.accepted(profile, result)
    return { profileId, account: token.account }
  }

  cancelLogin(profileId: number): boolean {
    const pending = this.pending.get(profileId)
    if (!pending) return false
    pending.controller.abort()
    return true
  }

  private interactive(
    profile: Profile,
    request: { scopes: string[]; claims?: string; account: AccountInfo | null; signal?: AbortSignal; onUrl?: (url: string) => void }
  ): Promise<AuthenticationResult> {
    const joined = this.pending.get(profile.id)
    if (joined) return joined.done
    const controller = new AbortController()
    const onOuterAbort = (): void => controller.abort()
    request.signal?.addEventListener('abort', onOuterAbort, { once: true })
    const authority = this.target(profile).authorityBase
    const done = (async () => {
      this.changed({ profileId: profile.id, state: 'waiting', url: null })
      try {
        const attempt = async (): Promise<AuthenticationResult> => {
          const entry = await this.client(profile)
          return runInteractive({
            pca: entry.pca,
            profileName: profile.name,
            request: {
              scopes: request.scopes,
              claims: request.claims,
              account: request.account ?? undefined,
              prompt: request.account ? undefined : 'select_account',
              windowHandle: entry.brokered ? this.windowHandle() : undefined
            },
            openBrowser: this.config.openBrowser ?? ((url) => openInBrowser(url)),
            onUrl: (url) => {
              request.onUrl?.(url)
              this.changed({ profileId: profile.id, state: 'waiting', url })
            },
            onBrowserError: (err) => this.deps.log.warn(`could not open a browser for ${profile.name}: ${err.message}`),
            timeoutMs: this.config.interactiveTimeoutMs ?? DEFAULT_INTERACTIVE_TIMEOUT_MS,
            signal: controller.signal
          })
        }
        const entry = await this.client(profile)
        try {
          return await attempt()
        } catch (err) {
          // A broker that is present but refuses (its redirect URI is not registered, say)
          // does not fall back by itself; the browser flow usually still works.
          if (!entry.brokered || err instanceof HuntbenchError) throw err
          this.deps.log.warn(`broker sign-in for ${profile.name} failed (${(err as Error).message}); using the browser`)
          this.brokerRefused.add(profile.id)
          return await attempt()
        }
      } catch (err) {
        const mapped = mapMsalError(err, profile.name, authority)
        this.changed({ profileId: profile.id, state: mapped.code === 'cancelled' ? 'cancelled' : 'failed', message: mapped.message })
        throw mapped
      } finally {
        request.signal?.removeEventListener('abort', onOuterAbort)
        this.pending.delete(profile.id)
      }
    })()
    this.pending.set(profile.id, { controller, done })
    return done
  }

  private accepted(profile: Profile, result: AuthenticationResult | null): { accessToken: string; expiresOn: number; account: string } {
    if (!result?.accessToken || !result.account) {
      throw new HuntbenchError('remote_error', `The sign-in server answered ${profile.name} without a token or account.`)
    }
    const username = result.account.username || result.account.name || result.account.homeAccountId
    const current = this.profiles.find(profile.id)
    if (current && (current.homeAccountId !== result.account.homeAccountId || current.account !== username || current.signedInAt === null)) {
      this.profiles.recordSignIn(profile.id, { username, homeAccountId: result.account.homeAccountId })
      this.changed({ profileId: profile.id, state: 'signed-in', account: username })
    }
    const expiresOn = result.expiresOn ? result.expiresOn.getTime() : this.deps.now() + 3_600_000
    return { accessToken: result.accessToken, expiresOn, account: username }
  }

  /** Removes the profile's accounts from MSAL's cache and deletes the persisted copy. */
  async logout(profileId: number): Promise<void> {
    const profile = this.profiles.get(profileId)
    this.cancelLogin(profileId)
    let entry: ClientEntry | null = null
    try {
      entry = await this.client(profile)
    } catch (err) {
      // A stopped sandbox has no client to clear; its tokens lived in memory only.
      if (!(err instanceof HuntbenchError)) throw err
    }
    if (entry) {
      for (const account of await entry.pca.getAllAccounts()) await entry.pca.signOut({ account })
      await entry.cache.erase()
    }
    this.clients.delete(profileId)
    this.profiles.recordSignOut(profileId)
    this.changed({ profileId, state: 'signed-out' })
  }

  /** Forgets a profile's tokens when its tenant or client changes (they belong to the old app). */
  async forgetTokens(profileId: number): Promise<void> {
    await this.logout(profileId)
  }

  async status(profileId?: number): Promise<AuthStatus> {
    const listed = profileId ? [this.profiles.get(profileId)] : this.profiles.list()
    const profiles = await Promise.all(
      listed.map(async (p) => {
        let signedIn = p.account !== null
        // Only a named profile is checked against the cache itself: that may touch the keyring.
        if (profileId && (!p.sandbox || this.sandboxTarget)) {
          const entry = await this.client(p)
          signedIn = (await this.accountFor(entry, p)) !== null
        } else if (p.sandbox && !this.sandboxTarget) {
          signedIn = false
        }
        const { homeAccountId: _omit, ...view } = p
        return { ...view, signedIn, login: this.pending.has(p.id) ? ('waiting' as const) : ('idle' as const) }
      })
    )
    return {
      profiles,
      tokenStore: this.config.tokenStore === 'memory' ? 'memory' : this.storeKind ?? defaultStoreKind(),
      broker: this.brokerActive,
      sandbox: this.sandboxRunning,
      warnings: this.storeWarning ? [this.storeWarning] : []
    }
  }

  /** The status bar: the most recent sign-in whose profile can still be used. */
  statusPart(): Partial<AppStatus> {
    const usable = this.profiles
      .list()
      .filter((p) => p.account && p.signedInAt && (!p.sandbox || this.sandboxTarget))
      .sort((a, b) => (b.signedInAt ?? 0) - (a.signedInAt ?? 0))
    const latest = usable[0]
    return {
      signedIn: latest ? { profile: latest.name, account: latest.account ?? '' } : null,
      sandbox: this.sandboxRunning,
      warnings: this.storeWarning ? [this.storeWarning] : []
    }
  }

  changed(change: AuthChange): void {
    this.deps.bus.emit('auth.changed', change)
    if (change.state !== 'waiting') this.deps.emitStatus()
  }

  close(): void {
    for (const pending of this.pending.values()) pending.controller.abort()
  }
}

function sandboxStopped(): HuntbenchError {
  return new HuntbenchError('unavailable', 'The sandbox is not running in this session. Start it with "Try the sandbox", or run `huntbench web --sandbox`.')
}

function defaultStoreKind(): TokenStoreKind {
  return process.platform === 'win32' ? 'dpapi' : process.platform === 'darwin' ? 'keychain' : 'libsecret'
}
