// The desktop window's security rules as plain data and functions, so they are tested
// without Electron (see test/unit/electron-security.test.ts).
export const APP_SCHEME = 'app'
export const APP_HOST = 'huntbench'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY = `${APP_ORIGIN}/index.html`

export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false
  } as const
}

function originOf(raw: string): string | null {
  try {
    const url = new URL(raw)
    return `${url.protocol}//${url.host}`
  } catch {
    return null
  }
}

/** IPC is answered only for our own page in the top-level frame (as VS Code's validatedIpcMain). */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean): boolean {
  if (!frameUrl || !isMainFrame) return false
  return originOf(frameUrl) === APP_ORIGIN
}

/** The window never navigates away from the app; links go out through safeOpenExternal. */
export function isAllowedNavigation(target: string): boolean {
  return originOf(target) === APP_ORIGIN
}

/** Every permission request (camera, notifications, geolocation, ...) is denied. */
export function allowPermission(_permission: string): boolean {
  return false
}
