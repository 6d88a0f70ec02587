// Several queries share one editor, separated by blank lines, as in the Defender portal's
// advanced hunting editor; the one under the cursor is the one that runs.

export interface QueryRange {
  from: number
  to: number
  text: string
}

interface Line {
  from: number
  to: number
  blank: boolean
}

function splitLines(doc: string): Line[] {
  const lines: Line[] = []
  let from = 0
  for (;;) {
    const nl = doc.indexOf('\n', from)
    const to = nl < 0 ? doc.length : nl
    // A trailing \r belongs to a CRLF line break, not to the line's text.
    const end = to > from && doc[to - 1] === '\r' ? to - 1 : to
    lines.push({ from, to: end, blank: doc.slice(from, end).trim() === '' })
    if (nl < 0) return lines
    from = nl + 1
  }
}

/**
 * The query block containing `pos`. On a blank line, the block just above wins (the cursor
 * usually sits there right after typing a query), else the next block below. Returns an empty
 * range at `pos` when the document holds no query.
 */
export function queryAtCursor(doc: string, pos: number): QueryRange {
  const lines = splitLines(doc)
  const at = Math.max(0, Math.min(pos, doc.length))
  let index = lines.findIndex((l) => at >= l.from && at <= l.to)
  if (index < 0) index = lines.length - 1
  if (lines[index].blank) {
    let up = index
    while (up >= 0 && lines[up].blank) up--
    if (up >= 0) {
      index = up
    } else {
      let down = index
      while (down < lines.length && lines[down].blank) down++
      if (down >= lines.length) return { from: at, to: at, text: '' }
      index = down
    }
  }
  let first = index
  while (first > 0 && !lines[first - 1].blank) first--
  let last = index
  while (last < lines.length - 1 && !lines[last + 1].blank) last++
  const from = lines[first].from
  const to = lines[last].to
  return { from, to, text: doc.slice(from, to) }
}

/** All query blocks in the document, in order. */
export function allQueries(doc: string): QueryRange[] {
  const out: QueryRange[] = []
  let start: Line | null = null
  let end: Line | null = null
  for (const line of splitLines(doc)) {
    if (line.blank) {
      if (start && end) out.push({ from: start.from, to: end.to, text: doc.slice(start.from, end.to) })
      start = end = null
    } else {
      start ??= line
      end = line
    }
  }
  if (start && end) out.push({ from: start.from, to: end.to, text: doc.slice(start.from, end.to) })
  return out
}

/**
 * What Ctrl/Cmd+Enter runs: the selection when there is one, else the query under the cursor.
 */
export function queryToRun(doc: string, selection: { from: number; to: number }): string {
  if (selection.to > selection.from) return doc.slice(selection.from, selection.to).trim()
  return queryAtCursor(doc, selection.from).text.trim()
}

/**
 * Append a pipeline step (e.g. `where Col == "x"`) as a new line at the end of the query under
 * `pos`. Returns the new document and the position just after the inserted text. When the
 * document holds no query at `pos`, the step is added on its own.
 */
export function appendToQueryAtCursor(doc: string, pos: number, step: string): { doc: string; pos: number } {
  const q = queryAtCursor(doc, pos)
  const line = `| ${step.replace(/^\s*\|\s*/, '')}`
  if (q.text.trim() === '') {
    const insert = line
    return { doc: doc.slice(0, q.from) + insert + doc.slice(q.to), pos: q.from + insert.length }
  }
  const insert = `\n${line}`
  return { doc: doc.slice(0, q.to) + insert + doc.slice(q.to), pos: q.to + insert.length }
}
