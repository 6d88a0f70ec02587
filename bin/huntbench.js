#!/usr/bin/env node
// The `huntbench` command. Runs the built CLI (out/main/cli.js); on a fresh checkout it
// builds first, so `npx huntbench --help` works straight after `npm install`.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(root, 'out', 'main', 'cli.js')

if (!existsSync(cli)) {
  process.stderr.write('huntbench: first run in this checkout, building (about 10 s)...\n')
  const built = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit']
  })
  if (built.status !== 0 || !existsSync(cli)) {
    process.stderr.write('huntbench: the build failed; run `npm run build` to see why.\n')
    process.exit(1)
  }
}

await import(pathToFileURL(cli).href)
