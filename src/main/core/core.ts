import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ApiHandlers } from '../../shared/api'
import { openDatabase } from '../db/open'
import { recoverOnStartup } from '../invite'
import { createContext } from './context'
import { EventHub } from './events'
import { appHandlers } from './handlers/app'
import { inviteHandlers } from './handlers/invites'
import { projectHandlers } from './handlers/projects'
import { syncHandlers } from './handlers/sync'
import { workerHandlers } from './handlers/workers'
import type { SecretStore } from './secrets'
import { StatusBoard } from './status'

export interface Core {
  handlers: ApiHandlers
  events: EventHub
  close(): Promise<void>
}

/**
 * The whole app behind the API table, in plain Node: Electron's main process, the loopback
 * transport (browser tests, demo:web) and tests all start it the same way.
 */
export function createCore(opts: {
  dbPath: string
  secrets: SecretStore
  openExternal: (url: string) => Promise<void>
  transport: 'ipc' | 'loopback'
  version: string
  log: (message: string) => void
}): Core {
  if (opts.dbPath !== ':memory:') mkdirSync(dirname(opts.dbPath), { recursive: true })
  const db = openDatabase(opts.dbPath)
  // A send cut short by a crash or kill: its in-flight requests become "unknown", never re-sent silently.
  const recovery = recoverOnStartup(db)
  if (recovery.unknownNumbers > 0) {
    opts.log(
      `recovered an interrupted send: ${recovery.unknownNumbers} numbers need the coordinator's decision`
    )
  }
  const events = new EventHub()
  const ctx = createContext({
    db,
    secrets: opts.secrets,
    events,
    version: opts.version,
    log: opts.log,
    openExternal: opts.openExternal
  })

  const status = new StatusBoard(events)

  const handlers: ApiHandlers = {
    ...projectHandlers(ctx),
    ...syncHandlers(ctx),
    ...workerHandlers(ctx),
    ...inviteHandlers(ctx),
    ...appHandlers(ctx, status, opts.transport)
  }

  return {
    handlers,
    events,
    async close() {
      status.close()
      for (const controller of ctx.running.values()) controller.abort()
      await ctx.closeClients()
      db.close()
    }
  }
}
