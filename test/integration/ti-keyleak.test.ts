// After a full run (lookups, rate limits, errors, a key test, exports), the key string is
// nowhere: not in the data folder (database, WAL, logs), not in exports, not in answers.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tiRig, waitForJob } from '../helpers/ti'

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('key hygiene', () => {
  it('leaves the key nowhere on disk, in the log, or in exports', async () => {
    const { services: s, fake, dataDir } = await tiRig({ fake: { ratePerSecond: 2 }, ti: { spacingOverride: { shodan: 100 }, maxAttempts: 2 } })
    const key = fake.key
    const forms = [key, encodeURIComponent(key), Buffer.from(key).toString('base64')]
    s.ti.start()
    fake.control.dropIps.add('1.1.1.1')
    fake.control.errorBodyIps.add('104.16.0.1')
    fake.control.forceNext.push({ status: 500, body: '<html>oops</html>' })
    const job = await s.ti.lookup({ text: '8.8.8.8\n1.1.1.1\n45.33.32.156\n104.16.0.1\n185.220.101.1\n10.1.1.1', providers: ['shodan', 'internetdb'], history: true })
    await waitForJob(s, job.jobId, (p) => p.finished, 40_000)
    expect(fake.rateLimited()).toBeGreaterThan(0)
    const info = await s.router.call('ti.testKey', { provider: 'shodan' })
    expect(info.ok).toBe(true)
    const status = await s.router.call('ti.keyStatus', { provider: 'shodan' })
    const csv = s.ti.exportJob({ jobId: job.jobId }, 'csv').text
    const json = s.ti.exportJob({ jobId: job.jobId }, 'json').text
    const page = JSON.stringify(s.ti.results(job.jobId, 0, 100, true))
    const card = JSON.stringify(s.ti.hostCard('shodan', '8.8.8.8', true))
    expect(csv).toContain('key=REDACTED')
    expect(JSON.stringify(s.status())).not.toContain(key)
    // A wrong key is also kept out of everything.
    await s.ti.setKey('WRONGkeyWRONGkeyWRONGkey00000000', false)
    const failed = await s.ti.lookup({ observables: ['88.198.0.1'], providers: ['shodan'] })
    await waitForJob(s, failed.jobId, (p) => p.stoppedReason === 'halted')
    await s.ti.stop()
    s.close()

    for (const text of [csv, json, page, card, JSON.stringify(status), JSON.stringify(info)]) {
      for (const form of forms) expect(text).not.toContain(form)
      expect(text).not.toContain('WRONGkeyWRONGkeyWRONGkey00000000')
    }
    const files = filesUnder(dataDir)
    expect(files.some((f) => f.endsWith('huntbench.log'))).toBe(true)
    expect(files.some((f) => f.endsWith('huntbench.db'))).toBe(true)
    for (const file of files) {
      const bytes = readFileSync(file)
      for (const form of [...forms, 'WRONGkeyWRONGkeyWRONGkey00000000']) {
        expect(bytes.includes(Buffer.from(form)), `${form} found in ${file}`).toBe(false)
        expect(bytes.includes(Buffer.from(form, 'utf16le')), `${form} (UTF-16) found in ${file}`).toBe(false)
      }
    }
  }, 60_000)
})
