import {
  Agent,
  buildConnector,
  EnvHttpProxyAgent,
  ProxyAgent,
  Socks5ProxyAgent,
  type Dispatcher
} from 'undici'
import { HqError } from './errors'
import { DEFAULT_TIMEOUTS } from './http'
import {
  describeProxy,
  envHasProxy,
  envProxyFor,
  supportedProxyUrl,
  type Env,
  type ProxyInUse
} from './proxy'

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
  /** Closes whatever dispatcher the router created. */
  close(): Promise<void>
}

// Keep-alive across the pages of a sync; a few connections for concurrent paging.
const AGENT_OPTIONS = { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 8 }

export function createRouter(opts: RouterOptions): Router {
  let resolved: Promise<Route> | null = null
  let owned: Dispatcher | null = null
  let closing: Promise<void> | null = null

  const own = (route: Route): Route => {
    owned = route.dispatcher
    return route
  }

  const direct = (): Route =>
    own({ dispatcher: new Agent({ ...AGENT_OPTIONS, connect: { timeout: opts.connectMs } }), proxy: null })

  const through = (proxyUrl: string): Route => {
    const url = supportedProxyUrl(proxyUrl)
    if (!url) throw invalidProxy("The proxy address in this computer's proxy settings")
    noteSecrets(url, opts.onSecret)
    const proxy = describeProxy(proxyUrl, 'setting')
    if (url.protocol === 'socks5:' || url.protocol === 'socks:') {
      return own({
        dispatcher: new Socks5ProxyAgent(url, { connect: buildConnector({ timeout: opts.connectMs }) }),
        proxy
      })
    }
    return own({
      dispatcher: new ProxyAgent({ uri: url.href, ...AGENT_OPTIONS, ...proxyTimeouts(opts.connectMs) }),
      proxy
    })
  }

  const fromEnvironment = (): Route => {
    for (const variable of usedProxyVariables(opts.env)) {
      const url = supportedProxyUrl(opts.env[variable]!)
      if (!url) throw invalidProxy(`The ${variable} setting`)
      noteSecrets(url, opts.onSecret)
    }
    const chosen = envProxyFor(opts.server, opts.env)
    return own({
      dispatcher: new EnvHttpProxyAgent({
        ...AGENT_OPTIONS,
        connect: { timeout: opts.connectMs },
        ...proxyTimeouts(opts.connectMs)
      }),
      proxy: chosen ? describeProxy(chosen.url, 'environment', chosen.variable) : null
    })
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
    return proxyUrl === null ? direct() : through(proxyUrl)
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
        () => owned?.close(),
        () => undefined
      )
      return closing
    }
  }
}

/** Connect timeouts for the hop to the proxy and for the TLS handshake with HQ through it. */
function proxyTimeouts(connectMs: number) {
  return { proxyTls: { timeout: connectMs }, requestTls: { timeout: connectMs } }
}

/** The variables undici's EnvHttpProxyAgent reads (the lower-case one wins when set, even empty). */
function usedProxyVariables(env: Env): string[] {
  const used: string[] = []
  for (const [lower, upper] of [
    ['http_proxy', 'HTTP_PROXY'],
    ['https_proxy', 'HTTPS_PROXY']
  ] as const) {
    const variable = env[lower] !== undefined ? lower : upper
    if (env[variable]) used.push(variable)
  }
  return used
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
