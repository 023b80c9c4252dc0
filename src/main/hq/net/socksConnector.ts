import net from 'node:net'
import tls from 'node:tls'
import { SocksClient } from 'socks'
import { errors, type buildConnector } from 'undici'

// Connections to HQ through a SOCKS5 proxy, for an undici Agent. The `socks` package speaks the
// protocol; this file bounds each step and keeps hold of every socket being set up. Not undici's
// Socks5ProxyAgent: that one has no bound on the TLS handshake with HQ through the tunnel, fixed
// 5 s waits of its own, and leaves the socket to a proxy that timed out open. Here every step has
// a deadline, and close() can end connections still being made.

export interface SocksConnector {
  /** For `new Agent({ connect })`. */
  connect: buildConnector.connector
  /** Ends every connection still being made (the ones undici has not been given yet). */
  destroy(): void
}

/** Failures of the SOCKS exchange itself, by code (SOCKS5_REPLY_n is the proxy's reply n). */
class SocksError extends Error {
  readonly code: string

  constructor(code: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'SocksError'
    this.code = code
  }
}

interface Login {
  userId: string
  password: string
}

/**
 * Opens the tunnel within `ms` (TCP to the proxy, greeting, login, CONNECT), then for https
 * the TLS handshake with HQ through it, within `ms` again.
 */
export function socksConnector(proxy: URL, ms: number): SocksConnector {
  // Each connection being made, by its tunnel: the socket to end it by (the TLS one, once started).
  const pending = new Map<net.Socket, net.Socket>()
  const login = loginOf(proxy)
  const at = { host: proxy.hostname, port: Number(proxy.port) || 1080 }

  const connect: buildConnector.connector = (opts, callback) => {
    const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80)
    const tunnel = net.connect(at.port, at.host)
    pending.set(tunnel, tunnel)
    // The socket's own failure (refused, reset, ended by destroy()) wins over the library's
    // retelling of it, which keeps only the message.
    let broken: Error | undefined
    const onError = (error: Error): void => {
      broken ??= error
    }
    tunnel.on('error', onError)
    const settle = (error: Error | null, socket?: net.Socket): void => {
      pending.delete(tunnel)
      tunnel.off('error', onError)
      if (error) {
        tunnel.destroy()
        callback(error, null)
      } else callback(null, socket!)
    }
    openTunnel(tunnel, at, opts.hostname, port, login, ms).then(
      () => {
        if (opts.protocol !== 'https:') return settle(null, tunnel)
        const servername = opts.servername || (net.isIP(opts.hostname) ? undefined : opts.hostname)
        pending.set(tunnel, secureWithin(tunnel, servername, ms, settle))
      },
      (error: unknown) => settle(broken ?? socksError(error, ms))
    )
  }

  return {
    connect,
    destroy() {
      // With an error, so whoever waits on the socket hears of it.
      for (const socket of [...pending.values()]) {
        socket.destroy(new errors.ClientDestroyedError())
      }
      pending.clear()
    }
  }
}

/**
 * The SOCKS5 exchange on `tunnel` (still connecting: the library writes once it can), resolved
 * once the proxy has opened the way to host:port. HQ's name goes to the proxy to resolve, as
 * curl's socks5h:// does.
 */
async function openTunnel(
  tunnel: net.Socket,
  at: { host: string; port: number },
  host: string,
  port: number,
  login: Login | null,
  ms: number
): Promise<void> {
  // The library would throw from inside a socket event on these, out of anyone's reach.
  if (login && (Buffer.byteLength(login.userId) > 255 || Buffer.byteLength(login.password) > 255)) {
    throw new SocksError('SOCKS5_AUTH_FAILED', 'The SOCKS user name or password is longer than 255 bytes.')
  }
  await SocksClient.createConnection({
    proxy: { ...at, type: 5, ...login },
    command: 'connect',
    destination: { host, port },
    timeout: ms,
    // Our own socket, so that destroy() can end it while the exchange is under way.
    existing_socket: tunnel
  })
}

/** The TLS handshake with HQ through the tunnel, given up after `ms` as undici gives up a connect. */
function secureWithin(
  tunnel: net.Socket,
  servername: string | undefined,
  ms: number,
  done: (error: Error | null, socket?: net.Socket) => void
): tls.TLSSocket {
  const secure = tls.connect({
    socket: tunnel,
    ...(servername ? { servername } : {}),
    ALPNProtocols: ['http/1.1']
  })
  const finish = (error: Error | null): void => {
    clearTimeout(timer)
    secure.off('secureConnect', onSecure)
    secure.off('error', finish)
    done(error, error ? undefined : secure)
  }
  const onSecure = (): void => finish(null)
  const timer = setTimeout(() => {
    secure.destroy(new errors.ConnectTimeoutError(`TLS handshake through the SOCKS proxy took over ${ms} ms`))
  }, ms)
  secure.once('secureConnect', onSecure)
  secure.once('error', finish)
  return secure
}

function loginOf(proxy: URL): Login | null {
  if (proxy.username === '') return null
  return { userId: decoded(proxy.username), password: decoded(proxy.password) }
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

// RFC 1928 replies, by the names the `socks` package gives them in its messages.
const REPLIES: Record<string, number> = {
  Failure: 1,
  NotAllowed: 2,
  NetworkUnreachable: 3,
  HostUnreachable: 4,
  ConnectionRefused: 5,
  TTLExpired: 6,
  CommandNotSupported: 7,
  AddressNotSupported: 8
}

/**
 * A failure the `socks` package reports (in words only) as one with a SOCKS5_* code, which is
 * what proxyErrors reads.
 */
export function socksError(error: unknown, ms: number): SocksError {
  if (error instanceof SocksError) return error
  const said = error instanceof Error ? error.message : String(error)
  const fail = (code: string, message: string): SocksError => new SocksError(code, message, error)
  if (said === 'Proxy connection timed out') {
    return fail('SOCKS5_TIMEOUT', `The SOCKS proxy did not answer within ${ms} ms.`)
  }
  if (said === 'Socket closed') return fail('SOCKS5_CLOSED', 'The SOCKS proxy closed the connection.')
  if (said.startsWith('Socks5 Authentication failed')) {
    return fail('SOCKS5_AUTH_FAILED', 'The SOCKS proxy refused the login.')
  }
  if (said.includes('authentication type')) {
    return fail('SOCKS5_AUTH_REJECTED', 'The SOCKS proxy accepts none of the ways Roster can log in.')
  }
  if (said.includes('invalid socks version')) return fail('SOCKS5_VERSION', 'Not a SOCKS5 proxy.')
  if (said.startsWith('An invalid destination host')) {
    return fail('SOCKS5_ADDR_TYPE', 'The server name is too long for a SOCKS proxy.')
  }
  const refused = /^Socks5 proxy rejected connection - (\w+)$/.exec(said)?.[1]
  if (refused !== undefined) {
    const reply = REPLIES[refused]
    return reply === undefined
      ? fail('SOCKS5_REPLY_UNKNOWN', 'The SOCKS proxy refused the connection with an unknown reply.')
      : fail(`SOCKS5_REPLY_${reply}`, `The SOCKS proxy answered ${reply}.`)
  }
  return fail('SOCKS5_FAILED', `The SOCKS exchange failed: ${said}`)
}
