/**
 * Exposes exactly the Roster API to the renderer: one call function and one event subscription.
 * No ipcRenderer, no channels of the page's choosing, no process.env.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'

const CALL_CHANNEL = 'roster:call'
const EVENT_CHANNEL = 'roster:event'

contextBridge.exposeInMainWorld('roster', {
  call: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(CALL_CHANNEL, method, input),
  on: (event: string, listener: (payload: unknown) => void): (() => void) => {
    const forward = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) listener(payload)
    }
    ipcRenderer.on(EVENT_CHANNEL, forward)
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward)
  }
})
