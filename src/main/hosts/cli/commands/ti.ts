// `huntbench key set|status|delete shodan` and `huntbench lookup`: the same keychain, queue
// and cache as the app. Lookups run inline (the CLI process sends its own requests,
// spaced together with any other process on the data folder); progress goes to stderr,
// rows to stdout in msticpy's columns.
import { readFileSync, statSync } from 'node:fs'
import type { Command } from 'commander'
import { DEFAULT_MAX_AGE_MS, MAX_LOOKUP_TEXT } from '../../../../shared/api/ti'
import { HuntbenchError } from '../../../../shared/errors'
import { tiColumns, tiProviderNames, tiSummary, type TiProgress, type TiProviderName, type TiRow } from '../../../../shared/ti'
import { SPACING_WARNING } from '../../../ti/service'
import type { CliContext } from '../context'
import { age, parseDuration, parseFormat, renderCsv, renderJson, renderTable } from '../format'

function parseProviders(text: string | undefined): TiProviderName[] | undefined {
  if (text === undefined) return undefined
  const list = text.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean)
  const bad = list.filter((p) => !(tiProviderNames as readonly string[]).includes(p))
  if (bad.length || list.length === 0) {
    throw new HuntbenchError('invalid_input', `--providers takes a comma-separated list of ${tiProviderNames.join(', ')}; ${bad.length ? `unknown: ${bad.join(', ')}` : 'got none'}`)
  }
  return [...new Set(list)] as TiProviderName[]
}

function checkProvider(name: string): void {
  if (name !== 'shodan') throw new HuntbenchError('invalid_input', `Only the shodan provider has a key; got ${JSON.stringify(name.slice(0, 40))}. (internetdb needs none.)`)
}

function formatEta(ms: number): string {
  const s = Math.ceil(ms / 1000)
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`
}

function exportCells(row: TiRow): unknown[] {
  const record: Record<string, unknown> = { ...row, FetchedAt: row.FetchedAt === null ? null : new Date(row.FetchedAt).toISOString() }
  return tiColumns.map((c) => record[c])
}

function registerKeyCommands(program: Command, ctx: CliContext): void {
  const key = program.command('key').description('manage the Shodan API key in the OS keychain (never in a file)')
  key
    .command('set')
    .description('store the key read from standard input, e.g. printf %s "$KEY" | huntbench key set shodan')
    .argument('<provider>', 'shodan')
    .argument('[extra...]')
    .action(async (provider: string, extra: string[], _o: unknown, command: Command) => {
      checkProvider(provider)
      if (extra.length) {
        throw new HuntbenchError('invalid_input', 'Never pass the key as an argument: it ends up in shell history and process lists. Pipe it on standard input instead: printf %s "$KEY" | huntbench key set shodan')
      }
      if (ctx.io.isTty) ctx.io.err('Paste the key, then press Enter and Ctrl+D:')
      const text = (await ctx.io.readStdin()).trim()
      if (!text) throw new HuntbenchError('invalid_input', 'No key on standard input. Pipe it in: printf %s "$KEY" | huntbench key set shodan')
      if (/\s/.test(text)) throw new HuntbenchError('invalid_input', 'Standard input holds more than one word; a Shodan key is a single token.')
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        try {
          await s.ti.setKey(text, false)
        } catch (err) {
          if (err instanceof HuntbenchError && err.code === 'unavailable') {
            throw new HuntbenchError('unavailable', `${err.message} A memory-only key would vanish when this command ends; to keep one for a session, set it in Huntbench (desktop or \`huntbench web\`), Settings > Shodan key.`)
          }
          throw err
        }
        ctx.io.out('Shodan key stored in the OS keychain (service "huntbench"). Check it with: huntbench key status shodan')
      })
    })
  key
    .command('status')
    .description('whether a key is stored, and its plan and credits when Shodan is reachable')
    .argument('<provider>', 'shodan')
    .option('--format <format>', 'table or json', 'table')
    .action(async (provider: string, options: { format: string }, command: Command) => {
      checkProvider(provider)
      const format = parseFormat(options.format, ['table', 'json'])
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const status = await s.ti.keyStatus()
        if (status.storage === 'unavailable') throw new HuntbenchError('unavailable', status.message ?? 'No OS keychain is reachable.')
        let info = null
        let problem: string | null = null
        if (status.configured) {
          try {
            info = await s.ti.testKey()
          } catch (err) {
            problem = (err as Error).message
          }
        }
        if (format === 'json') return ctx.io.out(renderJson({ ...status, apiInfo: info, problem }))
        if (!status.configured) return ctx.io.out('shodan: no key configured. Add one: printf %s "$KEY" | huntbench key set shodan (lookups use internetdb, which needs no key, until then)')
        if (info) {
          const cap = (n: number | null): string => (n === -1 ? 'no cap' : n === null ? '?' : String(n))
          ctx.io.out(`shodan: key configured (${status.storage}); plan ${info.plan}, query credits ${info.queryCredits ?? '?'}, scan credits ${info.scanCredits ?? '?'} (limits: query ${cap(info.usageLimits.queryCredits)}, scan ${cap(info.usageLimits.scanCredits)})`)
        } else ctx.io.out(`shodan: key configured (${status.storage}); could not check it: ${problem}`)
        if (status.halted) ctx.io.err(`note: lookups with this key are stopped: ${status.halted}`)
      })
    })
  key
    .command('delete')
    .description('remove the key from the OS keychain')
    .argument('<provider>', 'shodan')
    .action(async (provider: string, _o: unknown, command: Command) => {
      checkProvider(provider)
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const before = await s.ti.keyStatus()
        await s.ti.deleteKey()
        ctx.io.out(before.configured ? 'Shodan key removed from the OS keychain.' : 'There was no Shodan key to remove.')
      })
    })
}

