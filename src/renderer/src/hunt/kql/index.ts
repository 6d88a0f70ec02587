export { default as KqlEditor } from './KqlEditor.svelte'
export { completeKql, referencedTables, type KqlCompletion, type KqlCompletionItem } from './complete'
export { kqlIdentifier, kqlString, kqlType, type KqlType } from './kql-types'
export { allQueries, appendToQueryAtCursor, queryAtCursor, queryToRun, type QueryRange } from './query-at-cursor'
export {
  learnTables, learnedTables, mergeTables, tableFromResultSchema, type KqlColumn, type KqlTable
} from './schema'
export { builtinTables, completionTables } from './tables'
export { tokenize, type KqlToken } from './tokenizer'
