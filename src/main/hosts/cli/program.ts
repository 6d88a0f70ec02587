// The `huntbench` command line: the same services as the desktop app, headless.
// Each domain registers its own commands; this file only wires them together.
import { Command, CommanderError } from 'commander'
import { HuntbenchError } from '../../../shared/errors'
import { APP_VERSION } from '../../services'
import { registerHistoryCommands } from './commands/history'
import { registerAuthCommands } from './commands/auth'
import { registerQueryCommands } from './commands/query'
import { registerWebCommand } from './commands/web'
import { registerTiCommands } from './commands/ti'
import { registerCasesCommands } from './commands/cases'
import { createCliContext, type CliIo } from './context'

export function buildProgram(io: CliIo): Command {
  const ctx = createCliContext(io)
  const program = new Command('huntbench')
    .description('Huntbench: a threat-hunting workbench for Microsoft Defender XDR with Shodan enrichment')
    .version(APP_VERSION, '-V, --version')
    .option('--data-dir <dir>', 'data folder (default: HUNTBENCH_DATA_DIR or the OS app-data folder)')
    .showHelpAfterError('(run huntbench --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()

  registerWebCommand(program, ctx)
  registerHistoryCommands(program, ctx)
  registerAuthCommands(program, ctx)
  registerQueryCommands(program, ctx)
  registerTiCommands(program, ctx)
  registerCasesCommands(program, ctx)
  return program
}

/** Runs the CLI and returns the exit code; errors become one clear line on stderr. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return 0
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode
    }
    const message = err instanceof HuntbenchError ? err.message : (err as Error)?.message ?? String(err)
    io.err(`huntbench: ${message}`)
    return err instanceof HuntbenchError && err.code === 'invalid_input' ? 2 : 1
  }
}
