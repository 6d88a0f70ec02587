// A case built in one data folder (an imported result, a lookup against the fake
// InternetDB, a note), found by search, exported as a bundle, imported into a second data
// folder by a second app, and reviewed there with the network blocked.
import { existsSync, rmSync } from 'node:fs'
import type { BrowserContext } from '@playwright/test'
import { startFakeShodan, type FakeShodan } from '../fakes/shodan'
import { api, expect, startWeb, stopProcess, tempDataDir, test } from './fixtures'

// The app's environment is fixed before the fake starts, so the fake gets a known port.
const fakePort = 41_000 + Math.floor(Math.random() * 8_000)
let fake: FakeShodan
test.beforeAll(async () => {
  fake = await startFakeShodan({ port: fakePort, ratePerSecond: null, internetdbRatePerSecond: null })
})
test.afterAll(async () => fake?.close())
test.use({ appEnv: { HUNTBENCH_SHODAN_URL: `http://127.0.0.1:${fakePort}`, HUNTBENCH_INTERNETDB_URL: `http://127.0.0.1:${fakePort}/internetdb` } })


/** Lets the page talk to its own loopback server and nothing else; records what it tried. */
async function blockNetwork(context: BrowserContext): Promise<string[]> {
  const refused: string[] = []
  await context.route('**', (route) => {
    const url = new URL(route.request().url())
    if (url.hostname === '127.0.0.1') return route.continue()
    refused.push(url.href)
    return route.abort('internetdisconnected')
  })
  return refused
}

