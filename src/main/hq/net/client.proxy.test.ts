import net from 'node:net'
import { Agent } from 'undici'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startSim, type Sim } from '../../../../test/hq-sim'
import { classifyFailure } from '../../invite/classify'
import { createHqClient, type HqClient, type HqClientOptions } from '../client'
import { failure } from '../testing'
import { proxyFromPac } from './proxy'
import {
  startTestProxy,
  startTestSocksProxy,
  type TestProxy,
  type TestProxyOptions,
  type TestSocksProxy,
  type TestSocksProxyOptions
} from './testing-proxy'

// The HQ client through real proxies on loopback, against the HQ simulator.

const SECRET = 'pr0xy-s3cret'
const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY']

const open: { closers: (() => Promise<void>)[] } = { closers: [] }
let savedEnv: Record<string, string | undefined> = {}

beforeEach(() => {
  // Whatever the machine running the tests has set must not leak in; each test sets its own.
  savedEnv = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]))
  for (const name of PROXY_VARIABLES) delete process.env[name]
})

afterEach(async () => {
  for (const name of PROXY_VARIABLES) {
    if (savedEnv[name] === undefined) delete process.env[name]
    else process.env[name] = savedEnv[name]
  }
  // Clients first, then proxies, then simulators; every one of them even if one fails.
  const closers = open.closers.reverse()
  open.closers = []
  const errors: unknown[] = []
  for (const close of closers) await close().catch((error: unknown) => errors.push(error))
  if (errors.length > 0) throw errors[0]
})

async function sim(users = 60): Promise<Sim> {
  const s = await startSim({ users })
  open.closers.push(() => s.close())
  return s
}

async function proxy(opts: TestProxyOptions = {}): Promise<TestProxy> {
  const p = await startTestProxy(opts)
  open.closers.push(() => p.close())
  return p
}

async function socksProxy(opts: TestSocksProxyOptions = {}): Promise<TestSocksProxy> {
  const p = await startTestSocksProxy(opts)
  open.closers.push(() => p.close())
  return p
}

function connect(s: Sim, extra: Partial<HqClientOptions> = {}): HqClient {
  const client = createHqClient({
    server: s.url,
    domain: s.domain,
    username: s.credentials.username,
    apiKey: s.credentials.apiKey,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    pageSize: 10,
    ...extra
  })
  open.closers.push(() => client.close())
  return client
}

async function workerIds(client: HqClient): Promise<string[]> {
  const ids = new Set<string>()
  await client.listWorkers({ archived: false, onPage: (page) => page.workers.forEach((w) => ids.add(w.id)) })
  return [...ids].sort()
}

const activeIds = (s: Sim) =>
  s
    .activeWorkers()
    .map((w) => w.id)
    .sort()
const simHost = (s: Sim) => new URL(s.url).host
/** What HQ received, as "METHOD path", to compare with what went through the proxy. */
const received = (s: Sim) => s.requests.map((r) => `${r.method} ${r.path}`).sort()

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const invitation = (s: Sim) => ({
  app_id: s.data.applications[0]!.id,
  users: [{ phone_number: '15550102030' }]
})

