import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { ApiHandlers } from '../../shared/api'
import { dispatch } from '../core/dispatch'
import type { EventHub } from '../core/events'
import { CONTENT_SECURITY_POLICY } from './csp'

/**
 * Serves the real renderer and the real API table over HTTP on 127.0.0.1, for browser tests and
 * `npm run demo:web`. Only loopback, only with the random token, only with our own Host header
 * (so a web page elsewhere cannot reach it by DNS rebinding).
 */
export interface LoopbackServer {
  url: string
  /** The address to open: the token travels in the fragment, which is never sent over the wire. */
  appUrl: string
  token: string
  close(): Promise<void>
}

const MAX_BODY_BYTES = 64 * 1024 * 1024
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2'
}

export async function startLoopback(opts: {
  handlers: ApiHandlers
  events: EventHub
  rendererDir: string
  port?: number
  log?: (message: string) => void
}): Promise<LoopbackServer> {
  const token = randomBytes(24).toString('hex')
  const tokenBytes = Buffer.from(token)
  const sockets = new Set<ServerResponse>()
  let port = 0

  const tokenOk = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false
    const bytes = Buffer.from(candidate)
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      opts.log?.(`loopback: ${error instanceof Error ? error.message : String(error)}`)
      if (!res.headersSent) send(res, 500, 'text/plain', 'Internal error')
      else res.end()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? ''
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      return send(res, 421, 'text/plain', 'Wrong host')
    }
    const url = new URL(req.url ?? '/', `http://${host}`)
    if (url.pathname === '/api/events') {
      if (!tokenOk(url.searchParams.get('token'))) return send(res, 401, 'text/plain', 'Bad token')
      return streamEvents(res)
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only')
      if (!tokenOk(header(req, 'x-roster-token'))) return send(res, 401, 'text/plain', 'Bad token')
      const body = await readBody(req)
      let payload: unknown
      try {
        payload = body.length ? JSON.parse(body) : {}
      } catch {
        return sendJson(res, 200, {
          ok: false,
          error: { code: 'invalid-input', message: 'The request body is not JSON.' }
        })
      }
      const result = await dispatch(
        opts.handlers,
        decodeURIComponent(url.pathname.slice(5)),
        payload,
        opts.log
      )
      return sendJson(res, 200, result)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only')
    return serveStatic(url.pathname, res)
  }

  function streamEvents(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive'
    })
    res.write(': connected\n\n')
    sockets.add(res)
    const unsubscribe = opts.events.subscribe((event, payload) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`)
    })
    res.on('close', () => {
      unsubscribe()
      sockets.delete(res)
    })
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const relative = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname))
    const file = join(opts.rendererDir, relative)
    if (!file.startsWith(opts.rendererDir + sep)) return send(res, 404, 'text/plain', 'Not found')
    let content: Buffer
    try {
      content = await readFile(file)
    } catch {
      return send(res, 404, 'text/plain', 'Not found')
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream'
    res.writeHead(200, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...(type.startsWith('text/html') ? { 'content-security-policy': CONTENT_SECURITY_POLICY } : {})
    })
    res.end(content)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    appUrl: `${url}/#token=${token}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of sockets) res.end()
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type })
  res.end(body)
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}
