// Each test gets its own browser-mode server (`huntbench web --port 0 --no-open`) over a
// fresh temporary data folder, and a page already showing the shell.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test as base, expect, type Page } from '@playwright/test'

// Playwright runs from the project root (npm test, npx playwright test).
const root = resolve(process.cwd())
const bin = join(root, 'bin', 'huntbench.js')

// Tests never talk beyond 127.0.0.1: unless a test points them at a fake, every remote
// service is a closed loopback port (so the app reports itself offline).
export const offlineEndpoints: Record<string, string> = {
  HUNTBENCH_SHODAN_URL: 'http://127.0.0.1:9',
  HUNTBENCH_INTERNETDB_URL: 'http://127.0.0.1:9',
  HUNTBENCH_AUTHORITY_URL: 'https://127.0.0.1:9',
  HUNTBENCH_GRAPH_URL: 'http://127.0.0.1:9',
  HUNTBENCH_DEFENDER_URL: 'http://127.0.0.1:9'
}

export interface RunningApp {
  url: string
  origin: string
  token: string
  dataDir: string
  page: Page
  process: ChildProcess
  /** Runs the CLI against the same data folder and returns its output. */
  cli(args: string[], options?: { input?: string; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }>
}

export function runCli(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...offlineEndpoints, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

/** Starts `huntbench web` and resolves once it has printed its URL. */
export function startWeb(options: { dataDir: string; env?: Record<string, string>; args?: string[] }): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, 'web', '--port', '0', '--no-open', '--data-dir', options.dataDir, ...(options.args ?? [])], {
      env: { ...process.env, ...offlineEndpoints, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => reject(new Error(`huntbench web did not print a URL in time.\n${stderr}`)), 30_000)
    child.stderr.on('data', (d) => (stderr += d))
    child.stdout.on('data', (d) => {
      stdout += d
      const line = stdout.split('\n').find((l) => l.startsWith('http://127.0.0.1:'))
      if (line) {
        clearTimeout(timer)
        resolvePromise({ url: line.trim(), child, stderr: () => stderr })
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`huntbench web exited with ${code}.\n${stderr}`))
    })
  })
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  await new Promise<void>((resolvePromise) => {
    child.once('exit', () => resolvePromise())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 5000).unref()
  })
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'huntbench-e2e-'))
}

interface Fixtures {
  appEnv: Record<string, string>
  appArgs: string[]
  app: RunningApp
}

export const test = base.extend<Fixtures>({
  appEnv: [{}, { option: true }],
  appArgs: [[], { option: true }],
  app: async ({ page, appEnv, appArgs }, use) => {
    const dataDir = tempDataDir()
    const { url, child } = await startWeb({ dataDir, env: appEnv, args: appArgs })
    const parsed = new URL(url)
    await page.goto(url)
    await expect(page.getByTestId('shell')).toHaveAttribute('data-app-state', 'loaded')
    await use({
      url,
      origin: parsed.origin,
      token: parsed.searchParams.get('token') ?? '',
      dataDir,
      page,
      process: child,
      cli: (args, options = {}) => runCli(['--data-dir', dataDir, ...args], { ...options, env: { ...appEnv, ...options.env } })
    })
    await stopProcess(child)
    rmSync(dataDir, { recursive: true, force: true })
  }
})

/** Calls the API from inside the page, with the page's own cookie, as the renderer does. */
export async function api<T>(page: Page, method: string, input: unknown): Promise<T> {
  const answer = await page.evaluate(
    async ([m, i]) => {
      const response = await fetch(`/api/call/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(i) })
      return (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } }
    },
    [method, input] as const
  )
  if (!answer.ok) throw new Error(`${method}: ${answer.error?.message}`)
  return answer.value as T
}

export { expect }
