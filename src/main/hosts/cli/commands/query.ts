// `huntbench query run|list|show`: KQL through the same quota-governed queue as the app,
// and stored runs read back as a table, CSV or JSON.
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import type { HuntingDone } from '../../../../shared/api/hunting'
import { LEGACY_RETIREMENT_DATE } from '../../../../shared/auth'
import { HuntbenchError, type ErrorCode } from '../../../../shared/errors'
import type { RunDetail } from '../../../../shared/types'
import { LIMIT_ADVICE, MAX_RESULT_ROWS } from '../../../hunting/parse'
import type { Services } from '../../../services'
import { exportRun } from '../../../store/run-export'
import type { CliContext } from '../context'
import { pickProfile } from '../profile-choice'
import { age, parseFormat, renderJson, renderTable, type Format } from '../format'

const TABLE_ROWS = 100


function parseRunId(text: string): number {
  const id = Number(text)
  if (!Number.isInteger(id) || id < 1) throw new HuntbenchError('invalid_input', `RUN_ID must be a run number such as 12; got ${JSON.stringify(text)}.`)
  return id
}

export function truncationNote(run: Pick<RunDetail, 'truncated' | 'rowCount'>): string | null {
  if (!run.truncated) return null
  return `Defender returns at most ${MAX_RESULT_ROWS.toLocaleString('en-US')} rows and this result reached that cap (${run.rowCount.toLocaleString('en-US')} rows kept), so rows are missing. ${LIMIT_ADVICE}`
}

function printRun(ctx: CliContext, s: Services, run: RunDetail, format: Format): void {
  if (format !== 'table') {
    ctx.io.out(exportRun(s.runs, { runId: run.id, format }).content)
    return
  }
  const page = s.runs.rows(run.id, 0, TABLE_ROWS)
  if (run.schema.length === 0) ctx.io.out('(no columns)')
  else ctx.io.out(renderTable(run.schema.map((c) => c.name), page.rows))
  if (run.rowCount > page.rows.length) {
    ctx.io.err(`(showing ${page.rows.length} of ${run.rowCount} rows; all of them: huntbench query show ${run.id} --format csv)`)
  }
}

/** Waits for one queued query, narrating progress on stderr; resolves with its outcome. */
function waitForDone(ctx: CliContext, s: Services, queueId: number): Promise<HuntingDone> {
  return new Promise((resolve) => {
    let last = ''
    const say = (text: string): void => {
      if (text !== last) ctx.io.err(text)
      last = text
    }
    const finish = (done: HuntingDone): void => {
      offDone()
      offProgress()
      offQueue()
      clearInterval(poll)
      process.off('SIGINT', onInterrupt)
      resolve(done)
    }
    const offDone = s.bus.on('hunting.done', (d) => d.queueId === queueId && finish(d))
    const offProgress = s.bus.on('hunting.progress', (p) => {
      if (p.queueId !== queueId) return
      if (p.stage === 'sending') say('sending the query…')
      else if (p.stage === 'retrying') say('the service failed; trying again…')
      else if (p.stage === 'storing') say(`storing rows: ${p.rowsStored}/${p.rowsTotal ?? '?'}`)
      else if (p.message) say(`waiting: ${p.message}`)
    })
    const offQueue = s.bus.on('hunting.queue', ({ items }) => {
      const item = items.find((i) => i.queueId === queueId)
      if (item?.state === 'pending' && item.etaAt !== null && item.etaAt > s.now() + 1000) {
        say(`queued: position ${item.position}, expected to start in ${Math.ceil((item.etaAt - s.now()) / 1000)} s (quota)`)
      }
    })
    // Another Huntbench (the desktop app) may take the query from the shared queue.
    const poll = setInterval(() => {
      const row = s.hunting.queue.get(queueId)
      if (!row || row.state === 'pending' || row.state === 'in_flight') return
      const run = s.runs.get(row.run_id)
      finish({
        queueId,
        runId: row.run_id,
        status: row.state === 'done' ? 'succeeded' : row.state === 'cancelled' ? 'cancelled' : 'failed',
        rowCount: run.rowCount,
        truncated: run.truncated,
        error: row.error ? { code: row.error_code ?? 'remote_error', message: row.error } : null
      })
    }, 1000)
    const onInterrupt = (): void => {
      ctx.io.err('cancelling…')
      s.hunting.queue.cancel(queueId)
    }
    process.on('SIGINT', onInterrupt)
  })
}

