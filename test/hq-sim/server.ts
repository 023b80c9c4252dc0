import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { AccountBook } from './accounts'
import { authenticate, DOMAINS, extractCredentials } from './auth'
import { FaultEngine, type FaultDecision, type StatusFault } from './faults'
import { DOMAIN, generateData } from './generate'
import { handle, type HandlerContext } from './handlers'
import { deriveSeed, mulberry32 } from './prng'
import { CANNED_500 } from './registration'
import { send, type Reply } from './respond'
import { allowedMethods, categoryOf, permissionFor, resolve } from './router'
import { determineFormat, JSON_CONTENT_TYPE, pythonJson } from './serialize'
import { SimState } from './state'
import { bulkUpload, type UploadView } from './upload'
import { SimOptionsSchema, type RequestLogEntry, type Sim, type SimOptions } from './types'

const HTML = 'text/html; charset=utf-8'
const MAX_BODY = 10 * 1024 * 1024

const DJANGO_404 =
  '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n'

function nginxPage(status: 502 | 503): string {
  const title = status === 502 ? '502 Bad Gateway' : '503 Service Temporarily Unavailable'
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}

function statusFaultReply(fault: StatusFault): Reply {
  switch (fault.status) {
    case 403:
      return { status: 403, body: '', contentType: HTML }
    case 404:
      return { status: 404, body: DJANGO_404, contentType: HTML }
    case 429:
      return {
        status: 429,
        body: '',
        contentType: HTML,
        // retry=none: today's HQ, whose throttle answers without Retry-After.
        ...(fault.retryAfter === null
          ? {}
          : { headers: { 'Retry-After': String(Math.ceil(fault.retryAfter ?? 1)) } })
      }
    case 500:
      return { status: 500, body: pythonJson(CANNED_500), contentType: JSON_CONTENT_TYPE }
    case 502:
    case 503:
      return { status: fault.status, body: nginxPage(fault.status), contentType: HTML }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new Error('request body too large'))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

// HQ's per-project throttle, simplified to fixed one-second windows.
class RateLimiter {
  private windowStart = 0
  private count = 0
  constructor(private readonly perSecond: number) {}

  // Seconds to wait, or 0 when the request may go ahead (and is counted).
  check(now = Date.now()): number {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now
      this.count = 0
    }
    if (this.count >= this.perSecond) return Math.max(1, Math.ceil((this.windowStart + 1000 - now) / 1000))
    this.count++
    return 0
  }
}

