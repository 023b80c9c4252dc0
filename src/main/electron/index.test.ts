import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => import('./fake-electron'))
// electron-log's main-process flavour needs a real Electron; its Node flavour writes the same file.
vi.mock('electron-log/main', async () => {
  const nodeLog = (await import('electron-log/node')).default
  return { default: nodeLog.create({ logId: `app-${Math.random()}` }) }
})
vi.mock('electron-updater', async () => {
  const { FakeUpdater } = await import('./fake-electron')
  return { default: { autoUpdater: new FakeUpdater() } }
})
vi.mock('../../../resources/icon.png?asset', () => ({ default: '/resources/icon.png' }))
// Each launch imports the entry afresh (vi.resetModules); `electron` is the fake it gets.
let fake: typeof import('./fake-electron')
const fakeElectron = async () => {
  fake = (await import('electron')) as unknown as typeof import('./fake-electron')
  return fake
}
const CALL_CHANNEL = 'roster:call'

let dataDir: string
const savedEnv = { ...process.env }
beforeEach(async () => {
  vi.resetModules()
  ;(await fakeElectron()).reset()
  dataDir = mkdtempSync(join(tmpdir(), 'roster-app-'))
  process.env.ROSTER_DATA_DIR = join(dataDir, 'Roster')
  process.env.ROSTER_QUIET = '1'
  delete process.env.ROSTER_ALLOW_HTTP_LOOPBACK
})
afterEach(async () => {
  process.env = { ...savedEnv }
  rmSync(dataDir, { recursive: true, force: true })
})

/** Starts the app as Electron would: the entry module runs, then Chromium becomes ready. */
async function launch() {
  await fakeElectron()
  await import('./index')
  fake.app.becomeReady()
  await vi.waitFor(() => {
    if (fake.BrowserWindow.all.length === 0 && fake.dialog.errors.length === 0) throw new Error('not started')
  })
  const win = fake.BrowserWindow.all[0]
  const call = (method: string, input: unknown) =>
    fake.ipcMain.invoke(
      CALL_CHANNEL,
      { sender: win!.webContents, senderFrame: { url: 'app://roster/index.html', parent: null } },
      method,
      input
    )
  const quit = async () => {
    const event = new fake.FakeEvent()
    for (const h of fake.app.handlers('will-quit')) (h as (e: unknown) => void)(event)
    await vi.waitFor(() => expect(fake.app.exitCode).toBe(0))
    return event
  }
  return { win, call, quit }
}

describe('the Electron entry, on a fake Electron', () => {
  it('starts the core behind IPC in a locked-down window, with a private data folder', async () => {
    const { win, call, quit } = await launch()
    expect(fake.app.paths.get('userData')).toBe(join(dataDir, 'Roster'))
    expect(statSync(join(dataDir, 'Roster')).mode & 0o777).toBe(0o700)
    expect(fake.protocol.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }
    ])
    expect(win?.loadedUrl).toBe('app://roster/index.html')
    expect(win?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false
    })
    expect(await call('app.info', {})).toEqual({ ok: true, result: { version: '1.2.3', transport: 'ipc' } })
    expect(await call('projects.list', {})).toEqual({ ok: true, result: [] })
    // The window's web contents got the app-wide guards too.
    expect(win?.webContents.handlers('will-attach-webview')).toHaveLength(1)
    expect(win?.webContents.navigate('will-redirect', 'https://evil.example/')).toBe(false)
    const event = await quit()
    expect(event.defaultPrevented).toBe(true)
  })

  it('serves app:// with nosniff and opens no page of a server it never synced', async () => {
    const { call, quit } = await launch()
    const serve = fake.protocol.handlers.get('app')!
    expect(
      (await serve(new Request('app://roster/../../package.json'))).headers.get('x-content-type-options')
    ).toBe('nosniff')
    expect(await call('app.openExternal', { url: 'https://evil.example/a/x/' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' }
    })
    expect(fake.shell.opened).toEqual([])
    await quit()
  })

  it('refuses plain-HTTP servers in a packaged app unless ROSTER_ALLOW_HTTP_LOOPBACK=1', async () => {
    const project = {
      server: 'http://127.0.0.1:9',
      domain: 'demo',
      username: 'c@example.org',
      apiKey: 'k',
      defaultCountry: 'KE'
    }
    let app = await launch()
    expect(await app.call('projects.save', project)).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' }
    })
    await app.quit()

    vi.resetModules()
    ;(await fakeElectron()).reset()
    process.env.ROSTER_ALLOW_HTTP_LOOPBACK = '1'
    app = await launch()
    expect(await app.call('projects.save', project)).toMatchObject({ ok: true })
    await app.quit()
  })

  it('installs the menu without reload or developer tools in a packaged app; its items do their job', async () => {
    const { quit } = await launch()
    const template = fake.Menu.application!.template
    const roles = JSON.stringify(template)
    expect(roles).toContain('editMenu')
    expect(roles).not.toContain('toggleDevTools')
    expect(roles).not.toContain('"reload"')
    const help = template.find((item) => item.role === 'help')!.submenu!
    help.find((item) => item.label === 'Show Logs')!.click!()
    expect(fake.shell.shownInFolder).toEqual([join(dataDir, 'Roster', 'roster.log')])
    help.find((item) => item.label === 'Check for Updates…')!.click!()
    await vi.waitFor(() => expect(fake.dialog.boxes).toHaveLength(1))
    await quit()
  })

  it('says why it could not start, and exits instead of holding the single-instance lock', async () => {
    // A folder where the database file should be: SQLite cannot open it.
    mkdirSync(join(dataDir, 'Roster', 'roster.db'), { recursive: true })
    await launch()
    await vi.waitFor(() => expect(fake.app.exitCode).toBe(1))
    expect(fake.dialog.errors).toHaveLength(1)
    expect(fake.dialog.errors[0]![0]).toBe('Roster could not start')
  })

  it('quits at once when another copy is running', async () => {
    fake.app.gotLock = false
    await import('./index')
    expect(fake.app.quitCalled).toBe(true)
    expect(fake.app.handlers('will-quit')).toHaveLength(0)
  })
})
