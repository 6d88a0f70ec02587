// `huntbench web`: browser mode. Prints the URL (token included) on a line of its own,
// opens the default browser unless --no-open, and serves until interrupted.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { resolveDataDir } from '../../../config'
import { openInBrowser } from '../../../platform/open-browser'
import { createServices } from '../../../services'
import { startWebHost } from '../../web/server'
import type { CliContext } from '../context'

export function rendererDir(): string {
  if (process.env.HUNTBENCH_RENDERER_DIR) return process.env.HUNTBENCH_RENDERER_DIR
  // out/main/cli.js -> out/renderer
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer')
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535; got ${JSON.stringify(value)}`)
  return port
}

export function registerWebCommand(program: Command, ctx: CliContext): void {
  program
    .command('web')
    .description('serve Huntbench in your browser on 127.0.0.1 (browser mode)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--no-open', 'do not open the browser, just print the URL')
    .option('--sandbox', 'also run the sandbox: a fake tenant, hunting API and Shodan in this process')
    .action(async (options: { port: string; open: boolean; sandbox?: boolean }, command: Command) => {
      const port = parsePort(options.port)
      const dir = rendererDir()
      if (!existsSync(join(dir, 'index.html'))) {
        throw new Error(`the renderer is not built (no ${join(dir, 'index.html')}); run \`npm run build\` first`)
      }
      const dataDir = resolveDataDir(command.optsWithGlobals().dataDir)
      const services = createServices({ dataDir, host: 'web', opener: openInBrowser, echoLog: false })
      for (const warning of services.warnings) ctx.io.err(`warning: ${warning}`)
      services.connectivity.start()
      if (options.sandbox) {
        // Loaded only on request: the fakes are not part of a normal run.
        const { startSandbox } = await import('../../../sandbox/index')
        const sandbox = await startSandbox(services)
        ctx.io.err(`Sandbox running: profile "${sandbox.profile.name}" signs in to a fake tenant; hunts and Shodan lookups use local fakes.`)
      }
      const host = await startWebHost({ services, rendererDir: dir, port })
      ctx.io.err(`Huntbench browser mode on 127.0.0.1:${host.port} (data: ${dataDir}). Open this URL; Ctrl+C stops:`)
      ctx.io.out(host.url)
      if (options.open) {
        openInBrowser(host.url).catch((err: Error) => ctx.io.err(`Could not open a browser (${err.message}); open the URL above yourself.`))
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop)
          process.off('SIGTERM', stop)
          resolve()
        }
        process.on('SIGINT', stop)
        process.on('SIGTERM', stop)
      })
      await host.close()
      services.close()
    })
}
