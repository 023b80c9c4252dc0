/**
 * A faithful fake of the Electron API surface src/main/electron uses, for tests under Node
 * (Electron cannot start on these machines). Each piece keeps what the code under test gave it
 * (handlers, listeners, options) so a test can act as Electron would: emit an event, send an IPC
 * call, request a permission. Signatures follow Electron 45's. Test support only:
 * `vi.mock('electron', () => import('./fake-electron'))`, then `fake.reset()` between tests.
 */
import { EventEmitter } from 'node:events'

type Listener = (...args: never[]) => unknown

class Emitter extends EventEmitter {
  /** The listeners of an event, to call them as Electron would. */
  handlers(event: string): Listener[] {
    return this.listeners(event) as Listener[]
  }
}

/** An event Electron passes to listeners; preventDefault() is what the code under test may call. */
export class FakeEvent {
  defaultPrevented = false
  constructor(readonly url?: string) {}
  preventDefault(): void {
    this.defaultPrevented = true
  }
}

export class FakeSession extends Emitter {
  permissionRequestHandler:
    | ((
        wc: unknown,
        permission: string,
        callback: (ok: boolean) => void,
        details: { requestingUrl: string }
      ) => void)
    | null = null
  permissionCheckHandler: ((wc: unknown, permission: string, requestingOrigin: string) => boolean) | null =
    null
  proxyAnswer = 'DIRECT'
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler
  }
  async resolveProxy(_url: string): Promise<string> {
    return this.proxyAnswer
  }
  /** As Chromium asks: the answer the handler gives. */
  request(permission: string, requestingUrl: string): Promise<boolean> {
    return new Promise((resolve) => {
      if (!this.permissionRequestHandler) return resolve(false)
      this.permissionRequestHandler(null, permission, resolve, { requestingUrl })
    })
  }
}

export class FakeWebContents extends Emitter {
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null
  readonly sent: Array<[channel: string, ...args: unknown[]]> = []
  destroyed = false
  constructor(readonly session: FakeSession) {
    super()
  }
  setWindowOpenHandler(handler: FakeWebContents['windowOpenHandler']): void {
    this.windowOpenHandler = handler
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args])
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  /** Emits a will-navigate-like event and says whether the code let it through. */
  navigate(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', url: string): boolean {
    const e = new FakeEvent(url)
    for (const h of this.handlers(event)) (h as (e: FakeEvent, url: string) => void)(e, url)
    return !e.defaultPrevented
  }
}

export class BrowserWindow extends Emitter {
  static readonly all: BrowserWindow[] = []
  readonly webContents: FakeWebContents
  loadedUrl: string | null = null
  progress: number | null = null
  shown = false
  maximized = false
  minimized = false
  constructor(readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> }) {
    super()
    this.webContents = new FakeWebContents(session.defaultSession)
    BrowserWindow.all.push(this)
    app.emit('web-contents-created', new FakeEvent(), this.webContents)
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url
    this.emit('ready-to-show')
  }
  show(): void {
    this.shown = true
  }
  maximize(): void {
    this.maximized = true
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isMinimized(): boolean {
    return this.minimized
  }
  restore(): void {
    this.minimized = false
  }
  focus(): void {}
  reload(): void {}
  isDestroyed(): boolean {
    return false
  }
  setProgressBar(value: number): void {
    this.progress = value
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return {
      x: 10,
      y: 20,
      width: Number(this.options.width ?? 800),
      height: Number(this.options.height ?? 600)
    }
  }
}

class FakeApp extends Emitter {
  isPackaged = true
  readonly paths = new Map<string, string>()
  quitCalled = false
  exitCode: number | null = null
  private ready!: () => void
  private readyPromise = new Promise<void>((resolve) => (this.ready = resolve))
  gotLock = true
  getVersion(): string {
    return '1.2.3'
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path)
  }
  getPath(name: string): string {
    return this.paths.get(name) ?? `/fake/${name}`
  }
  requestSingleInstanceLock(): boolean {
    return this.gotLock
  }
  whenReady(): Promise<void> {
    return this.readyPromise
  }
  /** What Electron does once Chromium is up. */
  becomeReady(): void {
    this.ready()
  }
  quit(): void {
    this.quitCalled = true
  }
  exit(code = 0): void {
    this.exitCode = code
  }
  resetReady(): void {
    this.readyPromise = new Promise<void>((resolve) => (this.ready = resolve))
  }
}
export const app = new FakeApp()

export interface FakeInvokeEvent {
  sender: FakeWebContents
  senderFrame: { url: string; parent: unknown } | null
}

