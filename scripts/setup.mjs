#!/usr/bin/env node
// Makes a checkout ready for `npm start` / `npm test`: system packages, npm dependencies,
// native modules, the build. Each step checks first, so a ready checkout costs ~1 s.
// Uses only Node built-ins: it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const purpose = process.argv.includes('--for') ? process.argv[process.argv.indexOf('--for') + 1] : 'test'
const say = (line) => process.stderr.write(`setup: ${line}\n`)

// What each purpose needs from the OS. keytar builds against libsecret; tests also need a
// keyring daemon in a private D-Bus session, Chromium for Playwright and openssl for the
// fake authority's certificates.
const systemPackages = {
  start: ['libsecret-1-dev', 'python3', 'make', 'g++'],
  test: ['libsecret-1-dev', 'python3', 'make', 'g++', 'gnome-keyring', 'dbus-bin', 'chromium', 'openssl']
}

const installEnv = {
  ...process.env,
  ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  // Build native modules against the local Node headers instead of downloading them.
  ...(existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {})
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: installEnv, ...options })
  if (result.status !== 0) {
    say(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}).`)
    process.exit(result.status || 1)
  }
}

function missingDebianPackages(names) {
  if (!existsSync('/usr/bin/dpkg-query')) return null
  return names.filter((name) => {
    try {
      return !execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed')
    } catch {
      return true
    }
  })
}

function ensureSystemPackages() {
  const wanted = systemPackages[purpose] ?? systemPackages.test
  const missing = missingDebianPackages(wanted)
  if (missing === null) {
    say(`not a Debian/Ubuntu system: make sure these (or your distribution's equivalents) are installed: ${wanted.join(' ')}`)
    return
  }
  if (missing.length === 0) return
  const command = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(' ')}`
  if (process.getuid?.() !== 0) {
    say(`missing system packages: ${missing.join(' ')}. Run as root:\n  sudo sh -c '${command}'`)
    process.exit(1)
  }
  say(`installing system packages: ${missing.join(' ')}`)
  run('sh', ['-c', command], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs
  } catch {
    return 0
  }
}

function newestUnder(dir) {
  let newest = 0
  if (!existsSync(dir)) return newest
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : mtime(path))
  }
  return newest
}

function ensureDependencies() {
  const installed = join(root, 'node_modules', '.package-lock.json')
  if (existsSync(installed) && mtime(installed) >= mtime(join(root, 'package-lock.json'))) return
  say('installing npm dependencies (npm ci; the native modules build from source, about 2 minutes)')
  run('npm', ['ci', '--no-audit', '--no-fund'])
}

function ensureNativeModules() {
  const probe = spawnSync(process.execPath, ['-e', "require('better-sqlite3')(':memory:').close(); require('keytar')"], { cwd: root, stdio: 'pipe', encoding: 'utf8' })
  if (probe.status === 0) return
  say('native modules do not load for this Node; rebuilding better-sqlite3 and keytar')
  run('npm', ['rebuild', 'better-sqlite3', 'keytar'])
}

function ensureBuild() {
  const stamp = join(root, 'out', '.build-stamp')
  const inputs = Math.max(
    newestUnder(join(root, 'src')),
    newestUnder(join(root, 'test', 'fakes')),
    mtime(join(root, 'electron.vite.config.ts')),
    mtime(join(root, 'package-lock.json'))
  )
  if (existsSync(stamp) && mtime(stamp) >= inputs) return
  say('building (electron-vite build)')
  run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
  mkdirSync(dirname(stamp), { recursive: true })
  writeFileSync(stamp, new Date().toISOString() + '\n')
}

ensureSystemPackages()
ensureDependencies()
ensureNativeModules()
ensureBuild()
