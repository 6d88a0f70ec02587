// Where data lives and which remote endpoints to talk to. The same rules hold for
// every host (desktop, browser mode, CLI), so all three open the same data.
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export const APP_NAME = 'Huntbench'

/** The OS app-data folder, matching Electron's `userData` for an app named Huntbench. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME)
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME)
}

/** `--data-dir` beats `HUNTBENCH_DATA_DIR`, which beats the OS default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.HUNTBENCH_DATA_DIR
  return chosen ? resolve(chosen) : defaultDataDir(env)
}

export interface Endpoints {
  shodan: string
  internetdb: string
  authority: string
  graph: string
  defender: string
}

export const defaultEndpoints: Endpoints = {
  shodan: 'https://api.shodan.io',
  internetdb: 'https://internetdb.shodan.io',
  authority: 'https://login.microsoftonline.com',
  graph: 'https://graph.microsoft.com',
  defender: 'https://api.security.microsoft.com'
}

function baseUrl(name: string, value: string | undefined, fallback: string): string {
  if (!value) return fallback
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`${name} is not a URL: ${JSON.stringify(value)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} must be an http(s) URL, got ${url.protocol}`)
  }
  return url.origin + url.pathname.replace(/\/+$/, '')
}

/** Each override replaces the scheme-and-host part and keeps the usual paths. */
export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): Endpoints {
  return {
    shodan: baseUrl('HUNTBENCH_SHODAN_URL', env.HUNTBENCH_SHODAN_URL, defaultEndpoints.shodan),
    internetdb: baseUrl('HUNTBENCH_INTERNETDB_URL', env.HUNTBENCH_INTERNETDB_URL, defaultEndpoints.internetdb),
    authority: baseUrl('HUNTBENCH_AUTHORITY_URL', env.HUNTBENCH_AUTHORITY_URL, defaultEndpoints.authority),
    graph: baseUrl('HUNTBENCH_GRAPH_URL', env.HUNTBENCH_GRAPH_URL, defaultEndpoints.graph),
    defender: baseUrl('HUNTBENCH_DEFENDER_URL', env.HUNTBENCH_DEFENDER_URL, defaultEndpoints.defender)
  }
}
