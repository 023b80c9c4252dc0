import {
  ApiError,
  apiContract,
  apiEvents,
  describeZodError,
  type ApiEvent,
  type ApiEventName,
  type ApiInput,
  type ApiMethod,
  type ApiOutput,
  type RosterApi
} from '../../../shared/api'

/**
 * The renderer side of both transports. Whatever carries the call (Electron IPC through the
 * preload, or the loopback HTTP transport in a plain browser), the renderer sees one RosterApi:
 * results are checked against the contract, failures become ApiError with HQ's or the core's
 * message, and events arrive already validated.
 */

type Envelope = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }

function unwrap<M extends ApiMethod>(method: M, envelope: unknown): ApiOutput<M> {
  if (!envelope || typeof envelope !== 'object' || !('ok' in envelope)) {
    throw new ApiError('bad-response', `Roster's core gave an unreadable answer to ${method}.`)
  }
  const typed = envelope as Envelope
  if (!typed.ok) {
    const code = typeof typed.error?.code === 'string' ? typed.error.code : 'failed'
    const message = typeof typed.error?.message === 'string' ? typed.error.message : `${method} failed.`
    throw new ApiError(code, message)
  }
  // The core validates inputs; checking outputs here keeps a core bug from reaching the screen
  // as a half-drawn page.
  const parsed = apiContract[method].output.safeParse(typed.result)
  if (!parsed.success) {
    throw new ApiError(
      'bad-response',
      `${method} answered in an unexpected shape: ${describeZodError(parsed.error)}`
    )
  }
  return parsed.data as ApiOutput<M>
}

function parseEvent<E extends ApiEventName>(event: E, payload: unknown): ApiEvent<E> | undefined {
  const parsed = apiEvents[event].safeParse(payload)
  if (!parsed.success) {
    console.warn(`Ignored a malformed ${event} event: ${describeZodError(parsed.error)}`)
    return undefined
  }
  return parsed.data as ApiEvent<E>
}

/** Electron: the preload's `window.roster`. */
export function createBridgeApi(bridge: RosterBridge): RosterApi {
  return {
    async call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
      return unwrap(method, await bridge.call(method, input))
    },
    on<E extends ApiEventName>(event: E, listener: (payload: ApiEvent<E>) => void): () => void {
      return bridge.on(event, (payload) => {
        const parsed = parseEvent(event, payload)
        if (parsed !== undefined) listener(parsed)
      })
    }
  }
}

export interface LoopbackOptions {
  /** Origin of the loopback server, e.g. http://127.0.0.1:41234 */
  baseUrl: string
  token: string
  fetch?: typeof fetch
  EventSource?: typeof EventSource
}

/** Browser tests and `npm run demo:web`: POST /api/<method>, events over one EventSource. */
export function createLoopbackApi(opts: LoopbackOptions): RosterApi {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis)
  const EventSourceImpl = opts.EventSource ?? globalThis.EventSource
  const listeners = new Map<ApiEventName, Set<(payload: unknown) => void>>()
  let source: EventSource | null = null

  function ensureSource(event: ApiEventName): void {
    if (!EventSourceImpl) return
    if (!source) {
      source = new EventSourceImpl(`${opts.baseUrl}/api/events?token=${encodeURIComponent(opts.token)}`)
    }
    if (listeners.has(event)) return
    const set = new Set<(payload: unknown) => void>()
    listeners.set(event, set)
    source.addEventListener(event, (message) => {
      let payload: unknown
      try {
        payload = JSON.parse((message as MessageEvent<string>).data)
      } catch {
        console.warn(`Ignored a ${event} event that is not JSON`)
        return
      }
      for (const listener of [...set]) listener(payload)
    })
  }

  return {
    async call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
      let response: Response
      try {
        response = await doFetch(`${opts.baseUrl}/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-roster-token': opts.token },
          body: JSON.stringify(input ?? {})
        })
      } catch {
        throw new ApiError('transport', "Roster's core is not answering. Restart Roster and try again.")
      }
      if (!response.ok) {
        throw new ApiError(
          'transport',
          response.status === 401
            ? 'This page lost its connection key. Open Roster again from the link it printed.'
            : `Roster's core answered ${response.status} to ${method}.`
        )
      }
      let body: unknown
      try {
        body = await response.json()
      } catch {
        throw new ApiError('bad-response', `Roster's core gave an unreadable answer to ${method}.`)
      }
      return unwrap(method, body)
    },
    on<E extends ApiEventName>(event: E, listener: (payload: ApiEvent<E>) => void): () => void {
      ensureSource(event)
      const wrapped = (payload: unknown): void => {
        const parsed = parseEvent(event, payload)
        if (parsed !== undefined) listener(parsed)
      }
      listeners.get(event)?.add(wrapped)
      return () => {
        listeners.get(event)?.delete(wrapped)
      }
    }
  }
}

/** Reads the loopback token from the page address: http://127.0.0.1:PORT/#token=TOKEN */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const token = params.get('token')
  return token && /^[A-Za-z0-9_-]+$/.test(token) ? token : null
}

/** Picks the transport this page runs under. */
export function createApiForWindow(win: Window): RosterApi {
  if (win.roster) return createBridgeApi(win.roster)
  const token = tokenFromHash(win.location.hash)
  if (!token) {
    throw new ApiError(
      'transport',
      'This page was opened without its connection key. Open Roster from the address it printed (…/#token=…).'
    )
  }
  return createLoopbackApi({ baseUrl: win.location.origin, token })
}
