// `huntbench history`: recent runs and lookups, newest first.
import type { Command } from 'commander'
import type { CliContext } from '../context'
import { age, parseFormat, renderJson, renderTable } from '../format'
import { listHistory } from '../../../store/history'

export function registerHistoryCommands(program: Command, ctx: CliContext): void {
  program
    .command('history')
    .description('list recent query runs and lookups, newest first')
    .option('--format <format>', 'table or json', 'table')
    .option('--limit <n>', 'how many items', '50')
    .option('--kind <kind>', 'only "run" or "lookup"')
    .action(async (options: { format: string; limit: string; kind?: string }, command: Command) => {
      const format = parseFormat(options.format, ['table', 'json'])
      const limit = Number(options.limit)
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Error('--limit must be a whole number from 1 to 500')
      if (options.kind && options.kind !== 'run' && options.kind !== 'lookup') throw new Error('--kind must be "run" or "lookup"')
      await ctx.withServices(command.optsWithGlobals(), (s) => {
        const page = listHistory(s.db, { limit, offset: 0, kind: options.kind as 'run' | 'lookup' | undefined })
        if (format === 'json') return ctx.io.out(renderJson(page))
        if (page.items.length === 0) {
          return ctx.io.out('No history yet. Run a hunt (huntbench query run ...) or a lookup (huntbench lookup ...) and it will show up here.')
        }
        const now = s.now()
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
