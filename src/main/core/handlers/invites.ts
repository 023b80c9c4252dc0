import { ApiError, type ApiHandlers } from '../../../shared/api'
import {
  batchProgress,
  batchSummary,
  cancelQueued,
  createBatch,
  exportBatchCsv,
  getBatch,
  listBatches,
  lookupInvitations,
  reinvite,
  resolveUnknown,
  sendBatch
} from '../../invite'
import type { CoreContext } from '../context'

type InviteHandlers = Pick<
  ApiHandlers,
  | 'invite.lookup'
  | 'invite.create'
  | 'invite.send'
  | 'invite.cancel'
  | 'invite.resolveUnknown'
  | 'invite.reinvite'
  | 'invite.batches'
  | 'invite.batch'
  | 'invite.exportCsv'
>

export function inviteHandlers(ctx: CoreContext): InviteHandlers {
  const projectOf = (batchId: number): string => batchSummary(ctx.db, batchId).projectId

  /** Sends in the background; the renderer follows along through invite.progress events. */
  const startSending = async (batchId: number): Promise<void> => {
    const projectId = projectOf(batchId)
    const key = `send:${batchId}`
    const task = ctx.claim(key)
    if (!task) return
    const { controller, client } = await task.withClient(projectId)
    void sendBatch({
      db: ctx.db,
      batchId,
      client,
      signal: controller.signal,
      onProgress: (progress) => ctx.events.emit('invite.progress', progress),
      log: ctx.log
    })
      .then(
        () => ctx.noteConnectivity(projectId),
        (error: unknown) => {
          ctx.log(
            `sending batch ${batchId} failed: ${error instanceof Error ? error.message : String(error)}`
          )
          ctx.noteConnectivity(projectId, error)
        }
      )
      .finally(() => {
        task.end()
        try {
          ctx.events.emit('invite.progress', batchProgress(ctx.db, batchId))
        } catch (error) {
          ctx.log(`batch ${batchId} is gone: ${error instanceof Error ? error.message : String(error)}`)
        }
      })
  }

  return {
    async 'invite.lookup'({ projectId, digits }) {
      ctx.project(projectId)
      return lookupInvitations(ctx.db, projectId, digits)
    },
    async 'invite.create'(input) {
      ctx.project(input.projectId)
      return { batchId: createBatch(ctx.db, input) }
    },
    async 'invite.send'({ batchId, confirmOffline }) {
      // A batch that stopped (HQ unreachable, a setting to fix) resumes only on the coordinator's word.
      if (batchSummary(ctx.db, batchId).state === 'stopped' && !confirmOffline) {
        throw new ApiError(
          'confirm-needed',
          'This batch stopped before all its numbers were sent. Confirm to send the rest.'
        )
      }
      await startSending(batchId)
      return { ok: true as const }
    },
    async 'invite.cancel'({ batchId }) {
      ctx.running.get(`send:${batchId}`)?.abort()
      cancelQueued(ctx.db, batchId)
      ctx.events.emit('invite.progress', batchProgress(ctx.db, batchId))
      return { ok: true as const }
    },
    async 'invite.resolveUnknown'({ batchId, numberIds, action }) {
      resolveUnknown(ctx.db, batchId, numberIds, action)
      ctx.events.emit('invite.progress', batchProgress(ctx.db, batchId))
      return { ok: true as const }
    },
    async 'invite.reinvite'({ batchId, numberIds }) {
      return { batchId: reinvite(ctx.db, batchId, numberIds) }
    },
    async 'invite.batches'({ projectId }) {
      ctx.project(projectId)
      return listBatches(ctx.db, projectId)
    },
    async 'invite.batch'({ batchId, status, registered }) {
      return getBatch(ctx.db, batchId, { status, registered })
    },
    async 'invite.exportCsv'({ batchId }) {
      return exportBatchCsv(ctx.db, batchId)
    }
  }
}
