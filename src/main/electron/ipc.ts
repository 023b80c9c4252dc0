import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import type { ApiHandlers } from '../../shared/api'
import { dispatch } from '../core/dispatch'
import type { EventHub } from '../core/events'

export const CALL_CHANNEL = 'roster:call'
export const EVENT_CHANNEL = 'roster:event'

/**
 * Binds the API table to IPC. Only our own window's top frame, showing our own renderer, may call.
 */
export function bindIpc(opts: {
  handlers: ApiHandlers
  events: EventHub
  window: () => BrowserWindow | null
  isTrustedUrl: (url: string) => boolean
  log: (message: string) => void
}): () => void {
  ipcMain.handle(CALL_CHANNEL, async (event: IpcMainInvokeEvent, method: unknown, payload: unknown) => {
    const win = opts.window()
    const frame = event.senderFrame
    if (
      !win ||
      event.sender !== win.webContents ||
      !frame ||
      frame.parent !== null ||
      !opts.isTrustedUrl(frame.url)
    ) {
      opts.log(`refused an IPC call from ${frame?.url ?? 'an unknown frame'}`)
      return { ok: false, error: { code: 'forbidden', message: 'This window may not call Roster.' } }
    }
    if (typeof method !== 'string') {
      return { ok: false, error: { code: 'invalid-input', message: 'The call name must be a string.' } }
    }
    return dispatch(opts.handlers, method, payload, opts.log)
  })
  const unsubscribe = opts.events.subscribe((name, payload) => {
    const win = opts.window()
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, name, payload)
  })
  return () => {
    ipcMain.removeHandler(CALL_CHANNEL)
    unsubscribe()
  }
}
