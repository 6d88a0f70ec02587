// Online/offline as the analyst experiences it: can we reach the services we use?
// A probe opens a TCP connection to each configured endpoint; any success is "online".
import { connect } from 'node:net'

export type Probe = () => Promise<boolean>

/** `urls` is read on every probe: the sandbox repoints the endpoints while running. */
export function tcpProbe(urls: () => string[], timeoutMs = 3000): Probe {
  const targetsOf = (): { host: string; port: number }[] =>
    urls().map((u) => {
      const url = new URL(u)
      return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) }
    })
  const one = (host: string, port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const socket = connect({ host, port, timeout: timeoutMs })
      const done = (ok: boolean): void => {
        socket.destroy()
        resolve(ok)
      }
      socket.once('connect', () => done(true))
      socket.once('timeout', () => done(false))
      socket.once('error', () => done(false))
    })
  return async () => (await Promise.all(targetsOf().map((t) => one(t.host, t.port)))).some(Boolean)
}

export class ConnectivityMonitor {
  private current = true
  private timer: NodeJS.Timeout | null = null
  constructor(
    private readonly probe: Probe,
    private readonly onChange: (online: boolean) => void
  ) {}

  get online(): boolean {
    return this.current
  }

  async check(): Promise<boolean> {
    const online = await this.probe()
    if (online !== this.current) {
      this.current = online
      this.onChange(online)
    }
    return online
  }

  start(intervalMs = 30_000): void {
    void this.check()
    this.timer = setInterval(() => void this.check(), intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}
