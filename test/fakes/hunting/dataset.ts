// The fake tenant's hunting data: every standard Defender table from
// src/shared/hunting-schema.ts, generated row by row from a seeded PRNG. Rows are made
// on demand (never stored), in ascending Timestamp order over the 30 days before `anchorMs`,
// so DeviceNetworkEvents can hold well over 100,000 rows without costing memory.
import { defenderTables, type HuntingColumnType } from '../../../src/shared/hunting-schema'
import type { Catalog, TableSource } from './kql'
import { KDateTime, type KValue, type Row } from './kql-values'
import {
  accounts, alertTitles, devices, files, goodSenders, guid, guidFrom, hash, int, linuxSpawns, phishSenders,
  pick, processes, remotes, rngFor, subjects, urls, userPublicIps, weighted, windowsSpawns,
  type Account, type Device, type Rng
} from './dataset-pools'

const DAY = 86_400_000
export const WINDOW_MS = 30 * DAY
export const DEFAULT_ROWS = 120_000

type Gen = (i: number, r: Rng, ts: KDateTime) => Partial<Row>

interface TableDef {
  count: number
  gen: Gen
  /** Row time in ms (fractional = sub-ms ticks); must not decrease with i. */
  timeOf?: (i: number) => number
}

const defaults: Record<HuntingColumnType, KValue> = {
  String: '', DateTime: null, Int64: null, Int32: null, Double: null, Boolean: null, Guid: null, TimeSpan: null, Dynamic: null
}

const hashCache = new Map<string, { SHA1: string; SHA256: string; MD5: string }>()
function fileHashes(name: string): { SHA1: string; SHA256: string; MD5: string } {
  let h = hashCache.get(name)
  if (!h) {
    h = { SHA1: hash(name, 'sha1'), SHA256: hash(name), MD5: hash(name, 'md5') }
    hashCache.set(name, h)
  }
  return h
}
const SCANNERS = new Set(['45.33.32.156', '185.220.101.1'])
const windowsDevices = devices.filter((x) => x.os !== 'Linux')
// Which processes talk to each remote, restricted to ones the pool knows.
const remoteProcs = new Map(remotes.map(([, rem]) => [rem, rem.procs.filter((p) => p in processes).concat(rem.procs.every((p) => p in processes) ? [] : ['svchost.exe'])]))
const SYSTEM: Account = { name: 'system', display: 'SYSTEM', upn: '', sid: 'S-1-5-18', objectId: '' }
const acctDomain = (a: Account) => (a === SYSTEM ? 'nt authority' : 'contoso')

function initiating(procName: string, account: Account, r: Rng, ts: KDateTime, parentName = 'explorer.exe'): Partial<Row> {
  const p = processes[procName] ?? processes['svchost.exe']!
  const h = fileHashes(p.file)
  return {
    InitiatingProcessAccountDomain: acctDomain(account), InitiatingProcessAccountName: account.name,
    InitiatingProcessAccountSid: account.sid, InitiatingProcessAccountUpn: account.upn, InitiatingProcessAccountObjectId: account.objectId,
    InitiatingProcessSHA1: h.SHA1, InitiatingProcessSHA256: h.SHA256, InitiatingProcessMD5: h.MD5,
    InitiatingProcessFileName: p.file, InitiatingProcessFileSize: 40_000 + (parseInt(h.MD5.slice(0, 5), 16) % 900_000),
    InitiatingProcessVersionInfoCompanyName: p.company, InitiatingProcessVersionInfoProductName: p.product,
    InitiatingProcessVersionInfoOriginalFileName: p.file, InitiatingProcessVersionInfoInternalFileName: p.file.replace(/\.exe$/i, ''),
    InitiatingProcessId: int(r, 1000, 30000), InitiatingProcessCommandLine: pick(r, p.commands),
    InitiatingProcessCreationTime: new KDateTime(ts.ms - int(r, 1000, 3_600_000), int(r, 0, 9999)),
    InitiatingProcessFolderPath: p.folder + p.file, InitiatingProcessParentFileName: parentName,
    InitiatingProcessParentId: int(r, 400, 9000), InitiatingProcessIntegrityLevel: account === SYSTEM ? 'System' : 'Medium',
    InitiatingProcessTokenElevation: 'TokenElevationTypeDefault', InitiatingProcessLogonId: int(r, 100_000, 9_999_999),
    InitiatingProcessSessionId: account === SYSTEM ? 0 : 1, IsInitiatingProcessRemoteSession: false
  }
}

