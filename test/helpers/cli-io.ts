// A CliIo that records what a command prints, for running the CLI in-process.
import type { CliIo } from '../../src/main/hosts/cli/context'

export function captureIo(stdin = ''): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t), readStdin: async () => stdin, isTty: false }
}
