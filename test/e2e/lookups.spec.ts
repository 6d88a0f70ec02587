// Lookups through browser mode against the fake Shodan: paste and watch the table fill with
// progress, open host cards, add a key in Settings, enrich a stored result's column, and
// export. The key never shows up in what is exported.
import { readFileSync } from 'node:fs'
import { startFakeShodan, type FakeShodan } from '../fakes/shodan'
import { api, expect, test } from './fixtures'

const fakePort = 41_000 + Math.floor(Math.random() * 8_000)
let fake: FakeShodan
test.beforeAll(async () => {
  fake = await startFakeShodan({ port: fakePort, ratePerSecond: 5, internetdbRatePerSecond: 5 })
})
test.afterAll(async () => fake?.close())
test.use({
  appEnv: {
    HUNTBENCH_SHODAN_URL: `http://127.0.0.1:${fakePort}`,
    HUNTBENCH_INTERNETDB_URL: `http://127.0.0.1:${fakePort}/internetdb`,
    // Where a keychain is reachable, the test's key goes to a service of its own, never the user's.
    HUNTBENCH_KEYCHAIN_SERVICE: `huntbench-e2e-${process.pid}`
  }
})


test('paste, watch progress, open a host card, add a key, enrich a column, export', async ({ app }) => {
  test.setTimeout(120_000)
  const { page } = app
  // Slow enough to watch the table fill: 300 ms between requests (below Shodan's 1 s, for the test).
  await api(page, 'ti.setSpacing', { provider: 'internetdb', spacingMs: 300 })
  await api(page, 'ti.setSpacing', { provider: 'shodan', spacingMs: 300 })

  // ---- Paste (no key yet: InternetDB answers) ----
  await page.getByTestId('nav-lookups').click()
  await expect(page.getByTestId('empty-state')).toContainText('Look up indicators')
  await expect(page.getByTestId('keyless-note')).toBeVisible()
  await expect(page.getByTestId('provider-internetdb')).toBeChecked()
  await expect(page.getByTestId('provider-shodan')).toBeDisabled()
  await page.getByTestId('ti-input').fill('45.33.32.156\n8.8.8[.]8\n104.16.0.1\n1.1.1.1\n\n10.0.0.7\nnot an ip\n45.33.32.156\n')
  await page.getByTestId('ti-run').click()
  const progress = page.getByTestId('progress')
  await expect(progress).toBeVisible()
  await expect(progress).toContainText(/\d \/ 6/)
  // Private and garbage lines are answered at once, without a request.
  await expect(page.locator('[data-testid=ti-row][data-ioc="10.0.0.7"]')).toContainText('IP address is not global (private)')
  await expect(page.locator('[data-testid=ti-row][data-ioc="not an ip"]')).toContainText('Not a recognised observable')
  await expect(progress).toContainText('6 / 6')
  await expect(page.locator('[data-testid=ti-row][data-state=done]')).toHaveCount(4)
  const scanme = page.locator('[data-testid=ti-row][data-ioc="45.33.32.156"]')
  await expect(scanme.getByTestId('severity')).toHaveAttribute('data-severity', 'warning')
  await expect(scanme).toContainText('ports 22,80,9929,31337')
  await expect(scanme.getByTestId('age')).toBeVisible()
  expect(fake.counts.internetdb.get('45.33.32.156')).toBe(1)

  // ---- Host card ----
  await scanme.click()
  const card = page.getByTestId('host-card')
  await expect(card).toBeVisible()
  await expect(card.getByTestId('host-ports')).toHaveText('22, 80, 9929, 31337')
  await expect(card.getByTestId('host-cve')).toHaveCount(2)
  await page.keyboard.press('Escape')
  await expect(card).toBeHidden()

  // ---- Export the pasted lookup ----
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ti-export-csv').click()])
  const csv = readFileSync((await csvDownload.path())!, 'utf8')
  expect(csv.startsWith('\uFEFFIoc,IocType,SafeIoc,QuerySubtype,Provider,Result,Severity,Details,RawResult,Reference,Status,FetchedAt,FromCache\r\n')).toBe(true)
  expect(csv).toContain('45.33.32.156')
  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ti-export-json').click()])
  const json = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8')) as { Ioc: string; Status: number }[]
  expect(json).toHaveLength(6)

  // ---- Add the Shodan key in Settings (keychain, or memory for this run where none is reachable) ----
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('shodan-key-input').fill(`  ${fake.key}  `)
  await page.getByTestId('shodan-key-save').click()
  await expect(page.getByTestId('shodan-plan').or(page.getByTestId('keychain-unavailable'))).toBeVisible()
  if (await page.getByTestId('keychain-unavailable').isVisible()) {
    await page.getByTestId('shodan-key-input').fill(fake.key)
    await page.getByTestId('shodan-key-memory').click()
  }
  await expect(page.getByTestId('shodan-plan')).toContainText('Plan dev · query credits 100 · scan credits 100 · limits: query no cap, scan no cap')
  await expect(page.getByTestId('shodan-key-status')).toContainText('A key is configured')

  // ---- A Shodan host card: CVEs with CVSS and verified, tags, TLS ----
  await page.getByTestId('nav-lookups').click()
  await expect(page.getByTestId('provider-shodan')).toBeEnabled()
  await page.getByTestId('provider-shodan').check()
  await page.getByTestId('provider-internetdb').uncheck()
  await page.getByTestId('ti-input').fill('185.220.101.1')
  await page.getByTestId('ti-run').click()
  const tor = page.locator('[data-testid=ti-row][data-ioc="185.220.101.1"][data-state=done]')
  await expect(tor.getByTestId('severity')).toHaveAttribute('data-severity', 'high')
  await tor.click()
  await expect(card.getByTestId('host-owner')).toContainText('Zwiebelfreunde e.V.')
  await expect(card.getByTestId('host-tag')).toHaveText(['tor', 'malware'])
  await expect(card.getByTestId('host-cve')).toContainText(['CVE-2021-23017'])
  await expect(card.getByTestId('host-cve').first()).toContainText('7.7')
  await expect(card.getByTestId('host-cve').first()).toContainText('verified')
  await card.getByTestId('host-service').nth(1).locator('summary').click()
  await expect(card.getByTestId('host-service').nth(1)).toContainText('expires 2022-01-01T00:00:00Z (expired)')
  await expect(card).toContainText(/Fetched (just now|\dm ago)/)

  // ---- Enrich a column of a stored result ----
  const { runId } = await api<{ runId: number }>(page, 'results.import', {
    title: 'Outbound connections',
    columns: [{ name: 'DeviceName' }, { name: 'RemoteIP' }],
    rows: [
      ['hr-laptop-01', '8.8.8.8'],
      ['hr-laptop-02', '8.8.8.8'],
      ['fin-desk-07', '185.220.101.1'],
      ['fin-desk-08', '1.1.1.1'],
      ['build-01', '192.168.1.20']
    ]
  })
  await page.getByTestId('tab-enrich').click()
  await page.getByTestId('enrich-run').selectOption(String(runId))
  await expect(page.getByTestId('enrich-column')).toHaveValue('RemoteIP')
  await page.getByTestId('enrich-start').click()
  const values = page.getByTestId('enrich-value')
  await expect(values).toHaveCount(4)
  await expect(page.locator('[data-testid=enrich-value][data-value="192.168.1.20"]')).toContainText('IP address is not global')
  await expect(page.locator('[data-testid=enrich-value][data-value="185.220.101.1"]')).toContainText(/cached/)
  await expect(page.locator('[data-testid=enrich-value][data-value="8.8.8.8"] [data-testid=severity]')).toHaveAttribute('data-severity', 'warning', { timeout: 20_000 })
  await page.getByTestId('enrich-rows-tab').click()
  await expect(page.getByTestId('enrich-rows').locator('tbody tr')).toHaveCount(5)
  await expect(page.getByTestId('enrich-rows').locator('tbody tr').nth(2)).toContainText('tags tor,malware')
  const [enrichCsv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('enrich-export-csv').click()])
  const enrichText = readFileSync((await enrichCsv.path())!, 'utf8')
  expect(enrichText).toContain('key=REDACTED')
  expect(enrichText).not.toContain(fake.key)
  // 185.220.101.1 was answered from the cache; 8.8.8.8 and 1.1.1.1 were asked once each.
  expect(fake.counts.host.get('185.220.101.1')).toBe(1)
  expect(fake.counts.host.get('8.8.8.8')).toBe(1)
  expect(fake.rateLimited()).toBe(0)
  await expect(page.getByTestId('enrich-counts')).toContainText('4 distinct values queued; showing 4 · 5 of 5 rows')

  // ---- History: "Open" on a stored lookup shows its host card, with no new request ----
  await page.getByTestId('nav-history').click()
  await page.getByTestId('history-row').filter({ hasText: 'shodan: 185.220.101.1' }).first().getByTestId('history-open-lookup').click()
  await expect(page).toHaveURL(/#\/lookups/)
  await expect(card).toBeVisible()
  await expect(card).toContainText('stored answer')
  await expect(card.getByTestId('host-owner')).toContainText('Zwiebelfreunde e.V.')
  await expect(page.getByTestId('ti-input')).toHaveValue('')
  expect(fake.counts.host.get('185.220.101.1')).toBe(1)
  // The cache age is chosen here, and the severities are explained beside the table.
  await page.getByTestId('tab-paste').click()
  await expect(page.getByTestId('ti-max-age')).toHaveValue(String(7 * 24 * 3600 * 1000))
  await expect(page.getByTestId('severity-legend')).toContainText('high: a CVE Shodan verified or lists as known-exploited')

  // ---- Remove the key again ----
  await page.getByTestId('nav-settings').click()
  page.once('dialog', (d) => void d.accept())
  await page.getByTestId('shodan-key-remove').click()
  await expect(page.getByTestId('shodan-key-status')).toContainText('No key yet')
})
