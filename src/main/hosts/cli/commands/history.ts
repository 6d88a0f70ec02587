// `huntbench history`: recent runs and lookups, newest first, with the same filters as
// the History view. Goes through the router so the CLI validates input like every host.
import type { Command } from 'commander'
import type { CliContext } from '../context'
import { age, parseFormat, parseSince, renderJson, renderTable } from '../format'

interface HistoryOptions {
  format: string
  limit: string
  kind?: string
  since?: string
  until?: string
  status?: string
  profile?: string
  provider?: string
  case?: string
}

export function registerHistoryCommands(program: Command, ctx: CliContext): void {
  program
    .command('history')
    .description('list recent query runs and lookups, newest first')
    .option('--format <format>', 'table or json', 'table')
    .option('--limit <n>', 'how many items (1-500)', '50')
    .option('--kind <kind>', 'only "run" or "lookup"')
    .option('--since <when>', 'from this long ago (7d, 12h) or this date')
    .option('--until <when>', 'up to this long ago or this date')
    .option('--status <status>', 'succeeded, failed, cancelled, running or queued')
    .option('--profile <name>', 'runs from this tenant profile')
    .option('--provider <name>', 'lookups from this provider')
    .option('--case <id>', 'items attached to this case')
    .action(async (options: HistoryOptions, command: Command) => {
      const format = parseFormat(options.format, ['table', 'json'])
      const limit = Number(options.limit)
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Error(`--limit must be a whole number from 1 to 500; got ${JSON.stringify(options.limit)}`)
      const caseId = options.case === undefined ? undefined : Number(options.case.replace(/^#/, ''))
      if (caseId !== undefined && (!Number.isInteger(caseId) || caseId < 1)) throw new Error(`--case must be a case id such as 12; got ${JSON.stringify(options.case)}`)
      const filtered = Boolean(options.kind || options.since || options.until || options.status || options.profile || options.provider || options.case)
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const now = s.now()
        const page = await ctx.call(s, 'history.list', {
          limit,
          ...(options.kind ? { kind: options.kind } : {}),
          ...(options.since ? { from: parseSince(options.since, now, '--since') } : {}),
          ...(options.until ? { to: parseSince(options.until, now, '--until') } : {}),
          ...(options.status ? { status: options.status } : {}),
          ...(options.profile ? { profile: options.profile } : {}),
          ...(options.provider ? { provider: options.provider } : {}),
          ...(caseId ? { caseId } : {})
        })
        if (format === 'json') return ctx.io.out(renderJson(page))
        if (page.items.length === 0) {
          return ctx.io.out(
            filtered
              ? 'Nothing in the history matches these filters.'
              : 'No history yet. Run a hunt (huntbench query run ...) or a lookup (huntbench lookup ...) and it will show up here.'
          )
        }
        ctx.io.out(
          renderTable(
            ['kind', 'id', 'when', 'title', 'status', 'detail'],
            page.items.map((i) => [i.kind, i.id, `${new Date(i.at).toISOString()} (${age(i.at, now)})`, i.title, i.status, i.detail])
          )
        )
        if (page.total > page.items.length) ctx.io.out(`(${page.items.length} of ${page.total}; use --limit for more)`)
      })
    })
}
