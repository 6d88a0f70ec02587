// The fake hunting API's KQL subset, operator by operator, against a small fixed table,
// plus the dataset's determinism and time window.
import { describe, expect, it } from 'vitest'
import { defenderTables } from '../../src/shared/hunting-schema'
import { createDataset, WINDOW_MS } from '../fakes/hunting/dataset'
import { KDateTime, KqlError, formatIso7, parseDateTime, runQuery, type Catalog, type Row, type TableSource } from '../fakes/hunting/kql'

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0)
const H = 3_600_000

const fixture: Row[] = [
  { Timestamp: new KDateTime(NOW - 1 * H, 1234), DeviceName: 'wks-01', RemoteIP: '8.8.8.8', RemotePort: 53, RemoteUrl: 'dns.google', Cmd: 'powershell.exe -enc SQBFAFgA', Ok: true },
  { Timestamp: new KDateTime(NOW - 5 * H), DeviceName: 'wks-02', RemoteIP: '1.1.1.1', RemotePort: 443, RemoteUrl: 'one.one.one.one', Cmd: 'cmd.exe /c whoami', Ok: false },
  { Timestamp: new KDateTime(NOW - 30 * H), DeviceName: 'WKS-01', RemoteIP: '10.0.0.5', RemotePort: 445, RemoteUrl: '', Cmd: 'net.exe use \\\\srv\\share', Ok: true },
  { Timestamp: new KDateTime(NOW - 50 * H), DeviceName: 'srv-01', RemoteIP: '8.8.8.8', RemotePort: 443, RemoteUrl: 'dns.google', Cmd: 'PowerShell.exe Get-Process', Ok: null },
  { Timestamp: new KDateTime(NOW - 80 * H), DeviceName: 'wks-02', RemoteIP: '185.220.101.1', RemotePort: 9001, RemoteUrl: '', Cmd: 'rundll32.exe p.bin,Start', Ok: true }
]

const table: TableSource = {
  name: 'Net',
  columns: [
    { name: 'Timestamp', type: 'DateTime' }, { name: 'DeviceName', type: 'String' }, { name: 'RemoteIP', type: 'String' },
    { name: 'RemotePort', type: 'Int32' }, { name: 'RemoteUrl', type: 'String' }, { name: 'Cmd', type: 'String' }, { name: 'Ok', type: 'Boolean' }
  ],
  // The fixture is newest-first; scan() must be ascending.
  *scan(from, to) {
    for (const r of [...fixture].reverse()) {
      const t = (r.Timestamp as KDateTime).ms
      if ((from === undefined || t >= from) && (to === undefined || t < to)) yield r
    }
  }
}
const catalog: Catalog = (name) => (name === 'Net' ? table : undefined)

function run(q: string) {
  const r = runQuery(q, catalog, { nowMs: NOW })
  return { columns: r.columns, rows: [...r.rows] }
}
const col = (q: string, name: string) => run(q).rows.map((r) => r[name])
function kqlError(q: string): KqlError {
  try {
    run(q)
  } catch (e) {
    if (e instanceof KqlError) return e
    throw e
  }
  throw new Error(`expected a KQL error for: ${q}`)
}

describe('KQL where', () => {
  it('compares strings case-sensitively with == and insensitively with =~', () => {
    expect(col('Net | where DeviceName == "wks-01"', 'DeviceName')).toEqual(['wks-01'])
    expect(col('Net | where DeviceName =~ "wks-01"', 'DeviceName')).toEqual(['WKS-01', 'wks-01'])
    expect(col('Net | where DeviceName != "wks-02" | where DeviceName !~ "WKS-01"', 'DeviceName')).toEqual(['srv-01'])
  })

  it('has matches whole terms only; contains matches substrings; both ignore case', () => {
    expect(col('Net | where Cmd has "powershell.exe"', 'DeviceName')).toEqual(['srv-01', 'wks-01'])
    expect(col('Net | where Cmd has "power"', 'DeviceName')).toEqual([])
    expect(col('Net | where Cmd contains "power"', 'DeviceName')).toEqual(['srv-01', 'wks-01'])
    expect(col('Net | where Cmd !has "powershell.exe" | count', 'Count')).toEqual([3])
    expect(col('Net | where Cmd has_cs "PowerShell.exe"', 'DeviceName')).toEqual(['srv-01'])
  })

  it('startswith, endswith, in, in~, !in, has_any, between', () => {
    expect(col('Net | where Cmd startswith "CMD"', 'DeviceName')).toEqual(['wks-02'])
    expect(col('Net | where Cmd endswith ",start"', 'RemotePort')).toEqual([9001])
    expect(col('Net | where RemoteIP in ("8.8.8.8", "1.1.1.1") | count', 'Count')).toEqual([3])
    expect(col('Net | where DeviceName in ("WKS-02")', 'DeviceName')).toEqual([])
    expect(col('Net | where DeviceName in~ ("WKS-02") | count', 'Count')).toEqual([2])
    expect(col('Net | where RemoteIP !in ("8.8.8.8", "1.1.1.1")', 'RemoteIP')).toEqual(['185.220.101.1', '10.0.0.5'])
    expect(col('Net | where Cmd has_any ("whoami", "rundll32.exe") | count', 'Count')).toEqual([2])
    expect(col('Net | where RemotePort between (400 .. 450)', 'RemotePort')).toEqual([443, 445, 443])
  })

  it('numeric comparisons, and/or precedence, not() and booleans', () => {
    expect(col('Net | where RemotePort > 443', 'RemotePort')).toEqual([9001, 445])
    expect(col('Net | where RemotePort >= 443 and RemotePort <= 445', 'RemotePort')).toEqual([443, 445, 443])
    expect(col('Net | where RemotePort < 100 or RemotePort == 9001 and DeviceName == "wks-02"', 'RemotePort')).toEqual([9001, 53])
    expect(col('Net | where not(RemotePort == 443) | count', 'Count')).toEqual([3])
    expect(col('Net | where Ok == true | count', 'Count')).toEqual([3])
    expect(col('Net | where isempty(RemoteUrl) | count', 'Count')).toEqual([2])
    expect(col('Net | where isnotempty(RemoteUrl) | count', 'Count')).toEqual([3])
  })

  it('filters time with ago() and datetime() literals', () => {
    expect(col('Net | where Timestamp > ago(1d)', 'DeviceName')).toEqual(['wks-02', 'wks-01'])
    expect(col('Net | where Timestamp >= ago(31h) and Timestamp < ago(2h) | count', 'Count')).toEqual([2])
    expect(col('Net | where Timestamp < datetime(2026-11-25T06:00:00Z)', 'RemotePort')).toEqual([9001])
    expect(col("Net | where Timestamp between (datetime(2026-11-26) .. datetime('2026-11-27 12:00'))", 'RemotePort')).toEqual([443, 445])
  })
})

