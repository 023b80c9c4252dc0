import type { ApiHandlers } from '../../../shared/api'
import { ApiError } from '../../../shared/api'
import { listRuns } from '../../db/syncRuns'
import { markRegistered } from '../../invite'
import { syncProject } from '../../sync'
import type { CoreContext } from '../context'

type SyncHandlers = Pick<ApiHandlers, 'sync.start' | 'sync.cancel' | 'sync.runs'>

/**
 * Syncs run in the background; sync.start answers as soon as the run is recorded, and the
 * renderer follows along through sync.progress and sync.finished.
 */
export function syncHandlers(ctx: CoreContext): SyncHandlers {
  return {
    async 'sync.start'({ projectId }) {
      const project = ctx.project(projectId)
      const key = `sync:${projectId}`
      const task = ctx.claim(key)
      if (!task) throw new ApiError('busy', `${project.label} is already syncing.`)
      const { controller, client } = await task.withClient(projectId)
      let failure: unknown
      return new Promise((resolve, reject) => {
        syncProject({
          db: ctx.db,
          project,
          client,
          signal: controller.signal,
          onStart: (runId) => resolve({ runId }),
          onProgress: (progress) => ctx.events.emit('sync.progress', progress),
          onFailure: (error) => {
            failure = error
          }
        })
          .then((run) => {
            // Follow-up: invited numbers that now belong to a worker count as registered.
            if (run.outcome === 'ok') markRegistered(ctx.db, projectId, undefined, run.startedAt)
            if (run.outcome !== 'cancelled') ctx.noteConnectivity(projectId, failure)
            // The claim ends before the news, so a Sync pressed on hearing it is not told "busy".
            task.end()
            ctx.events.emit('sync.finished', run)
          })
          .catch((error: unknown) => reject(error))
          .finally(() => task.end())
      })
    },
    async 'sync.cancel'({ projectId }) {
      ctx.running.get(`sync:${projectId}`)?.abort()
      return { ok: true as const }
    },
    async 'sync.runs'({ projectId }) {
      ctx.project(projectId)
      return listRuns(ctx.db, projectId)
    }
  }
}
