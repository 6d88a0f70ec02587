// Real services over a real SQLite file in a temp folder, for handler and domain tests.
// Remote endpoints default to a closed loopback port: tests never reach beyond 127.0.0.1
// unless they point a service at a local fake.
import type { Endpoints } from '../../src/main/config'
import { createServices, type Services, type ServicesConfig } from '../../src/main/services'
import { tempDir } from './tmp'

export const closedEndpoints: Endpoints = {
  shodan: 'http://127.0.0.1:9',
  internetdb: 'http://127.0.0.1:9',
  authority: 'https://127.0.0.1:9',
  graph: 'http://127.0.0.1:9',
  defender: 'http://127.0.0.1:9'
}

export function testServices(overrides: Partial<ServicesConfig> = {}): Services {
  return createServices({
    dataDir: overrides.dataDir ?? tempDir(),
    host: 'cli',
    probe: async () => true,
    ...overrides,
    endpoints: { ...closedEndpoints, ...overrides.endpoints }
  })
}
