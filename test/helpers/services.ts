// Real services over a real SQLite file in a temp folder, for handler and domain tests.
import { createServices, type Services, type ServicesConfig } from '../../src/main/services'
import { tempDir } from './tmp'

export function testServices(overrides: Partial<ServicesConfig> = {}): Services {
  return createServices({
    dataDir: overrides.dataDir ?? tempDir(),
    host: 'cli',
    probe: async () => true,
    ...overrides
  })
}
