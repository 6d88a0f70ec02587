// The case bundle container (format 2): a sequence of gzip members, so `zcat` still shows
// plain JSON lines:
//
//   member 0   {"format":"huntbench-case-bundle","formatVersion":2}
//   member 1.. {"part":"case","lines":1}            one member per part: a part header line,
//              {...}                                 then exactly `lines` lines
//   last       {"manifest":{...parts with line counts, sizes and SHA-256}}
//
// Each member carries its own length in a gzip extra field ("HB", as BGZF does), so a
// reader finds every part without decompressing anything. A part's SHA-256 is taken over
// its compressed member: verifying a bundle hashes ~20 MB instead of ~170 MB, and the
// members then decompress in parallel. Format 1 (one gzip stream, checksums over the
// decompressed lines) is still read; see bundle-read.ts.
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib'
import { HuntbenchError } from '../../shared/errors'

export const BUNDLE_FORMAT = 'huntbench-case-bundle'
export const BUNDLE_FORMAT_VERSION = 2
export const BUNDLE_EXTENSION = '.hbcase'
/** Decompressed size a bundle may reach: five 100,000-row results fit many times over. */
export const MAX_BUNDLE_BYTES = 3 * 1024 * 1024 * 1024

export interface PartInfo {
  name: string
  lines: number
  /** Format 2: decompressed size of the part's member (header line included). */
  bytes: number
  /** Format 2: SHA-256 of the compressed member; format 1: of the decompressed lines. */
  sha256: string
  /** Format 2 only: size of the compressed member. */
  packedBytes?: number
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

// ---- gzip members with a length mark ----

/** 10-byte gzip header + XLEN + one "HB" subfield holding the member's length (6 bytes LE, 2 spare). */
export const MEMBER_HEADER_BYTES = 24
const MEMBER_TRAILER_BYTES = 8

function memberHeader(memberBytes: number): Buffer {
  const h = Buffer.alloc(MEMBER_HEADER_BYTES)
  h.set([0x1f, 0x8b, 8, 4], 0) // gzip, deflate, FEXTRA; mtime 0 so equal content packs to equal bytes
  h[9] = 255
  h.writeUInt16LE(12, 10)
  h.set([0x48, 0x42], 12)
  h.writeUInt16LE(8, 14)
  h.writeUIntLE(memberBytes, 16, 6)
  return h
}

function memberTrailer(crc: number, size: number): Buffer {
  const t = Buffer.alloc(MEMBER_TRAILER_BYTES)
  t.writeUInt32LE(crc >>> 0, 0)
  t.writeUInt32LE(size % 2 ** 32, 4)
  return t
}

/**
 * The length of the member starting at `at`, from its "HB" mark; null when the bytes
 * there are not a gzip member with one (a format 1 bundle, or damage).
 */
export function memberLength(file: Buffer, at: number): number | null {
  if (at + MEMBER_HEADER_BYTES > file.length) return null
  if (file[at] !== 0x1f || file[at + 1] !== 0x8b || file[at + 2] !== 8 || file[at + 3] !== 4) return null
  if (file.readUInt16LE(at + 10) !== 12 || file[at + 12] !== 0x48 || file[at + 13] !== 0x42 || file.readUInt16LE(at + 14) !== 8) return null
  const length = file.readUIntLE(at + 16, 6)
  return length >= MEMBER_HEADER_BYTES + MEMBER_TRAILER_BYTES + 2 ? length : null
}

/** A stable key for a member's decompressed content: its gzip CRC-32 and size, verified on decompression. */
export function memberContentKey(member: Buffer): string {
  return `${member.readUInt32LE(member.length - 8).toString(16)}:${member.readUInt32LE(member.length - 4)}`
}

/** One complete member for content held in memory (the header, small parts, the manifest). */
export function packMember(content: Buffer): Buffer {
  const body = deflateRawSync(content, { level: 3 })
  const total = MEMBER_HEADER_BYTES + body.length + MEMBER_TRAILER_BYTES
  return Buffer.concat([memberHeader(total), body, memberTrailer(crc32(content), content.length)])
}

const FLUSH_BYTES = 1 << 20

/** Streams a bundle to a temporary file and renames it into place once complete. */
export class BundleWriter {
  private readonly out: ReturnType<typeof createWriteStream>
  private readonly failed: Promise<never>
  private readonly parts: PartInfo[] = []
  private readonly fileHash = createHash('sha256')
  private fileBytes = 0

