import { ApiError, type ApiHandlers } from '../../../shared/api'
import {
  batchProgress,
  batchSummary,
  cancelQueued,
  createBatch,
  exportBatchCsv,
  getBatch,
  inviteClientOf,
  listBatches,
  lookupInvitations,
  probeChannels,
  reinvite,
  resendConfirmation,
  resolveUnknown,
  sendBatch
} from '../../invite'
import { saveChannelProbe } from '../../db/projects'
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

/** How long the app watches HQ's list for the accounts of an upload (channel 2). */
const ACCOUNT_WAIT_MS = 120_000

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
      client: inviteClientOf(client),
      signal: controller.signal,
      onProgress: (progress) => ctx.events.emit('invite.progress', progress),
      log: ctx.log,
      // Channel 2: HQ creates the accounts a little after the upload; watch for them a while
      // (the next sync settles the rest).
      waitForAccountsMs: ACCOUNT_WAIT_MS
    })
      .then(
        async (result) => {
          ctx.noteConnectivity(projectId)
          // HQ answered 404 to the channel's endpoint (SMS self-registration retired, say): what
          // the server offers has changed, so ask it again and keep the answer for the Invite screen.
          if (result.endpointMissing) {
            try {
              saveChannelProbe(ctx.db, projectId, await probeChannels(client, controller.signal))
            } catch (error) {
              ctx.log(
                `probing ${projectId} again failed: ${error instanceof Error ? error.message : String(error)}`
              )
            }
          }
        },
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
    async 'invite.lookup'({ projectId, digits, usernames }) {
      ctx.project(projectId)
      return lookupInvitations(ctx.db, projectId, digits, usernames)
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
      const batch = batchSummary(ctx.db, batchId)
      if (batch.channel === 'sms-registration') return { batchId: reinvite(ctx.db, batchId, numberIds) }
      // Accounts exist already: HQ can only send their confirmation link again (or not, by SMS).
      const { message } = await ctx.useClient(batch.projectId, (client) =>
        resendConfirmation(ctx.db, batchId, numberIds, inviteClientOf(client), AbortSignal.timeout(120_000))
      )
      ctx.events.emit('invite.progress', batchProgress(ctx.db, batchId))
      return { batchId, message }
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
