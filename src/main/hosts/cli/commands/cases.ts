// `huntbench case list|show|create|export|import|report` and `huntbench search`: the same
// cases, bundles and reports as the app. Calls go through the router, so the CLI gets the
// contract's input checks and the same messages.
import { copyFileSync, rmSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { MethodInput, MethodName, MethodOutput } from '../../../../shared/api'
import { CASE_STATUSES, PAP_LEVELS, SEARCH_KINDS, TLP_LEVELS, type SearchKind, type TextSegment } from '../../../../shared/api/cases'
import { HuntbenchError } from '../../../../shared/errors'
import type { Services } from '../../../services'
import { callApi, type CliContext } from '../context'
import { age, parseFormat, renderJson, renderTable } from '../format'

/** Typed at the call site, validated by the router. */
function call<M extends MethodName>(s: Services, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  return callApi(s, method, input)
}

function caseId(text: string): number {
  const n = Number(text.replace(/^#/, ''))
  if (!Number.isInteger(n) || n < 1) throw new HuntbenchError('invalid_input', `A case id is a whole number such as 12; got ${JSON.stringify(text)}`)
  return n
}

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined
  const v = value.toLowerCase()
  if (!(allowed as readonly string[]).includes(v)) throw new HuntbenchError('invalid_input', `${flag} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`)
  return v as T
}

const when = (at: number, now: number): string => `${new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')} (${age(at, now)})`
const marked = (segments: TextSegment[]): string => segments.map((x) => (x.hit ? `[${x.text}]` : x.text)).join('').replace(/\s+/g, ' ')

function registerCase(program: Command, ctx: CliContext): void {
  const cmd = program.command('case').description('investigation cases: list, show, create, export and import bundles, reports')

  cmd
    .command('list')
    .description('list cases, most recently changed first')
    .option('--status <status>', `only ${CASE_STATUSES.join(', ')}`)
    .option('--format <format>', 'table or json', 'table')
    .action(async (options: { status?: string; format: string }, command: Command) => {
      const format = parseFormat(options.format, ['table', 'json'])
      const status = choice('--status', options.status, CASE_STATUSES)
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const list = await call(s, 'cases.list', { status })
        if (format === 'json') return ctx.io.out(renderJson(list))
        if (list.length === 0) return ctx.io.out('No cases yet. Create one with: huntbench case create "TITLE"')
        const now = s.now()
        ctx.io.out(
          renderTable(
            ['id', 'title', 'status', 'tlp', 'pap', 'runs', 'lookups', 'observables', 'notes', 'updated', ''],
            list.map((c) => [c.id, c.title, c.status, c.tlp, c.pap, c.counts.runs, c.counts.lookups, c.counts.observables, c.counts.notes, when(c.updatedAt, now), c.readOnly ? 'read-only' : ''])
          )
        )
      })
    })

  cmd
    .command('show')
    .description('show a case: markings, description, timeline and observables')
    .argument('<id>', 'case id')
    .option('--format <format>', 'table or json', 'table')
    .action(async (id: string, options: { format: string }, command: Command) => {
      const format = parseFormat(options.format, ['table', 'json'])
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const c = await call(s, 'cases.get', { caseId: caseId(id) })
        if (format === 'json') return ctx.io.out(renderJson(c))
        const now = s.now()
        ctx.io.out(`Case #${c.id}: ${c.title}`)
        ctx.io.out(`TLP:${c.tlp.toUpperCase()}  PAP:${c.pap.toUpperCase()}  status: ${c.status}${c.readOnly ? '  (read-only)' : ''}  updated ${when(c.updatedAt, now)}`)
        if (c.provenance) ctx.io.out(`Imported ${when(c.provenance.importedAt, now)} from a bundle exported ${when(c.provenance.exportedAt, now)} by Huntbench ${c.provenance.appVersion}`)
        if (c.description) ctx.io.out(`\n${c.description}`)
        ctx.io.out('\nTimeline (newest first):')
        if (c.timeline.length === 0) ctx.io.out('  (empty)')
        else {
          ctx.io.out(
            renderTable(
              ['when', 'kind', 'id', 'what'],
              c.timeline.map((t) => [
                when(t.at, now),
                t.kind,
                t.refId,
                t.kind === 'run'
                  ? `${t.run.title} (${t.run.status}, ${t.run.rowCount} rows)`
                  : t.kind === 'lookup'
                    ? `${t.lookup.provider} ${t.lookup.ioc} (${t.lookup.severity}, fetched ${age(t.lookup.fetchedAt, now)})`
                    : t.kind === 'observable'
                      ? `${t.observable.type} ${t.observable.value}`
                      : t.note.body
              ]),
              80
            )
          )
        }
        if (c.observables.length) {
          ctx.io.out('\nObservables:')
          ctx.io.out(
            renderTable(
              ['type', 'value', 'count', 'first seen', 'last seen', 'other cases', 'other runs', 'lookups'],
              c.observables.map((o) => [o.type, o.value, o.count, when(o.firstSeen, now), when(o.lastSeen, now), o.elsewhere.cases, o.elsewhere.runs, o.elsewhere.lookups])
            )
          )
        }
      })
    })

  cmd
    .command('create')
    .description('create a case')
    .argument('<title>', 'case title')
    .option('--tlp <level>', TLP_LEVELS.join(', '), 'amber')
    .option('--pap <level>', PAP_LEVELS.join(', '), 'amber')
    .option('--description <markdown>', 'description (Markdown)')
    .action(async (title: string, options: { tlp: string; pap: string; description?: string }, command: Command) => {
      const tlp = choice('--tlp', options.tlp, TLP_LEVELS)
      const pap = choice('--pap', options.pap, PAP_LEVELS)
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const c = await call(s, 'cases.create', { title, tlp, pap, description: options.description })
        ctx.io.out(`Created case #${c.id}: ${c.title} (TLP:${c.tlp.toUpperCase()}, PAP:${c.pap.toUpperCase()})`)
      })
    })

  cmd
    .command('export')
    .description('export a case as one bundle file (runs with rows, lookups, observables, notes, checksums)')
    .argument('<id>', 'case id')
    .option('--out <file>', 'where to write the bundle (default: the data folder\'s exports/)')
    .action(async (id: string, options: { out?: string }, command: Command) => {
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const done = await call(s, 'cases.exportBundle', { caseId: caseId(id) })
        let path = done.path
        if (options.out) {
          path = resolve(options.out)
          copyFileSync(done.path, path)
          rmSync(done.path, { force: true })
        }
        const { counts } = done
        ctx.io.out(`Exported case #${id} to ${path}`)
        ctx.io.out(`${counts.runs} runs (${counts.rows} rows), ${counts.lookups} lookups, ${counts.observables} observables, ${counts.notes} notes; ${(done.bytes / 2 ** 20).toFixed(2)} MB, sha256 ${done.sha256}`)
      })
    })

  cmd
    .command('import')
    .description('import a case bundle (read-only unless --writable); importing twice adds nothing')
    .argument('<file>', 'bundle file')
    .option('--writable', 'import as an editable case (makes an earlier read-only import of it editable)')
    .action(async (file: string, options: { writable?: boolean }, command: Command) => {
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const r = await call(s, 'cases.importBundle', { path: resolve(file), readOnly: !options.writable })
        const what = r.created ? 'Imported' : r.updated ? 'Updated' : 'Already imported:'
        ctx.io.out(`${what} case #${r.caseId}: ${r.title}${r.readOnly ? ' (read-only)' : ''}`)
        ctx.io.out(`${r.counts.runs} runs (${r.counts.rows} rows), ${r.counts.lookups} lookups, ${r.counts.observables} observables, ${r.counts.notes} notes`)
      })
    })

  cmd
    .command('report')
    .description('write a case report (Markdown or HTML); indicators are defanged unless --live')
    .argument('<id>', 'case id')
    .option('--format <format>', 'markdown or html', 'markdown')
    .option('--live', 'leave indicators live (not defanged)')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (id: string, options: { format: string; live?: boolean; out?: string }, command: Command) => {
      const format = choice('--format', options.format, ['markdown', 'html'] as const) ?? 'markdown'
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const report = await call(s, 'cases.report', { caseId: caseId(id), format, defang: !options.live })
        if (options.out) {
          writeFileSync(resolve(options.out), report.content)
          ctx.io.err(`Wrote ${resolve(options.out)}`)
        } else ctx.io.out(report.content)
      })
    })
}

