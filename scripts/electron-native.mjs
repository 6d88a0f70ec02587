// A second build of better-sqlite3 for Electron's ABI, kept outside node_modules in
// .cache/electron-native/<electron version>/ and loaded through better-sqlite3's
// `nativeBinding` option, so the Node build that tests and the CLI use is never touched.
// Needs Electron's headers (downloaded by node-gyp); made once per Electron version.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

export function electronSqliteBuild(root) {
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version
  const dir = join(root, '.cache', 'electron-native', electronVersion)
  const file = join(dir, 'better_sqlite3.node')
  if (existsSync(file)) return { ok: true, file }
  process.stderr.write(`Huntbench: building better-sqlite3 for Electron ${electronVersion} (once, about a minute)...\n`)
  const work = join(dir, 'src')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  cpSync(join(root, 'node_modules', 'better-sqlite3'), work, { recursive: true, filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`) })
  // node-gyp ships inside npm; prefer a project copy, then npm's, then npx.
  const npmDir = process.env.npm_execpath ? join(process.env.npm_execpath, '..', '..') : ''
  const nodeGyp = [join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')].find((f) => existsSync(f)) ?? null
  const result = spawnSync(
    nodeGyp ? process.execPath : 'npx',
    [...(nodeGyp ? [nodeGyp] : ['--yes', 'node-gyp']), 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
    { cwd: work, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, npm_config_nodedir: '' } }
  )
  const built = join(work, 'build', 'Release', 'better_sqlite3.node')
  if (result.status !== 0 || !existsSync(built)) {
    const last = (result.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? 'node-gyp failed'
    return { ok: false, reason: last.slice(0, 200) }
  }
  cpSync(built, file)
  rmSync(work, { recursive: true, force: true })
  return { ok: true, file }
}

// `node scripts/electron-native.mjs` (used by `npm run dist`): make the build, or fail loudly.
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL('..', import.meta.url).pathname
  const result = electronSqliteBuild(root)
  if (!result.ok) {
    process.stderr.write(`electron-native: ${result.reason}\n`)
    process.exit(1)
  }
  process.stdout.write(result.file + '\n')
}
