import { describe, expect, it } from 'vitest'
import { completeKql, definedNames, referencedTables } from '../../src/renderer/src/hunt/kql/complete'
import { LearnedTables, mergeTables, tableFromResultSchema, type KqlTable } from '../../src/renderer/src/hunt/kql/schema'
import { builtinTables, completionTables } from '../../src/renderer/src/hunt/kql/tables'
import { tokenize } from '../../src/renderer/src/hunt/kql/tokenizer'

// `|` in the text marks the cursor.
function at(text: string, tables: readonly KqlTable[] = builtinTables, explicit = false) {
  const pos = text.indexOf('‸')
  const doc = text.replace('‸', '')
  return completeKql(doc, pos, tables, { explicit })
}
const labels = (text: string, tables?: readonly KqlTable[], explicit = false) =>
  at(text, tables, explicit)?.items.map((i) => i.label) ?? null

describe('KQL completion contexts', () => {
  it('offers tables at the start of a query', () => {
    const r = at('Dev‸')
    expect(r?.context).toBe('start')
    expect(r?.from).toBe(0)
    expect(r?.items.map((i) => i.label)).toEqual(expect.arrayContaining(['DeviceProcessEvents', 'DeviceNetworkEvents', 'EmailEvents', 'let', 'union']))
    expect(r?.items.find((i) => i.label === 'DeviceProcessEvents')).toMatchObject({ kind: 'table', info: 'Process creation and related events' })
  })

  it('does not pop up on an empty line unless asked', () => {
    expect(at('‸')).toBeNull()
    expect(at('‸', builtinTables, true)?.context).toBe('start')
  })

  it('offers tabular operators after |, even with no prefix', () => {
    const r = at('DeviceProcessEvents\n| ‸')
    expect(r?.context).toBe('pipe')
    expect(r?.items.map((i) => i.label).slice(0, 4)).toEqual(['where', 'project', 'extend', 'summarize'])
    expect(r?.items.map((i) => i.label)).toEqual(expect.arrayContaining(['order by', 'mv-expand', 'make-series', 'take', 'distinct', 'join', 'union']))
    expect(r?.items[0].apply).toBe('where ')
    // Right after a pipe with no space, the inserted text gets one.
    expect(at('T |‸')?.items[0].apply).toBe(' where ')
  })

  it('completes a half-typed hyphenated operator as one word', () => {
    const r = at('T\n| mv-ex‸')
    expect(r?.context).toBe('pipe')
    expect(r?.from).toBe(4)
  })

  it('offers the referenced table\'s columns in where/project/extend', () => {
    for (const q of ['DeviceProcessEvents | where Fi‸', 'DeviceProcessEvents | project Fi‸', 'DeviceProcessEvents | extend X = Fi‸']) {
      const r = at(q)
      expect(r?.context, q).toBe('expression')
      const names = r?.items.map((i) => i.label)
      expect(names).toContain('FileName')
      expect(names).toContain('ProcessCommandLine')
      expect(names).not.toContain('RemoteIP') // a DeviceNetworkEvents column
      expect(names).toContain('ago')
    }
    const col = at('DeviceProcessEvents | where Fi‸')?.items.find((i) => i.label === 'FileSize')
    expect(col).toMatchObject({ kind: 'column', detail: 'long' })
  })

  it('offers columns of every table in a union or join', () => {
    const names = labels('union DeviceProcessEvents, DeviceNetworkEvents | where R‸')
    expect(names).toEqual(expect.arrayContaining(['RemoteIP', 'FileName']))
    const joined = labels('DeviceProcessEvents | join kind=inner (DeviceNetworkEvents | where R‸')
    expect(joined).toEqual(expect.arrayContaining(['RemoteIP', 'ProcessCommandLine']))
  })

  it('offers tables after union, join and lookup', () => {
    expect(at('union ‸')?.context).toBe('table')
    expect(at('union DeviceEvents, ‸')?.context).toBe('table')
    expect(at('union kind=outer ‸')?.context).toBe('table')
    expect(at('DeviceEvents | join ‸')?.context).toBe('table')
    expect(at('DeviceEvents | join kind=leftouter ‸')?.context).toBe('table')
    expect(at('DeviceEvents | lookup ‸')?.context).toBe('table')
    expect(at('DeviceEvents | join kind=inner (Dev‸')?.context).toBe('start')
    expect(labels('union ‸')).toContain('EmailEvents')
  })

  it('offers columns after join ... on', () => {
    const r = at('DeviceProcessEvents | join (DeviceNetworkEvents) on Dev‸')
    expect(r?.context).toBe('expression')
    expect(r?.items.map((i) => i.label)).toContain('DeviceId')
  })

  it('puts aggregates first in summarize, and columns plus bin after by', () => {
    const r = at('DeviceProcessEvents | summarize c‸')
    expect(r?.context).toBe('aggregate')
    const top = r?.items.filter((i) => i.kind === 'aggregate').map((i) => i.label)
    expect(top).toEqual(expect.arrayContaining(['count', 'countif', 'dcount', 'arg_max', 'make_set']))
    expect(r?.items.find((i) => i.label === 'dcount')).toMatchObject({ call: true, boost: 3 })

    expect(at('DeviceProcessEvents | summarize count() ‸', builtinTables, true)?.context).toBe('by')
    const by = at('DeviceProcessEvents | summarize count() by b‸')
    expect(by?.context).toBe('expression')
    expect(by?.items.find((i) => i.label === 'bin')?.boost).toBe(3)
    expect(by?.items.map((i) => i.label)).toContain('DeviceName')
    expect(at('DeviceProcessEvents | summarize dcount(Dev‸')?.items.map((i) => i.label)).toContain('DeviceId')
  })

  it('offers predicate operators after a column in where', () => {
    const r = at('DeviceProcessEvents | where FileName h‸')
    expect(r?.context).toBe('predicate')
    expect(r?.items.map((i) => i.label)).toEqual(expect.arrayContaining(['has', '==', '=~', 'contains', 'startswith', 'in', '!in', 'between']))
    expect(at('DeviceProcessEvents | where FileName ‸')).toBeNull() // no implicit popup
    expect(at('DeviceProcessEvents | where FileName ‸', builtinTables, true)?.context).toBe('predicate')
    expect(at('DeviceProcessEvents | where FileName == "a" a‸')?.context).toBe('predicate')
    expect(at('DeviceProcessEvents | where FileName == "a" and Fo‸')?.context).toBe('expression')
    expect(at('DeviceProcessEvents | where isnotempty(Fi‸')?.context).toBe('expression')
  })

  it('handles order by, top and render', () => {
    expect(at('T | order ‸', builtinTables, true)?.items.map((i) => i.label)).toEqual(['by'])
    expect(at('DeviceProcessEvents | order by Ti‸')?.items.map((i) => i.label)).toContain('Timestamp')
    expect(labels('DeviceProcessEvents | sort by Timestamp d‸')).toEqual(['asc', 'desc', 'nulls first', 'nulls last'])
    expect(at('T | top 10 ‸', builtinTables, true)?.context).toBe('by')
    expect(at('T | top 10 by Timestamp d‸')?.context).toBe('sort-direction')
    expect(labels('T | render t‸')).toContain('timechart')
  })

  it('offers nothing after take/limit/count or inside strings and comments', () => {
    expect(at('T | take 1‸')).toBeNull()
    expect(at('T | take ‸', builtinTables)).toBeNull()
    expect(at('T | where A == "Fi‸')).toBeNull()
    expect(at("T | where A == @'C:\\Fi‸")).toBeNull()
    expect(at('T // where Fi‸')).toBeNull()
    expect(at('T | where A == "x" // note ‸', builtinTables, true)).toBeNull()
  })

  it('uses only the query under the cursor', () => {
    const doc = 'DeviceNetworkEvents | take 1\n\nDeviceProcessEvents | where R‸'
    const names = labels(doc)
    expect(names).not.toContain('RemoteIP')
    expect(names).toContain('ProcessCommandLine')
    // A blank line after a query starts a new one.
    expect(at('DeviceProcessEvents | take 1\n\nDev‸')?.context).toBe('start')
  })

  it('knows let variables and calculated columns', () => {
    const doc = 'let procs = DeviceProcessEvents | where Timestamp > ago(1d);\nprocs | extend Lower = tolower(FileName) | summarize count() by Lower | where L‸'
    const r = at(doc)
    const names = r?.items.map((i) => i.label)
    expect(names).toContain('Lower')
    expect(names).toContain('procs')
    expect(at('let procs = DeviceProcessEvents;\npr‸')?.items.find((i) => i.label === 'procs')).toMatchObject({ kind: 'variable' })
    expect(labels('T | summarize count() by X | where co‸')).toContain('count_')
  })

  it('replaces only the word being typed', () => {
    const doc = 'DeviceProcessEvents | where FileNa'
    const r = completeKql(doc, doc.length, builtinTables)
    expect(r).toMatchObject({ from: doc.indexOf('FileNa'), to: doc.length })
  })

  it('bracket-quotes column names that are not plain identifiers', () => {
    const custom: KqlTable[] = [{ name: 'Custom', columns: [{ name: 'Odd Name', type: 'string' }, { name: 'Plain', type: 'long' }] }]
    const items = at('Custom | where O‸', custom)?.items
    expect(items?.find((i) => i.label === 'Odd Name')?.apply).toBe("['Odd Name']")
    expect(items?.find((i) => i.label === 'Plain')?.apply).toBeUndefined()
  })
})

