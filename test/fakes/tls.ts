// A throwaway certificate authority for the local HTTPS fakes. The CA is made once per
// directory and reused, so a process started with NODE_EXTRA_CA_CERTS=<caCertPath> keeps
// trusting servers that later test processes start. Uses the openssl CLI because issuing
// must be synchronous (selfsigned 5 is async-only).
import { execFileSync } from 'node:child_process'
import { X509Certificate, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

export interface TestCa {
  caCertPem: string
  caCertPath: string
  issue(hosts?: string[]): { cert: string; key: string }
}

const caConfig = `[req]
distinguished_name = dn
x509_extensions = v3_ca
prompt = no
[dn]
CN = Huntbench Test CA
O = Huntbench tests
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
`

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

function usable(certPath: string, keyPath: string): boolean {
  if (!existsSync(certPath) || !existsSync(keyPath)) return false
  try {
    const cert = new X509Certificate(readFileSync(certPath))
    // A day of slack so a CA never expires in the middle of a run.
    return Date.parse(cert.validTo) > Date.now() + 86_400_000
  } catch {
    return false
  }
}

// Test files run in parallel processes; each may race to create the CA. The CA is built in
// a private folder and renamed into place, so a reader sees either no CA or a whole one.
function ensureCa(dir: string): { certPath: string; keyPath: string } {
  const caDir = join(dir, 'ca')
  const certPath = join(caDir, 'ca.pem')
  const keyPath = join(caDir, 'ca.key')
  if (usable(certPath, keyPath)) return { certPath, keyPath }
  mkdirSync(dir, { recursive: true })
  if (existsSync(caDir)) {
    // Expired or damaged: move it aside rather than delete, another process may be reading.
    try {
      renameSync(caDir, join(dir, `ca-stale-${Date.now()}-${process.pid}`))
    } catch {
      /* someone else replaced it first */
    }
  }
  const work = mkdtempSync(join(dir, 'ca-new-'))
  writeFileSync(join(work, 'ca.cnf'), caConfig)
  openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-sha256',
      '-days', '3650', '-keyout', 'ca.key', '-out', 'ca.pem', '-config', 'ca.cnf'],
    work
  )
  try {
    renameSync(work, caDir)
  } catch {
    rmSync(work, { recursive: true, force: true })
  }
  if (!usable(certPath, keyPath)) throw new Error(`test CA in ${caDir} could not be created`)
  return { certPath, keyPath }
}

function issueCert(dir: string, caCertPath: string, caKeyPath: string, hosts: string[]): { cert: string; key: string } {
  const work = mkdtempSync(join(dir, 'issue-'))
  try {
    const san = hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',')
    writeFileSync(
      join(work, 'ext.cnf'),
      `basicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature,keyEncipherment\n` +
        `extendedKeyUsage = serverAuth\nsubjectAltName = ${san}\n`
    )
    openssl(
      ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', 'key.pem', '-out', 'csr.pem', '-subj', `/CN=${hosts[0]}`],
      work
    )
    openssl(
      ['x509', '-req', '-in', 'csr.pem', '-CA', caCertPath, '-CAkey', caKeyPath,
        '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-days', '825', '-sha256',
        '-extfile', 'ext.cnf', '-out', 'cert.pem'],
      work
    )
    return { cert: readFileSync(join(work, 'cert.pem'), 'utf8'), key: readFileSync(join(work, 'key.pem'), 'utf8') }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

const issued = new Map<string, { cert: string; key: string }>()

export function loadOrCreateTestCa(
  dir = process.env.HUNTBENCH_TEST_CA_DIR ?? join(tmpdir(), 'huntbench-test-ca')
): TestCa {
  const root = resolve(dir)
  const { certPath, keyPath } = ensureCa(root)
  const caCertPem = readFileSync(certPath, 'utf8')
  return {
    caCertPem,
    caCertPath: certPath,
    issue(hosts = ['127.0.0.1', 'localhost']) {
      if (hosts.length === 0) throw new Error('issue() needs at least one host name or IP')
      const cacheKey = `${certPath}|${hosts.join(',')}`
      let pair = issued.get(cacheKey)
      if (!pair) {
        pair = issueCert(root, certPath, keyPath, hosts)
        issued.set(cacheKey, pair)
      }
      return pair
    }
  }
}

// `npx tsx test/fakes/tls.ts` prints the CA path for NODE_EXTRA_CA_CERTS in scripts.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  console.log(loadOrCreateTestCa().caCertPath)
}
