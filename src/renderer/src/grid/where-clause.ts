import { kqlIdentifier, kqlString, kqlType } from '../hunt/kql/kql-types'
import { atoms, otherKeywords, scalarTypes, statementKeywords, tabularOperators, wordOperators } from '../hunt/kql/tokens'
import { plainText } from './format'

// Builds `where Column == value` for "Add to the query" actions. Each type gets the literal
// KQL compares it with: datetime(...), guid(...), bare numbers and bools, escaped strings.

export type WhereOp = 'eq' | 'neq'

// Lower-case KQL words cannot be bare column names.
const reserved = new Set<string>([
  ...tabularOperators, ...statementKeywords, ...otherKeywords, ...wordOperators, ...scalarTypes, ...atoms
])

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)?(?:Z|[+-]\d{2}:\d{2})?$/
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/** A column reference, bracket-quoted when needed. */
export function columnRef(name: string): string {
  return kqlIdentifier(name, reserved)
}

function numberPredicate(col: string, value: unknown, op: string, type: string): string {
  if (typeof value === 'number' && Number.isNaN(value)) return `${op === '==' ? '' : 'not('}isnan(${col})${op === '==' ? '' : ')'}`
  if (typeof value === 'number' && !Number.isFinite(value)) return `${col} ${op} real(${value > 0 ? '+inf' : '-inf'})`
  const text = plainText(value).trim()
  if (!NUMBER.test(text)) return `tostring(${col}) ${op} ${kqlString(plainText(value))}`
  return `${col} ${op} ${type === 'decimal' ? `decimal(${text})` : text}`
}

/** The predicate alone, e.g. `FileName == "cmd.exe"`. */
export function predicate(column: string, value: unknown, type: string, which: WhereOp = 'eq'): string {
  const col = columnRef(column)
  const op = which === 'eq' ? '==' : '!='
  const t = kqlType(type)
  if (value === null || value === undefined || (value === '' && t !== 'string')) {
    if (t === 'string') return which === 'eq' ? `isempty(${col})` : `isnotempty(${col})`
    return which === 'eq' ? `isnull(${col})` : `isnotnull(${col})`
  }
  switch (t) {
    case 'int':
    case 'long':
    case 'real':
    case 'decimal':
      return numberPredicate(col, value, op, t)
    case 'bool': {
      const text = plainText(value).trim().toLowerCase()
      const bool = text === 'true' || text === '1' ? 'true' : text === 'false' || text === '0' ? 'false' : null
      return bool ? `${col} ${op} ${bool}` : `tostring(${col}) ${op} ${kqlString(plainText(value))}`
    }
    case 'datetime': {
      const text = plainText(value).trim()
      return ISO_TIME.test(text) ? `${col} ${op} datetime(${text})` : `${col} ${op} todatetime(${kqlString(text)})`
    }
    case 'guid': {
      const text = plainText(value).trim()
      return GUID.test(text) ? `${col} ${op} guid(${text})` : `tostring(${col}) ${op} ${kqlString(plainText(value))}`
    }
    case 'timespan':
      return `${col} ${op} totimespan(${kqlString(plainText(value).trim())})`
    case 'dynamic':
      // Dynamic values cannot be compared directly; their JSON text can.
      return `tostring(${col}) ${op} ${kqlString(plainText(value))}`
    default:
      return `${col} ${op} ${kqlString(plainText(value))}`
  }
}

/** `where Column == value` (or `!=`), ready to append to a query as a pipeline step. */
export function whereClause(column: string, value: unknown, type: string, which: WhereOp = 'eq'): string {
  return `where ${predicate(column, value, type, which)}`
}