interface LookupOptions {
  file?: string
  providers?: string
  format: string
  maxAge?: string
  refresh?: boolean
  spacing?: string
  history?: boolean
}

async function readInput(ctx: CliContext, observables: string[], file: string | undefined): Promise<string> {
  // A lone "-" among the observables means standard input, as `--file -` does (read once).
  const stdinDash = observables.includes('-')
  if (stdinDash && file !== undefined && file !== '-') {
    throw new HuntbenchError('invalid_input', 'Give standard input ("-") or --file PATH, not both.')
  }
  const parts = observables.filter((o) => o !== '-')
  if (file === '-' || stdinDash) parts.push(await ctx.io.readStdin())
  else if (file !== undefined) {
    let size: number
    try {
      size = statSync(file).size
    } catch {
      throw new HuntbenchError('not_found', `--file: cannot read ${file} (no such file)`)
    }
    if (size > MAX_LOOKUP_TEXT) throw new HuntbenchError('invalid_input', `--file: ${file} is ${Math.round(size / 1024 / 1024)} MB; at most ${MAX_LOOKUP_TEXT / 1024 / 1024} MB can be looked up at once`)
    parts.push(readFileSync(file, 'utf8'))
  }
  const text = parts.join('\n')
  if (!text.trim()) throw new HuntbenchError('invalid_input', 'Nothing to look up. Give observables as arguments, --file PATH, or - (or --file -) to read standard input.')
  return text
}