function deviceAccount(d: Device, procName: string): Account {
  return procName === 'svchost.exe' || procName === 'sqlservr.exe' || d.type === 'Server' && procName !== 'powershell.exe' ? SYSTEM : d.user
}

function networkEvent(i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const d = pick(r, devices)
  const rem = weighted(r, remotes)
  const procName = d.os === 'Linux' ? pick(r, ['nginx', 'bash', 'sshd']) : pick(r, remoteProcs.get(rem)!)
  const drawn = weighted(r, [[85, 'ConnectionSuccess'], [8, 'ConnectionFailed'], [4, 'InboundConnectionAccepted'], [3, 'ConnectionRequest']] as const)
  // Only scanners and internal hosts connect in; nobody is reached from 8.8.8.8.
  const action = drawn === 'InboundConnectionAccepted' && !(rem.type === 'Private' || SCANNERS.has(rem.ip)) ? 'ConnectionSuccess' : drawn
  const remotePort = pick(r, rem.ports)
  const inbound = action === 'InboundConnectionAccepted'
  return {
    Timestamp: ts, DeviceId: d.id, DeviceName: d.name, ActionType: action,
    RemoteIP: rem.ip, RemotePort: inbound ? int(r, 49152, 65535) : remotePort, RemoteUrl: inbound ? '' : rem.url,
    LocalIP: d.ip, LocalPort: inbound ? pick(r, d.type === 'Server' ? [443, 22, 3389] : [3389, 445]) : int(r, 49152, 65535),
    Protocol: remotePort === 53 ? 'Udp' : 'Tcp', LocalIPType: 'Private', RemoteIPType: rem.type,
    ...initiating(procName, deviceAccount(d, procName), r, ts), ReportId: i + 1
  }
}

function processEvent(i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const d = pick(r, devices)
  const [child, parent] = weighted(r, d.os === 'Linux' ? linuxSpawns : windowsSpawns)
  const p = processes[child]!
  const account = deviceAccount(d, child)
  const h = fileHashes(p.file)
  return {
    Timestamp: ts, DeviceId: d.id, DeviceName: d.name, ActionType: 'ProcessCreated', FileName: p.file,
    FolderPath: p.folder + p.file, ...h, FileSize: 40_000 + (parseInt(h.MD5.slice(0, 5), 16) % 900_000),
    ProcessVersionInfoCompanyName: p.company, ProcessVersionInfoProductName: p.product,
    ProcessVersionInfoOriginalFileName: p.file, ProcessVersionInfoInternalFileName: p.file.replace(/\.exe$/i, ''),
    ProcessId: int(r, 1000, 30000), ProcessCommandLine: pick(r, p.commands),
    ProcessIntegrityLevel: account === SYSTEM ? 'System' : 'Medium', ProcessTokenElevation: 'TokenElevationTypeDefault',
    ProcessCreationTime: ts, AccountDomain: acctDomain(account), AccountName: account.name, AccountSid: account.sid,
    AccountUpn: account.upn, AccountObjectId: account.objectId, LogonId: int(r, 100_000, 9_999_999),
    CreatedProcessSessionId: account === SYSTEM ? 0 : 1, IsProcessRemoteSession: false,
    ...initiating(parent in processes ? parent : 'explorer.exe', account, r, ts, 'userinit.exe'),
    InitiatingProcessFileName: parent, InitiatingProcessSignerType: 'OsVendor', InitiatingProcessSignatureStatus: 'Valid',
    ReportId: i + 1
  }
}

