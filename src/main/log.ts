// One logger for main. Every line passes through `redact` first, so an API key or a
// token that slips into a message or a URL never reaches the log file or the console.
import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'

const secretPatterns: [RegExp, string][] = [
  [/([?&](?:key|token|access_token|refresh_token|code|client_secret)=)[^&\s"'#]+/gi, '$1REDACTED'],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1REDACTED'],
  [/("(?:key|token|access_token|refresh_token|id_token|secret|password)"\s*:\s*")[^"]*"/gi, '$1REDACTED"']
]

const knownSecrets = new Set<string>()

/** Registers a secret value (an API key once read) so it is scrubbed wherever it appears. */
export function registerSecret(value: string): void {
  if (value.length >= 8) knownSecrets.add(value)
}

export function redact(text: string): string {
  let out = text
  for (const secret of knownSecrets) out = out.split(secret).join('REDACTED')
  for (const [pattern, replacement] of secretPatterns) out = out.replace(pattern, replacement)
  return out
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  log(level: LogLevel, message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export function createLogger(dataDir: string | null, options: { echo?: boolean } = {}): Logger {
  let file: string | null = null
  if (dataDir) {
    mkdirSync(join(dataDir, 'logs'), { recursive: true })
    file = join(dataDir, 'logs', 'huntbench.log')
  }
  const log = (level: LogLevel, message: string): void => {
    const line = `${new Date().toISOString()} ${level.toUpperCase()} ${redact(message)}`
    if (file) appendFileSync(file, line + '\n')
    if (options.echo && level !== 'debug') process.stderr.write(line + '\n')
  }
  return {
    log,
    info: (m) => log('info', m),
    warn: (m) => log('warn', m),
    error: (m) => log('error', m)
  }
}
