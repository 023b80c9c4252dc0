import { BrowserWindow, screen } from 'electron'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { permissionAllowed } from './guards'

interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

const DEFAULT_STATE: WindowState = { width: 1280, height: 820, maximized: false }

/** The main window, locked down: isolated, sandboxed, no Node, no navigation, no new windows. */
export function createMainWindow(opts: {
  preload: string
  stateFile: string
  startUrl: string
  isTrustedUrl: (url: string) => boolean
  log: (message: string) => void
  /** Linux shows this in the task bar; Windows and macOS take the packaged executable's icon. */
  icon?: string
}): BrowserWindow {
  const state = visible(readState(opts.stateFile))
  const win = new BrowserWindow({
    ...state,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Roster',
    ...(opts.icon ? { icon: opts.icon } : {}),
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      // A middle click would open a link in a new window instead of asking will-navigate.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false
    }
  })
  if (state.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())

  // Navigation, new windows and <webview> are refused for every web contents (./guards, installed
  // from app.on('web-contents-created')); these two stay for a window made without that hook.
  win.webContents.on('will-navigate', (event, url) => {
    if (!opts.isTrustedUrl(url)) event.preventDefault()
  })
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  // Permissions: only the app's own pages, only what it needs (./guards); checks and requests agree.
  win.webContents.session.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(permissionAllowed(permission, details.requestingUrl, opts.isTrustedUrl))
  )
  win.webContents.session.setPermissionCheckHandler((_wc, permission, requestingOrigin) =>
    permissionAllowed(permission, requestingOrigin, opts.isTrustedUrl)
  )
  win.webContents.on('render-process-gone', (_event, details) => {
    opts.log(`renderer gone (${details.reason}); reloading`)
    if (details.reason !== 'clean-exit') win.reload()
  })
  // Blob downloads (CSV export) ask where to save, like any desktop app.
  win.webContents.session.on('will-download', (_event, item) => {
    item.setSaveDialogOptions({ defaultPath: item.getFilename() })
  })

  const save = (): void => saveState(opts.stateFile, win)
  win.on('close', save)
  win.loadURL(opts.startUrl).catch((error: unknown) => {
    opts.log(`could not load the window: ${error instanceof Error ? error.message : String(error)}`)
    win.show()
  })
  return win
}

function readState(file: string): WindowState {
  try {
    if (existsSync(file)) return sane(JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowState>)
  } catch {
    // A damaged state file only costs the remembered position.
  }
  return DEFAULT_STATE
}

/** Keeps only plausible numbers from a state file that may have been edited or damaged. */
function sane(saved: Partial<WindowState>): WindowState {
  const num = (v: unknown, min: number): number | undefined =>
    typeof v === 'number' && Number.isFinite(v) && v >= min ? Math.round(v) : undefined
  return {
    x: num(saved.x, -100_000),
    y: num(saved.y, -100_000),
    width: num(saved.width, 400) ?? DEFAULT_STATE.width,
    height: num(saved.height, 300) ?? DEFAULT_STATE.height,
    maximized: saved.maximized === true
  }
}

/** Drops a remembered position that no longer lies on any display (a monitor was unplugged). */
function visible(state: WindowState): WindowState {
  if (state.x === undefined || state.y === undefined) return state
  const onScreen = screen.getAllDisplays().some(({ workArea: a }) => {
    return (
      state.x! >= a.x - 50 && state.y! >= a.y - 50 && state.x! < a.x + a.width && state.y! < a.y + a.height
    )
  })
  return onScreen ? state : { ...state, x: undefined, y: undefined }
}

function saveState(file: string, win: BrowserWindow): void {
  const bounds = win.getNormalBounds()
  const state: WindowState = { ...bounds, maximized: win.isMaximized() }
  try {
    writeFileSync(file, JSON.stringify(state), { mode: 0o600 })
  } catch {
    // Not worth interrupting a quit for.
  }
}

export function windowStateFile(dataDir: string): string {
  return join(dataDir, 'window-state.json')
}
