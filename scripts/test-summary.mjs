// Adds up vitest's and Playwright's JSON reports into one closing line:
// "tests: N passed, N failed, N skipped". A missing report counts as a failure.
import { existsSync, readFileSync } from 'node:fs'

const [vitestFile, playwrightFile] = process.argv.slice(2)
let passed = 0
let failed = 0
let skipped = 0
const problems = []

if (existsSync(vitestFile)) {
  const v = JSON.parse(readFileSync(vitestFile, 'utf8'))
  passed += v.numPassedTests
  failed += v.numFailedTests
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0)
  // A file that fails to load has no failed tests of its own; count it once.
  for (const file of v.testResults ?? []) {
    if (file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed')) failed += 1
  }
} else problems.push('vitest wrote no report')

if (existsSync(playwrightFile)) {
  const p = JSON.parse(readFileSync(playwrightFile, 'utf8'))
  passed += p.stats.expected + (p.stats.flaky ?? 0)
  failed += p.stats.unexpected
  skipped += p.stats.skipped
  if (p.errors?.length) failed += p.errors.length
} else problems.push('playwright wrote no report')

failed += problems.length
for (const problem of problems) console.log(`summary: ${problem}`)
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
