// The CLI as a separate process (source run through tsx), for tests that need a real
// process boundary: sign-in through $BROWSER, a second process reading what the first stored.
import { spawn } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { tempDir } from './tmp'

const ROOT = resolve(__dirname, '../..')

export function runCliProcess(dataDir: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli.ts'), '--data-dir', dataDir, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env }
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('close', (code) => done({ code, out, err }))
  })
}

/** A `$BROWSER` script that plays the user on the fake authority's sign-in page. */
export function playBrowserScript(): string {
  const browser = join(tempDir(), 'play-browser.sh')
  writeFileSync(browser, `#!/bin/sh\nexec "${process.execPath}" --import tsx "${join(ROOT, 'test/helpers/play-browser.ts')}" "$1"\n`)
  chmodSync(browser, 0o755)
  return browser
}