export function registerTiCommands(program: Command, ctx: CliContext): void {
  registerKeyCommands(program, ctx)
  program
    .command('lookup')
    .description('look up IPs (or any text containing them) in Shodan / InternetDB, through the shared queue and cache')
    .argument('[observable...]', 'observables (defanged forms such as 1.2.3[.]4 are fine); a lone "-" reads standard input')
    .option('--file <path>', 'read observables from a file, one per line or free text ("-" for standard input)')
    .option('--providers <list>', `comma-separated: ${tiProviderNames.join(',')} (default: shodan with a key, else internetdb)`)
    .option('--format <format>', 'table, csv or json (msticpy columns)', 'table')
    .option('--max-age <duration>', 'use cached answers younger than this (7d default; 0 always asks)')
    .option('--refresh', 'ignore the cache and ask the provider')
    .option('--history', 'Shodan: include historical banners')
    .option('--spacing <ms>', 'milliseconds between requests for this run (default 1000, as Shodan documents)')
    .action(async (observables: string[], options: LookupOptions, command: Command) => {
      const format = parseFormat(options.format, ['table', 'csv', 'json'])
      const providers = parseProviders(options.providers)
      const maxAgeMs = options.maxAge === undefined ? DEFAULT_MAX_AGE_MS : parseDuration(options.maxAge)
      let spacing: number | undefined
      if (options.spacing !== undefined) {
        spacing = Number(options.spacing)
        if (!Number.isInteger(spacing) || spacing < 50 || spacing > 600_000) throw new HuntbenchError('invalid_input', `--spacing must be whole milliseconds from 50 to 600000; got ${JSON.stringify(options.spacing)}`)
        if (spacing < 1000) ctx.io.err(`warning: --spacing ${spacing}: ${SPACING_WARNING}`)
      }
      const text = await readInput(ctx, observables, options.file)
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        if (spacing !== undefined) for (const p of tiProviderNames) s.ti.options.spacingOverride[p] = spacing
        const fromStdin = options.file !== undefined || observables.includes('-')
        const answer = await s.ti.lookup({ text, mode: observables.length && !fromStdin ? 'lines' : 'auto', providers, maxAgeMs, refresh: options.refresh ?? false, history: options.history ?? false })
        const start = Date.now()
        let lastLine = 0
        const report = (p: TiProgress, force = false): void => {
          if (!force && Date.now() - lastLine < 1000) return
          lastLine = Date.now()
          const eta = p.finished || p.etaMs === 0 ? '' : `, about ${formatEta(p.etaMs)} left`
          ctx.io.err(`lookup: ${p.done}/${p.total} done, ${p.failed} failed${eta}`)
        }
        const controller = new AbortController()
        const onInterrupt = (): void => controller.abort()
        process.once('SIGINT', onInterrupt)
        let final: TiProgress
        try {
          ;[final] = await s.ti.runInline([answer.jobId], ([p]) => report(p), controller.signal)
        } finally {
          process.off('SIGINT', onInterrupt)
        }
        if (Date.now() - start > 0) report(final, true)
        const rows = s.ti.allRows(answer.jobId, format !== 'table')
        if (format === 'json') ctx.io.out(renderJson(rows.map((r) => Object.fromEntries(tiColumns.map((c, i) => [c, exportCells(r)[i]])))))
        else if (format === 'csv') ctx.io.out(renderCsv([...tiColumns], rows.map(exportCells)))
        else {
          const now = s.now()
          ctx.io.out(
            renderTable(
              ['Ioc', 'IocType', 'Provider', 'Severity', 'Status', 'Summary', 'Fetched'],
              rows.map((r) => [r.Ioc, r.IocType, r.Provider, r.Severity, r.Status, tiSummary(r), r.FetchedAt === null ? '' : `${age(r.FetchedAt, now)}${r.FromCache ? ' (cache)' : ''}`]),
              80
            )
          )
        }
        const waiting = final.total - final.done
        if (controller.signal.aborted) {
          throw new HuntbenchError('cancelled', `Interrupted; ${waiting} lookup(s) stay queued and are sent the next time Huntbench or \`huntbench lookup\` runs.`)
        }
        if (final.stoppedReason && final.stoppedReason !== 'cancelled' && waiting > 0) {
          throw new HuntbenchError(final.stoppedReason === 'offline' ? 'offline' : 'unauthenticated', `${waiting} lookup(s) are still queued: ${final.message ?? final.stoppedReason}`)
        }
      })
    })
}
