import type { Dispatcher } from 'undici'
import type { z } from 'zod'
import { checkAccess, type AccessReport } from './access'
import { uploadUsers } from './bulkUpload'
import { createUser, resendConfirmationEmail, type CreateUserRequest } from './createUser'
import type { AimdOptions } from './aimd'
import type { Random } from './backoff'
import { realClock, type Clock } from './clock'
import type { Endpoint } from './errorMapping'
import { HqError, isHqError, redact } from './errors'
import { PauseGate } from './gate'
import type { Transport } from './http'
import { sendRegistration } from './register'
import { createRequester } from './requester'
import { createRouter } from './net/route'
import { DEFAULT_TIMEOUTS, type Timeouts } from './net/timeouts'
import { DEFAULT_RETRY, type OnWait, type RetryDeps } from './retry'
import {
  HqApplicationSchema,
  HqGroupSchema,
  HqLocationSchema,
  HqWorkerSchema,
  WorkerPageSchema,
  type HqApplication,
  type HqGroup,
  type HqLocation,
  type HqWorker,
  type RegistrationRequest,
  type RegistrationResponse
} from './schemas'
import { normaliseServerUrl } from './url'
import type { Resource } from './versions'
import { userAgent } from './version'
import { listAllWorkers, type ListWorkersOptions, type ListWorkersResult } from './workers'

export type { AccessReport } from './access'
export type { CreateUserRequest } from './createUser'
export type { AccessCheck } from './schemas'
export type { ListWorkersOptions, ListWorkersResult, WorkerPageEvent } from './workers'

export interface HqClientOptions {
  server: string
  domain: string
  username: string
  apiKey: string
  /**
   * Use this undici dispatcher instead of the client's own (not closed by close()). Wins over
   * `proxy` and the environment.
   */
  dispatcher?: Dispatcher
  /**
   * The proxy URL for an HQ URL (http://, https://, socks5:// or socks://), or null to go direct.
   * Asked once, on the client's first request. Without it the client honours HTTPS_PROXY,
   * HTTP_PROXY and NO_PROXY (either case) like curl does, else goes direct.
   */
  proxy?: (url: string) => Promise<string | null>
  retry?: {
    maxAttempts?: number
    baseDelayMs?: number
    maxDelayMs?: number
    maxRateLimitWaits?: number
    maxRetryAfterMs?: number
    /** First pause after a 429 without Retry-After (default 10 s), doubling up to rateLimitMaxMs (2 min). */
    rateLimitBaseMs?: number
    rateLimitMaxMs?: number
  }
  /** Called when the client starts waiting: a Retry-After pause shared by all requests, or a back-off. */
  onWait?: OnWait
  timeouts?: Partial<Timeouts>
  /** Concurrency of worker paging (AIMD): start 2, at most 6 by default. */
  concurrency?: Partial<AimdOptions>
  /** Default 1000 (tastypie's maximum); HQ may cap it and meta.limit is what counts. */
  pageSize?: number
  /** Version for the User-Agent; defaults to Roster's. */
  appVersion?: string
  /** Largest answer accepted, in bytes. Default 100 MB. */
  maxBodyBytes?: number
  clock?: Clock
  random?: Random
}

export interface HqClient {
  readonly server: string
  readonly domain: string
  listWorkers(opts: ListWorkersOptions): Promise<ListWorkersResult>
  /** One worker by id; null if HQ has no such worker in the project. */
  getWorker(id: string, signal?: AbortSignal): Promise<HqWorker | null>
  listGroups(signal?: AbortSignal): Promise<HqGroup[]>
  /** Locations from location/v2, or v0.5/location on servers older than 2024. */
  listLocations(signal?: AbortSignal): Promise<HqLocation[]>
  listApplications(signal?: AbortSignal): Promise<HqApplication[]>
  /**
   * Sends SMS self-registration invitations. Never retried: HQ has no idempotency key and a
   * second POST sends a second SMS and expires the first link. Errors carry `maybeDelivered`:
   * true when the request may have reached HQ and no valid answer came back (the outcome is
   * unknown), false when HQ certainly did not act on it.
   */
  register(body: RegistrationRequest, signal?: AbortSignal): Promise<RegistrationResponse>
  /**
   * Uploads a workbook of new mobile workers (bulk_user_upload_api), exactly once; resolves when
   * HQ took it. HQ creates the accounts later: they appear under listWorkers({archived: true}).
   * Errors carry `maybeDelivered` as register()'s do.
   */
  uploadUsers(workbook: Uint8Array, signal?: AbortSignal): Promise<void>
  /** Creates one account (POST user/v1/), exactly once; `maybeDelivered` as register()'s. */
  createUser(body: CreateUserRequest, signal?: AbortSignal): Promise<{ id: string }>
  /** Asks HQ to e-mail an unconfirmed account's confirmation link again (PUT user/v1/<id>/). */
  resendConfirmationEmail(id: string, signal?: AbortSignal): Promise<void>
  /**
   * What this key may do and what the server offers, without side effects: the worker list
   * (GET limit=1) and a probe per invitation channel (probe.ts), in a coordinator's words.
   */
  checkAccess(signal?: AbortSignal): Promise<AccessReport>
  close(): Promise<void>
}

