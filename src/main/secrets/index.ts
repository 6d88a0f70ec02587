// Where API keys live: the OS keychain (keytar, service `huntbench`), or, when the analyst
// opts in because no keychain is reachable, this process's memory for this run only.
// There is deliberately no file-backed store: a key on disk is a key in backups.
import { HuntbenchError } from '../../shared/errors'
import { registerSecret } from '../log'

export type SecretStorage = 'keychain' | 'memory'

export interface SecretStore {
  readonly storage: SecretStorage
  get(account: string): Promise<string | null>
  set(account: string, value: string): Promise<void>
  /** True when something was removed. */
  delete(account: string): Promise<boolean>
}

export const KEYCHAIN_SERVICE = 'huntbench'

export const keychainUnavailable = (reason: string): string =>
  `No OS keychain is reachable (${reason}), so the key cannot be stored safely. Huntbench never writes keys to files.`

/** In-memory, this process only. */
export class MemorySecretStore implements SecretStore {
  readonly storage = 'memory' as const
  private readonly values = new Map<string, string>()
  async get(account: string): Promise<string | null> {
    return this.values.get(account) ?? null
  }
  async set(account: string, value: string): Promise<void> {
    this.values.set(account, value)
  }
  async delete(account: string): Promise<boolean> {
    return this.values.delete(account)
  }
}

type Keytar = {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

const KEYCHAIN_TIMEOUT_MS = 8000

/** The OS keychain through keytar. Every failure to reach it becomes an `unavailable` error. */
export class KeytarSecretStore implements SecretStore {
  readonly storage = 'keychain' as const
  private keytar: Promise<Keytar> | null = null
  constructor(readonly service: string = process.env.HUNTBENCH_KEYCHAIN_SERVICE || KEYCHAIN_SERVICE) {}

  private load(): Promise<Keytar> {
    this.keytar ??= import('keytar').then((m) => ((m as { default?: Keytar }).default ?? (m as unknown as Keytar)))
    return this.keytar
  }

  private async call<T>(fn: (k: Keytar) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    try {
      const keytar = await this.load()
      return await Promise.race([
        fn(keytar),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('the keychain did not answer within 8 s')), KEYCHAIN_TIMEOUT_MS)
        })
      ])
    } catch (err) {
      const reason = ((err as Error)?.message ?? String(err)).split('\n')[0].slice(0, 160)
      throw new HuntbenchError('unavailable', keychainUnavailable(reason))
    } finally {
      if (timer) clearTimeout(timer)
    }
  }

  get(account: string): Promise<string | null> {
    return this.call((k) => k.getPassword(this.service, account))
  }
  set(account: string, value: string): Promise<void> {
    return this.call((k) => k.setPassword(this.service, account, value))
  }
  delete(account: string): Promise<boolean> {
    return this.call((k) => k.deletePassword(this.service, account))
  }
}

/**
 * The store the app uses: the keychain, until the analyst opts into memory for this run.
 * Values are trimmed (a trailing space makes Shodan answer "Invalid API key") and
 * registered with the logger on every read so they are scrubbed from any log line.
 */
export class SecretVault {
  private memory: MemorySecretStore | null = null
  constructor(private readonly keychain: SecretStore) {}

  get storage(): SecretStorage {
    return this.memory ? 'memory' : this.keychain.storage
  }

  /** From now until the process ends, keys live in memory only. */
  useMemory(): void {
    this.memory ??= new MemorySecretStore()
  }

  private get store(): SecretStore {
    return this.memory ?? this.keychain
  }

  async get(account: string): Promise<string | null> {
    const value = (await this.store.get(account))?.trim() ?? null
    if (value) registerSecret(value)
    return value || null
  }

  async set(account: string, value: string): Promise<string> {
    const trimmed = value.trim()
    if (!trimmed) throw new HuntbenchError('invalid_input', 'The key is empty.')
    registerSecret(trimmed)
    await this.store.set(account, trimmed)
    return trimmed
  }

  delete(account: string): Promise<boolean> {
    return this.store.delete(account)
  }
}
