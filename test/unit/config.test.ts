import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultDataDir, endpointsFromEnv, resolveDataDir } from '../../src/main/config'

describe('data folder', () => {
  it('prefers --data-dir, then HUNTBENCH_DATA_DIR, then the OS app-data folder', () => {
    expect(resolveDataDir('/tmp/a', { HUNTBENCH_DATA_DIR: '/tmp/b' })).toBe('/tmp/a')
    expect(resolveDataDir(undefined, { HUNTBENCH_DATA_DIR: '/tmp/b' })).toBe('/tmp/b')
    expect(resolveDataDir(undefined, { XDG_CONFIG_HOME: '/home/x/.config' })).toBe(join('/home/x/.config', 'Huntbench'))
  })

  it('matches Electron userData locations per OS', () => {
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toContain('Huntbench')
    expect(defaultDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/Huntbench$/)
  })
})

describe('endpoint overrides', () => {
  it('replace the scheme and host and keep the usual paths', () => {
    const e = endpointsFromEnv({ HUNTBENCH_SHODAN_URL: 'http://127.0.0.1:8082/', HUNTBENCH_GRAPH_URL: 'http://127.0.0.1:8081' })
    expect(e.shodan).toBe('http://127.0.0.1:8082')
    expect(e.graph).toBe('http://127.0.0.1:8081')
    expect(e.authority).toBe('https://login.microsoftonline.com')
  })

  it('reject values that are not http(s) URLs, naming the variable', () => {
    expect(() => endpointsFromEnv({ HUNTBENCH_SHODAN_URL: 'not a url' })).toThrow(/HUNTBENCH_SHODAN_URL is not a URL/)
    expect(() => endpointsFromEnv({ HUNTBENCH_GRAPH_URL: 'file:///etc/passwd' })).toThrow(/HUNTBENCH_GRAPH_URL must be an http\(s\) URL/)
  })
})
