import { Agent, Pool, ProxyAgent, type buildConnector, type Dispatcher } from 'undici'
import { errorCode, HqError, isCertificateCode } from '../errors'
import {
  describeProxy,
  envHasProxy,
  envProxyFor,
  supportedProxyUrl,
  type Env,
  type ProxyInUse
} from './proxy'
import { socksConnector } from './socksConnector'
import { DEFAULT_TIMEOUTS } from './timeouts'

/** How a client's requests leave this machine: the dispatcher, and the proxy it goes through. */
export interface Route {
  dispatcher: Dispatcher
  /** Null when requests go straight to HQ. */
  proxy: ProxyInUse | null
}

export interface RouterOptions {
  /** The HQ base URL every request goes to. */
  server: string
  connectMs: number
  /** A caller's own dispatcher: used as is and never closed. */
  dispatcher?: Dispatcher
  /** The proxy URL for an HQ URL, or null for direct. Without it the environment decides. */
  proxy?: (url: string) => Promise<string | null>
  env: Env
  /** Told every proxy password, so messages can be scrubbed of it. */
  onSecret(secret: string): void
}

export interface Router {
  /**
   * Resolved once, on first use. A client serves one sync, send or test (the core makes a new one
   * when the proxy answer changes), so a laptop on a new network gets a new answer.
   */
  route(): Promise<Route>
  /**
   * Closes whatever dispatcher the router created: requests still running get the grace period,
   * then their connections are ended, so a request stuck on a silent proxy cannot hold up a quit.
   */
  close(): Promise<void>
}

// Keep-alive across the pages of a sync; a few connections for concurrent paging.
const AGENT_OPTIONS = { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 8 }
// How long close() lets running requests finish before it ends their connections.
const CLOSE_GRACE_MS = 1_000

/** A dispatcher the router made, and how to end what undici does not track (SOCKS handshakes). */
interface Owned {
  dispatcher: Dispatcher
  destroyMore?: () => void
}

export function createRouter(opts: RouterOptions): Router {
  let resolved: Promise<Route> | null = null
  let owned: Owned | null = null
  let closing: Promise<void> | null = null

  const own = (route: Route, destroyMore?: () => void): Route => {
    owned = { dispatcher: route.dispatcher, ...(destroyMore ? { destroyMore } : {}) }
    return route
  }

  const direct = (): Route =>
    own({ dispatcher: new Agent({ ...AGENT_OPTIONS, connect: { timeout: opts.connectMs } }), proxy: null })

  const through = (proxy: ProxyInUse, url: URL): Route => {
    noteSecrets(url, opts.onSecret)
    if (url.protocol === 'socks5:' || url.protocol === 'socks:') {
      const socks = socksConnector(url, opts.connectMs)
      return own(
        { dispatcher: new Agent({ ...AGENT_OPTIONS, connect: socks.connect }), proxy },
        socks.destroy
      )
    }
    return own({ dispatcher: proxyAgent(url, opts.connectMs), proxy })
  }

  const fromSetting = (proxyUrl: string): Route => {
    const url = supportedProxyUrl(proxyUrl)
    if (!url) throw invalidProxy("The proxy address in this computer's proxy settings")
    return through(describeProxy(proxyUrl, 'setting'), url)
  }

  // Only the variable that serves HQ's address counts: a scheme-less HTTP_PROXY beside a good
  // HTTPS_PROXY, or one NO_PROXY bypasses, must not stop anything.
  const fromEnvironment = (): Route => {
    const chosen = envProxyFor(opts.server, opts.env)
    if (!chosen) return direct()
    const url = supportedProxyUrl(chosen.url)
    if (!url) throw invalidProxy(`The ${chosen.variable} setting`)
    return through(describeProxy(chosen.url, 'environment', chosen.variable), url)
  }

  const defaultRoute = (): Route => (envHasProxy(opts.env) ? fromEnvironment() : direct())

  const resolve = async (): Promise<Route> => {
    if (opts.dispatcher) return { dispatcher: opts.dispatcher, proxy: null }
    // HTTPS_PROXY and friends win over the system's settings: they are how a proxy login
    // reaches Roster (the system's answer never carries one).
    if (!opts.proxy || envHasProxy(opts.env)) return defaultRoute()
    const proxyUrl = await askProxy(opts.proxy, opts.server, opts.connectMs)
    // No answer: like Chrome when its proxy script fails, carry on without it (as the CLI would).
    if (proxyUrl === undefined) return defaultRoute()
    return proxyUrl === null ? direct() : fromSetting(proxyUrl)
  }

  return {
    route() {
      resolved ??= resolve()
      return resolved
    },
    close() {
      // A client closed before its first request still refuses later ones, as a closed Agent does.
      resolved ??= Promise.resolve(direct())
      const route = resolved
      closing ??= route.then(
        () => (owned ? closeWithin(owned, CLOSE_GRACE_MS) : undefined),
        () => undefined
      )
      return closing
    }
  }
}

