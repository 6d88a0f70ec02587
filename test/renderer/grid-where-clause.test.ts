import { describe, expect, it } from 'vitest'
import { columnRef, predicate, whereClause } from '../../src/renderer/src/grid/where-clause'
import { kqlString } from '../../src/renderer/src/hunt/kql/kql-types'
import { tokenize } from '../../src/renderer/src/hunt/kql/tokenizer'

describe('whereClause', () => {
  it('quotes and escapes strings', () => {
    expect(whereClause('FileName', 'cmd.exe', 'String')).toBe('where FileName == "cmd.exe"')
    expect(whereClause('FolderPath', 'C:\\Windows\\System32', 'string')).toBe('where FolderPath == "C:\\\\Windows\\\\System32"')
    expect(whereClause('ProcessCommandLine', 'powershell -c "iex(x)"', 'string')).toBe('where ProcessCommandLine == "powershell -c \\"iex(x)\\""')
    expect(whereClause('Text', "it's\nthere\t", 'string')).toBe('where Text == "it\'s\\nthere\\t"')
    expect(whereClause('Name', 'x', 'string', 'neq')).toBe('where Name != "x"')
  })

  it('splices control characters in with make_string()', () => {
    expect(kqlString('a\u0000b')).toBe('strcat("a", make_string(0), "b")')
    expect(kqlString('\u0001')).toBe('strcat("", make_string(1))')
  })

  it('produces a single string token the KQL tokenizer reads back whole', () => {
    for (const v of ['a"b', 'back\\slash\\', '// not a comment', "'single'", 'tab\there']) {
      const clause = whereClause('C', v, 'string')
      const tokens = tokenize(clause)
      expect(tokens.map((t) => t.type)).toEqual(['keyword', 'variableName', 'operator', 'string'])
    }
  })

  it('uses datetime() for times and todatetime() for anything odd', () => {
    expect(whereClause('Timestamp', '2024-01-31T10:00:00.1234567Z', 'DateTime')).toBe('where Timestamp == datetime(2024-01-31T10:00:00.1234567Z)')
    expect(whereClause('Timestamp', '31/01/2024', 'datetime')).toBe('where Timestamp == todatetime("31/01/2024")')
  })

  it('uses bare numbers and bools by type', () => {
    expect(whereClause('RemotePort', 443, 'Int32')).toBe('where RemotePort == 443')
    expect(whereClause('FileSize', '9007199254740993', 'Int64')).toBe('where FileSize == 9007199254740993')
    expect(whereClause('Score', 1.5, 'Double')).toBe('where Score == 1.5')
    expect(whereClause('Amount', '2.50', 'decimal')).toBe('where Amount == decimal(2.50)')
    expect(whereClause('Score', NaN, 'real')).toBe('where isnan(Score)')
    expect(whereClause('Score', Infinity, 'real', 'neq')).toBe('where Score != real(+inf)')
    expect(whereClause('Port', 'abc', 'long')).toBe('where tostring(Port) == "abc"')
    expect(whereClause('IsLocalAdmin', true, 'Boolean')).toBe('where IsLocalAdmin == true')
    expect(whereClause('IsLocalAdmin', 'False', 'bool')).toBe('where IsLocalAdmin == false')
  })

  it('handles guids, timespans and dynamic values', () => {
    const g = '74be27de-1e4e-49d9-b579-fe0b331d3642'
    expect(whereClause('Id', g, 'Guid')).toBe(`where Id == guid(${g})`)
    expect(whereClause('Id', 'nope', 'guid')).toBe('where tostring(Id) == "nope"')
    expect(whereClause('Elapsed', '00:05:00', 'TimeSpan')).toBe('where Elapsed == totimespan("00:05:00")')
    expect(whereClause('AdditionalFields', { a: 1 }, 'dynamic')).toBe('where tostring(AdditionalFields) == "{\\"a\\":1}"')
  })

  it('tests null and empty with isnull/isempty', () => {
    expect(whereClause('AccountName', null, 'string')).toBe('where isempty(AccountName)')
    expect(whereClause('AccountName', '', 'string')).toBe('where AccountName == ""')
    expect(whereClause('AccountName', null, 'string', 'neq')).toBe('where isnotempty(AccountName)')
    expect(whereClause('ProcessId', null, 'long')).toBe('where isnull(ProcessId)')
    expect(whereClause('ProcessId', '', 'long', 'neq')).toBe('where isnotnull(ProcessId)')
  })

  it('bracket-quotes column names that are keywords or not identifiers', () => {
    expect(columnRef('FileName')).toBe('FileName')
    expect(columnRef('count')).toBe("['count']")
    expect(columnRef('Count')).toBe('Count')
    expect(columnRef('Odd Name')).toBe("['Odd Name']")
    expect(columnRef("it's")).toBe("['it\\'s']")
    expect(predicate('count', 5, 'long')).toBe("['count'] == 5")
  })
})
