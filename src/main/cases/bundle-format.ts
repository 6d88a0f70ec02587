// The case bundle container: one gzip file of JSON lines, readable with `zcat`.
//
//   {"format":"huntbench-case-bundle","formatVersion":1}      header
//   {"part":"case","lines":1}                                  a part: header line, then
//   {...}                                                       exactly `lines` lines
//   {"part":"rows:0","lines":100000}
//   [...]  (one stored row per line, as stored)
//   {"manifest":{...parts with line counts, bytes and SHA-256}} last line
//
// Each part's lines are contiguous bytes, so verifying a part is one SHA-256 over a
// slice of the decompressed file. Everything is verified before anything is written.
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { promisify } from 'node:util'
import { createGzip, gunzip } from 'node:zlib'
import { HuntbenchError } from '../../shared/errors'

export const BUNDLE_FORMAT = 'huntbench-case-bundle'
export const BUNDLE_FORMAT_VERSION = 1
export const BUNDLE_EXTENSION = '.hbcase'
/** Decompressed size a bundle may reach: five 100,000-row results fit many times over. */
export const MAX_BUNDLE_BYTES = 3 * 1024 * 1024 * 1024

export interface PartInfo {
  name: string
  lines: number
  bytes: number
  sha256: string
}

export interface Manifest {
  format: string
  formatVersion: number
  appVersion: string
  schemaVersion: number
  exportedAt: number
  caseUid: string
  caseTitle: string
  counts: Record<string, number>
  parts: PartInfo[]
  /** SHA-256 over the parts' names and checksums: the same content gives the same id. */
  bundleId: string
}

export function bundleIdOf(parts: PartInfo[]): string {
  const h = createHash('sha256')
  for (const p of parts) h.update(`${p.name}\t${p.lines}\t${p.bytes}\t${p.sha256}\n`)
  return h.digest('hex')
}

const FLUSH_BYTES = 1 << 20

/** Streams a bundle to a temporary file and renames it into place once complete. */
export class BundleWriter {
  private readonly gzip = createGzip({ level: 3 })
  private readonly out: ReturnType<typeof createWriteStream>
  private readonly done: Promise<void>
  private readonly parts: PartInfo[] = []
  private pending: string[] = []
  private pendingBytes = 0
  private readonly fileHash = createHash('sha256')
  private fileBytes = 0

  constructor(private readonly target: string) {
    this.out = createWriteStream(`${target}.partial`)
    this.gzip.on('data', (chunk: Buffer) => {
      this.fileHash.update(chunk)
      this.fileBytes += chunk.length
    })
    this.gzip.pipe(this.out)
    this.done = new Promise((resolve, reject) => {
      this.out.once('finish', resolve)
      this.out.once('error', reject)
      this.gzip.once('error', reject)
    })
    this.pending.push(JSON.stringify({ format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION }) + '\n')
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return
    const chunk = Buffer.from(this.pending.join(''), 'utf8')
    this.pending = []
    this.pendingBytes = 0
    if (!this.gzip.write(chunk)) await once(this.gzip, 'drain')
  }

  /** Writes one part; `lines` yields batches of JSON texts (no newlines inside). */
  async part(name: string, lineCount: number, batches: Iterable<string[]>): Promise<PartInfo> {
    this.pending.push(JSON.stringify({ part: name, lines: lineCount }) + '\n')
    const hash = createHash('sha256')
    let lines = 0
    let bytes = 0
    for (const batch of batches) {
      const text = batch.length ? batch.join('\n') + '\n' : ''
      if (!text) continue
      hash.update(text, 'utf8')
      bytes += Buffer.byteLength(text, 'utf8')
      lines += batch.length
      this.pending.push(text)
      this.pendingBytes += text.length
      if (this.pendingBytes >= FLUSH_BYTES) await this.flush()
    }
    if (lines !== lineCount) {
      throw new HuntbenchError('store_error', `Part ${name} changed while it was being exported (${lines} lines, expected ${lineCount}). Try the export again.`)
    }
    const info = { name, lines, bytes, sha256: hash.digest('hex') }
    this.parts.push(info)
    return info
  }

  async finish(meta: Omit<Manifest, 'format' | 'formatVersion' | 'parts' | 'bundleId'>): Promise<{ manifest: Manifest; bytes: number; sha256: string }> {
    const manifest: Manifest = { format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, ...meta, parts: this.parts, bundleId: bundleIdOf(this.parts) }
    this.pending.push(JSON.stringify({ manifest }) + '\n')
    await this.flush()
    this.gzip.end()
    await this.done
    await rename(`${this.target}.partial`, this.target)
    return { manifest, bytes: this.fileBytes, sha256: this.fileHash.digest('hex') }
  }

  async abort(): Promise<void> {
    this.gzip.destroy()
    this.out.destroy()
    await rm(`${this.target}.partial`, { force: true })
  }
}

export interface ReadPart {
  name: string
  /** Byte offsets of each line's start and end (without the newline) in `data`. */
  starts: number[]
  ends: number[]
}

export interface ReadBundle {
  data: Buffer
  manifest: Manifest
  parts: Map<string, ReadPart>
  fileSha256: string
}

function damaged(detail: string): HuntbenchError {
  return new HuntbenchError('bad_data', `This case bundle is damaged or was changed after export: ${detail}. Nothing was imported.`)
}

function parseLine(data: Buffer, start: number, end: number, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(data.toString('utf8', start, end)) as unknown
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // reported below
  }
  throw damaged(`${what} is not valid JSON`)
}

