import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../transport/csp'

vi.mock('electron', () => import('./fake-electron'))
const fake = await import('./fake-electron')
const { rendererHandler } = await import('./protocol')

let root: string
let serve: (request: Request) => Promise<Response>
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'roster-protocol-'))
  mkdirSync(join(root, 'renderer', 'assets'), { recursive: true })
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>Roster</title>')
  writeFileSync(join(root, 'renderer', 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(root, 'secret.txt'), 'not for the renderer')
  serve = rendererHandler({
    host: 'roster',
    rendererDir: join(root, 'renderer'),
    csp: CONTENT_SECURITY_POLICY,
    fetchFile: (url) => fake.net.fetch(url)
  })
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const get = (url: string) => serve(new Request(url))

describe('the app:// protocol', () => {
  it('serves the renderer with the Content Security Policy and nosniff', async () => {
    for (const url of ['app://roster/', 'app://roster/index.html']) {
      const response = await get(url)
      expect(response.status).toBe(200)
      expect(await response.text()).toContain('<title>Roster</title>')
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    }
    expect(await (await get('app://roster/assets/app.js')).text()).toBe('console.log(1)')
  })

  it('refuses paths outside the renderer folder, however they are written', async () => {
    for (const url of [
      'app://roster/../secret.txt',
      'app://roster/%2e%2e/secret.txt',
      'app://roster/%2E%2E%2Fsecret.txt',
      'app://roster/assets/..%2F..%2Fsecret.txt',
      'app://roster/..%5Csecret.txt'
    ]) {
      const response = await get(url)
      expect(response.status, url).not.toBe(200)
      expect(await response.text(), url).not.toContain('not for the renderer')
    }
    expect((await get('app://roster/%E0%A4%A')).status).toBe(400)
    expect((await get('app://roster/index.html%00.png')).status).toBe(400)
  })

  it('answers only for its own host', async () => {
    const response = await get('app://evil/index.html')
    expect(response.status).toBe(404)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('passes a missing file on as not found, still with its headers', async () => {
    const response = await get('app://roster/missing.js')
    expect(response.status).toBe(404)
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
  })
})
