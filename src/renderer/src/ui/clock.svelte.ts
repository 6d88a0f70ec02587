// One shared ticking clock so every "3m ago" on screen updates together, cheaply.
class Clock {
  now = $state(Date.now())
  constructor() {
    if (typeof window !== 'undefined') setInterval(() => (this.now = Date.now()), 30_000)
  }
}
export const clock = new Clock()