describe('KQL shaping operators', () => {
  it('project keeps the order and renames with a = b', () => {
    const r = run('Net | take 1 | project Port = RemotePort, DeviceName, Host = strcat(DeviceName, ":", RemotePort)')
    expect(r.columns).toEqual([{ name: 'Port', type: 'Int32' }, { name: 'DeviceName', type: 'String' }, { name: 'Host', type: 'String' }])
    expect(r.rows).toEqual([{ Port: 9001, DeviceName: 'wks-02', Host: 'wks-02:9001' }])
  })

  it('extend adds columns after the existing ones; project-away drops them', () => {
    const r = run('Net | extend Lower = tolower(DeviceName), Next = RemotePort + 1 | project-away Cmd, Ok | take 1')
    expect(r.columns.map((c) => c.name)).toEqual(['Timestamp', 'DeviceName', 'RemoteIP', 'RemotePort', 'RemoteUrl', 'Lower', 'Next'])
    expect(r.rows[0]).toMatchObject({ Lower: 'wks-02', Next: 9002 })
  })

  it('take and limit stop early', () => {
    expect(run('Net | take 2').rows).toHaveLength(2)
    expect(run('Net | limit 0').rows).toHaveLength(0)
    const lazy = runQuery('Net | take 1', catalog, { nowMs: NOW })
    ;[...lazy.rows]
    expect(lazy.scanned()).toBe(1)
  })

  it('order by / sort by default to descending; asc sorts up; ties keep input order', () => {
    expect(col('Net | order by RemotePort', 'RemotePort')).toEqual([9001, 445, 443, 443, 53])
    expect(col('Net | sort by RemotePort asc, DeviceName desc', 'DeviceName')).toEqual(['wks-01', 'wks-02', 'srv-01', 'WKS-01', 'wks-02'])
    expect(col('Net | top 2 by Timestamp asc', 'RemotePort')).toEqual([9001, 443])
  })

  it('summarize count() by columns, count() alone, dcount and friends', () => {
    const byIp = run('Net | summarize count() by RemoteIP | order by count_ desc, RemoteIP asc')
    expect(byIp.columns).toEqual([{ name: 'RemoteIP', type: 'String' }, { name: 'count_', type: 'Int64' }])
    expect(byIp.rows[0]).toEqual({ RemoteIP: '8.8.8.8', count_: 2 })
    expect(byIp.rows).toHaveLength(4)
    expect(run('Net | summarize count()').rows).toEqual([{ count_: 5 }])
    expect(run('Net | where RemotePort > 60000 | summarize count()').rows).toEqual([{ count_: 0 }])
    expect(run('Net | summarize n = count(), dcount(DeviceName), max(RemotePort), sum(RemotePort)').rows).toEqual([
      { n: 5, dcount_DeviceName: 4, max_RemotePort: 9001, sum_RemotePort: 53 + 443 + 445 + 443 + 9001 }
    ])
    expect(run('Net | summarize countif(RemotePort == 443) by bin(Timestamp, 1d) | count').rows).toEqual([{ Count: 4 }])
  })

  it('count and distinct', () => {
    expect(run('Net | count')).toEqual({ columns: [{ name: 'Count', type: 'Int64' }], rows: [{ Count: 5 }] })
    expect(col('Net | distinct RemoteIP | count', 'Count')).toEqual([4])
  })

  it('prints datetimes as ISO 8601 with 7 fractional digits', () => {
    const [row] = run('Net | where DeviceName == "wks-01" | project Timestamp').rows
    expect(JSON.parse(JSON.stringify(row))).toEqual({ Timestamp: '2026-11-28T11:00:00.0001234Z' })
    expect(formatIso7(parseDateTime('2024-03-26T09:39:50.7688641Z')!)).toBe('2024-03-26T09:39:50.7688641Z')
  })
})

