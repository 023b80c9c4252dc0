/** The invitation outbox: batches written before sending, the sender, recovery, results. */
export { inviteMigrations } from './migrations'
export { InviteError, type InviteErrorCode } from './errors'
export { cancelQueued, createBatch, reinvite } from './batches'
export {
  sendBatch,
  isSending,
  type RegistrationAnswer,
  type RegistrationClient,
  type RegistrationRequest,
  type RetryOptions,
  type SendBatchOptions,
  type SendBatchResult
} from './sender'
export { recoverOutbox, resolveUnknown, type RecoveryOptions, type RecoveryReport } from './recover'
export { batchProgress, batchSummary, getBatch, listBatches, type NumberFilter } from './summary'
export { lookupInvitations, markRegistered, validationLookup } from './followup'
export { exportBatchCsv } from './export'
export { classifyFailure, type FailureDecision } from './classify'
export { DATABASE_BUSY_MESSAGE, isDatabaseBusy, writeWhenFree } from './busy'
export { inviteClientOf, probeChannels } from './hqClient'
export { resendConfirmation } from './resend'
export { awaitAccounts, followUpAccounts } from './accounts'
export { hqUsername } from './batches'
export { takenUsernames } from './followup'
export type { InviteClient } from './channels'
