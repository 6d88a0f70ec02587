import { request } from '@playwright/test'
import { expect, test } from './fixtures'

// Requests are made outside the page (no cookie) with exactly the headers under test.
test('browser mode refuses requests without the token, from a foreign Origin, or with a foreign Host', async ({ app }) => {
  const api = await request.newContext()
  const call = (headers: Record<string, string>) =>
    api.post(`${app.origin}/api/call/app.status`, { headers, data: {}, failOnStatusCode: false })

  const ok = await call({ Authorization: `Bearer ${app.token}` })
  expect(ok.status()).toBe(200)
  expect((await ok.json()).ok).toBe(true)

  const noToken = await call({})
  expect(noToken.status()).toBe(401)
  expect((await noToken.json()).error.code).toBe('unauthenticated')

  const wrongToken = await call({ Authorization: 'Bearer not-the-token' })
  expect(wrongToken.status()).toBe(401)

  const foreignOrigin = await call({ Authorization: `Bearer ${app.token}`, Origin: 'https://evil.example' })
  expect(foreignOrigin.status()).toBe(403)
  expect((await foreignOrigin.json()).error.message).toContain('evil.example')

  const foreignHost = await call({ Authorization: `Bearer ${app.token}`, Host: `attacker.example:${new URL(app.origin).port}` })
  expect(foreignHost.status()).toBe(403)

  const page = await api.get(`${app.origin}/`, { failOnStatusCode: false })
  expect(page.status()).toBe(401)
  await api.dispose()
})

test('a page on another origin cannot call the API even from the same browser', async ({ app, browser }) => {
  const other = await browser.newPage()
  await other.goto('about:blank')
  const result = await other.evaluate(async (origin) => {
    try {
      const response = await fetch(`${origin}/api/call/app.status`, { method: 'POST', body: '{}', credentials: 'include' })
      return response.status
    } catch (err) {
      return String(err)
    }
  }, app.origin)
  // Either the request is refused (403: foreign Origin) or CORS blocks reading it: never a 200 with data.
  expect(result).not.toBe(200)
  await other.close()
})
