// Reading and verifying a case bundle (see bundle-format.ts for the container). Every
// checksum, size and structural rule is checked here, before the importer writes anything.
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { crc32, gunzip, gunzipSync } from 'node:zlib'
import { HuntbenchError } from '../../shared/errors'
import {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  MAX_BUNDLE_BYTES,
  bundleIdOf,
  damaged,
  memberContentKey,
  memberLength,
  parseLine,
  type Manifest,
  type PartInfo,
  type ReadBundle,
  type ReadPart
} from './bundle-format'

export interface Known {
  schemaVersion: number
  appVersion: string
}

const gunzipAsync = promisify(gunzip)
const SMALL_MEMBER_BYTES = 64 * 2 ** 20
const tooLarge = (): HuntbenchError =>
  new HuntbenchError('bad_data', `This bundle unpacks to more than ${MAX_BUNDLE_BYTES / 2 ** 30} GB, more than Huntbench will import. Nothing was imported.`)
const notABundle = (why: string): HuntbenchError => new HuntbenchError('bad_data', `This file is not a Huntbench case bundle (${why}). Nothing was imported.`)

/** Lines of `data` from `pos`: [start, end) offsets; the last line must end with a newline. */
function lineOffsets(data: Buffer, pos: number, what: string): { starts: number[]; ends: number[] } {
  const starts: number[] = []
  const ends: number[] = []
  while (pos < data.length) {
    const nl = data.indexOf(10, pos)
    if (nl < 0) throw damaged(`the last line of ${what} is incomplete (truncated)`)
    starts.push(pos)
    ends.push(nl)
    pos = nl + 1
  }
  return { starts, ends }
}

function checkHeader(header: Record<string, unknown>): number {
  if (header.format !== BUNDLE_FORMAT) throw notABundle('unknown header')
  const formatVersion = Number(header.formatVersion)
  if (!Number.isInteger(formatVersion) || formatVersion < 1) throw damaged('its header has no valid format version')
  if (formatVersion > BUNDLE_FORMAT_VERSION) {
    throw new HuntbenchError(
      'bad_data',
      `This bundle was made by a newer Huntbench (bundle format ${formatVersion}; this version reads up to ${BUNDLE_FORMAT_VERSION}). Update Huntbench to import it. Nothing was imported.`
    )
  }
  return formatVersion
}

function headerOf(data: Buffer): Record<string, unknown> {
  const nl = data.indexOf(10)
  try {
    return parseLine(data, 0, nl < 0 ? data.length : nl, 'the header')
  } catch {
    throw notABundle('its first line is not a bundle header')
  }
}

function checkManifest(manifest: Manifest, formatVersion: number, known: Known, listedCount: number): void {
  if (manifest.format !== BUNDLE_FORMAT || manifest.formatVersion !== formatVersion) throw damaged('the manifest does not match the header')
  if (typeof manifest.schemaVersion !== 'number' || manifest.schemaVersion > known.schemaVersion) {
    throw new HuntbenchError(
      'bad_data',
      `This bundle was made by a newer Huntbench (${String(manifest.appVersion)}, database schema ${String(manifest.schemaVersion)}; this one is ${known.appVersion} with schema ${known.schemaVersion}). Update Huntbench to import it. Nothing was imported.`
    )
  }
  if (!Array.isArray(manifest.parts) || manifest.parts.length !== listedCount) throw damaged('the manifest lists a different set of parts')
}

