import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    environment: 'node',
    // test/renderer holds the renderer's pure logic (type-checked with the web project).
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/renderer/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks'
  }
})