describe('an HQ client given a proxy', () => {
  it('reads the whole worker list through it, asking for the proxy only once', async () => {
    const s = await sim()
    const p = await proxy()
    const asked: string[] = []
    const client = connect(s, {
      proxy: async (url) => {
        asked.push(url)
        return p.url
      }
    })

    expect(await workerIds(client)).toEqual(activeIds(s))
    expect((await client.listGroups()).length).toBe(s.data.groups.length)

    expect(asked).toEqual([s.url])
    expect(p.connects.length).toBeGreaterThan(0)
    expect(new Set(p.connects)).toEqual(new Set([simHost(s)]))
    // Every request HQ received came through the proxy's tunnels (several pages, then groups).
    expect(s.requests.length).toBeGreaterThan(6)
    expect(p.tunnelled().sort()).toEqual(received(s))
    // Tunnels are kept alive across requests, as direct connections are.
    expect(p.connects.length).toBeLessThan(s.requests.length)
  })

  it("goes direct when the system's answer is DIRECT", async () => {
    const s = await sim()
    const p = await proxy()
    const client = connect(s, { proxy: async () => proxyFromPac('DIRECT') })
    expect(await workerIds(client)).toEqual(activeIds(s))
    expect(p.connects).toEqual([])
  })

  it("prefers the environment's proxy to the system's answer (that is how a proxy login reaches Roster)", async () => {
    const s = await sim()
    const p = await proxy()
    process.env.HTTP_PROXY = p.url
    let asked = 0
    const client = connect(s, {
      proxy: async () => {
        asked++
        return proxyFromPac('DIRECT')
      }
    })
    expect(await workerIds(client)).toEqual(activeIds(s))
    expect(asked).toBe(0)
    expect(p.connects.length + p.forwarded.length).toBeGreaterThan(0)
  })

  it('carries on as without it when the proxy lookup fails', async () => {
    const s = await sim()
    const client = connect(s, {
      proxy: () => Promise.reject(new Error('the proxy script could not be loaded'))
    })
    expect(await workerIds(client)).toEqual(activeIds(s))
  })

  it('reads the worker list through a SOCKS5 proxy', async () => {
    const s = await sim()
    const socks = await socksProxy()
    const client = connect(s, { proxy: async () => proxyFromPac(`SOCKS5 ${socks.label}`) })
    expect(await workerIds(client)).toEqual(activeIds(s))
    expect(socks.connects.length).toBeGreaterThan(0)
    expect(new Set(socks.connects)).toEqual(new Set([simHost(s)]))
  })

  it('closes the proxy connections it opened when the client closes', async () => {
    const s = await sim()
    const p = await proxy()
    const client = connect(s, { proxy: async () => p.url })
    await workerIds(client)
    expect(p.openTunnels()).toBeGreaterThan(0)
    await client.close()
    await vi.waitFor(() => expect(p.openTunnels()).toBe(0), { timeout: 5_000 })
  })
})

describe('an HQ client and the environment', () => {
  it('honours HTTP_PROXY when no proxy is given', async () => {
    const s = await sim()
    const p = await proxy()
    process.env.HTTP_PROXY = p.url
    const client = connect(s)
    expect(await workerIds(client)).toEqual(activeIds(s))
    expect(new Set(p.connects)).toEqual(new Set([simHost(s)]))
    expect(p.tunnelled().sort()).toEqual(received(s))
  })

  it('goes direct to the hosts NO_PROXY lists', async () => {
    const s = await sim()
    const p = await proxy()
    process.env.http_proxy = p.url
    process.env.NO_PROXY = 'localhost,127.0.0.1'
    expect(await workerIds(connect(s))).toEqual(activeIds(s))
    expect(p.connects).toEqual([])
  })

  it('lets an explicit dispatcher win over the environment', async () => {
    const s = await sim()
    const p = await proxy()
    process.env.HTTP_PROXY = p.url
    const agent = new Agent()
    open.closers.push(() => agent.close())
    expect(await workerIds(connect(s, { dispatcher: agent }))).toEqual(activeIds(s))
    expect(p.connects).toEqual([])
  })

  it('logs in to the proxy with the user name and password in HTTP_PROXY', async () => {
    const s = await sim()
    const p = await proxy({ login: { username: 'roster', password: SECRET } })
    process.env.HTTP_PROXY = `http://roster:${SECRET}@${p.label}`
    expect(await workerIds(connect(s))).toEqual(activeIds(s))
    expect(p.authorizations.length).toBeGreaterThan(0)
  })

  it('refuses a proxy address it cannot use, without quoting it and without asking HQ', async () => {
    const s = await sim()
    process.env.HTTP_PROXY = `roster:${SECRET}@proxy.corp:3128`
    const error = await failure(workerIds(connect(s)))
    expect(error).toMatchObject({ kind: 'network', code: 'PROXY_INVALID' })
    expect(error.message).toMatch(/^The HTTP_PROXY setting is not a proxy address Roster can use/)
    expect(error.message).not.toContain(SECRET)
    expect(error.message).not.toContain('proxy.corp')
    expect(s.requests).toEqual([])
  })
})

