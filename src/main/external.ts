// The only way a link leaves the app. Hosts supply the opener (Electron's shell, or the
// OS `open` command); this function decides what may be opened at all.
import { HuntbenchError } from '../shared/errors'

export type Opener = (url: string) => Promise<void>

export function isSafeExternalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === ''
}

export async function safeOpenExternal(raw: string, opener: Opener): Promise<void> {
  if (!isSafeExternalUrl(raw)) {
    throw new HuntbenchError('forbidden', 'Only http(s) links can be opened outside Huntbench.')
  }
  await opener(new URL(raw).toString())
}
