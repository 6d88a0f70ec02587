import {
  pickedCompletion, type Completion, type CompletionContext, type CompletionResult,
  type CompletionSource
} from '@codemirror/autocomplete'
import type { EditorView } from '@codemirror/view'
import { completeKql, type KqlCompletionItem, type KqlCompletionKind } from './complete'
import type { KqlTable } from './schema'

const ICON: Record<KqlCompletionKind, string> = {
  table: 'class',
  column: 'property',
  operator: 'keyword',
  keyword: 'keyword',
  predicate: 'keyword',
  function: 'function',
  aggregate: 'function',
  variable: 'variable'
}

// Insert `name()` with the cursor between the parentheses, unless a `(` already follows.
function applyCall(view: EditorView, completion: Completion, from: number, to: number): void {
  const hasParen = view.state.sliceDoc(to, to + 1) === '('
  const insert = hasParen ? completion.label : `${completion.label}()`
  view.dispatch({
    changes: { from, to, insert },
    selection: { anchor: from + completion.label.length + 1 },
    annotations: pickedCompletion.of(completion),
    userEvent: 'input.complete'
  })
}

function toCompletion(item: KqlCompletionItem): Completion {
  const c: Completion = { label: item.label, type: ICON[item.kind] }
  if (item.detail) c.detail = item.detail
  if (item.info) c.info = item.info
  if (item.boost) c.boost = item.boost
  if (item.call) c.apply = applyCall
  else if (item.apply) c.apply = item.apply
  return c
}

/**
 * A CodeMirror completion source for KQL. `getTables` is called on every request so that
 * learned tables and prop changes apply without reconfiguring the editor.
 */
export function kqlCompletionSource(getTables: () => readonly KqlTable[]): CompletionSource {
  return (context: CompletionContext): CompletionResult | null => {
    const result = completeKql(context.state.doc.toString(), context.pos, getTables(), {
      explicit: context.explicit
    })
    if (!result) return null
    return {
      from: result.from,
      to: result.to,
      options: result.items.map(toCompletion),
      validFor: /^[\w~!-]*$/
    }
  }
}
