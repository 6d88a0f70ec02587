// Light and dark follow the OS unless the analyst picks one in Settings; the choice is
// stored in main so every host (desktop, browser mode) shows the same.
import type { Theme } from '../../../shared/types'
import { client } from '../lib/client'

class ThemeStore {
  choice = $state<Theme>('system')
  systemDark = $state(false)
  effective = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice)

  start(): () => void {
    const query = window.matchMedia('(prefers-color-scheme: dark)')
    this.systemDark = query.matches
    const onChange = (e: MediaQueryListEvent): void => void (this.systemDark = e.matches)
    query.addEventListener('change', onChange)
    client.call('app.preferences', {}).then((p) => (this.choice = p.theme)).catch(() => {})
    return () => query.removeEventListener('change', onChange)
  }

  async set(theme: Theme): Promise<void> {
    this.choice = (await client.call('app.setTheme', { theme })).theme
  }
}

export const theme = new ThemeStore()
