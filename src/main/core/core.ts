import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ApiHandlers } from '../../shared/api'
import { openDatabase } from '../db/open'
import { PRIVATE_DIR_MODE } from '../paths'
import { batchProgress, recoverOutbox } from '../invite'
import { AppClosing } from '../sync'
import { startAutoSync, type AutoSyncOptions } from './autoSync'
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

/** How long closing waits for stopped syncs and sends to record how they ended. */
const TASKS_END_WITHIN_MS = 5_000

/** How often the open app looks for sends whose process died (a `roster invite` killed mid-send). */
export const RECOVER_EVERY_MS = 60_000

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
  /** RECOVER_EVERY_MS unless a test wants it sooner. */
  recoverEveryMs?: number
  /** The proxy for an HQ URL (null: direct); without it HQ clients honour HTTPS_PROXY & co. */
  proxyFor?: (url: string) => Promise<string | null>
  /** How often projects are checked for a sync that is due (tests check sooner). */
  autoSync?: AutoSyncOptions
  /**
   * Plain-HTTP HQ servers on this machine (the simulator): tests, the demo and development
   * builds only, or behind ROSTER_ALLOW_HTTP_LOOPBACK=1 (see ./serverPolicy). Off by default.
   */
  allowHttpLoopback?: boolean
  /** An installed copy's updater: quit and install the downloaded update (Electron only). */
  restartToUpdate?: () => void
}): Core {
  if (opts.dbPath !== ':memory:') mkdirSync(dirname(opts.dbPath), { recursive: true, mode: PRIVATE_DIR_MODE })
  const db = openDatabase(opts.dbPath)
  const events = new EventHub()

  // A send cut short by a crash or kill (this app's last run, or a CLI while the app is open):
  // its in-flight requests become "unknown", never re-sent silently, and open screens refresh.
  const recover = (): void => {
    try {
      const report = recoverOutbox(db)
      if (report.unknownNumbers > 0) {
        opts.log(
          `recovered an interrupted send: ${report.unknownNumbers} numbers need the coordinator's decision`
        )
      }
      for (const batchId of report.batches) events.emit('invite.progress', batchProgress(db, batchId))
    } catch (error) {
      // Busy with another writer, most likely: the next round tries again.
      opts.log(
        `checking for interrupted sends failed: ${error instanceof Error ? error.message : String(error)}`
      )
    }
  }
  recover()
  const recovering = setInterval(recover, opts.recoverEveryMs ?? RECOVER_EVERY_MS)
  recovering.unref()
  const ctx = createContext({
    db,
    secrets: opts.secrets,
    events,
    version: opts.version,
    log: opts.log,
    openExternal: opts.openExternal,
    allowHttpLoopback: opts.allowHttpLoopback ?? false,
    ...(opts.proxyFor ? { proxyFor: opts.proxyFor } : {})
  })

  const status = new StatusBoard(events)
  const sync = syncHandlers(ctx)

  const handlers: ApiHandlers = {
    ...projectHandlers(ctx),
    ...sync,
    ...workerHandlers(ctx),
    ...inviteHandlers(ctx),
    ...appHandlers(ctx, status, opts.transport, opts.restartToUpdate)
  }

  // Automatic syncs take the Sync button's path: same events, follow-up, network state and Cancel.
  const autoSync = startAutoSync(ctx, (projectId) => sync['sync.start']({ projectId }), opts.autoSync)

  return {
    handlers,
    events,
    async close() {
      clearInterval(recovering)
      autoSync.stop()
      status.close()
      // Not the coordinator's Cancel: a sync cut short by quitting says so, and the next start
      // resumes it. Tasks get a moment to record how they ended before the database closes.
      await ctx.stopTasks(new AppClosing(), TASKS_END_WITHIN_MS)
      await ctx.closeClients()
      db.close()
    }
  }
}
