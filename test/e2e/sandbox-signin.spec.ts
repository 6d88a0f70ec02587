// Browser mode with --sandbox: sign in to the fake tenant from Settings, complete the fake
// authorize page in a second tab (as the user's browser would), and see the status bar
// show the account. $BROWSER is a no-op, so the link in the app is the only way in.
import { expect, test } from './fixtures'

test.use({ appArgs: ['--sandbox'], appEnv: { BROWSER: '/bin/true', HUNTBENCH_NO_BROKER: '1' } })

test('sign in to the sandbox tenant and see it in the status bar', async ({ app, context }) => {
  const { page } = app
  await expect(page.getByTestId('status-sandbox')).toBeVisible()
  await expect(page.getByTestId('status-signin')).toHaveText(/Not signed in/)

  await page.getByTestId('nav-settings').click()
  const row = page.locator('[data-testid="profile-row"][data-profile="Sandbox (fake tenant)"]')
  await expect(row).toContainText('SANDBOX')
  await row.getByTestId('signin').click()
  const link = row.getByTestId('signin-link')
  await expect(link).toBeVisible()
  const href = await link.getAttribute('href')
  // The user's browser gets the sign-in page over plain loopback HTTP: no certificate warning.
  expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+\/oauth2\/v2\.0\/authorize\?/)

  const signInTab = await context.newPage()
  await signInTab.goto(href!)
  await expect(signInTab.getByRole('heading', { name: 'Sign in to the Huntbench sandbox tenant' })).toBeVisible()
  await signInTab.getByTestId('fake-signin').click()
  await expect(signInTab.getByText('You can close this tab.')).toBeVisible()

  await expect(page.getByTestId('status-signin')).toHaveText('Signed in: alice@contoso.test (Sandbox (fake tenant))')
  await expect(row.getByTestId('profile-account')).toHaveText('alice@contoso.test')

  // Signing out is immediate and the status bar follows.
  await row.getByTestId('signout').click()
  await expect(page.getByTestId('status-signin')).toHaveText(/Not signed in/)
})

test('a sign-in nobody completes can be cancelled', async ({ app }) => {
  const { page } = app
  await page.getByTestId('nav-settings').click()
  const row = page.locator('[data-testid="profile-row"][data-profile="Sandbox (fake tenant)"]')
  await row.getByTestId('signin').click()
  await expect(row.getByTestId('signin-link')).toBeVisible()
  await row.getByTestId('signin-cancel').click()
  await expect(row.getByTestId('signin-error')).toHaveText('Sign-in for Sandbox (fake tenant) was cancelled.')
  await expect(row.getByTestId('signin')).toBeEnabled()
})

test('a tenant profile is added from Settings, with bad ids explained', async ({ app }) => {
  const { page } = app
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('profile-name').fill('Contoso')
  await page.getByTestId('profile-tenant').fill('contoso')
  await page.getByTestId('profile-client').fill('not-a-guid')
  await page.getByTestId('profile-add').click()
  await expect(page.getByTestId('profile-add-form')).toContainText('"contoso" is not a tenant id')
  await expect(page.getByTestId('profile-add-form')).toContainText('"not-a-guid" is not a client id')
  await page.getByTestId('profile-tenant').fill('contoso.onmicrosoft.com')
  await page.getByTestId('profile-client').fill('0f3c1a2b-1234-4abc-9def-0123456789ab')
  await page.getByTestId('profile-api-legacy').check()
  await page.getByTestId('profile-add').click()
  const row = page.locator('[data-testid="profile-row"][data-profile="Contoso"]')
  await expect(row.getByTestId('legacy-retirement')).toContainText('retires 2027-02-01')
  const listed = await app.cli(['profile', 'list', '--format', 'json'])
  expect(JSON.parse(listed.stdout).map((p: { name: string }) => p.name)).toEqual(['Contoso', 'Sandbox (fake tenant)'])
})

test.describe('first run', () => {
  test.use({ appArgs: [], appEnv: { BROWSER: '/bin/true', HUNTBENCH_NO_BROKER: '1' } })

  test('"Try the sandbox" starts the fake tenant, signs in and lands in Hunt', async ({ app, context }) => {
    const { page } = app
    await expect(page.getByTestId('status-sandbox')).toHaveCount(0)
    await page.getByTestId('firstrun-sandbox').click()
    const link = page.getByTestId('firstrun').getByTestId('signin-link')
    await expect(link).toBeVisible()
    await expect(page.getByTestId('status-sandbox')).toBeVisible()
    const signInTab = await context.newPage()
    await signInTab.goto((await link.getAttribute('href'))!)
    await signInTab.getByTestId('fake-signin').click()
    await expect(page.getByTestId('status-signin')).toHaveText('Signed in: alice@contoso.test (Sandbox (fake tenant))')
    await expect(page).toHaveURL(/#\/hunt$/)
    await expect(page.getByTestId('firstrun')).toHaveCount(0)
    // The first query is ready to run: one click to the first result.
    await expect(page.locator('.cm-content')).toContainText('DeviceNetworkEvents')
    await page.getByTestId('hunt-run').click()
    await expect(page.getByTestId('grid-row').first()).toBeVisible({ timeout: 30_000 })
  })
})