function fileEvent(i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const d = pick(r, windowsDevices)
  const f = pick(r, files)
  const action = weighted(r, [[50, 'FileCreated'], [35, 'FileModified'], [10, 'FileDeleted'], [5, 'FileRenamed']] as const)
  const proc = f.origin.startsWith('http://45') ? 'certutil.exe' : f.origin.startsWith('http://185') ? 'powershell.exe' : pick(r, ['explorer.exe', 'chrome.exe', 'msedge.exe'])
  return {
    Timestamp: ts, DeviceId: d.id, DeviceName: d.name, ActionType: action, FileName: f.name,
    FolderPath: f.folder.replace('{user}', d.user.name) + f.name, ...fileHashes(f.name), FileSize: int(r, 1_000, 5_000_000),
    FileOriginUrl: action === 'FileCreated' ? f.origin : '', FileOriginIP: action === 'FileCreated' && f.origin ? (/\/\/([\d.]+)\//.exec(f.origin)?.[1] ?? '') : '',
    PreviousFileName: action === 'FileRenamed' ? `${f.name}.tmp` : '', ...initiating(proc, d.user, r, ts), ReportId: i + 1
  }
}

function logonEvent(i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const d = pick(r, devices)
  const failed = r() < 0.15
  const spray = failed && r() < 0.5
  const account = spray ? pick(r, accounts) : d.user
  const logonType = spray ? 'RemoteInteractive' : weighted(r, [[40, 'Interactive'], [30, 'Network'], [10, 'RemoteInteractive'], [10, 'Unlock'], [10, 'Service']] as const)
  const remote = logonType === 'Network' || logonType === 'RemoteInteractive'
  return {
    Timestamp: ts, DeviceId: d.id, DeviceName: d.name, ActionType: failed ? 'LogonFailed' : 'LogonSuccess', LogonType: logonType,
    AccountDomain: 'contoso', AccountName: account.name, AccountSid: account.sid, Protocol: pick(r, ['Kerberos', 'NTLM', 'Negotiate']),
    FailureReason: failed ? 'InvalidUserNameOrPassword' : '', IsLocalAdmin: account.name === 'administrator', LogonId: int(r, 100_000, 9_999_999),
    RemoteIP: spray ? '185.220.101.1' : remote ? pick(r, ['10.20.3.31', '10.20.0.10', '10.20.1.12']) : '',
    RemoteIPType: spray ? 'Public' : remote ? 'Private' : '', RemotePort: remote ? int(r, 49152, 65535) : null,
    RemoteDeviceName: spray ? '' : remote ? 'wks-it-01' : '', ...initiating('svchost.exe', SYSTEM, r, ts, 'services.exe'), ReportId: i + 1
  }
}

function registryEvent(i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const d = pick(r, windowsDevices)
  const run = r() < 0.3
  return {
    Timestamp: ts, DeviceId: d.id, DeviceName: d.name, ActionType: weighted(r, [[70, 'RegistryValueSet'], [20, 'RegistryKeyCreated'], [10, 'RegistryValueDeleted']] as const),
    RegistryKey: run ? 'HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run' : pick(r, ['HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\Dnscache\\Parameters', 'HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles']),
    RegistryValueType: 'String', RegistryValueName: run ? pick(r, ['OneDriveSync', 'Teams']) : 'CacheHashTableSize',
    RegistryValueData: run ? pick(r, ['C:\\Users\\Public\\p.bin', 'C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe /background']) : String(int(r, 100, 900)),
    ...initiating(run ? pick(r, ['powershell.exe', 'explorer.exe']) : 'svchost.exe', run ? d.user : SYSTEM, r, ts), ReportId: i + 1
  }
}

function deviceEvent(i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const d = pick(r, windowsDevices)
  const kind = weighted(r, [[40, 'DnsQueryResponse'], [25, 'PowerShellCommand'], [15, 'ScheduledTaskCreated'], [10, 'AntivirusDetection'], [10, 'SmartScreenUrlWarning']] as const)
  const rem = weighted(r, remotes)
  const extra: Record<string, Partial<Row>> = {
    DnsQueryResponse: { RemoteUrl: rem.url, AdditionalFields: JSON.stringify({ DnsQueryString: rem.url || 'contoso.test', DnsQueryResult: [{ DnsQueryType: 'A', Address: rem.ip }] }) },
    PowerShellCommand: { AdditionalFields: JSON.stringify({ Command: pick(r, ['Invoke-WebRequest', 'Get-ChildItem', 'New-Object', 'Get-ADUser']) }) },
    ScheduledTaskCreated: { AdditionalFields: JSON.stringify({ TaskName: '\\OneDrive Sync', TaskContent: 'C:\\Users\\Public\\p.bin' }) },
    AntivirusDetection: { FileName: 'p.bin', FolderPath: 'C:\\Users\\Public\\p.bin', ...fileHashes('p.bin'), AdditionalFields: JSON.stringify({ ThreatName: 'Trojan:Win32/Meterpreter.A', WasRemediated: true }) },
    SmartScreenUrlWarning: { RemoteUrl: 'http://45.33.32.156/invoice.html', RemoteIP: '45.33.32.156', AdditionalFields: JSON.stringify({ Experience: 'Phishing' }) }
  }
  return {
    Timestamp: ts, DeviceId: d.id, DeviceName: d.name, ActionType: kind, AccountDomain: 'contoso', AccountName: d.user.name, AccountSid: d.user.sid,
    ...extra[kind], ...initiating(kind === 'PowerShellCommand' ? 'powershell.exe' : kind === 'SmartScreenUrlWarning' ? 'msedge.exe' : 'svchost.exe', d.user, r, ts), ReportId: i + 1
  }
}

function imageLoadEvent(i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const d = pick(r, windowsDevices)
  const dll = pick(r, ['amsi.dll', 'ntdll.dll', 'wininet.dll', 'clr.dll', 'System.Management.Automation.ni.dll', 'vaultcli.dll'])
  return {
    Timestamp: ts, DeviceId: d.id, DeviceName: d.name, ActionType: 'ImageLoaded', FileName: dll, FolderPath: `C:\\Windows\\System32\\${dll}`,
    ...fileHashes(dll), FileSize: int(r, 50_000, 2_000_000), ...initiating(pick(r, ['powershell.exe', 'chrome.exe', 'OUTLOOK.EXE', 'rundll32.exe']), d.user, r, ts), ReportId: i + 1
  }
}

const daily = (start: number, perDay: number) => (i: number) => start + Math.floor(i / perDay) * DAY + (i % perDay) * 60_000 + 3_600_000

function deviceInfo(i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const d = devices[i % devices.length]!
  const platform = d.os === 'Linux' ? 'Linux' : d.os
  return {
    Timestamp: ts, DeviceId: d.id, DeviceName: d.name, ClientVersion: d.os === 'Linux' ? '101.24042.0002' : '10.8760.22621.1000', PublicIP: d.publicIp,
    OSArchitecture: '64-bit', OSPlatform: platform, OSBuild: d.osBuild || null, IsAzureADJoined: d.type === 'Workstation', JoinType: d.type === 'Workstation' ? 'Hybrid Azure AD Join' : 'Domain Joined',
    AadDeviceId: d.type === 'Workstation' ? guid(`aad:${d.name}`) : '', LoggedOnUsers: JSON.stringify([{ UserName: d.user.name, DomainName: 'CONTOSO', Sid: d.user.sid }]),
    OSVersion: d.osVersion, MachineGroup: d.type === 'Server' ? 'Servers' : 'Workstations', ReportId: i + 1, OnboardingStatus: 'Onboarded',
    DeviceCategory: 'Endpoint', DeviceType: d.type, Model: d.os === 'Linux' ? 'Virtual Machine' : pick(r, ['Latitude 7440', 'ThinkPad T14 Gen 4', 'Virtual Machine']),
    Vendor: d.os === 'Linux' ? 'Microsoft Corporation' : 'Dell Inc.', OSDistribution: d.os === 'Linux' ? 'Ubuntu' : '', IsInternetFacing: d.internetFacing,
    SensorHealthState: 'Active', IsExcluded: false, ExposureLevel: d.internetFacing ? 'High' : pick(r, ['Low', 'Medium']), AssetValue: d.name.startsWith('srv-dc') ? 'High' : 'Normal',
    DeviceManualTags: '[]', DeviceDynamicTags: '[]', ConnectivityType: 'Streamlined', IsTransient: false
  }
}

function networkInfo(i: number, _r: Rng, ts: KDateTime): Partial<Row> {
  const d = devices[i % devices.length]!
  const gw = d.ip.replace(/\.\d+$/, '.1')
  return {
    Timestamp: ts, DeviceId: d.id, DeviceName: d.name, NetworkAdapterName: 'Ethernet0', MacAddress: d.mac, NetworkAdapterType: 'Ethernet',
    NetworkAdapterStatus: 'Up', TunnelType: 'None', ConnectedNetworks: JSON.stringify([{ Name: 'contoso.test', Category: 'Domain', IsConnectedToInternet: true }]),
    DnsAddresses: JSON.stringify(['10.20.0.10']), IPv4Dhcp: '10.20.0.10', DefaultGateways: JSON.stringify([gw]),
    IPAddresses: JSON.stringify([{ IPAddress: d.ip, SubnetPrefix: 24, AddressType: 'Private' }]), ReportId: i + 1, NetworkAdapterVendor: 'Microsoft'
  }
}

function email(i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const phish = r() < 0.12
  const sender = phish ? pick(r, phishSenders) : pick(r, goodSenders)
  const rcpt = pick(r, accounts.slice(0, 6))
  const blocked = phish && r() < 0.5
  return {
    Timestamp: ts, NetworkMessageId: guid(`mail:${i}`), InternetMessageId: `<${hash(`mail:${i}`).slice(0, 20)}@${sender.split('@')[1]}>`,
    SenderMailFromAddress: sender, SenderFromAddress: sender, SenderDisplayName: sender.split('@')[0]!, SenderMailFromDomain: sender.split('@')[1]!, SenderFromDomain: sender.split('@')[1]!,
    SenderIPv4: phish ? pick(r, ['45.33.32.156', '185.220.101.1']) : pick(r, ['40.107.22.54', '52.100.10.11']), RecipientEmailAddress: rcpt.upn, RecipientObjectId: rcpt.objectId,
    Subject: phish ? pick(r, subjects.slice(0, 2)) : pick(r, subjects.slice(2)), EmailClusterId: int(r, 1e9, 9e9), EmailDirection: sender.endsWith('contoso.test') ? 'Intra-org' : 'Inbound',
    DeliveryAction: blocked ? 'Blocked' : 'Delivered', DeliveryLocation: blocked ? 'Quarantine' : phish ? 'Junk folder' : 'Inbox',
    ThreatTypes: phish ? 'Phish' : '', DetectionMethods: phish ? JSON.stringify({ Phish: ['URL detonation reputation'] }) : '',
    ConfidenceLevel: phish ? JSON.stringify({ Phish: 'High' }) : '', BulkComplaintLevel: int(r, 0, 9), EmailAction: blocked ? 'Send to quarantine' : '',
    AuthenticationDetails: JSON.stringify({ SPF: phish ? 'fail' : 'pass', DKIM: phish ? 'none' : 'pass', DMARC: phish ? 'fail' : 'pass' }),
    AttachmentCount: i % 3 === 0 ? 1 : 0, UrlCount: i % 2 === 0 ? 1 : 0, EmailLanguage: 'en', ReportId: `${guid(`mail:${i}`)}-1`
  }
}

const bucket = (childCount: number, parentCount: number) => (i: number) => Math.min(parentCount - 1, Math.floor((i * parentCount) / childCount))

export function createDataset(opts: { anchorMs: number; rows?: number }): { catalog: Catalog; tables: Map<string, TableSource> } {
  const n = Math.max(1, Math.floor(opts.rows ?? DEFAULT_ROWS))
  const start = opts.anchorMs - WINDOW_MS
  const scaled = (div: number, min = 10) => Math.max(min, Math.floor(n / div))
  const emails = scaled(60, 50)
  const alerts = scaled(2000, 12)
  const emailTime = (j: number) => start + (j + 0.5) * (WINDOW_MS / emails)
  const mailOf = (j: number) => email(j, rngFor(1009, j), new KDateTime(Math.floor(emailTime(j))))
  const alertOf = (j: number) => alertTitles[j % alertTitles.length]!
  const child = (count: number, parents: number, parentTime: (j: number) => number) => {
    const b = bucket(count, parents)
    return { count, timeOf: (i: number) => parentTime(b(i)) + 1 + (i % 997) / 1000, parent: b }
  }
  const att = child(Math.max(1, Math.floor(emails / 3)), emails, emailTime)
  const eurl = child(Math.max(1, Math.floor(emails / 2)), emails, emailTime)
  const clicks = child(Math.max(1, Math.floor(emails / 10)), emails, (j) => emailTime(j) + 600_000)
  const alertTime = (j: number) => start + (j + 0.5) * (WINDOW_MS / alerts)
  const evidence = child(alerts * 3, alerts, alertTime)

  const defs: Record<string, TableDef> = {
    DeviceNetworkEvents: { count: n, gen: networkEvent },
    DeviceProcessEvents: { count: scaled(4), gen: processEvent },
    DeviceFileEvents: { count: scaled(8), gen: fileEvent },
    DeviceLogonEvents: { count: scaled(40), gen: logonEvent },
    DeviceRegistryEvents: { count: scaled(40), gen: registryEvent },
    DeviceEvents: { count: scaled(16), gen: deviceEvent },
    DeviceImageLoadEvents: { count: scaled(16), gen: imageLoadEvent },
    DeviceInfo: { count: devices.length * 30, gen: deviceInfo, timeOf: daily(start, devices.length) },
    DeviceNetworkInfo: { count: devices.length * 30, gen: networkInfo, timeOf: daily(start, devices.length) },
    EmailEvents: { count: emails, gen: (j) => mailOf(j), timeOf: emailTime },
    EmailAttachmentInfo: {
      count: att.count, timeOf: att.timeOf,
      gen: (i, r, ts) => { const m = mailOf(att.parent(i)); const bad = m.ThreatTypes === 'Phish'; const name = bad ? pick(r, ['invoice.html', 'Q3-invoice.pdf.exe']) : pick(r, ['budget.xlsx', 'report.docx']); return { ...pickMail(m), Timestamp: ts, FileName: name, FileType: name.split('.').pop()!, SHA256: hash(name), FileSize: int(r, 10_000, 900_000), ThreatTypes: bad ? 'Malware' : '', ThreatNames: bad ? 'Trojan:HTML/Phish.A' : '', DetectionMethods: bad ? JSON.stringify({ Malware: ['File detonation'] }) : '', ReportId: `${String(m.NetworkMessageId)}-a${i}` } }
    },
    EmailUrlInfo: {
      count: eurl.count, timeOf: eurl.timeOf,
      gen: (i, r, ts) => { const m = mailOf(eurl.parent(i)); const u = m.ThreatTypes === 'Phish' ? pick(r, urls.filter((x) => x.bad)) : pick(r, urls.filter((x) => !x.bad)); return { Timestamp: ts, NetworkMessageId: m.NetworkMessageId, Url: u.url, UrlDomain: u.domain, UrlLocation: 'Body', ReportId: `${String(m.NetworkMessageId)}-u${i}` } }
    },
    UrlClickEvents: {
      count: clicks.count, timeOf: clicks.timeOf,
      gen: (i, r, ts) => { const m = mailOf(clicks.parent(i)); const bad = m.ThreatTypes === 'Phish'; const u = pick(r, urls.filter((x) => x.bad === bad)); return { Timestamp: ts, Url: u.url, ActionType: bad ? pick(r, ['ClickBlocked', 'ClickAllowed']) : 'ClickAllowed', AccountUpn: m.RecipientEmailAddress, Workload: 'Email', NetworkMessageId: m.NetworkMessageId, ThreatTypes: bad ? 'Phish' : '', IPAddress: pick(r, userPublicIps), IsClickedThrough: bad && r() < 0.3, UrlChain: JSON.stringify([u.url]), ReportId: guidFrom(r) } }
    },
    IdentityLogonEvents: { count: scaled(60), gen: identityLogon },
    IdentityQueryEvents: { count: scaled(120), gen: identityQuery },
    IdentityDirectoryEvents: { count: scaled(400), gen: identityDirectory },
    AlertInfo: {
      count: alerts, timeOf: alertTime,
      gen: (i, r, ts) => { const a = alertOf(i); return { Timestamp: ts, AlertId: `da${hash(`alert:${i}`).slice(0, 18)}`, Title: a.title, Category: a.category, Severity: weighted(r, [[3, 'High'], [4, 'Medium'], [2, 'Low'], [1, 'Informational']] as const), ServiceSource: a.source, DetectionSource: a.detection, AttackTechniques: JSON.stringify([a.technique]) } }
    },
    AlertEvidence: {
      count: evidence.count, timeOf: evidence.timeOf,
      gen: (i, r, ts) => alertEvidence(i, evidence.parent(i), r, ts, alertOf(evidence.parent(i)))
    },
    CloudAppEvents: { count: scaled(60), gen: cloudAppEvent }
  }

  const tables = new Map<string, TableSource>()
  for (const t of defenderTables) {
    const def = defs[t.name]
    if (!def) continue
    tables.set(t.name, makeSource(t.name, t.columns.map((c) => ({ name: c.name, type: c.type })), def, start, 5000 + tables.size * 7919))
  }
  return { catalog: (name) => tables.get(name), tables }
}

const pickMail = (m: Partial<Row>): Partial<Row> => ({
  NetworkMessageId: m.NetworkMessageId, SenderFromAddress: m.SenderFromAddress, SenderDisplayName: m.SenderDisplayName,
  RecipientEmailAddress: m.RecipientEmailAddress, RecipientObjectId: m.RecipientObjectId
})

function makeSource(name: string, columns: TableSource['columns'], def: TableDef, start: number, seed: number): TableSource {
  const step = WINDOW_MS / def.count
  const timeOf = def.timeOf ?? ((i: number) => start + (i + rngFor(seed ^ 0x5bd1e995, i)() * 0.999) * step)
  const firstAtOrAfter = (t: number) => {
    let lo = 0
    let hi = def.count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (timeOf(mid) < t) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  // An object literal with every column in schema order keeps rows in V8's fast shape,
  // several times quicker than assigning 40-60 keys one by one.
  const build = new Function(
    'p', 'd',
    `return {${columns.map((c) => `${JSON.stringify(c.name)}: p[${JSON.stringify(c.name)}] ?? d[${JSON.stringify(c.type)}]`).join(',')}}`
  ).bind(null) as (p: Partial<Row>, d?: unknown) => Row
  const buildRow = (p: Partial<Row>) => build(p, defaults)
  const rowAt = (i: number): Row => {
    const t = timeOf(i)
    const ms = Math.floor(t)
    const partial = def.gen(i, rngFor(seed, i), new KDateTime(ms, Math.floor((t - ms) * 10_000)))
    return buildRow(partial)
  }
  return {
    name,
    columns,
    *scan(fromMs, toMs) {
      const lo = fromMs === undefined ? 0 : firstAtOrAfter(fromMs)
      const hi = toMs === undefined ? def.count : firstAtOrAfter(toMs)
      for (let i = lo; i < hi; i++) yield rowAt(i)
    }
  }
}

function identityLogon(_i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const spray = r() < 0.1
  const a = pick(r, accounts.slice(0, 6))
  const cloud = spray || r() < 0.5
  return {
    Timestamp: ts, ActionType: spray ? 'LogonFailed' : r() < 0.05 ? 'LogonFailed' : 'LogonSuccess', Application: cloud ? 'Microsoft 365' : 'Active Directory',
    LogonType: cloud ? 'Login:login' : 'Resource access', Protocol: cloud ? '' : pick(r, ['Kerberos', 'Ntlm']), FailureReason: spray ? 'WrongPassword' : '',
    AccountName: a.name, AccountDomain: 'contoso.test', AccountUpn: a.upn, AccountSid: a.sid, AccountObjectId: a.objectId, AccountDisplayName: a.display,
    DeviceName: cloud ? '' : pick(r, devices).name, DeviceType: cloud ? '' : 'Workstation', OSPlatform: cloud ? '' : 'Windows',
    IPAddress: spray ? '185.220.101.1' : cloud ? pick(r, userPublicIps) : pick(r, devices).ip, Port: cloud ? null : int(r, 49152, 65535),
    DestinationDeviceName: cloud ? '' : 'srv-dc-01.contoso.test', DestinationIPAddress: cloud ? '' : '10.20.0.10', DestinationPort: cloud ? null : 88,
    Location: spray ? 'DE' : 'US', ISP: spray ? 'Tor exit relay' : 'Contoso ISP', ReportId: guidFrom(r)
  }
}

function identityQuery(_i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const a = pick(r, accounts)
  const d = pick(r, devices)
  const kind = weighted(r, [[50, ['DNS query', 'Dns', 'A', pick(r, ['dns.google', 'github.com', 'contoso.test'])]], [35, ['LDAP query', 'Ldap', 'AllUsers', 'contoso.test']], [15, ['SAMR query', 'Samr', 'QueryGroup', 'Domain Admins']]] as const)
  return {
    Timestamp: ts, ActionType: kind[0], Application: 'Active Directory', QueryType: kind[2], QueryTarget: kind[3], Query: kind[1] === 'Ldap' ? '(&(objectClass=user)(objectCategory=person))' : kind[3],
    Protocol: kind[1], AccountName: a.name, AccountDomain: 'contoso.test', AccountUpn: a.upn, AccountSid: a.sid, AccountObjectId: a.objectId, AccountDisplayName: a.display,
    DeviceName: d.name, IPAddress: d.ip, Port: int(r, 49152, 65535), DestinationDeviceName: 'srv-dc-01.contoso.test', DestinationIPAddress: '10.20.0.10',
    DestinationPort: kind[1] === 'Dns' ? 53 : kind[1] === 'Ldap' ? 389 : 445, Location: 'US', ReportId: guidFrom(r)
  }
}

function identityDirectory(_i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const actor = pick(r, accounts.slice(6))
  const target = pick(r, accounts.slice(0, 6))
  const action = pick(r, ['Account Password changed', 'Group Membership changed', 'Account enabled', 'Account Disabled changed'])
  return {
    Timestamp: ts, ActionType: action, Application: 'Active Directory', TargetAccountUpn: target.upn, TargetAccountDisplayName: target.display,
    DestinationDeviceName: 'srv-dc-01.contoso.test', DestinationIPAddress: '10.20.0.10', DestinationPort: 389, Protocol: 'Ldap',
    AccountName: actor.name, AccountDomain: 'contoso.test', AccountUpn: actor.upn, AccountSid: actor.sid, AccountObjectId: actor.objectId, AccountDisplayName: actor.display,
    DeviceName: 'wks-it-01.contoso.test', IPAddress: '10.20.3.31', Port: int(r, 49152, 65535), Location: 'US',
    AdditionalFields: JSON.stringify(action === 'Group Membership changed' ? { 'TO.GROUP': 'Domain Admins' } : {}), ReportId: guidFrom(r)
  }
}

function alertEvidence(i: number, j: number, r: Rng, ts: KDateTime, a: (typeof alertTitles)[number]): Partial<Row> {
  const d = devices[j % devices.length]!
  const base = { Timestamp: ts, AlertId: `da${hash(`alert:${j}`).slice(0, 18)}`, Title: a.title, Categories: JSON.stringify([a.category]), AttackTechniques: JSON.stringify([a.technique]), ServiceSource: a.source, DetectionSource: a.detection }
  switch (i % 3) {
    case 0: return { ...base, EntityType: 'Machine', EvidenceRole: 'Impacted', DeviceId: d.id, DeviceName: d.name, LocalIP: d.ip }
    case 1: return { ...base, EntityType: 'Ip', EvidenceRole: 'Related', RemoteIP: pick(r, ['185.220.101.1', '45.33.32.156']) }
    default: return { ...base, EntityType: 'User', EvidenceRole: 'Impacted', AccountName: d.user.name, AccountDomain: 'contoso', AccountSid: d.user.sid, AccountObjectId: d.user.objectId, AccountUpn: d.user.upn }
  }
}

function cloudAppEvent(_i: number, r: Rng, ts: KDateTime): Partial<Row> {
  const a = pick(r, accounts.slice(0, 6))
  const [app, appId, action] = pick(r, [
    ['Microsoft SharePoint Online', 20892, 'FileDownloaded'], ['Microsoft SharePoint Online', 20892, 'FileAccessed'], ['Microsoft Exchange Online', 20893, 'MailItemsAccessed'],
    ['Microsoft Exchange Online', 20893, 'New-InboxRule'], ['Microsoft Teams', 11394, 'MessageSent'], ['Microsoft OneDrive for Business', 15600, 'FileUploaded']
  ] as const)
  const tor = action === 'New-InboxRule' && r() < 0.5
  return {
    Timestamp: ts, ActionType: action, Application: app, ApplicationId: appId, AccountObjectId: a.objectId, AccountId: a.objectId, AccountDisplayName: a.display,
    IsAdminOperation: false, DeviceType: 'Desktop', OSPlatform: 'Windows', IPAddress: tor ? '185.220.101.1' : pick(r, userPublicIps), IsAnonymousProxy: tor,
    CountryCode: tor ? 'DE' : 'US', City: tor ? 'Frankfurt am Main' : 'Seattle', ISP: tor ? 'Tor exit relay' : 'Contoso ISP',
    UserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
    ActivityType: action.startsWith('File') ? 'Download' : 'Run', ObjectName: action.startsWith('File') ? pick(r, files).name : action, ObjectType: action.startsWith('File') ? 'File' : 'Mailbox',
    AccountType: 'Regular', IsExternalUser: false, IsImpersonated: false, RawEventData: JSON.stringify({ Operation: action, UserId: a.upn }), ReportId: guidFrom(r)
  }
}
