import { createServer } from 'node:net'
import { expect, test } from './fixtures'

// A reachable stand-in for the remote services, so main's own probe says "online" and
// the test can watch the browser's view of the network flip the indicator.
const reachable = createServer((socket) => socket.destroy())
const reachablePort = 40_000 + Math.floor(Math.random() * 9_000)
reachable.listen(reachablePort, '127.0.0.1')
test.afterAll(() => reachable.close())

test('the shell renders with navigation, status bar and an empty state for a new user', async ({ app }) => {
  const { page } = app
  await expect(page.getByTestId('status-bar')).toBeVisible()
  await expect(page.getByTestId('status-signin')).toHaveText(/Not signed in/)
  // No remote service is reachable from the test machine, and the status bar says so.
  await expect(page.getByTestId('status-online')).toContainText('Offline')
  for (const route of ['hunt', 'lookups', 'cases', 'history', 'settings']) {
    await expect(page.getByTestId(`nav-${route}`)).toBeVisible()
  }
  // The token was swapped for a cookie: it no longer sits in the address bar.
  expect(page.url()).not.toContain('token=')
  await page.getByTestId('nav-history').click()
  await expect(page).toHaveURL(/#\/history$/)
  await expect(page.getByTestId('empty-state')).toContainText('Nothing here yet')
})

test('navigation works by click and by keyboard, and Settings shows the data folder', async ({ app }) => {
  const { page } = app
  await page.getByTestId('nav-settings').click()
  await expect(page.getByTestId('view-settings')).toBeVisible()
  await expect(page.getByTestId('data-dir')).toHaveText(app.dataDir)
  await page.keyboard.press('Control+4')
  await expect(page.getByTestId('view-history')).toBeVisible()
  await page.keyboard.press('Control+2')
  await expect(page.getByTestId('view-lookups')).toBeVisible()
})

test('a result stored through the API shows up in History', async ({ app }) => {
  const { page } = app
  await page.getByTestId('nav-history').click()
  await expect(page.getByTestId('empty-state')).toBeVisible()
  const answer = await page.evaluate(async () => {
    const response = await fetch('/api/call/results.import', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Suspicious logons (imported)', columns: [{ name: 'Account', type: 'String' }], rows: [['alice'], ['bob']] })
    })
    return (await response.json()) as { ok: boolean }
  })
  expect(answer.ok).toBe(true)
  const row = page.getByTestId('history-row').filter({ hasText: 'Suspicious logons (imported)' })
  await expect(row).toBeVisible()
  await expect(row).toContainText('2 rows')
  // The CLI sees the same data folder.
  const cli = await app.cli(['history', '--format', 'json'])
  expect(cli.code).toBe(0)
  expect(JSON.parse(cli.stdout).items[0].title).toBe('Suspicious logons (imported)')
})

test('dark and light themes follow the choice in Settings', async ({ app }) => {
  const { page } = app
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('theme-dark').check()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await page.getByTestId('theme-light').check()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
})

test.describe('connectivity', () => {
  test.use({ appEnv: { HUNTBENCH_SHODAN_URL: `http://127.0.0.1:${reachablePort}`, HUNTBENCH_GRAPH_URL: `http://127.0.0.1:${reachablePort}` } })

  test('the status bar shows offline when the browser loses the network', async ({ app, context }) => {
  const { page } = app
  await expect(page.getByTestId('status-online')).toHaveText(/^\s*Online/)
  await context.setOffline(true)
  await expect(page.getByTestId('status-online')).toContainText('Offline')
  await context.setOffline(false)
  await expect(page.getByTestId('status-online')).not.toContainText('Offline')
})
})
