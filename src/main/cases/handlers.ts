// Contract methods for cases, observables, search and the history facets.
import type { casesApi } from '../../shared/api/cases'
import type { DomainHandlers } from '../handlers'
import type { Services } from '../services'
import { historyFacets } from '../store/history'

export function casesHandlers(s: Services): DomainHandlers<typeof casesApi> {
  const c = s.cases
  return {
    'cases.list': ({ status }) => c.list(status),
    'cases.get': ({ caseId }) => c.get(caseId),
    'cases.create': (input) => c.create(input),
    'cases.rename': ({ caseId, title }) => c.rename(caseId, title),
    'cases.describe': ({ caseId, description }) => c.describe(caseId, description),
    'cases.setStatus': ({ caseId, status }) => c.setStatus(caseId, status),
    'cases.setMarkings': ({ caseId, tlp, pap }) => c.setMarkings(caseId, { tlp, pap }),
    'cases.attachRun': ({ caseId, runId }) => c.attachRun(caseId, runId),
    'cases.attachLookup': ({ caseId, lookupId }) => c.attachLookup(caseId, lookupId),
    'cases.addObservable': ({ caseId, value, type, runId }) => c.addObservable(caseId, { value, type, runId }),
    'cases.addNote': ({ caseId, body }) => c.addNote(caseId, body),
    'cases.editNote': ({ caseId, noteId, body }) => c.editNote(caseId, noteId, body),
    'cases.removeItem': ({ caseId, kind, refId }) => c.removeItem(caseId, kind, refId),
    'cases.extractObservables': ({ caseId, runId }) => c.extractObservables(caseId, runId),
    'cases.exportBundle': ({ caseId }) => c.exportBundle(caseId),
    'cases.bundleFile': ({ fileName }) => c.bundleFile(fileName),
    'cases.importBundle': (input) => c.importBundle(input),
    'cases.report': ({ caseId, format, defang }) => c.report(caseId, format, defang),
    'observables.seenBefore': ({ value, type, excludeCaseId }) => c.seenBefore(value, type, excludeCaseId),
    'search.query': ({ text, kinds, limit }) => c.query(text, { kinds, limit }),
    'history.facets': () => historyFacets(s.db)
  }
}
