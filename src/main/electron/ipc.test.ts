import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startTestCore, type TestCore } from '../core/testing'

vi.mock('electron', () => import('./fake-electron'))
const fake = await import('./fake-electron')
const { bindIpc, CALL_CHANNEL, EVENT_CHANNEL } = await import('./ipc')

let test: TestCore
let win: InstanceType<typeof fake.BrowserWindow>
let unbind: () => void
const logged: string[] = []
beforeEach(() => {
  fake.reset()
  logged.length = 0
  test = startTestCore({ transport: 'ipc', version: '9.9.9' })
  win = new fake.BrowserWindow({})
  unbind = bindIpc({
    handlers: test.core.handlers,
    events: test.core.events,
    window: () => win as never,
    isTrustedUrl: (url) => url.startsWith('app://roster/'),
    log: (m) => logged.push(m)
  })
})
afterEach(async () => {
  unbind()
  await test.close()
})

const top = (url = 'app://roster/index.html') => ({ url, parent: null })

describe('IPC', () => {
  it('answers the app’s own window with the core’s result', async () => {
    const answer = await fake.ipcMain.invoke(
      CALL_CHANNEL,
      { sender: win.webContents, senderFrame: top() },
      'app.info',
      {}
    )
    expect(answer).toEqual({ ok: true, result: { version: '9.9.9', transport: 'ipc' } })
  })

  it('refuses another web contents, a sub-frame and a page that is not the app', async () => {
    const stranger = new fake.FakeWebContents(new fake.FakeSession())
    for (const event of [
      { sender: stranger, senderFrame: top() },
      { sender: win.webContents, senderFrame: { url: 'app://roster/index.html', parent: {} } },
      { sender: win.webContents, senderFrame: top('https://evil.example/') },
      { sender: win.webContents, senderFrame: null }
    ]) {
      expect(await fake.ipcMain.invoke(CALL_CHANNEL, event, 'projects.list', {})).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'This window may not call Roster.' }
      })
    }
    expect(logged.filter((m) => m.startsWith('refused an IPC call'))).toHaveLength(4)
  })

  it('validates the call name and the payload against the contract', async () => {
    const own = { sender: win.webContents, senderFrame: top() }
    expect(await fake.ipcMain.invoke(CALL_CHANNEL, own, 42, {})).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' }
    })
    expect(await fake.ipcMain.invoke(CALL_CHANNEL, own, 'no.such.call', {})).toMatchObject({ ok: false })
    expect(await fake.ipcMain.invoke(CALL_CHANNEL, own, 'app.openExternal', { url: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' }
    })
  })

  it('forwards core events to the window, and stops when unbound', () => {
    test.core.events.emit('connectivity', { projectId: 'p', state: 'online' } as never)
    expect(win.webContents.sent).toEqual([
      [EVENT_CHANNEL, 'connectivity', { projectId: 'p', state: 'online' }]
    ])
    unbind()
    expect(fake.ipcMain.invokeHandlers.has(CALL_CHANNEL)).toBe(false)
    unbind = () => {}
  })
})
