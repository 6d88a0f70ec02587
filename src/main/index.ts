// The desktop app's entry (Electron main). Thin on purpose: it builds the same services as
// browser mode and the CLI, serves the renderer over app://, and wires IPC; everything
// else lives in services that are tested on plain Node.
import { app, BrowserWindow, ipcMain, protocol, shell } from 'electron'
import { join } from 'node:path'
import { resolveDataDir } from './config'
import { safeOpenExternal } from './external'
import { CONTENT_SECURITY_POLICY } from './hosts/csp'
import { forwardEvents, registerIpc } from './hosts/electron/ipc'
import { electronSqliteBinding } from './hosts/electron/native'
import { APP_HOST, APP_SCHEME } from './hosts/electron/security'
import { createMainWindow, denyAllPermissions } from './hosts/electron/window'
import { resolveStatic } from './hosts/web/static'
import { createServices, type Services } from './services'

app.setName('Huntbench')
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])

function dataDirFlag(argv: string[]): string | undefined {
  const i = argv.indexOf('--data-dir')
  if (i >= 0) return argv[i + 1]
  return argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length)
}

if (!app.requestSingleInstanceLock()) app.quit()

let services: Services | null = null
let mainWindow: BrowserWindow | null = null

app.whenReady().then(() => {
  const rendererDir = join(__dirname, '../renderer')
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    const file = url.host === APP_HOST ? resolveStatic(rendererDir, url.pathname) : null
    if (!file) return new Response('Not found', { status: 404 })
    const response = await fetch(`file://${file}`)
    const headers = new Headers(response.headers)
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    headers.set('X-Content-Type-Options', 'nosniff')
    return new Response(response.body, { status: 200, headers })
  })
  denyAllPermissions()

  services = createServices({
    dataDir: resolveDataDir(dataDirFlag(process.argv)),
    host: 'electron',
    nativeBinding: electronSqliteBinding(process.env, process.resourcesPath),
    opener: (url) => shell.openExternal(url),
    // MSAL's system-browser sign-in opens the authorize URL through the one safe opener.
    auth: { openBrowser: (url) => safeOpenExternal(url, (u) => shell.openExternal(u)) }
  })
  // The OS broker (WAM, Company Portal) parents its sign-in dialog on our window.
  services.auth.setWindowHandleProvider(() => mainWindow?.getNativeWindowHandle())
  services.connectivity.start()
  registerIpc(ipcMain, services.router)
  forwardEvents(services.bus, () => mainWindow?.webContents ?? null)
  mainWindow = createMainWindow(join(__dirname, '../preload'))

  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore()
    mainWindow?.focus()
  })
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      void safeOpenExternal(url, (u) => shell.openExternal(u)).catch(() => {})
      return { action: 'deny' }
    })
  })
})

app.on('window-all-closed', () => {
  services?.close()
  services = null
  app.quit()
})
