import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => import('./fake-electron'))
const fake = await import('./fake-electron')
const { createMainWindow } = await import('./window')
const { guardWebContents, permissionAllowed } = await import('./guards')

const trusted = (url: string) => url.startsWith('app://roster/')
let dir: string
const logged: string[] = []
beforeEach(() => {
  fake.reset()
  logged.length = 0
  dir = mkdtempSync(join(tmpdir(), 'roster-window-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function open() {
  const win = createMainWindow({
    preload: '/app/preload/index.cjs',
    stateFile: join(dir, 'window-state.json'),
    startUrl: 'app://roster/index.html',
    isTrustedUrl: trusted,
    log: (m) => logged.push(m)
  })
  return win as unknown as InstanceType<typeof fake.BrowserWindow>
}

describe('the main window', () => {
  it('gets the secure webPreferences', () => {
    const win = open()
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      disableBlinkFeatures: 'Auxclick'
    })
    expect(win.options.webPreferences).not.toHaveProperty('nodeIntegrationInWorker', true)
    expect(win.loadedUrl).toBe('app://roster/index.html')
    expect(win.shown).toBe(true)
  })

  it('stays on the app’s pages and opens no windows', () => {
    const win = open()
    expect(win.webContents.navigate('will-navigate', 'app://roster/index.html#/workers')).toBe(true)
    expect(win.webContents.navigate('will-navigate', 'https://evil.example/')).toBe(false)
    expect(win.webContents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
  })

  it('grants the clipboard to the app’s own page only, and nothing else to anyone', async () => {
    const win = open()
    const session = win.webContents.session
    expect(await session.request('clipboard-sanitized-write', 'app://roster/index.html')).toBe(true)
    expect(await session.request('clipboard-sanitized-write', 'https://evil.example/')).toBe(false)
    expect(await session.request('media', 'app://roster/index.html')).toBe(false)
    expect(await session.request('openExternal', 'app://roster/index.html')).toBe(false)
    expect(session.permissionCheckHandler?.(null, 'clipboard-sanitized-write', 'app://roster')).toBe(true)
    expect(session.permissionCheckHandler?.(null, 'clipboard-sanitized-write', 'https://evil.example')).toBe(
      false
    )
    expect(session.permissionCheckHandler?.(null, 'geolocation', 'app://roster')).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', undefined, trusted)).toBe(false)
  })

  it('remembers its size in a file private to the user', () => {
    const win = open()
    win.emit('close')
    expect(statSync(join(dir, 'window-state.json')).mode & 0o777).toBe(0o600)
  })
})

describe('every web contents', () => {
  it('refuses webviews, new windows, navigation and redirects away from the app', () => {
    const contents = new fake.FakeWebContents(new fake.FakeSession())
    guardWebContents(contents as never, trusted, (m) => logged.push(m))
    const attach = new fake.FakeEvent()
    for (const h of contents.handlers('will-attach-webview')) (h as (e: unknown) => void)(attach)
    expect(attach.defaultPrevented).toBe(true)
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/x?token=1' })).toEqual({
      action: 'deny'
    })
    expect(contents.navigate('will-navigate', 'https://evil.example/a')).toBe(false)
    expect(contents.navigate('will-redirect', 'file:///etc/passwd')).toBe(false)
    expect(contents.navigate('will-frame-navigate', 'https://evil.example/frame')).toBe(false)
    expect(contents.navigate('will-navigate', 'app://roster/index.html')).toBe(true)
    // The log names origins only, never paths or queries that may hold data.
    expect(logged.join('\n')).not.toContain('token=1')
    expect(logged).toContain('refused to navigate to https://evil.example')
  })
})