function registerSearch(program: Command, ctx: CliContext): void {
  program
    .command('search')
    .description('full-text search over queries, notes, observables, lookups and cases')
    .argument('<text...>', 'words to find (every word must match; the last may be a prefix)')
    .option('--kind <kinds>', `comma-separated: ${SEARCH_KINDS.join(', ')}`)
    .option('--limit <n>', 'how many hits', '50')
    .option('--format <format>', 'table or json', 'table')
    .action(async (words: string[], options: { kind?: string; limit: string; format: string }, command: Command) => {
      const format = parseFormat(options.format, ['table', 'json'])
      const limit = Number(options.limit)
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new HuntbenchError('invalid_input', '--limit must be a whole number from 1 to 200')
      const kinds = options.kind?.split(',').map((k) => choice('--kind', k.trim(), SEARCH_KINDS) as SearchKind)
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const result = await call(s, 'search.query', { text: words.join(' '), kinds, limit })
        if (format === 'json') return ctx.io.out(renderJson(result))
        if (result.hits.length === 0) return ctx.io.out(`Nothing matches ${JSON.stringify(words.join(' '))}.`)
        const now = s.now()
        ctx.io.out(
          renderTable(
            ['kind', 'id', 'case', 'when', 'title', 'match'],
            result.hits.map((h) => [h.kind, h.refId, h.caseId ?? '', h.at === null ? '' : when(h.at, now), marked(h.title), marked(h.snippet)]),
            70
          )
        )
      })
    })
}

export function registerCasesCommands(program: Command, ctx: CliContext): void {
  registerCase(program, ctx)
  registerSearch(program, ctx)
}
