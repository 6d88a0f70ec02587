// Hash routing (`#/cases/12`) so that reloads, back/forward and deep links all work the
// same in Electron and in the browser, plus hand-offs between views (a grid cell sent to
// the Lookups view, a stored query re-opened in the Hunt view).
export const routes = ['hunt', 'lookups', 'cases', 'history', 'settings'] as const
export type Route = (typeof routes)[number]

export type Handoff =
  // `run`: look up at once (an explicit "Look up in Shodan"); otherwise only pre-fill the
  // box. `card`: show one stored answer (History), no request.
  | { to: 'lookups'; observables: string[]; caseId?: number; run?: boolean; card?: { provider: 'shodan' | 'internetdb'; ioc: string; lookupId: number } }
  | { to: 'hunt'; kql: string; title?: string; runId?: number }
  | { to: 'cases'; observable?: { value: string; type?: string }; runId?: number; lookupId?: number }

function parse(hash: string): { route: Route; param: string | null } {
  const [, name, param] = hash.replace(/^#/, '').split('/')
  const route = (routes as readonly string[]).includes(name) ? (name as Route) : 'hunt'
  return { route, param: param ? decodeURIComponent(param) : null }
}

class Nav {
  route = $state<Route>('hunt')
  param = $state<string | null>(null)
  /** The latest hand-off; the receiving view takes it (and clears it) when it mounts. */
  pending = $state<Handoff | null>(null)

  constructor() {
    if (typeof window === 'undefined') return
    const apply = (): void => {
      const parsed = parse(window.location.hash)
      this.route = parsed.route
      this.param = parsed.param
    }
    apply()
    window.addEventListener('hashchange', apply)
  }

  go(route: Route, param?: string | number): void {
    const hash = `#/${route}${param !== undefined ? '/' + encodeURIComponent(String(param)) : ''}`
    if (window.location.hash !== hash) window.location.hash = hash
  }

  handoff(h: Handoff): void {
    this.pending = h
    this.go(h.to)
  }

  take<T extends Handoff['to']>(to: T): Extract<Handoff, { to: T }> | null {
    const h = this.pending
    if (!h || h.to !== to) return null
    this.pending = null
    return h as Extract<Handoff, { to: T }>
  }
}

export const nav = new Nav()
