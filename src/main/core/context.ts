import type { Db } from '../db/open'
import { getProject, type ProjectRecord } from '../db/projects'
import { createHqClient, type HqClient } from '../hq/client'
import { askProxy } from '../hq/route'
import { ApiError } from '../../shared/api'
import type { EventHub } from './events'
import type { SecretStore } from './secrets'

/** What every handler module shares: the database, the key store, events and HQ clients. */
export interface CoreContext {
  db: Db
  secrets: SecretStore
  events: EventHub
  version: string
  log: (message: string) => void
  openExternal: (url: string) => Promise<void>
  /** The proxy for an HQ URL (null: direct); without it HQ clients honour HTTPS_PROXY & co. */
  proxyFor?: (url: string) => Promise<string | null>
  /** Syncs and sends in flight, by project or batch, so a second click cannot race the first. */
  running: Map<string, AbortController>
  /**
   * Claims a background task (a sync, a send) before any await, so a double click cannot start it
   * twice. Null when it is already running. The claim ends when `running` loses the key.
   */
  claim(key: string): BackgroundTask | null
  project(projectId: string): ProjectRecord
  /** A client with the project's saved key; one per project, reused for keep-alive. */
  client(projectId: string): Promise<HqClient>
  /** Reports what the last HQ exchange said about the network (online, offline, asked to wait). */
  noteConnectivity(projectId: string, error?: unknown): void
}

export interface BackgroundTask {
  /** The task's cancel switch and the project's client; a client that cannot be had releases the claim. */
  withClient(projectId: string): Promise<{ controller: AbortController; client: HqClient }>
}

export function createContext(opts: {
  db: Db
  secrets: SecretStore
  events: EventHub
  version: string
  log: (message: string) => void
  openExternal: (url: string) => Promise<void>
  proxyFor?: (url: string) => Promise<string | null>
}): CoreContext & { closeClients(): Promise<void>; forgetClient(projectId: string): Promise<void> } {
  const clients = new Map<string, { key: string; proxy: string | null | undefined; client: HqClient }>()

  const project = (projectId: string): ProjectRecord => {
    const record = getProject(opts.db, projectId)
    if (!record) throw new ApiError('unknown-project', 'That project is no longer saved in Roster.')
    return record
  }

  const running = new Map<string, AbortController>()
  const ctx = {
    ...opts,
    running,
    project,
    claim(key: string): BackgroundTask | null {
      if (running.has(key)) return null
      const controller = new AbortController()
      running.set(key, controller)
      return {
        withClient: async (projectId) => {
          try {
            return { controller, client: await ctx.client(projectId) }
          } catch (error) {
            running.delete(key)
            throw error
          }
        }
      }
    },
    async client(projectId: string): Promise<HqClient> {
      const record = project(projectId)
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
      const cached = clients.get(projectId)
      if (cached && cached.key === key && cached.proxy === proxy) return cached.client
      if (cached) await cached.client.close()
      const client = createHqClient({
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
      clients.set(projectId, { key, proxy, client })
      return client
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
    async forgetClient(projectId: string): Promise<void> {
      const cached = clients.get(projectId)
      clients.delete(projectId)
      await cached?.client.close()
    },
    async closeClients(): Promise<void> {
      await Promise.all([...clients.values()].map(({ client }) => client.close()))
      clients.clear()
    }
  }
  return ctx
}
