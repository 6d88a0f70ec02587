// The Shodan key: status, set, test (/api-info, through the same spacing as lookups),
// delete. The key is trimmed, kept in the keychain (or memory for this run, by choice),
// registered for log scrubbing, and never put in an error message.
import { HuntbenchError } from '../../shared/errors'
import type { TiApiInfo, TiKeyStatus } from '../../shared/ti'
import type { SecretVault } from '../secrets/index'
import { httpGet } from './http'
import { classifyShodanFamily } from './providers'
import { ALIGN_MS, type QueueStore } from './queue-store'
import { keyId } from './worker'

export const SHODAN_ACCOUNT = 'shodan'

export interface KeyContext {
  vault: SecretVault
  queue: QueueStore
  base: string
  now(): number
  spacingMs(): number
  timeoutMs: number
  /** Called after the key changed (lanes reload it, halts for the old key no longer apply). */
  changed(): void
  /**
   * The fake Shodan's key while the sandbox runs, else null. It stands in for the stored key
   * without touching the keychain, so a real key is neither replaced nor sent to the fake.
   */
  sandboxKey(): string | null
}

export const SANDBOX_KEY_NOTE = 'The sandbox is running: Shodan lookups go to the fake Shodan with its own key; your stored key is not used.'
export const SANDBOX_KEY_REFUSAL =
  'The sandbox is running: Shodan lookups go to the fake Shodan; restart without the sandbox to manage your real key.'

export async function keyStatus(ctx: KeyContext): Promise<TiKeyStatus> {
  const sandbox = ctx.sandboxKey()
  if (sandbox) return { provider: 'shodan', configured: true, storage: 'memory', message: SANDBOX_KEY_NOTE, halted: ctx.queue.halted('shodan', keyId(sandbox)) }
  try {
    const key = await ctx.vault.get(SHODAN_ACCOUNT)
    return { provider: 'shodan', configured: key !== null, storage: ctx.vault.storage, message: null, halted: key ? ctx.queue.halted('shodan', keyId(key)) : null }
  } catch (err) {
    if (err instanceof HuntbenchError && err.code === 'unavailable') {
      return { provider: 'shodan', configured: false, storage: 'unavailable', message: err.message, halted: null }
    }
    throw err
  }
}

export async function setKey(ctx: KeyContext, key: string, memoryOnly: boolean): Promise<TiKeyStatus> {
  if (ctx.sandboxKey()) throw new HuntbenchError('conflict', SANDBOX_KEY_REFUSAL)
  if (memoryOnly) ctx.vault.useMemory()
  const stored = await ctx.vault.set(SHODAN_ACCOUNT, key)
  ctx.queue.clearHalt('shodan', keyId(stored))
  ctx.changed()
  return keyStatus(ctx)
}

export async function deleteKey(ctx: KeyContext): Promise<TiKeyStatus> {
  if (ctx.sandboxKey()) throw new HuntbenchError('conflict', SANDBOX_KEY_REFUSAL)
  await ctx.vault.delete(SHODAN_ACCOUNT)
  ctx.changed()
  return keyStatus(ctx)
}

const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** Calls /api-info with the stored key, waiting for a free slot in the shared spacing. */
export async function testKey(ctx: KeyContext): Promise<TiApiInfo> {
  const key = ctx.sandboxKey() ?? (await ctx.vault.get(SHODAN_ACCOUNT))
  if (!key) throw new HuntbenchError('unauthenticated', 'No Shodan API key is set. Add one first (Settings, or `huntbench key set shodan`).')
  const id = keyId(key)
  for (;;) {
    const slot = ctx.queue.reserveSlot('shodan', id, ctx.spacingMs(), ctx.now())
    if (slot.ok) break
    await new Promise((r) => setTimeout(r, Math.max(5, slot.until - ctx.now())))
  }
  const answer = await httpGet(`${ctx.base}/api-info?key=${encodeURIComponent(key)}`, {
    timeoutMs: ctx.timeoutMs,
    maxBytes: 1024 * 1024,
    onSent: () => ctx.queue.markSent('shodan', id, ctx.now() - ALIGN_MS)
  })
  const c = classifyShodanFamily(answer, ctx.now(), 'Shodan')
  if (c.kind === 'json') {
    const limits = (c.value.usage_limits ?? {}) as Record<string, unknown>
    ctx.queue.clearHalt('shodan', id)
    ctx.changed()
    return {
      plan: typeof c.value.plan === 'string' ? c.value.plan : 'unknown',
      queryCredits: n(c.value.query_credits),
      scanCredits: n(c.value.scan_credits),
      monitoredIps: n(c.value.monitored_ips),
      unlockedLeft: n(c.value.unlocked_left),
      usageLimits: { queryCredits: n(limits.query_credits), scanCredits: n(limits.scan_credits), monitoredIps: n(limits.monitored_ips) }
    }
  }
  switch (c.kind) {
    case 'halt':
      throw new HuntbenchError(c.status === 401 ? 'unauthenticated' : 'forbidden', c.message.replace(/, then resume\.$/, '.'))
    case 'rate_limited':
      throw new HuntbenchError('rate_limited', `${c.message}. Try again in a few seconds.`)
    case 'offline':
      throw new HuntbenchError('offline', `${c.message}. The key is stored; test it again when online.`)
    case 'ok':
      throw new HuntbenchError('remote_error', 'Shodan answered /api-info with 404; is HUNTBENCH_SHODAN_URL pointing at Shodan?')
    default:
      throw new HuntbenchError('remote_error', c.message)
  }
}
