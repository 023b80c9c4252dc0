/**
 * The Electron entry: app lifecycle only. Everything the app does lives in the core (src/main/core),
 * which runs the same under plain Node for the CLI and the tests.
 */
import { app, BrowserWindow, dialog, net, protocol, session, shell } from 'electron'
import electronLog from 'electron-log/main'
// CommonJS whose exports Node's ESM loader cannot see by name: take them from the default.
import electronUpdater from 'electron-updater'
import { join } from 'node:path'
import { createCore, type Core } from '../core/core'
import { httpLoopbackAllowedByEnv } from '../core/serverPolicy'
import { proxyFromPac } from '../hq/net/proxy'
import { defaultDataDir, ensurePrivateDir } from '../paths'
import { CONTENT_SECURITY_POLICY } from '../transport/csp'
import { openExternalChecked } from './external'
import { guardWebContents } from './guards'
import { bindIpc } from './ipc'
import { fileLogger, logFilePath } from './log'
import { installMenu } from './menu'
import { rendererHandler } from './protocol'
import { SafeStorageSecretStore } from './safe-storage'
import { checkFromMenu, startUpdates } from './updates'
import { createMainWindow, windowStateFile } from './window'
import icon from '../../../resources/icon.png?asset'

const APP_HOST = 'roster'
const APP_ORIGIN = `app://${APP_HOST}`
const rendererDir = join(__dirname, '../renderer')
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
// The HQ simulator (plain HTTP on this machine) in development builds, or behind the explicit setting.
const allowHttpLoopback = !app.isPackaged || httpLoopbackAllowedByEnv()

// Before anything else: the single-instance lock, the Chromium profile and safeStorage's key all
// live in userData, which must be the folder the CLI uses too.
const dataDir = defaultDataDir()
ensurePrivateDir(dataDir, { tighten: true })
app.setPath('userData', dataDir)
const log = fileLogger(electronLog, dataDir)

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }
])

function isTrustedUrl(url: string): boolean {
  if (url.startsWith(`${APP_ORIGIN}/`)) return true
  // A prefix match would also trust http://localhost:5173.evil.example.
  return devUrl !== undefined && URL.canParse(url) && new URL(url).origin === new URL(devUrl).origin
}

/** Serves the built renderer at app://roster/ with the Content Security Policy and nosniff. */
const serveRenderer = rendererHandler({
  host: APP_HOST,
  rendererDir,
  csp: CONTENT_SECURITY_POLICY,
  fetchFile: (fileUrl) => net.fetch(fileUrl)
})

// Every web contents, whoever creates it: no <webview>, no new windows, no navigation away.
app.on('web-contents-created', (_event, contents) => guardWebContents(contents, isTrustedUrl, log))

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let win: BrowserWindow | null = null
  let core: Core | null = null
  let closed = false

  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore()
      win.focus()
    }
  })

  const start = (): void => {
    protocol.handle('app', serveRenderer)
    // The updater starts after the core; the notice's button reaches it through this.
    const late: { restart?: () => void } = {}
    const started = createCore({
      restartToUpdate: () => late.restart?.(),
      dbPath: join(dataDir, 'roster.db'),
      secrets: new SafeStorageSecretStore(join(dataDir, 'keys.json'), log),
      // The core allows only HQ pages of a synced project; the shell checks the scheme once more.
      openExternal: (url) =>
        openExternalChecked(url, (checked) => shell.openExternal(checked), allowHttpLoopback),
      allowHttpLoopback,
      transport: 'ipc',
      version: app.getVersion(),
      log,
      // The system's proxy settings (PAC scripts included), as Chrome would use them for HQ.
      proxyFor: async (url) => proxyFromPac(await session.defaultSession.resolveProxy(url))
    })
    core = started
    // Taskbar progress while a sync runs.
    started.events.subscribe((event, payload) => {
      if (!win || win.isDestroyed()) return
      if (event === 'sync.progress') {
        const { done, total } = payload as { done: number; total: number | null }
        win.setProgressBar(total ? Math.min(1, done / total) : 2)
      } else if (event === 'sync.finished') {
        win.setProgressBar(-1)
      }
    })
    const updates = startUpdates({
      updater: electronUpdater.autoUpdater,
      isPackaged: app.isPackaged,
      log,
      onReady: (version) => started.events.emit('app.update', { state: 'ready', version })
    })
    late.restart = () => updates.restartToUpdate()
    installMenu({
      dev: devUrl !== undefined,
      checkForUpdates: () =>
        void checkFromMenu(
          updates,
          async (box) =>
            (win ? dialog.showMessageBox(win, box) : dialog.showMessageBox(box)).then((r) => r.response),
          app.getVersion()
        ),
      showLogs: () => shell.showItemInFolder(logFilePath(dataDir))
    })
    win = createMainWindow({
      preload: join(__dirname, '../preload/index.cjs'),
      stateFile: windowStateFile(dataDir),
      startUrl: devUrl ?? `${APP_ORIGIN}/index.html`,
      isTrustedUrl,
      log,
      icon: process.platform === 'linux' ? icon : undefined
    })
    bindIpc({ handlers: started.handlers, events: started.events, window: () => win, isTrustedUrl, log })
    win.on('closed', () => (win = null))
  }

  // A start that fails must say so and exit: a windowless process would hold the single-instance
  // lock and make every later launch quit silently.
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error)
      log(`could not start: ${message}`)
      dialog.showErrorBox('Roster could not start', message)
      app.exit(1)
    })

  app.on('window-all-closed', () => app.quit())

  // Close the database (and any send in flight) before the process goes.
  app.on('will-quit', (event) => {
    if (closed || !core) return
    event.preventDefault()
    closed = true
    core.close().finally(() => app.exit(0))
  })
}