const gunzipAsync = promisify(gunzip)

/** Decompresses and verifies a bundle: structure, versions, every part's checksum. */
export async function readBundle(file: Buffer, known: { schemaVersion: number; appVersion: string }): Promise<ReadBundle> {
  if (file.length < 2 || file[0] !== 0x1f || file[1] !== 0x8b) {
    throw new HuntbenchError('bad_data', 'This file is not a Huntbench case bundle (it is not gzip-compressed). Nothing was imported.')
  }
  const fileSha256 = createHash('sha256').update(file).digest('hex')
  let data: Buffer
  try {
    data = await gunzipAsync(file, { maxOutputLength: MAX_BUNDLE_BYTES })
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'Z_BUF_ERROR' || /unexpected end/i.test((err as Error).message)) throw damaged('the file ends early (truncated)')
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new HuntbenchError('bad_data', `This bundle unpacks to more than ${MAX_BUNDLE_BYTES / 2 ** 30} GB, more than Huntbench will import. Nothing was imported.`)
    }
    throw damaged(`it cannot be decompressed (${(err as Error).message})`)
  }

  let pos = 0
  const nextLine = (): [number, number] | null => {
    if (pos >= data.length) return null
    const nl = data.indexOf(10, pos)
    if (nl < 0) throw damaged('the last line is incomplete (truncated)')
    const line: [number, number] = [pos, nl]
    pos = nl + 1
    return line
  }

  const first = nextLine()
  if (!first) throw damaged('it is empty')
  let header: Record<string, unknown>
  try {
    header = parseLine(data, first[0], first[1], 'the header')
  } catch {
    throw new HuntbenchError('bad_data', 'This file is not a Huntbench case bundle (its first line is not a bundle header). Nothing was imported.')
  }
  if (header.format !== BUNDLE_FORMAT) {
    throw new HuntbenchError('bad_data', 'This file is not a Huntbench case bundle (unknown header). Nothing was imported.')
  }
  const formatVersion = Number(header.formatVersion)
  if (!Number.isInteger(formatVersion) || formatVersion < 1) throw damaged('its header has no valid format version')
  if (formatVersion > BUNDLE_FORMAT_VERSION) {
    throw new HuntbenchError(
      'bad_data',
      `This bundle was made by a newer Huntbench (bundle format ${formatVersion}; this version reads up to ${BUNDLE_FORMAT_VERSION}). Update Huntbench to import it. Nothing was imported.`
    )
  }

  const parts = new Map<string, ReadPart>()
  const seen: PartInfo[] = []
  let manifest: Manifest | null = null
  for (let line = nextLine(); line; line = nextLine()) {
    const head = parseLine(data, line[0], line[1], 'a part header')
    if (head.manifest && typeof head.manifest === 'object') {
      manifest = head.manifest as Manifest
      if (pos !== data.length) throw damaged('there is data after the manifest')
      break
    }
    const name = head.part
    const count = head.lines
    if (typeof name !== 'string' || !Number.isInteger(count) || (count as number) < 0) throw damaged('a part header is malformed')
    if (parts.has(name)) throw damaged(`part ${name} appears twice`)
    const part: ReadPart = { name, starts: [], ends: [] }
    const begin = pos
    for (let i = 0; i < (count as number); i++) {
      const l = nextLine()
      if (!l) throw damaged(`part ${name} ends early (truncated)`)
      part.starts.push(l[0])
      part.ends.push(l[1])
    }
    const sha256 = createHash('sha256').update(data.subarray(begin, pos)).digest('hex')
    parts.set(name, part)
    seen.push({ name, lines: count as number, bytes: pos - begin, sha256 })
  }
  if (!manifest) throw damaged('its manifest is missing (the file was cut short)')
  if (manifest.format !== BUNDLE_FORMAT || manifest.formatVersion !== formatVersion) throw damaged('the manifest does not match the header')
  if (typeof manifest.schemaVersion !== 'number' || manifest.schemaVersion > known.schemaVersion) {
    throw new HuntbenchError(
      'bad_data',
      `This bundle was made by a newer Huntbench (${String(manifest.appVersion)}, database schema ${String(manifest.schemaVersion)}; this one is ${known.appVersion} with schema ${known.schemaVersion}). Update Huntbench to import it. Nothing was imported.`
    )
  }
  if (!Array.isArray(manifest.parts) || manifest.parts.length !== seen.length) throw damaged('the manifest lists a different set of parts')
  manifest.parts.forEach((listed, i) => {
    const actual = seen[i]
    if (!listed || listed.name !== actual.name) throw damaged(`part ${actual.name} is not the one the manifest lists`)
    if (listed.lines !== actual.lines || listed.bytes !== actual.bytes) throw damaged(`part ${actual.name} has a different size than the manifest says`)
    if (listed.sha256 !== actual.sha256) throw damaged(`part ${actual.name} fails its SHA-256 check`)
  })
  if (manifest.bundleId !== bundleIdOf(seen)) throw damaged('the manifest bundle id does not match its parts')
  return { data, manifest, parts, fileSha256 }
}

/** The parsed lines of a small part (everything except result rows). */
export function partObjects(bundle: ReadBundle, name: string): Record<string, unknown>[] {
  const part = bundle.parts.get(name)
  if (!part) return []
  return part.starts.map((start, i) => parseLine(bundle.data, start, part.ends[i], `a line of part ${name}`))
}
