// `npm run bench -- hunting`: storing, paging and filtering a 100,000 x 20 result, and 30
// queued queries under a 10-per-minute quota against the fake hunting API.
//
// The quota run uses a scaled clock (SCALE times faster than real time) shared by the
// governor, the queue's timers and the fake's quota windows: 2 minutes of quota time take
// about 25 seconds. Figures are printed as `name: value` lines.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { ProfileStore } from '../src/main/auth/profiles'
import { createLogger } from '../src/main/log'
import { EventBus } from '../src/main/events'
import { STRICT_LIMITS } from '../src/main/hunting/governor'
import { storeRowsInBatches, type Clock } from '../src/main/hunting/queue'
import { HuntingService } from '../src/main/hunting/service'
import { openDatabase } from '../src/main/store/db'
import { RunStore } from '../src/main/store/runs'
import { mintAccessToken } from '../test/fakes/entra'
import { startFakeHunting } from '../test/fakes/hunting/server'

const ROWS = 100_000
const COLUMNS = 20
const QUERIES = 30
const PER_MINUTE = 10
const SCALE = 5
const FILTER_TEXT = 'host-4242.contoso'
const ROUNDS = 5

const dir = mkdtempSync(join(tmpdir(), 'huntbench-bench-'))
const out = (name: string, value: number | string): void => console.log(`${name}: ${typeof value === 'number' ? value.toFixed(value >= 100 ? 0 : 2) : value}`)

function makeRows(): unknown[][] {
  const rows: unknown[][] = []
  const base = Date.UTC(2026, 10, 1)
  for (let i = 0; i < ROWS; i++) {
    const row: unknown[] = [new Date(base + i * 1000).toISOString().replace('Z', '0000Z')]
    for (let c = 1; c < COLUMNS; c++) {
      if (c % 5 === 0) row.push(i * c)
      else if (c === 7) row.push({ user: `user${i % 977}`, elevated: i % 3 === 0 })
      else row.push(`col${c}-host-${(i * 31 + c) % 9973}.contoso.com`)
    }
    rows.push(row)
  }
  return rows
}

const schema = Array.from({ length: COLUMNS }, (_, c) => ({
  name: c === 0 ? 'Timestamp' : `Column${c}`,
  type: c === 0 ? 'DateTime' : c % 5 === 0 ? 'Int64' : c === 7 ? 'Dynamic' : 'String'
}))

/** The baseline: the same rows through a bare prepared INSERT in one transaction. */
function bareInsert(file: string, rows: unknown[][]): number {
  const db = new BetterSqlite3(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec('CREATE TABLE run_rows (run_id INTEGER NOT NULL, idx INTEGER NOT NULL, row TEXT NOT NULL, PRIMARY KEY (run_id, idx)) STRICT, WITHOUT ROWID')
  const insert = db.prepare('INSERT INTO run_rows (run_id, idx, row) VALUES (?, ?, ?)')
  const started = performance.now()
  db.transaction(() => {
    for (let i = 0; i < rows.length; i++) insert.run(1, i, JSON.stringify(rows[i]))
  })()
  const ms = performance.now() - started
  db.close()
  return ms
}

/** Huntbench's path: a run, rows in batched transactions (as the queue stores them), finish. */
async function storeRun(file: string, rows: unknown[][]): Promise<{ ms: number; runId: number }> {
  const { db } = openDatabase(file)
  const runs = new RunStore(db)
  const started = performance.now()
  const runId = runs.create({ source: 'hunt', title: 'bench', kql: 'DeviceNetworkEvents', startedAt: Date.now(), status: 'running' })
  await storeRowsInBatches(db, runs, runId, rows, 5000)
  runs.finish(runId, { status: 'succeeded', durationMs: 0, rowCount: rows.length, truncated: false, schema })
  const ms = performance.now() - started
  db.close()
  return { ms, runId }
}

async function storage(): Promise<void> {
  const rows = makeRows()
  // Warm both paths (JIT, page cache) on a small slice, then measure each ROUNDS times,
  // alternating. The best of each is printed: the machine is shared, and the minimum is the
  // run least disturbed by others.
  bareInsert(join(dir, 'warm-bare.db'), rows.slice(0, 5000))
  await storeRun(join(dir, 'warm-store.db'), rows.slice(0, 5000))
  const bare: number[] = []
  const store: number[] = []
  let runId = 0
  const dropDb = (file: string): void => ['', '-wal', '-shm'].forEach((suffix) => rmSync(file + suffix, { force: true }))
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(bareInsert(join(dir, `bare-${round}.db`), rows))
    dropDb(join(dir, `bare-${round}.db`))
    const stored = await storeRun(join(dir, `store-${round}.db`), rows)
    store.push(stored.ms)
    runId = stored.runId
    if (round > 0) dropDb(join(dir, `store-${round}.db`))
  }
  const storeMs = Math.min(...store)
  const bareMs = Math.min(...bare)
  out('store_100k_ms', storeMs)
  out('bare_insert_100k_ms', bareMs)
  out('store_ratio', storeMs / bareMs)

  // Reopen as the app would after a restart: a new connection, then the first page.
  const { db } = openDatabase(join(dir, 'store-0.db'))
  const runs = new RunStore(db)
  let started = performance.now()
  runs.get(runId)
  const first = runs.rows(runId, 0, 200)
  out('first_page_ms', performance.now() - started)
  if (first.rows.length !== 200 || first.total !== ROWS) throw new Error('first page came back wrong')
  started = performance.now()
  const found = runs.rows(runId, 0, 200, { filter: FILTER_TEXT })
  out('filter_ms', performance.now() - started)
  if (found.total === 0) throw new Error('the filter found nothing')
  db.close()
}

