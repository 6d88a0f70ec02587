// The Hunt view in browser mode with --sandbox: sign in to the fake tenant, write KQL with
// completion, run it, sort and filter the stored result (cell-menu filter), hand a cell to the Lookups view,
// export CSV, and find the unsaved tabs again after a reload.
import { readFileSync } from 'node:fs'
import type { BrowserContext, Page } from '@playwright/test'
import { expect, test } from './fixtures'

test.use({ appArgs: ['--sandbox'], appEnv: { BROWSER: '/bin/true', HUNTBENCH_NO_BROKER: '1' } })

async function signIn(page: Page, context: BrowserContext): Promise<void> {
  await expect(page.getByTestId('hunt-profile')).toContainText('Sandbox (fake tenant)')
  await page.getByTestId('hunt-signin').click()
  const link = page.getByTestId('hunt-signin-link')
  await expect(link).toBeVisible()
  const signInTab = await context.newPage()
  await signInTab.goto((await link.getAttribute('href'))!)
  await signInTab.getByTestId('fake-signin').click()
  await expect(signInTab.getByText('You can close this tab.')).toBeVisible()
  await signInTab.close()
  await expect(page.getByTestId('hunt-signin')).toHaveCount(0)
}

test('hunt in the sandbox: completion, run, sort, filter, Shodan hand-off, export', async ({ app, context }) => {
  const { page } = app
  await page.getByTestId('nav-hunt').click()
  await signIn(page, context)

  // Completion offers the Defender tables as you type.
  const editor = page.locator('[data-testid="kql-editor"] .cm-content')
  await editor.click()
  await page.keyboard.type('DeviceNetw')
  const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'DeviceNetworkEvents' }).first()
  await expect(option).toBeVisible()
  await option.click()
  await expect(editor).toContainText('DeviceNetworkEvents')
  await page.keyboard.type('\n| where RemotePort == 443\n| project Timestamp, DeviceName, RemoteIP, RemotePort\n| take 40')
  await page.keyboard.press('Control+Enter')

  const result = page.getByTestId('run-result')
  await expect(result).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 })
  await expect(page.getByTestId('run-rowcount')).toHaveText('40 rows')
  await expect(page.getByTestId('grid-row').first()).toBeVisible()

  // Sort by RemoteIP descending (two clicks) and compare with the grid's first rows.
  const header = page.getByTestId('grid-header-RemoteIP')
  await header.click()
  await header.click()
  const ipCells = page.locator('[data-testid="grid-row"] [data-testid="grid-cell"][data-column="RemoteIP"]')
  await expect.poll(async () => {
    const ips = (await ipCells.allInnerTexts()).slice(0, 5)
    return ips.length === 5 && ips.every((ip, i) => i === 0 || ip.localeCompare(ips[i - 1]) <= 0)
  }).toBe(true)

  // Filter from the cell menu: only rows with that RemoteIP stay (done in SQLite by main).
  const firstIp = (await ipCells.first().innerText()).trim()
  await ipCells.first().click({ button: 'right' })
  await page.getByTestId('cell-menu').getByText(`Show only RemoteIP = "${firstIp}"`).click()
  await expect(page.getByTestId('grid-filter-pill')).toContainText(firstIp)
  await expect(page.getByTestId('grid-count')).toContainText('of 40')
  await expect.poll(async () => {
    const ips = await ipCells.allInnerTexts()
    return ips.length > 0 && ips.every((ip) => ip.trim() === firstIp)
  }).toBe(true)

  // Export the filtered view as CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
  expect(download.suggestedFilename()).toMatch(/^huntbench-run-\d+-.*\.csv$/)
  const csv = readFileSync((await download.path())!, 'utf8')
  const lines = csv.trim().split('\r\n')
  expect(lines[0]).toBe('Timestamp,DeviceName,RemoteIP,RemotePort')
  expect(lines.length).toBeGreaterThan(1)
  expect(lines.slice(1).every((l) => l.split(',')[2] === firstIp)).toBe(true)
  expect(lines.length - 1).toBeLessThan(40)

  // A cell goes to the Lookups view for Shodan.
  await ipCells.first().click({ button: 'right' })
  const menu = page.getByTestId('cell-menu')
  await expect(menu).toBeVisible()
  await menu.getByText('Look up in Shodan').click()
  await expect(page.getByTestId('view-lookups')).toBeVisible()
  await expect(page).toHaveURL(/#\/lookups/)
  // The explicit hand-off looks the IP up at once, with the sandbox's fake Shodan and key.
  await expect(page.getByTestId('ti-input')).toHaveValue(firstIp)
  const row = page.locator(`[data-testid="ti-row"][data-ioc="${firstIp}"]`)
  await expect(row).toHaveCount(1, { timeout: 15_000 })
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 15_000 })
})

test('bad KQL shows Kusto’s message, and unsaved tabs survive a reload', async ({ app, context }) => {
  const { page } = app
  await signIn(page, context)
  const editor = page.locator('[data-testid="kql-editor"] .cm-content')
  await editor.click()
  await page.keyboard.type('DeviceProcessEvents | where NoSuchColumn == 1')
  await page.getByTestId('hunt-run').click()
  await expect(page.getByTestId('run-error')).toContainText(/Kusto rejected the query: .*NoSuchColumn/, { timeout: 30_000 })

  await page.getByTestId('hunt-tab-new').click()
  await expect(page.getByTestId('hunt-tab')).toHaveCount(2)
  await editor.click()
  await page.keyboard.type('EmailEvents | take 5 // unsaved draft')
  // Typing is saved once it pauses; the view says when the stored copy is current.
  await expect(page.getByTestId('tabs-saved')).toHaveAttribute('data-state', 'saved')
  await page.reload()
  await expect(page.getByTestId('shell')).toHaveAttribute('data-app-state', 'loaded')
  await expect(page.getByTestId('hunt-tab')).toHaveCount(2)
  await page.getByTestId('hunt-tab').nth(1).click()
  await expect(editor).toContainText('EmailEvents | take 5 // unsaved draft')
  await page.getByTestId('hunt-tab').nth(0).click()
  await expect(editor).toContainText('NoSuchColumn')
})

test('an edit made just before the page goes away is saved, not lost to the save delay', async ({ app }) => {
  const { page } = app
  const editor = page.locator('[data-testid="kql-editor"] .cm-content')
  await editor.click()
  await page.keyboard.type('DeviceLogonEvents | take 3 // typed just before closing')
  // No wait for the debounced save: leaving the page must store it (pagehide).
  await page.reload()
  await expect(page.getByTestId('shell')).toHaveAttribute('data-app-state', 'loaded')
  await expect(editor).toContainText('DeviceLogonEvents | take 3 // typed just before closing')
})
