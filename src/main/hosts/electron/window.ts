// The main window and the rules every window follows: no navigation away from the app,
// no new windows (http(s) links open in the system browser), no permissions, no webviews.
import { BrowserWindow, session, shell, type WebContents } from 'electron'
import { join } from 'node:path'
import { safeOpenExternal } from '../../external'
import { allowPermission, APP_ENTRY, isAllowedNavigation, secureWebPreferences } from './security'

function openOutside(url: string): void {
  safeOpenExternal(url, (u) => shell.openExternal(u)).catch(() => {
    /* refused (not http/https) or no handler: nothing to open */
  })
}

export function handleCommonWindowEvents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url)
    return { action: 'deny' }
  })
}

export function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(allowPermission(permission)))
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => allowPermission(permission))
}

export function createMainWindow(preloadDir: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Huntbench',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(join(preloadDir, 'index.cjs'))
  })
  handleCommonWindowEvents(window.webContents)
  window.once('ready-to-show', () => window.show())
  void window.loadURL(APP_ENTRY)
  return window
}
