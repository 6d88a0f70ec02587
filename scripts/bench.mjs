#!/usr/bin/env node
// `npm run bench -- <name>`: runs bench/<name>.ts, which prints `name: value` lines.
// With no name, runs every benchmark in turn.
import { existsSync, readdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const available = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort()
const wanted = process.argv.slice(2)
const names = wanted.length ? wanted : available
let status = 0
for (const name of names) {
  const file = join(root, 'bench', `${name}.ts`)
  if (!existsSync(file)) {
    console.error(`bench: no benchmark named ${JSON.stringify(name)}; available: ${available.join(', ')}`)
    process.exit(2)
  }
  console.log(`# ${name}`)
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), file], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) status = result.status ?? 1
}
process.exit(status)
