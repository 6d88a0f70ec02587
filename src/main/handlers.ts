// Binds each contract method to the services. Each domain contributes its own handlers
// (see createHandlers); the `Handlers` type makes a forgotten method a compile error.
import { HuntbenchError } from '../shared/errors'
import type { ColumnSchema } from '../shared/types'
import { safeOpenExternal } from './external'
import type { coreApi } from '../shared/api/core'
import type { Handlers } from './router'
import type { Services } from './services'
import { authHandlers } from './auth/handlers'
import { huntingHandlers } from './hunting/handlers'
import { casesHandlers } from './cases/handlers'
import { tiHandlers } from './ti/handlers'
import { exportRun } from './store/run-export'
import { listHistory } from './store/history'
import { getTheme, setTheme } from './store/settings'

type DomainHandlers<A> = Pick<Handlers, keyof A & keyof Handlers>
export type { DomainHandlers }

function coreHandlers(s: Services): DomainHandlers<typeof coreApi> {
  return {
    'app.status': () => s.status(),
    'app.preferences': () => ({ theme: getTheme(s.db) }),
    'app.setTheme': ({ theme }) => ({ theme: setTheme(s.db, theme) }),
    'app.openExternal': async ({ url }) => {
      const opener = s.config.opener
      if (!opener) throw new HuntbenchError('unavailable', 'This host cannot open links.')
      await safeOpenExternal(url, opener)
      return { opened: true }
    },
    'history.list': (input) => listHistory(s.db, input),
    'results.import': ({ title, kql, columns, rows }) => {
      const schema: ColumnSchema[] = columns.map((c) => ({ name: c.name, type: c.type }))
      const startedAt = s.now()
      const runId = s.runs.storeComplete(
        { source: 'import', title, kql, startedAt, status: 'succeeded' },
        { status: 'succeeded', durationMs: 0, rowCount: rows.length, truncated: false, schema },
        rows
      )
      s.bus.emit('history.changed', { kind: 'run', id: runId })
      return { runId }
    },
    'runs.get': ({ runId }) => s.runs.get(runId),
    'runs.rows': ({ runId, offset, limit, ...view }) => s.runs.rows(runId, offset, limit, view),
    'runs.export': (input) => exportRun(s.runs, input),
    'runs.distinct': ({ runId, column, limit, ...view }) => s.runs.distinct(runId, column, limit, view)
  }
}

export function createHandlers(s: Services): Handlers {
  return {
    ...coreHandlers(s),
    ...authHandlers(s),
    ...huntingHandlers(s),
    ...casesHandlers(s),
    ...tiHandlers(s)
  }
}
