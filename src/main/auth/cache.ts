// Where MSAL's token cache lives: the OS secret store through msal-node-extensions (DPAPI
// file on Windows, Keychain on macOS, libsecret on Linux), never a plaintext file. When no
// store is usable (headless Linux without a keyring) the cache stays in this run's memory
// and the caller says so in the status bar.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node'
import type { AuthStatus } from '../../shared/auth'

export type TokenStoreKind = AuthStatus['tokenStore']

export interface ProfileCache {
  plugin: ICachePlugin
  kind: TokenStoreKind
  /** Deletes the persisted copy (keyring entry and its marker file). */
  erase(): Promise<void>
}

export const KEYRING_SERVICE = 'Huntbench'

/** The keyring entry name: one per data folder and profile, so two data folders never share tokens. */
export function keyringAccount(dataDir: string, profileId: number): string {
  const tag = createHash('sha256').update(dataDir).digest('hex').slice(0, 12)
  return `msal-token-cache/${tag}/profile-${profileId}`
}

export function memoryCache(): ProfileCache {
  let stored: string | null = null
  return {
    kind: 'memory',
    plugin: {
      beforeCacheAccess: async (ctx: TokenCacheContext) => {
        if (stored) ctx.tokenCache.deserialize(stored)
      },
      afterCacheAccess: async (ctx: TokenCacheContext) => {
        if (ctx.cacheHasChanged) stored = ctx.tokenCache.serialize()
      }
    },
    erase: async () => {
      stored = null
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

// msal-node-extensions waits 50 s for a lock file and then fails for good; a crash while
// holding it would lock the user out of every later sign-in. Drop locks whose owner is gone.
function clearStaleLock(lockPath: string): void {
  let owner: number
  try {
    owner = Number(readFileSync(lockPath, 'utf8').trim())
  } catch {
    return
  }
  if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) rmSync(lockPath, { force: true })
}

function kindForPlatform(): TokenStoreKind {
  if (process.platform === 'win32') return 'dpapi'
  if (process.platform === 'darwin') return 'keychain'
  return 'libsecret'
}

/**
 * Opens the persistent cache for a profile, or explains why it cannot. The extensions
 * package is imported here, lazily: it loads keytar's native binary at import time and
 * would crash the whole app where that binary is missing.
 */
export async function openPersistentCache(dataDir: string, profileId: number): Promise<ProfileCache | { problem: string }> {
  let ext: typeof import('@azure/msal-node-extensions')
  try {
    ext = await import('@azure/msal-node-extensions')
  } catch (err) {
    return { problem: `the OS secret store cannot be used (${(err as Error).message.split('\n')[0]})` }
  }
  const dir = join(dataDir, 'auth')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  // On Windows this file holds the DPAPI-encrypted cache; elsewhere it only marks changes.
  const cachePath = join(dir, `profile-${profileId}.cache`)
  clearStaleLock(`${cachePath}.lockfile`)
  try {
    const persistence = await ext.PersistenceCreator.createPersistence({
      cachePath,
      dataProtectionScope: ext.DataProtectionScope.CurrentUser,
      serviceName: KEYRING_SERVICE,
      accountName: keyringAccount(dataDir, profileId),
      usePlaintextFileOnLinux: false
    })
    return {
      kind: kindForPlatform(),
      plugin: new ext.PersistenceCachePlugin(persistence, { retryNumber: 100, retryDelay: 50 }),
      erase: async () => {
        await persistence.delete()
        rmSync(`${cachePath}.lockfile`, { force: true })
      }
    }
  } catch (err) {
    // On Linux these files are only change markers the failed attempt left behind; on
    // Windows the cache file is the encrypted cache itself, so it stays.
    if (process.platform === 'linux') for (const f of [cachePath, join(dir, 'test.cache')]) rmSync(f, { force: true })
    const message = (err as Error).message.split('\n')[0]
    return { problem: `the OS secret store is not available (${message})` }
  }
}