export async function startSim(opts: SimOptions = {}): Promise<Sim> {
  const options = SimOptionsSchema.parse(opts)
  const era = options.era ?? '2026'
  const seed = options.seed ?? 1
  const state = new SimState(generateData({ users: options.users ?? 50, seed }), seed, DOMAIN)
  const faults = new FaultEngine(options.faults ?? '', mulberry32(deriveSeed(seed, 'faults')))
  const limiter = options.rateLimitPerSecond ? new RateLimiter(options.rateLimitPerSecond) : null
  const requests: RequestLogEntry[] = []
  const book = new AccountBook(state, DOMAIN)
  let emailConfirmation = options.emailConfirmation ?? true
  const ctx: HandlerContext = {
    state,
    baseUrl: '',
    maxLimit: options.maxLimit ?? 1000,
    locationV2MaxLimit: options.maxLimit ?? 5000,
    errorShape: options.validationErrorShape ?? 'flat',
    book,
    emailConfirmation: () => emailConfirmation
  }
  // Background work (upload processing): tracked so tests can wait for it and close() stops it.
  const timers = new Set<NodeJS.Timeout>()
  let settled: Array<() => void> = []
  const notifySettled = () => {
    if (timers.size > 0) return
    const waiting = settled
    settled = []
    for (const done of waiting) done()
  }
  const uploadView: UploadView = {
    state,
    book,
    domain: DOMAIN,
    delayMs: options.uploadDelayMs ?? 500,
    schedule: (fn, ms) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        try {
          fn()
        } finally {
          notifySettled()
        }
      }, ms)
      timers.add(timer)
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined) // a client that went away is not the simulator's problem
    const method = (req.method ?? 'GET').toUpperCase()
    const rawPath = req.url ?? '/'
    const rawBody = await readBody(req)
    const body = rawBody.toString('utf8')
    if (options.latencyMs) await sleep(options.latencyMs)

    const reply = async (r: Reply, decision?: FaultDecision): Promise<void> => {
      const label = decision && decision.labels.length > 0 ? decision.labels.join(',') : undefined
      requests.push({ method, path: rawPath, status: r.status, ...(label ? { fault: label } : {}) })
      await send(res, r, decision?.body ?? null)
    }

    const url = new URL(rawPath, 'http://127.0.0.1')
    if (url.pathname === '/__sim/confirm') return reply(simConfirm(method, req, body))
    const resolution = resolve(url.pathname, url.search, era)
    if ('notFound' in resolution) return reply({ status: 404, body: DJANGO_404, contentType: HTML })
    if ('redirect' in resolution) {
      return reply({ status: 301, body: '', contentType: HTML, headers: { Location: resolution.redirect } })
    }
    const { matched } = resolution
    const { route, domain } = matched
    if (!DOMAINS.has(domain)) return reply({ status: 404, body: DJANGO_404, contentType: HTML })

    // The registration resources check the plan before anything else, authentication included.
    if ((route.kind === 'registration' || route.kind === 'reinstall') && domain === DOMAIN) {
      if (!state.plan.smsPrivilege) {
        return reply({
          status: 401,
          body: JSON.stringify({ error: 'Your current plan does not have access to this feature' }),
          contentType: 'application/json'
        })
      }
      if (!state.plan.registrationEnabled) {
        return reply({
          status: 403,
          body: JSON.stringify({
            error: 'Please first enable SMS mobile worker registration for your project.'
          }),
          contentType: 'application/json'
        })
      }
    }

    const allowed = allowedMethods(route, era)
    if (!allowed.includes(method)) {
      return reply({
        status: 405,
        body: allowed.join(','),
        contentType: HTML,
        headers: { Allow: allowed.join(',') }
      })
    }

    const auth = authenticate(
      extractCredentials(req.headers, url.searchParams),
      domain,
      permissionFor(route),
      state.revokedUsernames
    )
    if (!auth.ok) {
      // The upload view is a Django view behind HQ's API-auth decorator, not tastypie.
      const text = route.kind === 'bulk-upload' && auth.status === 401 ? 'Authorization Required' : ''
      return reply({ status: auth.status, body: text, contentType: HTML })
    }

    const decision = faults.decide(categoryOf(route, method))
    if (decision.revoke) {
      state.revokedUsernames.add(auth.account.username)
      return reply({ status: 401, body: '', contentType: HTML }, { ...decision, body: null })
    }
    for (const shift of decision.shifts) {
      if (shift.remove > 0) state.removeFirstActive(shift.remove)
      if (shift.add > 0) state.addWorkers(shift.add, 'start')
      // Both picked before either moves, so a worker is never archived and returned at once.
      const archiving = state.activeWorkers().slice(0, shift.archive)
      const returning = state.archivedWorkers().slice(0, shift.unarchive)
      for (const w of archiving) state.archiveWorker(w.id)
      for (const w of returning) state.unarchiveWorker(w.id)
    }
    if (decision.status) return reply(statusFaultReply(decision.status), { ...decision, body: null })

    // The upload view has no throttle; every API resource has HQThrottle.
    if (route.kind === 'bulk-upload') {
      return reply(await bulkUpload(uploadView, req.headers['content-type'], rawBody), decision)
    }

    const wait = limiter?.check() ?? 0
    if (wait > 0) {
      // Today's HQThrottle returns a bool, so tastypie sets no Retry-After (hq-api.md).
      const headers = era === '2026' ? undefined : { 'Retry-After': String(wait) }
      return reply({ status: 429, body: '', contentType: HTML, ...(headers ? { headers } : {}) })
    }

    const format = determineFormat(url.searchParams, req.headers.accept)
    const out = handle(ctx, {
      method,
      matched,
      params: url.searchParams,
      format,
      contentType: req.headers['content-type'],
      body
    })
    return reply(out, decision)
  }

  // POST /__sim/confirm {"username": "..."}: the worker opened the confirmation link.
  function simConfirm(method: string, req: IncomingMessage, body: string): Reply {
    const local = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress ?? '')
    if (!local) return { status: 403, body: '', contentType: HTML }
    if (method !== 'POST') return { status: 405, body: '', contentType: HTML, headers: { Allow: 'POST' } }
    let who: unknown
    try {
      const parsed = JSON.parse(body) as { username?: unknown; id?: unknown }
      who = parsed.username ?? parsed.id
    } catch {
      who = undefined
    }
    if (typeof who !== 'string' || who === '') {
      return {
        status: 400,
        body: JSON.stringify({ error: 'send {"username": "..."}' }),
        contentType: 'application/json'
      }
    }
    try {
      const worker = book.confirm(who)
      return {
        status: 200,
        body: JSON.stringify({ id: worker.id, username: worker.username }),
        contentType: 'application/json'
      }
    } catch (e) {
      return {
        status: 404,
        body: JSON.stringify({ error: e instanceof Error ? e.message : String(e) }),
        contentType: 'application/json'
      }
    }
  }

  const sockets = new Set<Socket>()
  const server = http.createServer((req, res) => {
    onRequest(req, res).catch(() => {
      if (res.headersSent) {
        res.destroy()
        return
      }
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', status: 500 })
      res.writeHead(500, { 'Content-Type': JSON_CONTENT_TYPE })
      res.end(pythonJson(CANNED_500))
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen())
  })
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  ctx.baseUrl = url
  book.baseUrl = url

  return {
    url,
    domain: DOMAIN,
    era,
    credentials: { username: 'coordinator@example.org', apiKey: 'sim-key-coordinator' },
    accounts: {
      coordinator: { username: 'coordinator@example.org', apiKey: 'sim-key-coordinator' },
      workersOnly: { username: 'workers-only@example.org', apiKey: 'sim-key-workers-only' },
      dataOnly: { username: 'data-only@example.org', apiKey: 'sim-key-data-only' },
      outsider: { username: 'outsider@example.org', apiKey: 'sim-key-outsider' }
    },
    data: state.data,
    createdAccounts: book.created,
    confirmationSms: book.confirmationSms,
    emails: book.emails,
    uploads: book.uploads,
    confirmAccount: (usernameOrId) => book.confirm(usernameOrId),
    uploadsSettled: () =>
      new Promise<void>((done) => {
        settled.push(done)
        notifySettled()
      }),
    invitations: state.invitations,
    invitationHistory: state.invitationHistory,
    sms: state.sms,
    requests,
    activeWorkers: () => [...state.activeWorkers()],
    archivedWorkers: () => [...state.archivedWorkers()],
    setFaults: (spec) => faults.set(spec),
    addWorkers: (n, at) => state.addWorkers(n, at),
    removeWorkers: (ids) => state.removeWorkers(ids),
    updateWorker: (id, patch) => state.updateWorker(id, patch),
    archiveWorker: (id) => state.archiveWorker(id),
    unarchiveWorker: (id) => state.unarchiveWorker(id),
    registerInvited: (count) => state.registerInvited(count),
    setPlan: (plan) => {
      if (plan.smsPrivilege !== undefined) state.plan.smsPrivilege = plan.smsPrivilege
      if (plan.registrationEnabled !== undefined) state.plan.registrationEnabled = plan.registrationEnabled
      if (plan.emailConfirmation !== undefined) emailConfirmation = plan.emailConfirmation
    },
    revokeKey: (username) => {
      state.revokedUsernames.add(username)
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        notifySettled()
        server.close(() => resolveClose())
        for (const socket of sockets) socket.destroy()
      })
  }
}
