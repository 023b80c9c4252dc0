/**
 * Real proxies for tests, on 127.0.0.1: an HTTP proxy (CONNECT tunnels and absolute-form
 * requests, optional Basic login, optional refusal) and a SOCKS5 proxy (no login, CONNECT). Both
 * count what passed through. Test support only; not imported by the product.
 */
import http from 'node:http'
import net from 'node:net'

export interface TestProxy {
  /** http://127.0.0.1:PORT, without credentials. */
  url: string
  /** 127.0.0.1:PORT, as Roster's messages name it. */
  label: string
  /** "host:port" of every CONNECT, in order, whatever the answer was. */
  connects: string[]
  /** The URL of every absolute-form request forwarded. */
  forwarded: string[]
  /** Proxy-Authorization headers received (CONNECT and forwarded). */
  authorizations: string[]
  /** "METHOD path" of every request that went through a tunnel (read from the plain-HTTP stream). */
  tunnelled(): string[]
  /** Tunnels currently open. */
  openTunnels(): number
  close(): Promise<void>
}

export interface TestProxyOptions {
  /** Require this Basic login; anything else gets 407 with Proxy-Authenticate. */
  login?: { username: string; password: string }
  /** Answer every request with this status instead of passing it on (403, 502, ...). */
  refuse?: number
}

export async function startTestProxy(opts: TestProxyOptions = {}): Promise<TestProxy> {
  const connects: string[] = []
  const forwarded: string[] = []
  const authorizations: string[] = []
  const tunnels = new Set<net.Socket>()
  const streams: Buffer[][] = []
  const expected = opts.login
    ? `Basic ${Buffer.from(`${opts.login.username}:${opts.login.password}`).toString('base64')}`
    : null

  /** The status to refuse a request with, or null to let it through. */
  const gate = (req: http.IncomingMessage): number | null => {
    const given = req.headers['proxy-authorization']
    if (given) authorizations.push(given)
    if (expected !== null && given !== expected) return 407
    return opts.refuse ?? null
  }

  const server = http.createServer((req, res) => {
    forwarded.push(req.url ?? '')
    const refused = gate(req)
    if (refused !== null) {
      res.writeHead(refused, refused === 407 ? { 'proxy-authenticate': 'Basic realm="test"' } : {})
      res.end()
      return
    }
    let target: URL
    try {
      target = new URL(req.url ?? '')
    } catch {
      res.writeHead(400).end()
      return
    }
    const headers = { ...req.headers }
    delete headers['proxy-authorization']
    delete headers['proxy-connection']
    const upstream = http.request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  })

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? ''
    connects.push(target)
    client.on('error', () => client.destroy())
    const refused = gate(req)
    if (refused !== null) {
      const extra = refused === 407 ? 'Proxy-Authenticate: Basic realm="test"\r\n' : ''
      client.end(`HTTP/1.1 ${refused} Refused\r\n${extra}Content-Length: 0\r\n\r\n`)
      return
    }
    const match = /^(.+):(\d+)$/.exec(target)
    if (!match) {
      client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const upstream = net.connect(Number(match[2]), match[1]!.replace(/^\[|\]$/g, ''))
    upstream.once('error', () => {
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n')
      client.destroy()
    })
    upstream.once('connect', () => {
      tunnels.add(client)
      client.once('close', () => tunnels.delete(client))
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      const sent: Buffer[] = [head]
      streams.push(sent)
      client.on('data', (chunk: Buffer) => sent.push(chunk))
      if (head.length > 0) upstream.write(head)
      pipeBoth(client, upstream)
    })
  })

  const port = await listen(server)
  return {
    url: `http://127.0.0.1:${port}`,
    label: `127.0.0.1:${port}`,
    connects,
    forwarded,
    authorizations,
    tunnelled: () =>
      streams.flatMap((chunks) =>
        [
          ...Buffer.concat(chunks)
            .toString('latin1')
            .matchAll(/(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/\S*) HTTP\/1\.1\r\n/g)
        ].map((m) => `${m[1]} ${m[2]}`)
      ),
    openTunnels: () => tunnels.size,
    close: async () => {
      for (const socket of tunnels) socket.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

export interface TestSocksProxy {
  /** socks5://127.0.0.1:PORT */
  url: string
  label: string
  /** "host:port" of every CONNECT. */
  connects: string[]
  close(): Promise<void>
}

/** A SOCKS5 proxy (RFC 1928) without login: CONNECT only. */
export async function startTestSocksProxy(): Promise<TestSocksProxy> {
  const connects: string[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    sockets.add(client)
    client.once('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    let buffer = Buffer.alloc(0)
    let greeted = false
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk])
      if (!greeted) {
        // VER NMETHODS METHODS...: choose "no authentication".
        if (buffer.length < 2 || buffer.length < 2 + buffer[1]!) return
        buffer = buffer.subarray(2 + buffer[1]!)
        greeted = true
        client.write(Buffer.from([5, 0]))
      }
      const request = parseSocksConnect(buffer)
      if (!request) return
      client.off('data', onData)
      connects.push(`${request.host}:${request.port}`)
      const upstream = net.connect(request.port, request.host)
      sockets.add(upstream)
      upstream.once('close', () => sockets.delete(upstream))
      upstream.once('error', () => {
        // Reply 5: connection refused.
        if (client.writable) client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]))
      })
      upstream.once('connect', () => {
        client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]))
        const rest = buffer.subarray(request.length)
        if (rest.length > 0) upstream.write(rest)
        pipeBoth(client, upstream)
      })
    }
    client.on('data', onData)
  })
  const port = await listen(server)
  return {
    url: `socks5://127.0.0.1:${port}`,
    label: `127.0.0.1:${port}`,
    connects,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** VER CMD RSV ATYP ADDR PORT, once all of it has arrived. */
function parseSocksConnect(b: Buffer): { host: string; port: number; length: number } | null {
  if (b.length < 5) return null
  const type = b[3]
  let host: string
  let at: number
  if (type === 1) {
    if (b.length < 10) return null
    host = [...b.subarray(4, 8)].join('.')
    at = 8
  } else if (type === 3) {
    const n = b[4]!
    if (b.length < 5 + n + 2) return null
    host = b.subarray(5, 5 + n).toString('latin1')
    at = 5 + n
  } else if (type === 4) {
    if (b.length < 22) return null
    host = (b.subarray(4, 20).toString('hex').match(/.{4}/g) ?? []).join(':')
    at = 20
  } else {
    return { host: '', port: 0, length: b.length }
  }
  return { host, port: b.readUInt16BE(at), length: at + 2 }
}

function pipeBoth(a: net.Socket, b: net.Socket): void {
  a.pipe(b)
  b.pipe(a)
  a.on('error', () => b.destroy())
  b.on('error', () => a.destroy())
  a.once('close', () => b.destroy())
  b.once('close', () => a.destroy())
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))
  })
}
