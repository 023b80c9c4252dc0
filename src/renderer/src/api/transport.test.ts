import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../shared/api'
import { createBridgeApi, createLoopbackApi, tokenFromHash } from './transport'

const project = {
  id: 'p1',
  server: 'https://www.commcarehq.org',
  domain: 'demo-project',
  username: 'me@example.org',
  label: 'demo-project',
  defaultCountry: 'KE',
  appId: null,
  autoSyncHours: 12,
  channel: 'auto',
  channelProbe: null,
  usernameTemplate: '{first}.{last}',
  hasKey: true,
  lastGoodSync: null,
  lastSync: null
}

/** A stand-in for the browser's EventSource that the test can push named events through. */
class FakeEventSource {
  static last: FakeEventSource | null = null
  readonly handlers = new Map<string, ((e: MessageEvent) => void)[]>()
  constructor(readonly url: string) {
    FakeEventSource.last = this
  }
  addEventListener(name: string, handler: (e: MessageEvent) => void) {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler])
  }
  push(name: string, data: string) {
    for (const h of this.handlers.get(name) ?? []) h(new MessageEvent(name, { data }))
  }
}

function loopback(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const requests: { url: string; init: RequestInit }[] = []
  const api = createLoopbackApi({
    baseUrl: 'http://127.0.0.1:4000',
    token: 'tok123',
    fetch: (async (url: string, init: RequestInit) => {
      requests.push({ url, init })
      return respond(url, init)
    }) as typeof fetch,
    EventSource: FakeEventSource as unknown as typeof EventSource
  })
  return { api, requests }
}

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })

describe('the loopback transport', () => {
  it('posts the input with the token and returns the result', async () => {
    const { api, requests } = loopback(() => json({ ok: true, result: [project] }))
    await expect(api.call('projects.list', {})).resolves.toEqual([project])
    expect(requests[0]!.url).toBe('http://127.0.0.1:4000/api/projects.list')
    expect(requests[0]!.init.method).toBe('POST')
    expect((requests[0]!.init.headers as Record<string, string>)['x-roster-token']).toBe('tok123')
    expect(requests[0]!.init.body).toBe('{}')
  })

  it("throws the core's error as an ApiError with its code and message", async () => {
    const { api } = loopback(() =>
      json({ ok: false, error: { code: 'auth', message: 'HQ refused the key.' } })
    )
    const error = await api.call('projects.list', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'auth', message: 'HQ refused the key.' })
  })

  it('refuses an answer that does not match the contract', async () => {
    const { api } = loopback(() => json({ ok: true, result: [{ id: 'p1' }] }))
    await expect(api.call('projects.list', {})).rejects.toMatchObject({ code: 'bad-response' })
  })

  it('says plainly when the core does not answer', async () => {
    const { api } = loopback(() => Promise.reject(new TypeError('Failed to fetch')))
    await expect(api.call('projects.list', {})).rejects.toMatchObject({
      code: 'transport',
      message: expect.stringContaining('not answering')
    })
  })

  it('delivers named events, validated, to every listener until it unsubscribes', () => {
    const { api } = loopback(() => json({}))
    const seen: unknown[] = []
    const off = api.on('connectivity', (e) => seen.push(e.state))
    api.on('connectivity', (e) => seen.push(`second:${e.state}`))
    const source = FakeEventSource.last!
    expect(source.url).toBe('http://127.0.0.1:4000/api/events?token=tok123')
    source.push(
      'connectivity',
      JSON.stringify({ projectId: null, state: 'offline', until: null, message: null })
    )
    source.push('connectivity', JSON.stringify({ projectId: null, state: 'bogus' }))
    source.push('connectivity', 'not json')
    off()
    source.push(
      'connectivity',
      JSON.stringify({ projectId: 'p1', state: 'online', until: null, message: null })
    )
    expect(seen).toEqual(['offline', 'second:offline', 'second:online'])
  })

  it('reads the token from the page address', () => {
    expect(tokenFromHash('#token=abc_DEF-1')).toBe('abc_DEF-1')
    expect(tokenFromHash('#token=<script>')).toBeNull()
    expect(tokenFromHash('')).toBeNull()
  })
})

describe('the Electron bridge', () => {
  it('unwraps envelopes and validates events the same way', async () => {
    const listeners: ((p: unknown) => void)[] = []
    const api = createBridgeApi({
      call: async (method) =>
        method === 'app.info'
          ? { ok: true, result: { version: '1.0.0', transport: 'ipc' } }
          : { ok: false, error: { code: 'offline', message: 'No connection to HQ.' } },
      on: (_event, listener) => {
        listeners.push(listener)
        return () => {}
      }
    })
    await expect(api.call('app.info', {})).resolves.toEqual({ version: '1.0.0', transport: 'ipc' })
    await expect(api.call('projects.list', {})).rejects.toMatchObject({ code: 'offline' })
    const got: number[] = []
    api.on('sync.progress', (p) => got.push(p.done))
    listeners[0]!({
      projectId: 'p1',
      runId: 1,
      phase: 'active',
      done: 40,
      total: 100,
      ratePerSec: 10,
      etaSeconds: 6
    })
    listeners[0]!({ projectId: 'p1', phase: 'nonsense' })
    expect(got).toEqual([40])
  })
})