  constructor(private readonly target: string) {
    this.out = createWriteStream(`${target}.partial`)
    this.failed = new Promise<never>((_resolve, reject) => this.out.once('error', reject))
    this.failed.catch(() => undefined)
  }

  private async write(chunk: Buffer): Promise<void> {
    this.fileHash.update(chunk)
    this.fileBytes += chunk.length
    if (!this.out.write(chunk)) await Promise.race([once(this.out, 'drain'), this.failed])
  }

  private async start(): Promise<void> {
    if (this.fileBytes === 0) await this.write(packMember(Buffer.from(JSON.stringify({ format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION }) + '\n')))
  }

  /** Writes one part as its own member; `batches` yields batches of JSON texts (no newlines inside). */
  async part(name: string, lineCount: number, batches: Iterable<string[]>): Promise<PartInfo> {
    await this.start()
    const deflate = createDeflateRaw({ level: 3 })
    const chunks: Buffer[] = []
    let packed = 0
    deflate.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      packed += chunk.length
    })
    let crc = 0
    let bytes = 0
    let pending: string[] = [JSON.stringify({ part: name, lines: lineCount }) + '\n']
    let pendingChars = 0
    const feed = async (): Promise<void> => {
      const buf = Buffer.from(pending.join(''), 'utf8')
      pending = []
      pendingChars = 0
      crc = crc32(buf, crc)
      bytes += buf.length
      if (!deflate.write(buf)) await once(deflate, 'drain')
    }
    let lines = 0
    for (const batch of batches) {
      if (batch.length === 0) continue
      pending.push(batch.join('\n') + '\n')
      pendingChars += pending[pending.length - 1].length
      lines += batch.length
      if (pendingChars >= FLUSH_BYTES) await feed()
    }
    await feed()
    deflate.end()
    await once(deflate, 'end')
    if (lines !== lineCount) {
      throw new HuntbenchError('store_error', `Part ${name} changed while it was being exported (${lines} lines, expected ${lineCount}). Try the export again.`)
    }
    const total = MEMBER_HEADER_BYTES + packed + MEMBER_TRAILER_BYTES
    const member = [memberHeader(total), ...chunks, memberTrailer(crc, bytes)]
    const hash = createHash('sha256')
    for (const piece of member) hash.update(piece)
    for (const piece of member) await this.write(piece)
    const info: PartInfo = { name, lines, bytes, sha256: hash.digest('hex'), packedBytes: total }
    this.parts.push(info)
    return info
  }

  async finish(meta: Omit<Manifest, 'format' | 'formatVersion' | 'parts' | 'bundleId'>): Promise<{ manifest: Manifest; bytes: number; sha256: string }> {
    await this.start()
    const manifest: Manifest = { format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, ...meta, parts: this.parts, bundleId: bundleIdOf(this.parts) }
    await this.write(packMember(Buffer.from(JSON.stringify({ manifest }) + '\n', 'utf8')))
    this.out.end()
    await Promise.race([once(this.out, 'finish'), this.failed])
    await rename(`${this.target}.partial`, this.target)
    return { manifest, bytes: this.fileBytes, sha256: this.fileHash.digest('hex') }
  }

  async abort(): Promise<void> {
    this.out.destroy()
    await rm(`${this.target}.partial`, { force: true })
  }
}

// ---- shared by the readers ----

export interface ReadPart {
  name: string
  /** The bytes holding the part's lines (format 1: the whole decompressed file). */
  data: Buffer
  /** Byte offsets of each line's start and end (without the newline) in `data`. */
  starts: number[]
  ends: number[]
  /** Identifies the part's content across exports, for recognising rows already stored. */
  contentKey: string
}

export interface ReadBundle {
  manifest: Manifest
  parts: Map<string, ReadPart>
  fileSha256: string
}

export function damaged(detail: string): HuntbenchError {
  return new HuntbenchError('bad_data', `This case bundle is damaged or was changed after export: ${detail}. Nothing was imported.`)
}

export function parseLine(data: Buffer, start: number, end: number, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(data.toString('utf8', start, end)) as unknown
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // reported below
  }
  throw damaged(`${what} is not valid JSON`)
}

/** The parsed lines of a small part (everything except result rows). */
export function partObjects(bundle: ReadBundle, name: string): Record<string, unknown>[] {
  const part = bundle.parts.get(name)
  if (!part) return []
  return part.starts.map((start, i) => parseLine(part.data, start, part.ends[i], `a line of part ${name}`))
}