export function registerQueryCommands(program: Command, ctx: CliContext): void {
  const query = program.command('query').description('run KQL hunting queries and read stored results')

  query
    .command('run')
    .description('queue a KQL query, wait for it (respecting the quota), store and print the result')
    .argument('[kql]', 'the query text (or use --file)')
    .option('--file <path>', 'read the query from a file ("-" for standard input)')
    .option('--timespan <iso8601>', 'ISO 8601 duration or interval, e.g. P7D or 2026-01-01T00:00:00Z/P1D (Graph only)')
    .option('--profile <name>', 'tenant profile (default: the only one)')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (kqlArg: string | undefined, options: { file?: string; timespan?: string; profile?: string; format: string }, command: Command) => {
      const format = parseFormat(options.format, ['table', 'csv', 'json'])
      if (kqlArg !== undefined && options.file !== undefined) throw new HuntbenchError('invalid_input', 'Give the query either as an argument or with --file, not both.')
      let kql = kqlArg
      if (options.file !== undefined) {
        try {
          kql = options.file === '-' ? await ctx.io.readStdin() : readFileSync(options.file, 'utf8')
        } catch (err) {
          throw new HuntbenchError('invalid_input', `Cannot read ${options.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`)
        }
      }
      if (kql === undefined) throw new HuntbenchError('invalid_input', 'Give a query: huntbench query run "DeviceProcessEvents | take 10" or --file hunt.kql')
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const profile = pickProfile(s, options.profile)
        if (profile.api === 'legacy') ctx.io.err(`note: profile ${profile.name} uses the legacy API, which stops returning data on ${LEGACY_RETIREMENT_DATE}.`)
        const { queueId, runId } = s.hunting.queue.enqueue({ profileId: profile.id, kql, timespan: options.timespan, interactive: ctx.io.isTty })
        ctx.io.err(`queued as run ${runId} (profile ${profile.name})`)
        const done = waitForDone(ctx, s, queueId)
        s.hunting.start()
        const outcome = await done
        if (outcome.status === 'cancelled') throw new HuntbenchError('cancelled', `Run ${runId} was cancelled; nothing was stored.`)
        if (outcome.status === 'failed') {
          const code = (outcome.error?.code ?? 'remote_error') as ErrorCode
          throw new HuntbenchError(code, outcome.error?.message ?? 'The query failed.')
        }
        const run = s.runs.get(runId)
        ctx.io.err(`run ${runId}: ${run.rowCount} rows in ${((run.durationMs ?? 0) / 1000).toFixed(1)} s`)
        const note = truncationNote(run)
        if (note) ctx.io.err(`warning: ${note}`)
        printRun(ctx, s, run, format)
      })
    })

  query
    .command('list')
    .description('list stored runs, newest first')
    .option('--format <format>', 'table or json', 'table')
    .option('--limit <n>', 'how many runs', '50')
    .action(async (options: { format: string; limit: string }, command: Command) => {
      const format = parseFormat(options.format, ['table', 'json'])
      const limit = Number(options.limit)
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new HuntbenchError('invalid_input', '--limit must be a whole number from 1 to 500')
      await ctx.withServices(command.optsWithGlobals(), (s) => {
        const runs = s.runs.list(limit, 0)
        if (format === 'json') return ctx.io.out(renderJson(runs))
        if (runs.length === 0) return ctx.io.out('No runs yet. Run one: huntbench query run "DeviceProcessEvents | take 10"')
        const now = s.now()
        ctx.io.out(
          renderTable(
            ['id', 'when', 'profile', 'status', 'rows', 'title'],
            runs.map((r) => [
              r.id,
              age(r.startedAt, now),
              r.profile ?? '',
              r.status === 'failed' ? `failed: ${r.error ?? ''}` : r.status,
              `${r.rowCount}${r.truncated ? ' (truncated)' : ''}`,
              r.title
            ])
          )
        )
      })
    })

  query
    .command('show')
    .description('print a stored run: its details and rows (table), or all rows as CSV or JSON')
    .argument('<runId>', 'the run number (see huntbench query list)')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (runIdText: string, options: { format: string }, command: Command) => {
      const format = parseFormat(options.format, ['table', 'csv', 'json'])
      const runId = parseRunId(runIdText)
      await ctx.withServices(command.optsWithGlobals(), (s) => {
        const run = s.runs.get(runId)
        if (format === 'table') {
          ctx.io.err(
            [
              `run ${run.id}: ${run.title}`,
              `profile: ${run.profile ?? '-'}${run.tenantId ? ` (tenant ${run.tenantId})` : ''}`,
              `timespan: ${run.timespan ?? 'default (30 days)'}`,
              `started: ${new Date(run.startedAt).toISOString()}, took ${run.durationMs === null ? '-' : `${(run.durationMs / 1000).toFixed(1)} s`}`,
              `status: ${run.status}, ${run.rowCount} rows${run.error ? `\nerror: ${run.error}` : ''}`,
              `kql:\n${run.kql}`
            ].join('\n')
          )
        }
        const note = truncationNote(run)
        if (note) ctx.io.err(`warning: ${note}`)
        printRun(ctx, s, run, format)
      })
    })
}
