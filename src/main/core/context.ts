import type { Db } from '../db/open'
import { getProject, type ProjectRecord } from '../db/projects'
import { createHqClient, type HqClient } from '../hq/client'
import { askProxy } from '../hq/net/route'
import { ApiError } from '../../shared/api'
import type { EventHub } from './events'
import type { SecretStore } from './secrets'
import { checkServerAllowed } from './serverPolicy'

/** What every handler module shares: the database, the key store, events and HQ clients. */
export interface CoreContext {
  db: Db
  secrets: SecretStore
  events: EventHub
  version: string
  log: (message: string) => void
  openExternal: (url: string) => Promise<void>
  /** Plain-HTTP HQ servers on this machine are allowed (tests, demo, development): ./serverPolicy. */
  allowHttpLoopback: boolean
  /** The proxy for an HQ URL (null: direct); without it HQ clients honour HTTPS_PROXY & co. */
  proxyFor?: (url: string) => Promise<string | null>
  /** Syncs and sends in flight, by project or batch, so a second click cannot race the first. */
  running: Map<string, AbortController>
  /**
   * Claims a background task (a sync, a send) before any await, so a double click cannot start it
   * twice. Null when it is already running. The claim lasts until the task's end().
   */
  claim(key: string): BackgroundTask | null
  project(projectId: string): ProjectRecord
  /**
   * Runs `use` with a client for the project's saved key (one per project, reused for
   * keep-alive). The client stays open until `use` ends, even if another call replaces it.
   */
  useClient<T>(projectId: string, use: (client: HqClient) => Promise<T>): Promise<T>
  /** Reports what the last HQ exchange said about the network (online, offline, asked to wait). */
  noteConnectivity(projectId: string, error?: unknown): void
}

export interface BackgroundTask {
  /**
   * The task's cancel switch and the project's client, which the task holds until end(): a
   * client replaced meanwhile (another network, a new key) is not closed under it. A client
   * that cannot be had ends the claim.
   */
  withClient(projectId: string): Promise<{ controller: AbortController; client: HqClient }>
  /** Ends the claim and hands the client back. Safe to call more than once. */
  end(): void
}

/** Internal to the core: what only core.ts and the project handlers do. */
export interface CoreContextInternals {
  /** New tasks get a new client (a new key was saved, the project was removed); running ones keep theirs. */
  forgetClient(projectId: string): void
  /** Stops every task for `reason` and waits, at most `withinMs`, for them to end. */
  stopTasks(reason: unknown, withinMs: number): Promise<void>
  /** Closes every client, in use or not (the app is closing). */
  closeClients(): Promise<void>
}

/** A client and who holds it. */
interface HeldClient {
  key: string
  proxy: string | null | undefined
  client: HqClient
  /** Tasks and calls using it now. */
  users: number
  /** Replaced or forgotten: it closes once its last user is done. */
  retired: boolean
}

