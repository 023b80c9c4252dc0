/**
 * Real proxies for tests, on 127.0.0.1: an HTTP proxy (CONNECT tunnels and absolute-form
 * requests, optional Basic login, optional refusal or silence) and a SOCKS5 proxy (CONNECT,
 * optional login or silence). Both count what passed through. Test support only; not imported
 * by the product.
 */
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { generate } from 'selfsigned'

export interface TestProxy {
  /** http://127.0.0.1:PORT (https:// with `tls`), without credentials. */
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
  /**
   * Take every request and never answer it: a proxy still trying to reach an unreachable HQ, an
   * overloaded one, a firewall that swallows the connection.
   */
  silent?: boolean
  /**
   * Speak TLS to clients (an https:// proxy), with a self-signed certificate no computer trusts:
   * a proxy whose own certificate is not valid.
   */
  tls?: boolean
}

/**
 * A self-signed certificate no computer trusts, made afresh when a test first asks for one (no
 * key is kept in the repository).
 */
let untrusted: Promise<{ key: string; cert: string }> | undefined
function untrustedTls(): Promise<{ key: string; cert: string }> {
  untrusted ??= generate([{ name: 'commonName', value: 'roster-test-proxy.invalid' }], {
    keyType: 'ec',
    algorithm: 'sha256'
  }).then((pems) => ({ key: pems.private, cert: pems.cert }))
  return untrusted
}

export async function startTestProxy(opts: TestProxyOptions = {}): Promise<TestProxy> {
  const connects: string[] = []
  const forwarded: string[] = []
  const authorizations: string[] = []
  const tunnels = new Set<net.Socket>()
  const held = new Set<net.Socket>()
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

  const handle: http.RequestListener = (req, res) => {
    forwarded.push(req.url ?? '')
    if (opts.silent) return
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
  }
  const server = opts.tls ? https.createServer(await untrustedTls(), handle) : http.createServer(handle)

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? ''
    connects.push(target)
    client.on('error', () => client.destroy())
    if (opts.silent) {
      held.add(client)
      return
    }
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
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
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
      for (const socket of [...tunnels, ...held]) socket.destroy()
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
  /** "user:password" of every login offered (RFC 1929). */
  logins: string[]
  close(): Promise<void>
}

export interface TestSocksProxyOptions {
  /** Require this login (RFC 1929); anything else is refused. */
  login?: { username: string; password: string }
  /**
   * 'greeting': take the connection and never answer. 'tunnel': open the tunnel, after which
   * HQ's side stays silent (a firewall behind the proxy that swallows the connection, say).
   */
  silent?: 'greeting' | 'tunnel'
}

/** A SOCKS5 proxy (RFC 1928): CONNECT only. */
export async function startTestSocksProxy(opts: TestSocksProxyOptions = {}): Promise<TestSocksProxy> {
  const connects: string[] = []
  const logins: string[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    sockets.add(client)
    client.once('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    if (opts.silent === 'greeting') return
    let buffer = Buffer.alloc(0)
    let step: 'greeting' | 'login' | 'request' = 'greeting'
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk])
      if (step === 'greeting') {
        // VER NMETHODS METHODS...: "no authentication", or user/password when a login is required.
        if (buffer.length < 2 || buffer.length < 2 + buffer[1]!) return
        const methods = [...buffer.subarray(2, 2 + buffer[1]!)]
        buffer = buffer.subarray(2 + buffer[1]!)
        const wanted = opts.login ? 2 : 0
        if (!methods.includes(wanted)) {
          client.end(Buffer.from([5, 0xff]))
          return
        }
        client.write(Buffer.from([5, wanted]))
        step = opts.login ? 'login' : 'request'
      }
      if (step === 'login') {
        const login = parseSocksLogin(buffer)
        if (!login) return
        buffer = buffer.subarray(login.length)
        logins.push(`${login.username}:${login.password}`)
        const ok = login.username === opts.login!.username && login.password === opts.login!.password
        if (!ok) {
          client.end(Buffer.from([1, 1]))
          return
        }
        client.write(Buffer.from([1, 0]))
        step = 'request'
      }
      const request = parseSocksConnect(buffer)
      if (!request) return
      client.off('data', onData)
      connects.push(`${request.host}:${request.port}`)
      if (opts.silent === 'tunnel') {
        client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]))
        return
      }
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
    logins,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** VER ULEN UNAME PLEN PASSWD (RFC 1929), once all of it has arrived. */
function parseSocksLogin(b: Buffer): { username: string; password: string; length: number } | null {
  if (b.length < 2) return null
  const userEnd = 2 + b[1]!
  if (b.length < userEnd + 1) return null
  const passEnd = userEnd + 1 + b[userEnd]!
  if (b.length < passEnd) return null
  return {
    username: b.subarray(2, userEnd).toString('utf8'),
    password: b.subarray(userEnd + 1, passEnd).toString('utf8'),
    length: passEnd
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