test('build a case, search it, export it, and review it elsewhere with the network blocked', async ({ app, browser }) => {
  test.setTimeout(120_000)
  const { page } = app
  await page.evaluate(() => ((globalThis as unknown as { pwned: number }).pwned = 0))

  // ---- A result (as if from a hunt) and a case ----
  const { runId } = await api<{ runId: number }>(page, 'results.import', {
    title: 'Outbound to rare IPs',
    kql: 'DeviceNetworkEvents | where RemoteIP == "8.8.8.8" | project Timestamp, DeviceName, RemoteIP, RemoteUrl',
    columns: [
      { name: 'Timestamp', type: 'DateTime' },
      { name: 'DeviceName', type: 'String' },
      { name: 'RemoteIP', type: 'String' },
      { name: 'RemoteUrl', type: 'String' }
    ],
    rows: [
      ['2026-11-01T10:00:00Z', 'hr-laptop-01', '8.8.8.8', 'https://dns.google/resolve'],
      ['2026-11-01T10:05:00Z', 'hr-laptop-02', '8.8.8.8', 'https://dns.google/resolve'],
      ['2026-11-01T11:00:00Z', 'hr-laptop-01', '1.1.1.1', 'https://one.one.one.one/']
    ]
  })

  await page.getByTestId('nav-cases').click()
  await expect(page.getByTestId('empty-state')).toContainText('No cases yet')
  await page.getByTestId('new-case-title').fill('Quokka beacon on HR laptops')
  await page.getByTestId('new-case-tlp').selectOption('amber+strict')
  await page.getByTestId('create-case').click()
  await expect(page.getByTestId('case-title')).toHaveText('#1 Quokka beacon on HR laptops')
  await expect(page.getByTestId('tlp-badge')).toHaveText('TLP:AMBER+STRICT')

  // The run goes in from History's "Add to case".
  await page.getByTestId('nav-history').click()
  await page.getByTestId('history-row').filter({ hasText: 'Outbound to rare IPs' }).getByRole('button', { name: 'Add to case' }).click()
  await expect(page.getByTestId('case-handoff')).toContainText(`query run #${runId}`)
  await page.getByTestId('handoff-case').selectOption({ label: '#1 Quokka beacon on HR laptops' })
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.getByTestId('timeline-item').filter({ hasText: 'Outbound to rare IPs' })).toBeVisible()
  await page.getByTestId('extract-observables').click()
  await expect(page.getByTestId('case-notice')).toContainText(/Found \d+ observables in 3 rows/)
  const ipRow = page.getByTestId('observable-row').filter({ hasText: '8.8.8.8' })
  await expect(ipRow).toContainText('ipv4')
  await expect(ipRow.locator('td').nth(2)).toHaveText('2')

  // A lookup against the fake InternetDB, attached from History too.
  await api(page, 'ti.lookup', { observables: ['8.8.8.8'], providers: ['internetdb'] })
  await expect
    .poll(async () => (await api<{ items: unknown[] }>(page, 'history.list', { kind: 'lookup' })).items.length, { timeout: 20_000 })
    .toBeGreaterThan(0)
  await page.getByTestId('nav-history').click()
  await page.getByTestId('history-row').filter({ hasText: '8.8.8.8' }).first().getByRole('button', { name: 'Add to case' }).click()
  await page.getByTestId('handoff-case').selectOption({ label: '#1 Quokka beacon on HR laptops' })
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.getByTestId('timeline-item').filter({ hasText: 'Lookup' })).toContainText('8.8.8.8')

  // A note with hostile Markdown: shown as text, nothing runs.
  await page.getByTestId('note-input').fill('Wombat staging confirmed.\n\n<img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> [click](javascript:window.pwned=3)')
  await page.getByTestId('add-note').click()
  const note = page.getByTestId('note-body').first()
  await expect(note).toContainText('Wombat staging confirmed.')
  await expect(note.locator('img, script')).toHaveCount(0)
  await note.getByText('click').click()
  expect(await page.evaluate(() => (globalThis as unknown as { pwned: number }).pwned)).toBe(0)

  // ---- Search finds it, with the match highlighted ----
  await page.getByTestId('nav-history').click()
  await page.getByTestId('history-search').fill('wombat')
  const hit = page.getByTestId('search-hit').filter({ hasText: 'Wombat' })
  await expect(hit).toHaveAttribute('data-kind', 'note')
  await expect(hit.locator('mark')).toHaveText('Wombat')
  await hit.getByTestId('open-hit').click()
  await expect(page.getByTestId('case-title')).toHaveText('#1 Quokka beacon on HR laptops')

  // ---- Export ----
  await page.getByTestId('export-bundle').click()
  const exported = await page.getByTestId('export-result').locator('.mono').textContent()
  const bundlePath = (exported ?? '').trim()
  expect(bundlePath).toMatch(/\.hbcase$/)
  expect(existsSync(bundlePath)).toBe(true)
  const downloading = page.waitForEvent('download')
  await page.getByTestId('download-bundle').click()
  expect((await downloading).suggestedFilename()).toMatch(/\.hbcase$/)

  // ---- A second app on another data folder, with the network blocked ----
  const otherDir = tempDataDir()
  const other = await startWeb({ dataDir: otherDir })
  const context = await browser.newContext()
  try {
    const refused = await blockNetwork(context)
    const review = await context.newPage()
    await review.goto(other.url)
    await expect(review.getByTestId('shell')).toHaveAttribute('data-app-state', 'loaded')
    await expect(review.getByTestId('status-online')).toContainText('Offline')

    await review.getByTestId('nav-cases').click()
    await review.getByTestId('import-file').setInputFiles(bundlePath)
    await expect(review.getByTestId('cases-message')).toContainText('Imported case #1 “Quokka beacon on HR laptops” (read-only)')
    // Importing the same file again changes nothing.
    await review.getByTestId('import-file').setInputFiles(bundlePath)
    await expect(review.getByTestId('cases-message')).toContainText('Already imported: case #1')
    await expect(review.getByTestId('case-row')).toHaveCount(1)

    await review.getByTestId('case-link').click()
    await expect(review.getByTestId('read-only-banner')).toContainText('Read-only.')
    await expect(review.getByTestId('tlp-badge')).toHaveText('TLP:AMBER+STRICT')
    await expect(review.getByTestId('note-input')).toHaveCount(0)
    await expect(review.getByTestId('note-body')).toContainText('Wombat staging confirmed.')
    await expect(review.getByTestId('timeline-item').filter({ hasText: 'Lookup' })).toContainText('8.8.8.8')
    await expect(review.getByTestId('observable-row').filter({ hasText: '8.8.8.8' }).locator('td').nth(2)).toHaveText('3')

    // The report renders in a sandboxed frame, defanged.
    await review.getByTestId('report-preview').click()
    const frame = review.frameLocator('[data-testid="report-frame"]')
    await expect(frame.locator('h1')).toHaveText('Case #1: Quokka beacon on HR laptops')
    await expect(frame.locator('body')).toContainText('8.8.8[.]8')

    // The stored result opens in a Hunt tab, its rows served from the bundle's copy.
    await review.getByTestId('open-run').click()
    await expect(review.getByTestId('view-hunt')).toBeVisible()
    await expect(review.getByRole('tab', { name: 'Outbound to rare IPs' })).toHaveAttribute('aria-selected', 'true')
    const runs = await api<{ items: { id: number; title: string }[] }>(review, 'history.list', { kind: 'run' })
    const rows = await api<{ total: number; rows: unknown[][] }>(review, 'runs.rows', { runId: runs.items[0].id, offset: 0, limit: 10 })
    expect(rows.total).toBe(3)
    expect(rows.rows[1]).toEqual(['2026-11-01T10:05:00Z', 'hr-laptop-02', '8.8.8.8', 'https://dns.google/resolve'])

    // Search works on the imported copy too.
    await review.getByTestId('nav-history').click()
    await review.getByTestId('history-search').fill('quokka')
    await expect(review.getByTestId('search-hit').filter({ hasText: 'Quokka' }).first()).toBeVisible()
    expect(refused).toEqual([])
    expect(await review.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned ?? 0)).toBe(0)
  } finally {
    await context.close()
    await stopProcess(other.child)
    rmSync(otherDir, { recursive: true, force: true })
  }
})
