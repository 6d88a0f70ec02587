// Opens a URL in the user's default browser without Electron: browser mode, the CLI and
// MSAL's system-browser sign-in all use this. On Linux `$BROWSER` wins, as users expect.
import { spawn } from 'node:child_process'

export function browserCommand(url: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform): [string, string[]] {
  if (env.BROWSER) return [env.BROWSER, [url]]
  if (platform === 'darwin') return ['open', [url]]
  // `start` would treat `&` in the URL as a command separator; the URL handler does not.
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]]
  return ['xdg-open', [url]]
}

export function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const [command, args] = browserCommand(url, env)
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', env })
    child.once('error', (err) => reject(new Error(`could not start ${command} to open the browser (${err.message})`)))
    child.once('spawn', () => {
      child.unref()
      resolve()
    })
  })
}