export const ipcMain = new (class extends Emitter {
  readonly invokeHandlers = new Map<string, (event: FakeInvokeEvent, ...args: unknown[]) => unknown>()
  handle(channel: string, handler: (event: FakeInvokeEvent, ...args: unknown[]) => unknown): void {
    if (this.invokeHandlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.invokeHandlers.set(channel, handler)
  }
  removeHandler(channel: string): void {
    this.invokeHandlers.delete(channel)
  }
  /** ipcRenderer.invoke from a frame, as Electron delivers it. */
  async invoke(channel: string, event: FakeInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.invokeHandlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    return handler(event, ...args)
  }
})()

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    protocol.privileged.push(...schemes)
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    protocol.handlers.set(scheme, handler)
  }
}

export const session = { defaultSession: new FakeSession() }

export const shell = {
  opened: [] as string[],
  shownInFolder: [] as string[],
  async openExternal(url: string): Promise<void> {
    shell.opened.push(url)
  },
  showItemInFolder(path: string): void {
    shell.shownInFolder.push(path)
  }
}

export const dialog = {
  errors: [] as Array<[title: string, content: string]>,
  boxes: [] as Array<{ message?: string; buttons?: string[] }>,
  /** The button the coordinator picks in the next message boxes. */
  response: 0,
  showErrorBox(title: string, content: string): void {
    dialog.errors.push([title, content])
  },
  async showMessageBox(
    winOrBox: unknown,
    box?: { message?: string; buttons?: string[] }
  ): Promise<{ response: number; checkboxChecked: boolean }> {
    dialog.boxes.push((box ?? winOrBox) as { message?: string; buttons?: string[] })
    return { response: dialog.response, checkboxChecked: false }
  }
}

/** electron-updater's autoUpdater, as far as src/main/electron/updates uses it: no update found. */
export class FakeUpdater extends Emitter {
  autoDownload = false
  autoInstallOnAppQuit = false
  logger: unknown = null
  checks = 0
  async checkForUpdates(): Promise<null> {
    this.checks++
    return null
  }
  quitAndInstall(): void {}
}

export interface FakeMenuItem {
  role?: string
  label?: string
  type?: string
  submenu?: FakeMenuItem[]
  click?: () => unknown
}
export const Menu = {
  application: null as { template: FakeMenuItem[] } | null,
  buildFromTemplate(template: FakeMenuItem[]): { template: FakeMenuItem[] } {
    return { template }
  },
  setApplicationMenu(menu: { template: FakeMenuItem[] } | null): void {
    Menu.application = menu
  }
}

/** safeStorage with a chosen backend; "encryption" is reversible and marked, as the tests need. */
export const safeStorage = {
  backend: 'gnome_libsecret' as string,
  available: true,
  getSelectedStorageBackend(): string {
    return safeStorage.backend
  },
  async isAsyncEncryptionAvailable(): Promise<boolean> {
    return safeStorage.available
  },
  async encryptStringAsync(text: string): Promise<Buffer> {
    return Buffer.from(`${safeStorage.backend}:${text}`)
  },
  async decryptStringAsync(cipher: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> {
    const text = cipher.toString()
    const at = text.indexOf(':')
    if (at < 0 || text.slice(0, at) !== safeStorage.backend)
      throw new Error('Error while decrypting the ciphertext')
    return { result: text.slice(at + 1), shouldReEncrypt: false }
  }
}

export const net = {
  /** Reads file:// URLs from disk, as net.fetch does. */
  async fetch(url: string): Promise<Response> {
    const { readFile } = await import('node:fs/promises')
    const { fileURLToPath } = await import('node:url')
    try {
      return new Response(await readFile(fileURLToPath(url)), { status: 200 })
    } catch {
      return new Response('', { status: 404 })
    }
  }
}

export const screen = {
  getAllDisplays(): Array<{ workArea: { x: number; y: number; width: number; height: number } }> {
    return [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]
  }
}

/** Back to a just-started Electron. */
export function reset(): void {
  app.removeAllListeners()
  app.isPackaged = true
  app.paths.clear()
  app.quitCalled = false
  app.exitCode = null
  app.gotLock = true
  app.resetReady()
  BrowserWindow.all.length = 0
  ipcMain.invokeHandlers.clear()
  protocol.privileged.length = 0
  protocol.handlers.clear()
  session.defaultSession = new FakeSession()
  shell.opened.length = 0
  shell.shownInFolder.length = 0
  dialog.errors.length = 0
  dialog.boxes.length = 0
  dialog.response = 0
  Menu.application = null
  safeStorage.backend = 'gnome_libsecret'
  safeStorage.available = true
}

export default {
  app,
  BrowserWindow,
  ipcMain,
  protocol,
  session,
  shell,
  dialog,
  Menu,
  safeStorage,
  net,
  screen
}
