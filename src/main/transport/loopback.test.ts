import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiHandlers } from '../../shared/api'
import { EventHub } from '../core/events'
import { startLoopback, type LoopbackServer } from './loopback'

describe('the loopback transport', () => {
  const events = new EventHub()
  const handlers = {
    'app.info': async () => ({ version: '1.2.3', transport: 'loopback' as const })
  } as unknown as ApiHandlers
  let server: LoopbackServer

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-loopback-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Roster</title>')
    server = await startLoopback({ handlers, events, rendererDir: dir })
  })
  afterAll(() => server.close())

  const call = (method: string, body: unknown, token = server.token) =>
    fetch(`${server.url}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-roster-token': token },
      body: JSON.stringify(body)
    })

  it('listens on 127.0.0.1 only and hands out the token in the URL fragment', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.appUrl).toBe(`${server.url}/#token=${server.token}`)
  })

  it('answers a call with the right token', async () => {
    const response = await call('app.info', {})
    expect(await response.json()).toEqual({ ok: true, result: { version: '1.2.3', transport: 'loopback' } })
  })

  it('refuses a call without the token', async () => {
    const response = await call('app.info', {}, 'wrong')
    expect(response.status).toBe(401)
  })

  it('refuses a request whose Host is not its own (DNS rebinding)', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/index.html`, { headers: { host: 'evil.example:80' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(421)
  })

  it('rejects a bad payload with a message naming the field', async () => {
    const response = await call('app.info', { extra: 1 })
    const body = (await response.json()) as { ok: boolean; error: { code: string; message: string } }
    expect(body.ok).toBe(false)
    expect(body.error.code).toBe('invalid-input')
  })

  it('serves the renderer with a strict Content Security Policy', async () => {
    const response = await fetch(`${server.url}/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'")
  })

  it('does not serve files outside the renderer folder', async () => {
    const response = await fetch(`${server.url}/..%2f..%2f..%2fetc%2fpasswd`)
    expect(response.status).toBe(404)
  })

  it('streams core events to a client holding the token', async () => {
    const controller = new AbortController()
    const response = await fetch(`${server.url}/api/events?token=${server.token}`, {
      signal: controller.signal
    })
    const reader = response.body!.getReader()
    await reader.read() // the ": connected" comment
    events.emit('connectivity', { projectId: null, state: 'offline', until: null, message: 'no network' })
    const { value } = await reader.read()
    expect(new TextDecoder().decode(value)).toContain(
      'event: connectivity\ndata: {"projectId":null,"state":"offline"'
    )
    controller.abort()
  })
})
