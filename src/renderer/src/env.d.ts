/// <reference types="vite/client" />

/** The envelope the preload hands back for every call (see src/preload). */
type RosterBridgeResult =
  { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }

/** What the preload exposes through contextBridge; absent in a plain browser (loopback transport). */
interface RosterBridge {
  call(method: string, input: unknown): Promise<RosterBridgeResult>
  on(event: string, listener: (payload: unknown) => void): () => void
}

interface Window {
  roster?: RosterBridge
}
