// Storing an answer's rows without holding the main thread: batched transactions with a
// yield in between, stopping (nothing kept by the caller's run) once cancelled.
import type { Database } from 'better-sqlite3'
import type { RunStore } from '../store/runs'
import { HuntingError } from './client'

/** Appends rows in transactions of `batchSize`, yielding to the event loop in between. */
export async function storeRowsInBatches(
  db: Database,
  runs: RunStore,
  runId: number,
  rows: readonly unknown[][],
  batchSize: number,
  onBatch?: (stored: number) => void,
  signal?: AbortSignal
): Promise<void> {
  const append = db.transaction((from: number) => runs.appendRows(runId, from, rows.slice(from, from + batchSize)))
  for (let from = 0; from < rows.length; from += batchSize) {
    if (signal?.aborted) throw new HuntingError('cancelled', 'The query was cancelled while its rows were being stored; none were kept.')
    append(from)
    onBatch?.(Math.min(rows.length, from + batchSize))
    // Let other work (UI calls, other profiles) in between batches.
    await new Promise((resolve) => setImmediate(resolve))
  }
}
