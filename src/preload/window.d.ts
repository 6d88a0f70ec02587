import type { HuntbenchBridge } from './bridge'

declare global {
  interface Window {
    huntbench?: HuntbenchBridge
  }
}
