// Core methods: app status and preferences, history, stored runs and their rows.
import { z } from 'zod'
import type { AppStatus, HistoryPage, RowPage, RunDetail, Theme } from '../types'
import { cell, empty, id, limitedText, method } from './define'

export const MAX_IMPORT_ROWS = 100_000
export const MAX_PAGE_ROWS = 5_000
/** Enough for "copy every distinct value of this column" on a full 100,000-row result. */
export const MAX_DISTINCT_VALUES = 100_000

const scalar = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()])
const columnIndex = z.number().int().min(0).max(9_999)

/** A per-column filter of the result grid; `in` takes the values picked from runs.distinct. */
const columnFilter = z
  .object({
    column: columnIndex,
    op: z.enum(['contains', 'notContains', 'equals', 'notEquals', 'in', 'empty', 'notEmpty', 'gt', 'lt']),
    value: scalar.optional(),
    values: z.array(scalar).max(1_000).optional()
  })
  .strict()

/** How a stored result is shown: sorted by one column, found by substring, filtered per column. */
const rowView = {
  sort: z.object({ column: columnIndex, direction: z.enum(['asc', 'desc']).default('asc') }).strict().optional(),
  /** Rows with any cell containing this text, ignoring case. */
  filter: z.string().max(1_000, 'the find text must be at most 1000 characters').optional(),
  columnFilters: z.array(columnFilter).max(100).optional()
}
const rowViewSchema = z.object(rowView).strict()

export type ColumnFilter = z.output<typeof columnFilter>
export type RowView = z.input<typeof rowViewSchema>

export interface RunExport {
  fileName: string
  mimeType: string
  content: string
  rowCount: number
}

export interface DistinctValues {
  column: number
  values: { value: unknown; count: number }[]
  /** How many different values the column holds in the view (values lists at most `limit`). */
  distinct: number
}

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
        kind: z.enum(['run', 'lookup']).optional(),
        // Filters (cases helper): epoch ms [from, to), status, tenant profile, provider, case.
        from: z.number().int().min(0).optional(),
        to: z.number().int().min(0).optional(),
        status: z.enum(['succeeded', 'failed', 'cancelled', 'running', 'queued']).optional(),
        profile: limitedText(200).optional(),
        provider: limitedText(100).optional(),
        caseId: id.optional()
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
        limit: z.number().int().min(1).max(MAX_PAGE_ROWS).default(200),
        ...rowView
      })
      .strict()
  ),
  'runs.export': method<RunExport>()(
    z
      .object({
        runId: id,
        format: z.enum(['csv', 'json']),
        /** Only these columns, in this order (the column chooser); all when absent. */
        columns: z.array(columnIndex).min(1).max(10_000).optional(),
        ...rowView
      })
      .strict()
  ),
  'runs.distinct': method<DistinctValues>()(
    z
      .object({ runId: id, column: columnIndex, limit: z.number().int().min(1).max(MAX_DISTINCT_VALUES).default(200), ...rowView })
      .strict()
  )
} as const

export interface CoreEvents {
  'app.status': AppStatus
  'history.changed': { kind: 'run' | 'lookup'; id: number }
}
export const coreEventNames = ['app.status', 'history.changed'] as const