describe('KQL errors use Kusto wording', () => {
  it('syntax errors are recognition errors with a position', () => {
    for (const q of ['Net | wher RemoteIP == "x"', 'Net | where RemoteIP ==', 'Net | take', 'Net | where (RemotePort > 1', 'Net | project a = ', '', 'Net | where Cmd == "unterminated']) {
      const e = kqlError(q)
      expect(e.kind, q).toBe('syntax')
      expect(e.message, q).toMatch(/^A recognition error occurred\./)
    }
    expect(kqlError('Net | wher x').message).toContain("at 'wher' on line [1,7]")
    expect(kqlError('Net\n| take 1\n| oops').message).toContain('on line [3,3]')
  })

  it('unknown columns name the operator and the column', () => {
    expect(kqlError('Net | where IsInteetFacing == true').message).toBe("'where' operator: Failed to resolve scalar expression named 'IsInteetFacing'")
    expect(kqlError('Net | project x').message).toBe("'project' operator: Failed to resolve scalar expression named 'x'")
    expect(kqlError('Net | summarize count() by Nope').message).toBe("'summarize' operator: Failed to resolve scalar expression named 'Nope'")
    expect(kqlError('Net | project A = RemoteIP | where RemoteIP == "1"').kind).toBe('semantic')
  })

  it('unknown tables and functions', () => {
    expect(kqlError('DeviceProcessEvent | take 1').message).toBe("Failed to resolve table or column expression named 'DeviceProcessEvent'")
    expect(kqlError('Net | where frobnicate(Cmd)').message).toBe("'where' operator: Unknown function: 'frobnicate'.")
    expect(kqlError('Net | where count() > 1').message).toContain("cannot be invoked in the current context")
    expect(kqlError('Net | summarize foo(RemoteIP)').message).toContain("aggregate function 'foo'")
  })
})

describe('fake dataset', () => {
  const { catalog: data, tables } = createDataset({ anchorMs: NOW, rows: 2000 })

  it('has every standard table with the shared schema columns', () => {
    expect([...tables.keys()].sort()).toEqual(defenderTables.map((t) => t.name).sort())
    const row = [...runQuery('DeviceProcessEvents | take 1', data, { nowMs: NOW }).rows][0]!
    expect(Object.keys(row)).toEqual(defenderTables.find((t) => t.name === 'DeviceProcessEvents')!.columns.map((c) => c.name))
  })

  it('is deterministic and stays inside the 30 days before now', () => {
    const again = createDataset({ anchorMs: NOW, rows: 2000 }).catalog
    const q = 'DeviceNetworkEvents | summarize count(), min(Timestamp), max(Timestamp) by RemoteIP | order by RemoteIP asc'
    const a = JSON.stringify([...runQuery(q, data, { nowMs: NOW }).rows])
    expect(JSON.stringify([...runQuery(q, again, { nowMs: NOW }).rows])).toBe(a)
    for (const name of tables.keys()) {
      const [r] = [...runQuery(`${name} | summarize lo = min(Timestamp), hi = max(Timestamp), n = count()`, data, { nowMs: NOW }).rows]
      expect((r!.lo as KDateTime).ms, name).toBeGreaterThanOrEqual(NOW - WINDOW_MS)
      expect((r!.hi as KDateTime).ms, name).toBeLessThan(NOW)
      expect(r!.n as number, name).toBeGreaterThan(0)
    }
  })

  it('holds the public IPs enrichment knows, next to private ones', () => {
    const ips = [...runQuery('DeviceNetworkEvents | distinct RemoteIP', data, { nowMs: NOW }).rows].map((r) => r.RemoteIP)
    for (const ip of ['8.8.8.8', '1.1.1.1', '45.33.32.156', '185.220.101.1', '104.16.0.1', '10.20.0.10']) expect(ips).toContain(ip)
  })

  it('narrows the scan for a leading time filter and for the request window', () => {
    const r = runQuery('DeviceNetworkEvents | where Timestamp > ago(1d) | count', data, { nowMs: NOW })
    const [c] = [...r.rows]
    expect(r.scanned()).toBeLessThan(200)
    expect(c!.Count as number).toBeGreaterThan(0)
    const windowed = runQuery('DeviceNetworkEvents | count', data, { nowMs: NOW, timeRange: { from: NOW - 2 * 86_400_000, to: NOW } })
    expect([...windowed.rows][0]!.Count as number).toBeLessThan(2000 / 10)
  })
})
