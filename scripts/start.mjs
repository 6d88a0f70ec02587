#!/usr/bin/env node
// `npm start`: the desktop app when the Electron runtime can be had, browser mode when it
// cannot (offline, blocked download), said in one clear line.
import { spawn, spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { electronSqliteBuild } from './electron-native.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)

function browserMode(reason) {
  process.stderr.write(`Huntbench: ${reason}; starting browser mode instead.\n`)
  const child = spawn(process.execPath, [join(root, 'bin', 'huntbench.js'), 'web', ...args], { cwd: root, stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}

// Resolving `electron` downloads its binary on first use (Electron 42+); do that in a child
// so its progress and stack traces stay out of the way, and keep only the verdict.
const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
  timeout: 10 * 60_000
})
if (probe.status !== 0 || !probe.stdout) {
  browserMode('the Electron runtime could not be obtained (offline, or its download is blocked)')
} else {
  const binding = electronSqliteBuild(root)
  if (!binding.ok) {
    browserMode(`the desktop app needs better-sqlite3 built for Electron, and that build failed (${binding.reason})`)
  } else {
    const child = spawn(probe.stdout, [root, ...args], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, HUNTBENCH_SQLITE_BINDING: binding.file }
    })
    child.on('exit', (code) => process.exit(code ?? 0))
  }
}