export function createHqClient(options: HqClientOptions): HqClient {
  const server = normaliseServerUrl(options.server)
  const domain = options.domain.trim()
  const username = options.username.trim()
  const apiKey = options.apiKey.trim()
  validateIdentity(domain, username, apiKey)

  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts }
  const secrets = [apiKey]
  const router = createRouter({
    server,
    connectMs: timeouts.connectMs,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
    env: process.env,
    onSecret: (secret) => secrets.push(secret)
  })
  const transport: Transport = {
    server,
    route: router.route,
    timeouts,
    maxBodyBytes: options.maxBodyBytes ?? 100 * 1024 * 1024,
    headers: {
      authorization: `ApiKey ${username}:${apiKey}`,
      'user-agent': userAgent(options.appVersion),
      accept: 'application/json',
      'accept-encoding': 'gzip'
    }
  }
  const clock = options.clock ?? realClock
  const random = options.random ?? Math.random
  const retryDeps: RetryDeps = {
    policy: { ...DEFAULT_RETRY, ...definedOnly(options.retry ?? {}) },
    clock,
    random,
    gate: new PauseGate(clock, random),
    onWait: options.onWait
  }
  const r = createRequester({ server, domain, username }, transport, retryDeps, clock)

  /** Keeps API keys out of every message that leaves the client. */
  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (isHqError(error)) {
        const clean = redact(error.message, secrets)
        throw clean === error.message ? error : error.copy({ message: clean })
      }
      // Not ours (an onPage callback threw, say): pass it on untouched.
      throw error
    }
  }

  const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {})

  const listResource = async <S extends z.ZodType<{ id: string }>>(
    resource: Resource,
    endpoint: Endpoint,
    item: S,
    signal?: AbortSignal
  ): Promise<z.infer<S>[]> =>
    dedupe(await r.versions.call(resource, (path) => r.listAll(endpoint, path(), item, signal)))

  return {
    server,
    domain,

    listWorkers(opts) {
      return guarded(() =>
        listAllWorkers(
          {
            fetchPage: (query, signal, hooks) =>
              r.versions.call('user', (path) =>
                r.getJson({
                  endpoint: 'workers',
                  path: path(),
                  query,
                  schema: WorkerPageSchema,
                  ...withSignal(signal),
                  hooks,
                  where: `offset ${query.get('offset') ?? 0}${opts.archived ? ', archived' : ''}`
                })
              ),
            ...(options.concurrency ? { aimd: options.concurrency } : {})
          },
          { pageSize: options.pageSize, ...opts }
        )
      )
    },

    getWorker(id, signal) {
      return guarded(async () => {
        try {
          return await r.versions.call('user', (path) =>
            r.getJson({
              endpoint: 'worker',
              path: path(id),
              query: { format: 'json' },
              schema: HqWorkerSchema,
              ...withSignal(signal)
            })
          )
        } catch (error) {
          if (isHqError(error) && error.kind === 'not-found') return null
          throw error
        }
      })
    },

    listGroups(signal) {
      return guarded(() => listResource('group', 'groups', HqGroupSchema, signal))
    },

    listLocations(signal) {
      return guarded(() => listResource('location', 'locations', HqLocationSchema, signal))
    },

    listApplications(signal) {
      return guarded(() => listResource('application', 'applications', HqApplicationSchema, signal))
    },

    register(body, signal) {
      return guarded(() => sendRegistration(r, body, signal))
    },

    uploadUsers(workbook, signal) {
      return guarded(() => uploadUsers(r, workbook, signal))
    },

    createUser(body, signal) {
      return guarded(() => createUser(r, body, signal))
    },

    resendConfirmationEmail(id, signal) {
      return guarded(() => resendConfirmationEmail(r, id, signal))
    },

    checkAccess(signal) {
      return guarded(() => checkAccess(r, secrets, signal))
    },

    close() {
      return router.close()
    }
  }
}

function dedupe<T extends { id: string }>(items: T[]): T[] {
  const seen = new Map<string, T>()
  for (const item of items) seen.set(item.id, item)
  return [...seen.values()]
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

function hasSpaceOrControl(value: string): boolean {
  return [...value].some((ch) => /\s/.test(ch) || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)
}

function validateIdentity(domain: string, username: string, apiKey: string): void {
  const refuse = (kind: 'auth' | 'bad-request', field: string, message: string): never => {
    throw new HqError(kind, message, { field })
  }
  if (domain === '')
    refuse('bad-request', 'domain', 'Enter the project name (the part after /a/ in HQ addresses).')
  if (username === '')
    refuse('auth', 'username', 'Enter the HQ user name (usually an email address) the API key belongs to.')
  if (apiKey === '') refuse('auth', 'apiKey', 'Enter the API key (HQ: My Account Settings > API Keys).')
  if (hasSpaceOrControl(username) || username.includes(':')) {
    refuse('auth', 'username', 'The HQ user name must not contain spaces, line breaks or ":".')
  }
  // Never quote the key: a message is shown on screen and may end up in a log.
  if (hasSpaceOrControl(apiKey)) {
    refuse(
      'auth',
      'apiKey',
      'The API key contains spaces or line breaks; copy it again from HQ (My Account Settings > API Keys).'
    )
  }
}
