import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete'
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands'
import { bracketMatching, indentOnInput } from '@codemirror/language'
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search'
import { Compartment, EditorState, Prec, RangeSetBuilder, type Extension } from '@codemirror/state'
import {
  Decoration, EditorView, ViewPlugin, drawSelection, highlightActiveLine,
  highlightActiveLineGutter, keymap, lineNumbers, placeholder as placeholderExt,
  type DecorationSet, type ViewUpdate
} from '@codemirror/view'
import { kqlCompletionSource } from './completion-source'
import { kql, kqlTheme } from './language'
import { allQueries, queryAtCursor, queryToRun } from './query-at-cursor'
import type { KqlTable } from './schema'

export interface KqlSetupOptions {
  getTables: () => readonly KqlTable[]
  onRun: (kql: string) => void
  onChange?: (doc: string) => void
  readonly?: boolean
  placeholder?: string
}

const activeQueryLine = Decoration.line({ class: 'cm-activeQuery' })

// When the editor holds several queries, shade the one that Ctrl/Cmd+Enter would run.
const activeQuery = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet
    constructor(view: EditorView) {
      this.decorations = this.build(view)
    }
    update(u: ViewUpdate) {
      if (u.docChanged || u.selectionSet) this.decorations = this.build(u.view)
    }
    build(view: EditorView): DecorationSet {
      const builder = new RangeSetBuilder<Decoration>()
      const doc = view.state.doc
      const text = doc.toString()
      if (allQueries(text).length < 2) return builder.finish()
      const q = queryAtCursor(text, view.state.selection.main.head)
      if (q.text === '') return builder.finish()
      for (let n = doc.lineAt(q.from).number; n <= doc.lineAt(q.to).number; n++) {
        const line = doc.line(n)
        builder.add(line.from, line.from, activeQueryLine)
      }
      return builder.finish()
    }
  },
  { decorations: (v) => v.decorations }
)

/** Run the selection, or the query under the cursor. */
export function runQueryCommand(onRun: (kql: string) => void) {
  return (view: EditorView): boolean => {
    const text = queryToRun(view.state.doc.toString(), view.state.selection.main)
    if (text !== '') onRun(text)
    return true
  }
}

/**
 * The editor's extensions and a handle to toggle read-only. Each call makes its own
 * compartment, so several editors can coexist.
 */
export function kqlSetup(options: KqlSetupOptions): { extensions: Extension[]; setReadonly: (view: EditorView, readonly: boolean) => void } {
  const readonlyCompartment = new Compartment()
  const run = runQueryCommand((q) => options.onRun(q))
  const extensions: Extension[] = [
    lineNumbers(),
    highlightActiveLineGutter(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    kql(),
    kqlTheme,
    activeQuery,
    autocompletion({ override: [kqlCompletionSource(options.getTables)], icons: true }),
    Prec.highest(keymap.of([{ key: 'Mod-Enter', run, preventDefault: true }])),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap]),
    readonlyCompartment.of(EditorState.readOnly.of(options.readonly ?? false)),
    EditorView.contentAttributes.of({ 'aria-label': 'KQL query', spellcheck: 'false' }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) options.onChange?.(u.state.doc.toString())
    })
  ]
  if (options.placeholder) extensions.push(placeholderExt(options.placeholder))
  return {
    extensions,
    setReadonly(view, readonly) {
      view.dispatch({ effects: readonlyCompartment.reconfigure(EditorState.readOnly.of(readonly)) })
    }
  }
}