function scaledClock(scale: number): Clock {
  const realStart = Date.now()
  return {
    now: () => realStart + (Date.now() - realStart) * scale,
    setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms / scale)),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout)
  }
}

async function quota(): Promise<void> {
  const clock = scaledClock(SCALE)
  // A small synthetic dataset: this run measures the queue and governor, not the fake's KQL engine.
  const fake = await startFakeHunting({ now: clock.now, rows: 5000, limits: { callsPerMinute: PER_MINUTE } })
  const { db } = openDatabase(join(dir, 'quota.db'))
  try {
    const profiles = new ProfileStore(db, clock.now)
    const profile = profiles.add({ name: 'Bench', tenantId: 'bench.onmicrosoft.com', clientId: '0f3c1a2b-1234-4abc-9def-0123456789ab', api: 'graph' })
    const bus = new EventBus()
    const hunting = new HuntingService({
      db,
      runs: new RunStore(db),
      bus,
      log: createLogger(null),
      tokens: { getToken: async () => ({ accessToken: mintAccessToken({ aud: 'https://graph.microsoft.com', scp: 'ThreatHunting.Read.All' }) }) },
      profile: () => ({ id: profile.id, name: profile.name, tenantId: profile.tenantId, api: 'graph' }),
      endpointsFor: () => ({ graph: fake.url, defender: fake.url }),
      clock,
      governorMarginMs: 250
    })
    hunting.governor.setLimits(profile.id, { ...STRICT_LIMITS, preset: 'custom', callsPerMinute: PER_MINUTE })
    let done = 0
    let failed = 0
    let throttled = 0
    const allDone = new Promise<void>((resolve) => {
      bus.on('hunting.done', (d) => {
        done++
        if (d.status !== 'succeeded') failed++
        if (done === QUERIES) resolve()
      })
    })
    bus.on('hunting.progress', (p) => {
      if (p.stage === 'waiting' && p.message && /quota/i.test(p.message)) throttled++
    })
    const started = clock.now()
    for (let i = 0; i < QUERIES; i++) hunting.queue.enqueue({ profileId: profile.id, kql: `DeviceProcessEvents | take ${i + 1}` })
    hunting.start()
    await allDone
    const total = clock.now() - started
    hunting.stop()
    const fake429 = fake.calls.throttled
    // 30 calls at 10 a minute: the 30th cannot start before two full minutes have passed.
    const lowerBound = (Math.ceil(QUERIES / PER_MINUTE) - 1) * 60_000
    out('quota_429s', Math.max(fake429, throttled))
    out('quota_overhead_pct', ((total - lowerBound) / lowerBound) * 100)
    console.error(
      `(quota run: ${QUERIES} queries, ${failed} failed, ${(total / 1000).toFixed(1)} s of quota time on a ${SCALE}x scaled clock = ${(total / SCALE / 1000).toFixed(1)} s real; lower bound ${lowerBound / 1000} s)`
    )
  } finally {
    db.close()
    await fake.close()
  }
}

try {
  await storage()
  await quota()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