/**
 * Through an HTTP(S) proxy, every wait bounded by `connectMs`: the connection to the proxy, its
 * answer to CONNECT (undici would wait 300 s, its default headers timeout), and the TLS
 * handshake with HQ through the tunnel.
 */
function proxyAgent(url: URL, connectMs: number): Dispatcher {
  return new ProxyAgent({
    uri: url.href,
    ...AGENT_OPTIONS,
    proxyTls: { timeout: connectMs },
    requestTls: { timeout: connectMs },
    // The client that talks to the proxy itself; undici hands it the connector built from proxyTls.
    clientFactory: (origin, options) =>
      new Pool(origin, {
        connect: proxyHop((options as { connect: buildConnector.connector }).connect),
        headersTimeout: connectMs
      })
  })
}

/**
 * The connector to the proxy, with the proxy's own certificate failures told apart from HQ's:
 * both come with the same codes, and only one of them is about HQ.
 */
function proxyHop(connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) =>
    connect(options, (...args) => {
      const [error] = args
      if (error && isCertificateCode(errorCode(error))) {
        callback(
          Object.assign(new Error(`The proxy's certificate is not valid: ${error.message}`), {
            code: 'PROXY_CERTIFICATE',
            cause: error
          }),
          null
        )
      } else callback(...args)
    })
}

/** Ends `owned` gracefully if it can within `graceMs`, else destroys it. */
async function closeWithin(owned: Owned, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const graceful = owned.dispatcher.close().then(
    () => true,
    () => false
  )
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs)
  })
  const closed = await Promise.race([graceful, expired])
  clearTimeout(timer)
  if (closed) return
  owned.destroyMore?.()
  await owned.dispatcher.destroy().catch(() => undefined)
}

function noteSecrets(url: URL, onSecret: (secret: string) => void): void {
  if (url.password === '') return
  onSecret(url.password)
  try {
    onSecret(decodeURIComponent(url.password))
  } catch {
    // Not percent-encoded text: the raw form above is all there is.
  }
}

/** Never quotes the address: it may carry a password. */
function invalidProxy(where: string): HqError {
  return new HqError(
    'network',
    `${where} is not a proxy address Roster can use. Write it as http://host:port (or https://, socks5://), for example http://10.0.0.1:3128.`,
    { code: 'PROXY_INVALID' }
  )
}

/**
 * The proxy `proxyFor` names for `url` (null: direct), or undefined when it failed or took
 * longer than `ms` (a proxy script that cannot be fetched, say).
 */
export async function askProxy(
  proxyFor: (url: string) => Promise<string | null>,
  url: string,
  ms: number = DEFAULT_TIMEOUTS.connectMs
): Promise<string | null | undefined> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms)
  })
  try {
    return await Promise.race([proxyFor(url), deadline])
  } catch {
    return undefined
  } finally {
    clearTimeout(timer)
  }
}
