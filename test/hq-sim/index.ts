// The HQ simulator: a real HTTP server on 127.0.0.1 that behaves like CommCare HQ for the
// endpoints Roster uses. See README.md for the API, accounts and fault grammar.
export { startSim } from './server'
export { parseFaults, FaultSpecError } from './faults'
export { applyLeniency } from './leniency'
export type { ConfirmationSms, CreatedAccount, SentEmail, UploadRecord, UploadRowResult } from './accounts'
export {
  HqApplicationSchema,
  HqGroupSchema,
  HqLocationSchema,
  HqLocationTypeSchema,
  HqWorkerExtrasSchema,
  HqWorkerSchema,
  InvitationSchema,
  SimOptionsSchema
} from './types'
export type {
  HqApplication,
  HqGroup,
  HqLocation,
  HqLocationType,
  HqWorker,
  HqWorkerExtras,
  Invitation,
  RequestLogEntry,
  SentSms,
  Sim,
  SimAccount,
  SimData,
  SimOptions,
  ValidationErrorShape
} from './types'