describe('a proxy that refuses or cannot be reached', () => {
  it('explains a proxy asking for a password, once, without retrying', async () => {
    const s = await sim()
    const p = await proxy({ login: { username: 'roster', password: SECRET } })
    const error = await failure(workerIds(connect(s, { proxy: async () => p.url })))
    expect(error).toMatchObject({ kind: 'auth', code: 'PROXY_AUTH' })
    expect(error.message).toMatch(new RegExp(`^The proxy ${p.label} asked for a password \\(407\\)\\.`))
    expect(error.message).toMatch(/ask IT for a proxy that lets Roster through to 127\.0\.0\.1/)
    expect(p.connects).toHaveLength(1)
    expect(s.requests).toEqual([])
  })

  it('says a proxy refused the login it was given, without quoting the login', async () => {
    const s = await sim()
    const p = await proxy({ login: { username: 'roster', password: 'the-right-one' } })
    process.env.HTTP_PROXY = `http://roster:${SECRET}@${p.label}`
    const error = await failure(workerIds(connect(s)))
    expect(error.code).toBe('PROXY_AUTH')
    expect(error.message).toMatch(
      new RegExp(`^The proxy ${p.label} did not accept the user name and password in HTTP_PROXY \\(407\\)`)
    )
    expect(error.message).not.toContain(SECRET)
    expect(error.message).not.toContain('roster:')
    expect(p.connects).toHaveLength(1)
  })

  it('marks an invitation a proxy refused as certainly not sent, so the outbox stops rather than guesses', async () => {
    const s = await sim()
    const p = await proxy({ login: { username: 'roster', password: SECRET } })
    const error = await failure(connect(s, { proxy: async () => p.url }).register(invitation(s)))
    expect(error).toMatchObject({ kind: 'auth', code: 'PROXY_AUTH', maybeDelivered: false })
    expect(error.message).not.toMatch(/may or may not/)
    expect(classifyFailure(error)).toEqual({ action: 'stop' })
    expect(s.invitations.size).toBe(0)
  })

  it('does not retry a proxy that forbids HQ', async () => {
    const s = await sim()
    const p = await proxy({ refuse: 403 })
    const error = await failure(workerIds(connect(s, { proxy: async () => p.url })))
    expect(error).toMatchObject({ kind: 'permission', code: 'PROXY_FORBIDDEN' })
    expect(error.message).toMatch(
      new RegExp(`^The proxy ${p.label} does not let Roster through to 127\\.0\\.0\\.1`)
    )
    expect(p.connects).toHaveLength(1)
  })

  it('retries a proxy that cannot reach HQ, then says so', async () => {
    const s = await sim()
    const p = await proxy({ refuse: 502 })
    const error = await failure(
      workerIds(
        connect(s, { proxy: async () => p.url, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 } })
      )
    )
    expect(error).toMatchObject({ kind: 'network', code: 'PROXY_UPSTREAM' })
    expect(error.message).toMatch(
      new RegExp(`^The proxy ${p.label} could not reach HQ at ${s.url} \\(502\\)`)
    )
    expect(p.connects).toHaveLength(3)
    expect(s.requests).toEqual([])
  })

  it('names an unreachable proxy, and knows an invitation never left', async () => {
    const s = await sim()
    const port = await closedPort()
    const client = connect(s, {
      proxy: async () => `http://roster:${SECRET}@127.0.0.1:${port}`,
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 }
    })
    const error = await failure(workerIds(client))
    expect(error).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' })
    expect(error.message).toBe(
      `Cannot reach the proxy 127.0.0.1:${port} (ECONNREFUSED), so Roster cannot reach HQ. Roster uses this computer's proxy settings. Check them, or ask IT whether the proxy is running.`
    )

    const refused = await failure(client.register(invitation(s)))
    expect(refused).toMatchObject({ code: 'ECONNREFUSED', maybeDelivered: false })
    expect(refused.message).not.toContain(SECRET)
    expect(classifyFailure(refused)).toEqual({ action: 'retry' })
    expect(s.requests).toEqual([])
  })
})

describe('a SOCKS proxy that cannot reach HQ', () => {
  it('says so, retries, and knows an invitation never left', async () => {
    const socks = await socksProxy()
    const port = await closedPort()
    const client = createHqClient({
      server: `http://127.0.0.1:${port}`,
      domain: 'demo',
      username: 'coordinator@example.org',
      apiKey: 'sim-key-coordinator',
      proxy: async () => socks.url,
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 }
    })
    open.closers.push(() => client.close())
    const error = await failure(client.listGroups())
    expect(error).toMatchObject({ kind: 'network', code: 'PROXY_UPSTREAM' })
    expect(error.message).toMatch(
      new RegExp(`^The proxy ${socks.label} could not reach HQ at http://127\\.0\\.0\\.1:${port}`)
    )
    expect(socks.connects).toEqual([`127.0.0.1:${port}`, `127.0.0.1:${port}`])
    const refused = await failure(
      client.register({ app_id: 'app-1', users: [{ phone_number: '15550102030' }] })
    )
    expect(refused).toMatchObject({ code: 'PROXY_UPSTREAM', maybeDelivered: false })
  })
})

