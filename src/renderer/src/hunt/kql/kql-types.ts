// Column type names arrive in two spellings: KQL's own (`datetime`, `long`, `dynamic`) from
// schemas, and .NET's (`DateTime`, `Int64`, `Boolean`) from the Defender APIs' result schemas
// (see defender-hunting-api.md 2.3). Everything in the renderer works on the KQL names.

export type KqlType =
  | 'string' | 'datetime' | 'timespan' | 'bool' | 'int' | 'long' | 'real' | 'decimal' | 'guid'
  | 'dynamic'

const aliases: Record<string, KqlType> = {
  string: 'string', sbyte: 'string', char: 'string',
  datetime: 'datetime', date: 'datetime', datetimeoffset: 'datetime',
  timespan: 'timespan', time: 'timespan',
  bool: 'bool', boolean: 'bool',
  int: 'int', int32: 'int', int16: 'int', uint16: 'int', byte: 'int',
  long: 'long', int64: 'long', uint32: 'long', uint64: 'long',
  real: 'real', double: 'real', single: 'real', float: 'real',
  decimal: 'decimal',
  guid: 'guid', uniqueid: 'guid',
  dynamic: 'dynamic', object: 'dynamic', array: 'dynamic', sbyte_array: 'dynamic'
}

/** The KQL type for a schema type name in either spelling; unknown names count as dynamic. */
export function kqlType(type: string): KqlType {
  const key = type.trim().toLowerCase().replace(/^system\./, '')
  return aliases[key] ?? 'dynamic'
}

export function isNumericType(type: KqlType): boolean {
  return type === 'int' || type === 'long' || type === 'real' || type === 'decimal'
}

/**
 * A KQL string literal for any text. Double quotes with backslash escapes are used because
 * they can say every printable character; other control characters (which a literal cannot
 * hold) are spliced in with make_string().
 */
export function kqlString(value: string): string {
  const parts: string[] = []
  let run = ''
  for (const ch of value) {
    const code = ch.codePointAt(0) as number
    if (ch === '\\') run += '\\\\'
    else if (ch === '"') run += '\\"'
    else if (ch === '\n') run += '\\n'
    else if (ch === '\r') run += '\\r'
    else if (ch === '\t') run += '\\t'
    else if (code < 0x20 || code === 0x7f) {
      parts.push(`"${run}"`, `make_string(${code})`)
      run = ''
    } else run += ch
  }
  if (parts.length === 0) return `"${run}"`
  if (run !== '') parts.push(`"${run}"`)
  return `strcat(${parts.join(', ')})`
}

/**
 * A KQL identifier for a column name: bare when it is a plain identifier that is not a
 * keyword, else bracket-quoted (`['Name with space']`).
 */
export function kqlIdentifier(name: string, reserved: ReadonlySet<string> = new Set()): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !reserved.has(name)) return name
  return `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`
}
