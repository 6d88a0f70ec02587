// State for the Cases view: the case list and one open case, refreshed when main says a
// case changed (another window, the CLI on the same data folder, an import).
import { BUNDLE_TOO_LARGE_TO_UPLOAD, MAX_BUNDLE_UPLOAD_BYTES, type CaseDetail, type CaseStatus, type CaseSummary, type ImportResult } from '../../../shared/api/cases'
import { client, errorText } from '../lib/client'

export class CaseList {
  items = $state.raw<CaseSummary[]>([])
  loading = $state(true)
  error = $state<string | null>(null)
  status = $state<CaseStatus | 'all'>('all')

  async load(): Promise<void> {
    try {
      this.items = await client.call('cases.list', this.status === 'all' ? {} : { status: this.status })
      this.error = null
    } catch (err) {
      this.error = errorText(err)
    } finally {
      this.loading = false
    }
  }

  start(): () => void {
    void this.load()
    return client.on('cases.changed', () => void this.load())
  }
}

export class OpenCase {
  detail = $state.raw<CaseDetail | null>(null)
  error = $state<string | null>(null)
  /** The outcome of the last action (saved, exported...), or why it failed. */
  notice = $state<{ text: string; kind: 'ok' | 'error' } | null>(null)
  busy = $state(false)

  constructor(readonly id: number) {}

  async load(): Promise<void> {
    try {
      this.detail = await client.call('cases.get', { caseId: this.id })
      this.error = null
    } catch (err) {
      this.error = errorText(err)
    }
  }

  start(): () => void {
    void this.load()
    return client.on('cases.changed', (p) => {
      if (p.caseId === this.id) void this.load()
    })
  }

  /** Runs an action, shows its outcome, and reloads the case. */
  async act<T>(action: () => Promise<T>, done?: string | ((value: T) => string)): Promise<T | null> {
    this.busy = true
    try {
      const value = await action()
      if (done) this.notice = { text: typeof done === 'string' ? done : done(value), kind: 'ok' }
      await this.load()
      return value
    } catch (err) {
      this.notice = { text: errorText(err), kind: 'error' }
      return null
    } finally {
      this.busy = false
    }
  }
}


export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export async function fileToBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let binary = ''
  const chunk = 0x8000
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk))
  return btoa(binary)
}

export async function importBundleFile(file: File, readOnly: boolean): Promise<ImportResult> {
  // Refused before the file is read: a bundle this big would only meet the same refusal after uploading.
  if (file.size > MAX_BUNDLE_UPLOAD_BYTES) throw new Error(`${BUNDLE_TOO_LARGE_TO_UPLOAD[0].toUpperCase()}${BUNDLE_TOO_LARGE_TO_UPLOAD.slice(1)}.`)
  return client.call('cases.importBundle', { content: await fileToBase64(file), readOnly })
}

export function importMessage(r: ImportResult): string {
  const what = r.created ? 'Imported' : r.updated ? 'Updated' : 'Already imported:'
  return `${what} case #${r.caseId} “${r.title}”${r.readOnly ? ' (read-only)' : ''}: ${r.counts.runs} runs, ${r.counts.rows.toLocaleString()} rows, ${r.counts.lookups} lookups, ${r.counts.observables} observables, ${r.counts.notes} notes.`
}
