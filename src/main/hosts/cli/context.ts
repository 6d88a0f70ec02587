// What every CLI command gets: the resolved data folder and a way to open the same
// services the desktop and browser hosts use, closed again when the command ends.
import type { MethodName, MethodOutput } from '../../../shared/api'
import { HuntbenchError } from '../../../shared/errors'
import { resolveDataDir } from '../../config'
import { createServices, type Services } from '../../services'

/**
 * Calls a contract method through the router, exactly as the app's hosts do, so the CLI
 * gets the same validation and messages; an error answer becomes a thrown HuntbenchError.
 */
export async function callApi<M extends MethodName>(s: Services, method: M, input: unknown): Promise<MethodOutput<M>> {
  const answer = await s.router.call(method, input)
  if (!answer.ok) throw new HuntbenchError(answer.error.code, answer.error.message)
  return answer.value as MethodOutput<M>
}

export interface GlobalOptions {
  dataDir?: string
}

export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
  /** Standard input as text (for `key set`, `--file -`); never argv for secrets. */
  readStdin: () => Promise<string>
  isTty: boolean
}

export interface CliContext {
  io: CliIo
  dataDir(options: GlobalOptions): string
  /** Opens services, runs `fn`, and always closes them. */
  withServices<T>(options: GlobalOptions, fn: (services: Services) => Promise<T> | T): Promise<T>
  call: typeof callApi
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
    readStdin: async () => {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    },
    isTty: Boolean(process.stdout.isTTY)
  }
}

export function createCliContext(io: CliIo): CliContext {
  const dataDir = (options: GlobalOptions): string => resolveDataDir(options.dataDir)
  return {
    io,
    dataDir,
    call: callApi,
    async withServices(options, fn) {
      const services = createServices({ dataDir: dataDir(options), host: 'cli' })
      for (const warning of services.warnings) io.err(`warning: ${warning}`)
      try {
        return await fn(services)
      } finally {
        services.close()
      }
    }
  }
}