describe('KQL schema helpers', () => {
  it('normalises the Defender types to KQL spelling', () => {
    const dpe = builtinTables.find((t) => t.name === 'DeviceProcessEvents')
    expect(dpe?.columns.find((c) => c.name === 'Timestamp')?.type).toBe('datetime')
    expect(dpe?.columns.find((c) => c.name === 'AdditionalFields')?.type).toBe('dynamic')
    expect(dpe?.columns.find((c) => c.name === 'IsProcessRemoteSession')?.type).toBe('bool')
  })

  it('merges tables with later lists replacing earlier ones by name', () => {
    const a: KqlTable = { name: 'T', columns: [{ name: 'A', type: 'string' }] }
    const b: KqlTable = { name: 'T', columns: [{ name: 'B', type: 'long' }] }
    expect(mergeTables([a], undefined, [b])).toEqual([b])
  })

  it('learns tables from result schemas and offers them in completion', () => {
    const learned = new LearnedTables()
    let notified = 0
    learned.subscribe(() => notified++)
    learned.learn([tableFromResultSchema('MyCustom_CL', [
      { name: 'TimeGenerated', type: 'DateTime' }, { name: 'Count', type: 'Int64' }, { name: 'Count', type: 'Int64' }
    ])])
    learned.learn([{ name: 'bad name', columns: [] }])
    expect(learned.list().map((t) => t.name)).toEqual(['MyCustom_CL'])
    expect(learned.list()[0].columns).toEqual([{ name: 'TimeGenerated', type: 'datetime' }, { name: 'Count', type: 'long' }])
    expect(notified).toBe(2)
    const tables = mergeTables(builtinTables, learned.list())
    expect(labels('MyC‸', tables)).toContain('MyCustom_CL')
    expect(labels('MyCustom_CL | where Ti‸', tables)).toContain('TimeGenerated')
    learned.forget('MyCustom_CL')
    expect(learned.list()).toEqual([])
  })

  it('completionTables lets extra tables replace built-in ones', () => {
    const extra: KqlTable = { name: 'DeviceInfo', columns: [{ name: 'OnlyThis', type: 'string' }] }
    const merged = completionTables([extra])
    expect(merged.find((t) => t.name === 'DeviceInfo')).toBe(extra)
    expect(merged.length).toBe(builtinTables.length)
  })

  it('finds referenced tables and defined names', () => {
    expect(referencedTables('DeviceInfo | join (DeviceLogonEvents) on DeviceId // EmailEvents', builtinTables).map((t) => t.name))
      .toEqual(['DeviceInfo', 'DeviceLogonEvents'])
    expect(definedNames(tokenize('let a = 1; T | extend B = 2, C = 3 | project D = B | summarize E = count() by F = bin(X, 1h)')))
      .toEqual({ lets: ['a'], columns: ['B', 'C', 'D', 'E', 'F'] })
  })
})
