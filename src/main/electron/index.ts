/**
 * The Electron entry: app lifecycle only. Everything the app does lives in the core (src/main/core),
 * which runs the same under plain Node for the CLI and the tests.
 */
import { app, BrowserWindow, net, protocol, shell } from 'electron'
import { mkdirSync } from 'node:fs'
import { join, normalize, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createCore, type Core } from '../core/core'
import { defaultDataDir } from '../paths'
import { CONTENT_SECURITY_POLICY } from '../transport/csp'
import { bindIpc } from './ipc'
import { installMenu } from './menu'
import { SafeStorageSecretStore } from './safe-storage'
import { createMainWindow, windowStateFile } from './window'

const APP_ORIGIN = 'app://roster'
const rendererDir = join(__dirname, '../renderer')
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }
])

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let win: BrowserWindow | null = null
  let core: Core | null = null
  const log = (message: string): void => console.log(`[roster] ${message}`)
  const isTrustedUrl = (url: string): boolean =>
    url.startsWith(`${APP_ORIGIN}/`) || (devUrl !== undefined && url.startsWith(devUrl))

  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore()
      win.focus()
    }
  })

  app.whenReady().then(() => {
    const dataDir = defaultDataDir()
    mkdirSync(dataDir, { recursive: true })
    app.setPath('userData', dataDir)

    protocol.handle('app', async (request) => {
      const { pathname } = new URL(request.url)
      const file = normalize(
        join(rendererDir, decodeURIComponent(pathname === '/' ? '/index.html' : pathname))
      )
      if (!file.startsWith(rendererDir + sep)) return new Response('Not found', { status: 404 })
      const response = await net.fetch(pathToFileURL(file).toString())
      const headers = new Headers(response.headers)
      headers.set('content-security-policy', CONTENT_SECURITY_POLICY)
      return new Response(response.body, { status: response.status, headers })
    })

    core = createCore({
      dbPath: join(dataDir, 'roster.db'),
      secrets: new SafeStorageSecretStore(join(dataDir, 'keys.json'), log),
      openExternal: (url) => shell.openExternal(url),
      transport: 'ipc',
      version: app.getVersion(),
      log
    })
    core.events.subscribe((event, payload) => {
      if (!win || win.isDestroyed()) return
      if (event === 'sync.progress') {
        const { done, total } = payload as { done: number; total: number | null }
        win.setProgressBar(total ? Math.min(1, done / total) : 2)
      } else if (event === 'sync.finished') {
        win.setProgressBar(-1)
      }
    })
    installMenu({ dev: devUrl !== undefined })
    win = createMainWindow({
      preload: join(__dirname, '../preload/index.cjs'),
      stateFile: windowStateFile(dataDir),
      startUrl: devUrl ?? `${APP_ORIGIN}/index.html`,
      isTrustedUrl
    })
    bindIpc({ handlers: core.handlers, events: core.events, window: () => win, isTrustedUrl, log })
    win.on('closed', () => (win = null))
  })

  app.on('window-all-closed', () => {
    void core?.close()
    app.quit()
  })
}