describe('a SOCKS proxy that wants a login', () => {
  it('logs in with the user name and password in HTTP_PROXY', async () => {
    const s = await sim()
    const socks = await socksProxy({ login: { username: 'roster', password: SECRET } })
    process.env.HTTP_PROXY = `socks5://roster:${SECRET}@${socks.label}`
    expect(await workerIds(connect(s))).toEqual(activeIds(s))
    expect(new Set(socks.logins)).toEqual(new Set([`roster:${SECRET}`]))
    expect(new Set(socks.connects)).toEqual(new Set([simHost(s)]))
  })

  it('says the login was refused, without quoting it and without retrying', async () => {
    const s = await sim()
    const socks = await socksProxy({ login: { username: 'roster', password: 'the-right-one' } })
    process.env.HTTP_PROXY = `socks5://roster:${SECRET}@${socks.label}`
    const error = await failure(workerIds(connect(s)))
    expect(error).toMatchObject({ kind: 'auth', code: 'PROXY_AUTH' })
    expect(error.message).toMatch(
      new RegExp(`^The proxy ${socks.label} did not accept the user name and password in HTTP_PROXY`)
    )
    expect(error.message).not.toContain(SECRET)
    expect(socks.logins).toHaveLength(1)
    expect(s.requests).toEqual([])
  })
})

describe('an HQ client and the proxy variables it does not use', () => {
  it('ignores an HTTPS_PROXY that is not a proxy address when HQ is reached over http', async () => {
    const s = await sim()
    const p = await proxy()
    process.env.HTTPS_PROXY = `roster:${SECRET}@proxy.corp:3128`
    process.env.HTTP_PROXY = p.url
    expect(await workerIds(connect(s))).toEqual(activeIds(s))
    expect(new Set(p.connects)).toEqual(new Set([simHost(s)]))
  })

  it('goes direct when NO_PROXY covers HQ, whatever HTTP_PROXY holds', async () => {
    const s = await sim()
    process.env.HTTP_PROXY = 'proxy.corp:3128'
    process.env.NO_PROXY = '127.0.0.1'
    expect(await workerIds(connect(s))).toEqual(activeIds(s))
  })
})

describe('an https:// proxy with a certificate this computer does not trust', () => {
  it("blames the proxy's own certificate, not HQ's, and never retries", async () => {
    const p = await proxy({ tls: true })
    const error = await failure(
      away({ proxy: async () => p.url.replace('https://', `https://roster:${SECRET}@`) }).listGroups()
    )
    expect(error).toMatchObject({ kind: 'network', code: 'PROXY_CERTIFICATE', maybeDelivered: false })
    expect(error.message).toMatch(
      new RegExp(`^The security certificate of the proxy ${p.label} is not valid \\([A-Z_]+\\)`)
    )
    expect(error.message).not.toMatch(/API key|hq\.example\.org/)
    expect(error.message).not.toContain(SECRET)
    expect(p.connects).toEqual([])
  })
})

// Proxies that take the connection and then say nothing. HQ is never reached, so it need not
// exist; timeouts are small, and the bounds checked generous.

const HQ_AWAY = 'https://hq.example.org'

function away(extra: Partial<HqClientOptions>): HqClient {
  const client = createHqClient({
    server: HQ_AWAY,
    domain: 'demo',
    username: 'coordinator@example.org',
    apiKey: 'sim-key-coordinator',
    retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 10 },
    ...extra
  })
  open.closers.push(() => client.close())
  return client
}

const awayInvitation = { app_id: 'app-1', users: [{ phone_number: '15550102030' }] }

/** Whether `promise` settles within `ms`; a generous bound, not a timing measurement. */
async function settlesWithin(ms: number, promise: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  const settled = promise.then(
    () => true as const,
    () => true as const
  )
  try {
    return await Promise.race([settled, late])
  } finally {
    clearTimeout(timer)
  }
}

