// Whether a real Secret Service is reachable (tests run under scripts/run-keyring.sh).
import keytar from 'keytar'

let probed: Promise<boolean> | null = null

export function keyringWorks(): Promise<boolean> {
  probed ??= (async () => {
    if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS) return false
    try {
      await keytar.setPassword('huntbench-test-probe', 'probe', 'x')
      await keytar.deletePassword('huntbench-test-probe', 'probe')
      return true
    } catch {
      return false
    }
  })()
  return probed
}

export { keytar }
