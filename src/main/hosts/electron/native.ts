// better-sqlite3 is not N-API: the build in node_modules matches Node (for tests and the
// CLI) and will not load in Electron. The desktop app loads a second, Electron-ABI build
// through `nativeBinding` instead, so node_modules is never rebuilt back and forth.
// scripts/electron-native.mjs makes that build on first `npm start`; packaging puts it
// in resources/native.
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export function electronSqliteBinding(env: NodeJS.ProcessEnv, resourcesPath: string | undefined): string | undefined {
  const candidates = [env.HUNTBENCH_SQLITE_BINDING, resourcesPath && join(resourcesPath, 'native', 'better_sqlite3.node')]
  return candidates.find((file): file is string => Boolean(file && existsSync(file)))
}
