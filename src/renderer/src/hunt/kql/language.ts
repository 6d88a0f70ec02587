import { HighlightStyle, LanguageSupport, StreamLanguage, syntaxHighlighting } from '@codemirror/language'
import { EditorView } from '@codemirror/view'
import { tags as t } from '@lezer/highlight'
import { kqlStreamParser } from './tokenizer'

export const kqlLanguage = StreamLanguage.define(kqlStreamParser)

// Colours come from the shell's theme variables, mixed toward --fg so that each one keeps its
// contrast on --bg in both the dark and the light theme. The --kql-* variables may be
// overridden by the shell.
const colours = {
  '--kql-keyword': 'color-mix(in srgb, var(--accent) 85%, var(--fg))',
  '--kql-operator': 'color-mix(in srgb, var(--accent) 55%, var(--fg))',
  '--kql-string': 'color-mix(in srgb, var(--ok) 75%, var(--fg))',
  '--kql-literal': 'color-mix(in srgb, var(--warning) 60%, var(--fg))',
  '--kql-comment': 'var(--fg-muted)',
  '--kql-function': 'color-mix(in srgb, var(--danger) 45%, var(--accent) 30%, var(--fg))',
  '--kql-type': 'color-mix(in srgb, var(--warning) 45%, var(--accent) 25%, var(--fg))'
}

export const kqlHighlightStyle = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword], color: 'var(--kql-keyword)', fontWeight: '600' },
  { tag: [t.operatorKeyword, t.operator], color: 'var(--kql-operator)' },
  { tag: [t.string], color: 'var(--kql-string)' },
  { tag: [t.special(t.string), t.number, t.unit, t.bool, t.null], color: 'var(--kql-literal)' },
  { tag: [t.lineComment, t.comment], color: 'var(--kql-comment)', fontStyle: 'italic' },
  { tag: [t.function(t.variableName), t.standard(t.function(t.variableName))], color: 'var(--kql-function)' },
  { tag: t.typeName, color: 'var(--kql-type)' },
  { tag: [t.paren, t.squareBracket, t.brace, t.punctuation, t.separator], color: 'var(--fg-muted)' },
  { tag: t.variableName, color: 'var(--fg)' }
])

export const kqlTheme = EditorView.theme({
  '&': {
    ...colours,
    color: 'var(--fg)',
    backgroundColor: 'var(--bg-sunken)',
    border: '1px solid var(--border)',
    borderRadius: 'var(--radius)',
    height: '100%'
  },
  '&.cm-focused': { outline: '2px solid color-mix(in srgb, var(--accent) 60%, transparent)', outlineOffset: '-1px' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'color-mix(in srgb, var(--accent) 30%, transparent)'
  },
  '.cm-gutters': {
    backgroundColor: 'var(--bg-sunken)',
    color: 'var(--fg-muted)',
    borderRight: '1px solid var(--border)'
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--fg) 5%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--fg) 8%, transparent)' },
  '.cm-matchingBracket': { backgroundColor: 'color-mix(in srgb, var(--accent) 25%, transparent)' },
  '.cm-selectionMatch': { backgroundColor: 'color-mix(in srgb, var(--warning) 20%, transparent)' },
  '.cm-activeQuery': { backgroundColor: 'color-mix(in srgb, var(--accent) 6%, transparent)' },
  '.cm-tooltip': {
    backgroundColor: 'var(--bg-raised)',
    color: 'var(--fg)',
    border: '1px solid var(--border)',
    borderRadius: 'var(--radius)'
  },
  '.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--font-mono)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: 'var(--accent)',
    color: 'var(--accent-fg)'
  },
  '.cm-completionDetail': { color: 'inherit', opacity: '0.7', marginLeft: '1em' },
  '.cm-completionInfo': { maxWidth: '28em' },
  '.cm-panels': { backgroundColor: 'var(--bg-raised)', color: 'var(--fg)' },
  '.cm-searchMatch': { backgroundColor: 'color-mix(in srgb, var(--warning) 35%, transparent)' }
})

/** KQL language plus highlighting that follows the app theme. */
export function kql(): LanguageSupport {
  return new LanguageSupport(kqlLanguage, [syntaxHighlighting(kqlHighlightStyle)])
}
