// Entry point for the `huntbench` command (plain Node; never imports Electron).
import { processIo } from './hosts/cli/context'
import { runCli } from './hosts/cli/program'

const code = await runCli(process.argv.slice(2), processIo())
// Long-running commands (web) keep the process alive themselves; others exit now.
if (code !== 0) process.exit(code)