describe('a proxy that never answers', () => {
  it('gives up on CONNECT after connectMs, knowing the invitation never left', async () => {
    const p = await proxy({ silent: true })
    const client = away({ proxy: async () => p.url, timeouts: { connectMs: 200, requestMs: 60_000 } })
    const sending = failure(client.register(awayInvitation))
    expect(await settlesWithin(10_000, sending)).toBe(true)
    const error = await sending
    expect(error).toMatchObject({ kind: 'timeout', code: 'PROXY_TIMEOUT', maybeDelivered: false })
    expect(error.message).toMatch(
      new RegExp(`^The proxy ${p.label} did not connect Roster to hq\\.example\\.org in time`)
    )
    expect(classifyFailure(error)).toEqual({ action: 'retry' })
    expect(p.connects).toEqual(['hq.example.org:443'])
  })

  it('stops waiting at requestMs, and retries a read', async () => {
    const p = await proxy({ silent: true })
    const client = away({
      proxy: async () => p.url,
      timeouts: { connectMs: 60_000, requestMs: 200 },
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 }
    })
    const reading = failure(client.listGroups())
    expect(await settlesWithin(10_000, reading)).toBe(true)
    const error = await reading
    expect(error).toMatchObject({ kind: 'timeout', code: 'UND_ERR_CONNECT_TIMEOUT' })
    expect(error.message).toMatch(new RegExp(`^No connection to HQ through the proxy ${p.label} in time`))
    expect(p.connects).toHaveLength(2)
  })

  it('gives up on a SOCKS proxy that never answers its greeting after connectMs', async () => {
    const socks = await socksProxy({ silent: 'greeting' })
    const client = away({ proxy: async () => socks.url, timeouts: { connectMs: 200, requestMs: 60_000 } })
    const sending = failure(client.register(awayInvitation))
    expect(await settlesWithin(4_000, sending)).toBe(true)
    const error = await sending
    expect(error).toMatchObject({ kind: 'timeout', code: 'PROXY_TIMEOUT', maybeDelivered: false })
    expect(error.message).toMatch(new RegExp(`^The SOCKS proxy ${socks.label} did not answer in time`))
  })

  it('gives up on a TLS handshake with HQ that goes unanswered through a SOCKS tunnel', async () => {
    const socks = await socksProxy({ silent: 'tunnel' })
    const client = away({ proxy: async () => socks.url, timeouts: { connectMs: 200, requestMs: 60_000 } })
    const sending = failure(client.register(awayInvitation))
    expect(await settlesWithin(10_000, sending)).toBe(true)
    const error = await sending
    expect(error).toMatchObject({ kind: 'timeout', code: 'UND_ERR_CONNECT_TIMEOUT', maybeDelivered: false })
    expect(error.message).toMatch(new RegExp(`^No connection to HQ through the proxy ${socks.label} in time`))
    // The proxy was given HQ's name to resolve, as curl's socks5h:// does.
    expect(socks.connects).toEqual(['hq.example.org:443'])
  })
})

describe.each([
  {
    what: 'an HTTP proxy that never answers CONNECT',
    start: async () => {
      const p = await proxy({ silent: true })
      return { url: p.url, reached: () => p.connects.length > 0 }
    }
  },
  {
    what: 'a SOCKS tunnel whose far end is silent',
    start: async () => {
      const socks = await socksProxy({ silent: 'tunnel' })
      return { url: socks.url, reached: () => socks.connects.length > 0 }
    }
  }
])('a request stuck on $what', ({ start }) => {
  // Long timeouts: only the cancel or the close can end these requests in time.
  const timeouts = { connectMs: 60_000, requestMs: 60_000 }

  it('ends at once when cancelled, as never sent', async () => {
    const silent = await start()
    const client = away({ proxy: async () => silent.url, timeouts })
    const cancel = new AbortController()
    const sending = failure(client.register(awayInvitation, cancel.signal))
    await vi.waitFor(() => expect(silent.reached()).toBe(true), { timeout: 10_000 })
    cancel.abort()
    expect(await settlesWithin(3_000, sending)).toBe(true)
    const error = await sending
    expect(error).toMatchObject({ kind: 'cancelled', maybeDelivered: false })
    expect(classifyFailure(error)).toEqual({ action: 'paused' })
  })

  it('does not hold up close(), which ends it as cancelled', async () => {
    const silent = await start()
    const client = away({ proxy: async () => silent.url, timeouts })
    const reading = failure(client.listGroups())
    await vi.waitFor(() => expect(silent.reached()).toBe(true), { timeout: 10_000 })
    expect(await settlesWithin(5_000, client.close())).toBe(true)
    expect(await settlesWithin(3_000, reading)).toBe(true)
    expect(await reading).toMatchObject({ kind: 'cancelled' })
  })
})