export function createContext(opts: {
  db: Db
  secrets: SecretStore
  events: EventHub
  version: string
  log: (message: string) => void
  openExternal: (url: string) => Promise<void>
  /** False unless said: see CoreContext. */
  allowHttpLoopback?: boolean
  proxyFor?: (url: string) => Promise<string | null>
}): CoreContext & CoreContextInternals {
  const allowHttpLoopback = opts.allowHttpLoopback ?? false
  /** The client new tasks of a project get. */
  const current = new Map<string, HeldClient>()
  /** Every client not yet closed, current or retired and still in use. */
  const open = new Set<HeldClient>()
  /** Closes under way, which nobody waits for but the app closing. */
  const closing = new Set<Promise<void>>()
  /** Tasks claimed and not yet ended. */
  const tasks = new Set<Promise<void>>()

  const project = (projectId: string): ProjectRecord => {
    const record = getProject(opts.db, projectId)
    if (!record) throw new ApiError('unknown-project', 'That project is no longer saved in Roster.')
    return record
  }

  const shut = (held: HeldClient): void => {
    if (!open.delete(held)) return
    const done: Promise<void> = held.client
      .close()
      .catch((error: unknown) => {
        opts.log(
          `closing a connection to HQ failed: ${error instanceof Error ? error.message : String(error)}`
        )
      })
      .finally(() => closing.delete(done))
    closing.add(done)
  }

  const retire = (projectId: string): void => {
    const held = current.get(projectId)
    if (!held) return
    current.delete(projectId)
    held.retired = true
    if (held.users === 0) shut(held)
  }

  const makeClient = (
    projectId: string,
    record: ProjectRecord,
    key: string,
    proxy: string | null | undefined
  ): HqClient =>
    createHqClient({
      server: record.server,
      domain: record.domain,
      username: record.username,
      apiKey: key,
      appVersion: opts.version,
      ...(proxy !== undefined ? { proxy: async () => proxy } : {}),
      onWait: ({ until, reason }) => {
        if (reason !== 'rate-limited') return
        opts.events.emit('connectivity', {
          projectId,
          state: 'waiting',
          until,
          message: `HQ asked Roster to wait until ${new Date(until).toLocaleTimeString()}.`
        })
      }
    })

  /** The project's client, held until release(); release() more than once counts once. */
  const hold = async (projectId: string): Promise<{ client: HqClient; release(): void }> => {
    const record = project(projectId)
    // A project saved while plain HTTP was allowed (a test build) is not reached from one that is not.
    checkServerAllowed(record.server, allowHttpLoopback)
    const key = await opts.secrets.get(projectId)
    if (!key) {
      throw new ApiError(
        'no-key',
        `No API key is saved for ${record.domain}. Enter it on the Connect screen.`
      )
    }
    // A client keeps the proxy it was made with: ask again each time, so a laptop that moved to
    // another network gets a new client (undefined: no answer, the client's default applies).
    const proxy = opts.proxyFor ? await askProxy(opts.proxyFor, record.server) : undefined
    let held = current.get(projectId)
    if (!held || held.key !== key || held.proxy !== proxy) {
      // The old client closes when the tasks holding it end; this call does not wait for that.
      retire(projectId)
      held = { key, proxy, client: makeClient(projectId, record, key, proxy), users: 0, retired: false }
      current.set(projectId, held)
      open.add(held)
    }
    const mine = held
    mine.users++
    let released = false
    return {
      client: mine.client,
      release() {
        if (released) return
        released = true
        mine.users--
        if (mine.retired && mine.users === 0) shut(mine)
      }
    }
  }

  const running = new Map<string, AbortController>()
  return {
    ...opts,
    allowHttpLoopback,
    running,
    project,
    claim(key: string): BackgroundTask | null {
      if (running.has(key)) return null
      const controller = new AbortController()
      running.set(key, controller)
      let ended!: () => void
      const task = new Promise<void>((resolve) => (ended = resolve))
      tasks.add(task)
      let release = (): void => {}
      const end = (): void => {
        // Only this task's claim: a task started on hearing this one finish has its own.
        if (running.get(key) === controller) running.delete(key)
        release()
        tasks.delete(task)
        ended()
      }
      return {
        withClient: async (projectId) => {
          try {
            const held = await hold(projectId)
            release = held.release
            return { controller, client: held.client }
          } catch (error) {
            end()
            throw error
          }
        },
        end
      }
    },
    async useClient(projectId, use) {
      const held = await hold(projectId)
      try {
        return await use(held.client)
      } finally {
        held.release()
      }
    },
    noteConnectivity(projectId: string, error?: unknown): void {
      const kind =
        error && typeof error === 'object' && 'kind' in error ? (error as { kind: string }).kind : null
      const offline = kind === 'network' || kind === 'timeout'
      opts.events.emit('connectivity', {
        projectId,
        state: offline ? 'offline' : 'online',
        until: null,
        message: offline && error instanceof Error ? error.message : null
      })
    },
    forgetClient(projectId: string): void {
      retire(projectId)
    },
    async stopTasks(reason: unknown, withinMs: number): Promise<void> {
      for (const controller of running.values()) controller.abort(reason)
      let timer: ReturnType<typeof setTimeout> | undefined
      await Promise.race([
        Promise.all(tasks),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs)))
      ])
      clearTimeout(timer)
    },
    async closeClients(): Promise<void> {
      current.clear()
      for (const held of [...open]) shut(held)
      await Promise.all(closing)
    }
  }
}
