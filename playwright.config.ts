import { defineConfig } from '@playwright/test'

// End-to-end tests drive browser mode (`huntbench web`) in Debian's Chromium; each test
// starts its own server on a free port with its own temporary data folder.
export default defineConfig({
  testDir: 'test/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.cache/test-results/playwright.json' }]],
  outputDir: '.cache/test-results/playwright',
  use: {
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.HUNTBENCH_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
    }
  }
})
