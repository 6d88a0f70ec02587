// Core methods: app status and preferences, history, stored runs and their rows.
import { z } from 'zod'
import type { AppStatus, HistoryPage, RowPage, RunDetail, Theme } from '../types'
import { cell, empty, id, limitedText, method } from './define'

export const MAX_IMPORT_ROWS = 100_000
export const MAX_PAGE_ROWS = 5_000

export const coreApi = {
  'app.status': method<AppStatus>()(empty),
  'app.preferences': method<{ theme: Theme }>()(empty),
  'app.setTheme': method<{ theme: Theme }>()(
    z.object({ theme: z.enum(['system', 'light', 'dark']) }).strict()
  ),
  'app.openExternal': method<{ opened: boolean }>()(
    z.object({ url: limitedText(2048) }).strict()
  ),
  'history.list': method<HistoryPage>()(
    z
      .object({
        limit: z.number().int().min(1).max(500).default(50),
        offset: z.number().int().min(0).default(0),
        kind: z.enum(['run', 'lookup']).optional()
      })
      .strict()
  ),
  'results.import': method<{ runId: number }>()(
    z
      .object({
        title: limitedText(200).trim().min(1, 'a title is required'),
        kql: limitedText(100_000).default(''),
        columns: z
          .array(z.object({ name: limitedText(256).min(1), type: limitedText(32).default('String') }).strict())
          .min(1, 'at least one column is required')
          .max(1000),
        rows: z.array(z.array(cell)).max(MAX_IMPORT_ROWS, `at most ${MAX_IMPORT_ROWS} rows`)
      })
      .strict()
      .superRefine((value, ctx) => {
        const width = value.columns.length
        const bad = value.rows.findIndex((row) => row.length !== width)
        if (bad >= 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['rows', bad],
            message: `row ${bad + 1} has ${value.rows[bad].length} cells but there are ${width} columns`
          })
        }
      })
  ),
  'runs.get': method<RunDetail>()(z.object({ runId: id }).strict()),
  'runs.rows': method<RowPage>()(
    z
      .object({
        runId: id,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(MAX_PAGE_ROWS).default(200)
      })
      .strict()
  )
} as const

export interface CoreEvents {
  'app.status': AppStatus
  'history.changed': { kind: 'run' | 'lookup'; id: number }
}
export const coreEventNames = ['app.status', 'history.changed'] as const
