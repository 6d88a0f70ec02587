// The preload is the only Electron code the renderer can reach. With Electron mocked (its
// binary cannot run here), check that it exposes exactly the contract's names and nothing
// that reaches ipcRenderer generically.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { eventNames, methodNames } from '../../src/shared/api'

const exposed: Record<string, unknown> = {}
const invoked: [string, unknown][] = []
let eventHandler: ((event: unknown, name: string, payload: unknown) => void) | null = null

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => void (exposed[key] = value) },
  ipcRenderer: {
    invoke: async (channel: string, input: unknown) => {
      invoked.push([channel, input])
      return { ok: true, value: channel }
    },
    on: (_channel: string, handler: typeof eventHandler) => void (eventHandler = handler)
  }
}))

interface Bridge {
  on(event: string, listener: (p: unknown) => void): () => void
  methods: Record<string, (input: unknown) => Promise<unknown>>
}

beforeAll(async () => {
  await import('../../src/preload/index')
})

describe('preload bridge', () => {
  it('exposes one object, window.huntbench, with the named methods and event subscription only', () => {
    expect(Object.keys(exposed)).toEqual(['huntbench'])
    const bridge = exposed.huntbench as Bridge
    expect(Object.keys(bridge).sort()).toEqual(['methods', 'on'])
    expect(Object.keys(bridge.methods).sort()).toEqual([...methodNames].sort())
  })

  it('sends each call on its own huntbench:<method> channel', async () => {
    const bridge = exposed.huntbench as Bridge
    await bridge.methods['history.list']({ limit: 3 })
    expect(invoked.at(-1)).toEqual(['huntbench:history.list', { limit: 3 }])
  })

  it('has no function for names outside the contract, and refuses unknown events', () => {
    const bridge = exposed.huntbench as Bridge
    expect(Object.prototype.hasOwnProperty.call(bridge.methods, 'ipc.sendAnything')).toBe(false)
    expect(Object.prototype.hasOwnProperty.call(bridge.methods, '__proto__')).toBe(false)
    for (const fn of Object.values(bridge.methods)) expect(typeof fn).toBe('function')
    expect(() => bridge.on('anything-at-all', () => {})).toThrow(/no event named/)
  })

  it('delivers declared events to subscribers until they unsubscribe', () => {
    const bridge = exposed.huntbench as Bridge
    const seen: unknown[] = []
    const off = bridge.on(eventNames[0], (p) => seen.push(p))
    eventHandler!({}, eventNames[0], { n: 1 })
    off()
    eventHandler!({}, eventNames[0], { n: 2 })
    expect(seen).toEqual([{ n: 1 }])
  })
})