/** Decompresses and verifies a bundle: structure, versions, every part's checksum. */
export async function readBundle(file: Buffer, known: Known): Promise<ReadBundle> {
  if (file.length < 2 || file[0] !== 0x1f || file[1] !== 0x8b) throw notABundle('it is not gzip-compressed')
  const fileSha256 = createHash('sha256').update(file).digest('hex')
  if (memberLength(file, 0) === null) return readFormat1(file, fileSha256, known)

  const members: Buffer[] = []
  for (let at = 0; at < file.length; ) {
    const length = memberLength(file, at)
    if (length === null) throw at + 24 > file.length ? damaged('the file ends early (truncated)') : damaged('a section of the file has no length mark')
    if (at + length > file.length) throw damaged('the file ends early (truncated)')
    members.push(file.subarray(at, at + length))
    at += length
  }
  let headerData: Buffer
  try {
    headerData = gunzipSync(members[0], { maxOutputLength: 64 * 1024 })
  } catch {
    throw damaged('its header cannot be read')
  }
  const formatVersion = checkHeader(headerOf(headerData))
  if (formatVersion < 2) throw damaged('its layout does not match its format version')

  let manifest: Manifest | null = null
  if (members.length >= 2) {
    try {
      const text = gunzipSync(members[members.length - 1], { maxOutputLength: SMALL_MEMBER_BYTES })
      const line = parseLine(text, 0, text.length - 1, 'the manifest')
      if (text[text.length - 1] === 10 && line.manifest && typeof line.manifest === 'object') manifest = line.manifest as Manifest
    } catch {
      // the last member is something else: reported below
    }
  }
  if (!manifest) throw damaged('its manifest is missing (the file was cut short)')
  const packed = members.slice(1, -1)
  checkManifest(manifest, formatVersion, known, packed.length)
  let total = 0
  const listed: PartInfo[] = manifest.parts.map((p, i) => {
    if (!p || typeof p.name !== 'string' || !Number.isInteger(p.lines) || p.lines < 0 || !Number.isInteger(p.bytes) || p.bytes < 1) {
      throw damaged(`the manifest entry for part ${i + 1} is malformed`)
    }
    if (p.packedBytes !== packed[i].length) throw damaged(`part ${p.name} has a different size than the manifest says`)
    if (p.sha256 !== createHash('sha256').update(packed[i]).digest('hex')) throw damaged(`part ${p.name} fails its SHA-256 check`)
    total += p.bytes
    return p
  })
  if (new Set(listed.map((p) => p.name)).size !== listed.length) throw damaged('a part appears twice')
  if (manifest.bundleId !== bundleIdOf(listed)) throw damaged('the manifest bundle id does not match its parts')
  if (total > MAX_BUNDLE_BYTES) throw tooLarge()

  // The members are independent, so zlib's thread pool unpacks them side by side.
  const unpacked = await Promise.all(
    packed.map(async (member, i) => {
      try {
        return await gunzipAsync(member, { maxOutputLength: listed[i].bytes, chunkSize: 1 << 20 })
      } catch {
        throw damaged(`part ${listed[i].name} cannot be decompressed to the size the manifest says`)
      }
    })
  )
  const parts = new Map<string, ReadPart>()
  listed.forEach((p, i) => {
    const data = unpacked[i]
    if (data.length !== p.bytes) throw damaged(`part ${p.name} has a different size than the manifest says`)
    const { starts, ends } = lineOffsets(data, 0, `part ${p.name}`)
    const head = starts.length ? parseLine(data, starts[0], ends[0], `the header of part ${p.name}`) : {}
    if (head.part !== p.name || head.lines !== p.lines || starts.length !== p.lines + 1) throw damaged(`part ${p.name} does not hold what the manifest lists`)
    parts.set(p.name, { name: p.name, data, starts: starts.slice(1), ends: ends.slice(1), contentKey: memberContentKey(packed[i]) })
  })
  return { manifest, parts, fileSha256 }
}

/** Format 1: one gzip stream; checksums over each part's decompressed lines. */
async function readFormat1(file: Buffer, fileSha256: string, known: Known): Promise<ReadBundle> {
  let data: Buffer
  try {
    data = await gunzipAsync(file, { maxOutputLength: MAX_BUNDLE_BYTES })
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'Z_BUF_ERROR' || /unexpected end/i.test((err as Error).message)) throw damaged('the file ends early (truncated)')
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw tooLarge()
    throw damaged(`it cannot be decompressed (${(err as Error).message})`)
  }
  const { starts, ends } = lineOffsets(data, 0, 'the file')
  if (starts.length === 0) throw damaged('it is empty')
  const formatVersion = checkHeader(headerOf(data.subarray(starts[0], ends[0] + 1)))

  const parts = new Map<string, ReadPart>()
  const seen: PartInfo[] = []
  let manifest: Manifest | null = null
  let n = 1
  while (n < starts.length) {
    const head = parseLine(data, starts[n], ends[n], 'a part header')
    if (head.manifest && typeof head.manifest === 'object') {
      manifest = head.manifest as Manifest
      if (n !== starts.length - 1) throw damaged('there is data after the manifest')
      break
    }
    const name = head.part
    const count = head.lines
    if (typeof name !== 'string' || !Number.isInteger(count) || (count as number) < 0) throw damaged('a part header is malformed')
    if (parts.has(name)) throw damaged(`part ${name} appears twice`)
    if (n + (count as number) >= starts.length) throw damaged(`part ${name} ends early (truncated)`)
    const begin = starts[n + 1] ?? ends[n] + 1
    const end = (count as number) > 0 ? ends[n + (count as number)] + 1 : begin
    const part: ReadPart = {
      name,
      data,
      starts: starts.slice(n + 1, n + 1 + (count as number)),
      ends: ends.slice(n + 1, n + 1 + (count as number)),
      // The same key a format 2 member of this part would carry: CRC-32 and size of header line + lines.
      contentKey: `${crc32(data.subarray(starts[n], end)).toString(16)}:${(end - starts[n]) % 2 ** 32}`
    }
    seen.push({ name, lines: count as number, bytes: end - begin, sha256: createHash('sha256').update(data.subarray(begin, end)).digest('hex') })
    parts.set(name, part)
    n += 1 + (count as number)
  }
  if (!manifest) throw damaged('its manifest is missing (the file was cut short)')
  checkManifest(manifest, formatVersion, known, seen.length)
  manifest.parts.forEach((listed, i) => {
    const actual = seen[i]
    if (!listed || listed.name !== actual.name) throw damaged(`part ${actual.name} is not the one the manifest lists`)
    if (listed.lines !== actual.lines || listed.bytes !== actual.bytes) throw damaged(`part ${actual.name} has a different size than the manifest says`)
    if (listed.sha256 !== actual.sha256) throw damaged(`part ${actual.name} fails its SHA-256 check`)
  })
  if (manifest.bundleId !== bundleIdOf(seen)) throw damaged('the manifest bundle id does not match its parts')
  return { manifest, parts, fileSha256 }
}
