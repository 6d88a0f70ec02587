// A lookup run killed with SIGKILL halfway, then started again, finishes without a
// duplicate request and without dropping anything: the queue is rows in SQLite.
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeShodan, type FakeShodan } from '../fakes/shodan'
import { tempDir } from '../helpers/tmp'

let fake: FakeShodan
beforeAll(async () => {
  fake = await startFakeShodan({ ratePerSecond: null, internetdbRatePerSecond: 5 })
})
afterAll(async () => fake.close())

const SPACING = 400

function lookupChild(dataDir: string, file: string): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  // node --import tsx directly (not npx), so the SIGKILL reaches the process doing the work.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main/cli.ts', '--data-dir', dataDir, 'lookup', '--file', file, '--providers', 'internetdb', '--format', 'json', '--spacing', String(SPACING)],
    { env: { ...process.env, HUNTBENCH_INTERNETDB_URL: fake.internetdbUrl, HUNTBENCH_SHODAN_URL: fake.url }, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d) => (stdout += d))
  child.stderr!.on('data', (d) => (stderr += d))
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }))
  )
  return { child, done }
}

describe('crash safety', () => {
  it('resumes after SIGKILL without a duplicate request', async () => {
    const dataDir = tempDir()
    const file = join(dataDir, 'ips.txt')
    const ips = Array.from({ length: 16 }, (_, i) => `95.216.${i + 1}.${(i * 7) % 250 + 1}`)
    writeFileSync(file, ips.join('\n') + '\n')
    fake.resetCounters()

    const first = lookupChild(dataDir, file)
    // Kill between requests (half a spacing after one arrived), once about a third are answered:
    // a request that reached the fake has been answered and stored by then.
    for (;;) {
      await new Promise((r) => setTimeout(r, 20))
      const answered = fake.requests.filter((r) => r.api === 'internetdb')
      if (answered.length >= 5 && Date.now() - answered[answered.length - 1].at >= SPACING / 2) break
    }
    first.child.kill('SIGKILL')
    const killed = await first.done
    expect(killed.signal).toBe('SIGKILL')
    const beforeRestart = fake.counts.internetdb.size
    expect(beforeRestart).toBeGreaterThanOrEqual(5)
    expect(beforeRestart).toBeLessThan(ips.length)

    const second = lookupChild(dataDir, file)
    const result = await second.done
    expect(result.code, result.stderr).toBe(0)
    const rows = JSON.parse(result.stdout) as { SafeIoc: string; Status: number; FromCache: boolean }[]
    expect(rows.map((r) => r.SafeIoc)).toEqual(ips)
    expect(rows.every((r) => r.Status === 0 || r.Status === 404)).toBe(true)
    expect(rows.filter((r) => r.FromCache).length).toBe(beforeRestart)
    // Every observable was requested exactly once across both runs.
    expect(fake.counts.internetdb.size).toBe(ips.length)
    expect([...fake.counts.internetdb.entries()].filter(([, n]) => n !== 1)).toEqual([])
  }, 60_000)
})
