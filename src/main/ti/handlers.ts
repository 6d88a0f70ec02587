// Binds the ti.* contract methods to the threat-intel service.
import type { tiApi } from '../../shared/api/ti'
import type { DomainHandlers } from '../handlers'
import type { Services } from '../services'

export function tiHandlers(s: Services): DomainHandlers<typeof tiApi> {
  return {
    'ti.providers': () => s.ti.providers(),
    // TLP/PAP gating (the case given, the run's cases, each observable's) happens in s.ti.
    'ti.lookup': (input) => s.ti.lookup(input),
    'ti.enrichRun': (input) => s.ti.enrichRun(input),
    'ti.jobs': ({ limit }) => ({ jobs: s.ti.jobs.list(limit).map((job) => s.ti.summary(job)) }),
    'ti.job': ({ jobId }) => s.ti.summary(s.ti.jobs.get(jobId)),
    'ti.results': ({ jobId, offset, limit, includeRaw }) => s.ti.results(jobId, offset, limit, includeRaw),
    'ti.runEnrichment': ({ runId, column, offset, limit }) => s.ti.runEnrichment(runId, column, offset, limit),
    'ti.pause': ({ jobId }) => s.ti.pause(jobId),
    'ti.resume': ({ jobId }) => s.ti.resume(jobId),
    'ti.cancel': ({ jobId }) => s.ti.cancel(jobId),
    'ti.export': ({ format, ...ref }) => s.ti.exportJob(ref, format),
    'ti.hostCard': ({ provider, ioc, history, lookupId }) => s.ti.hostCard(provider, ioc, history, lookupId),
    'ti.keyStatus': () => s.ti.keyStatus(),
    'ti.setKey': ({ key, memoryOnly }) => s.ti.setKey(key, memoryOnly),
    'ti.testKey': () => s.ti.testKey(),
    'ti.deleteKey': () => s.ti.deleteKey(),
    'ti.setSpacing': ({ provider, spacingMs }) => s.ti.setSpacing(provider, spacingMs)
  }
}
