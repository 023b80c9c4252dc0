// The HQ API client: import from here (or from the module that defines the name).
export { createHqClient } from './client'
export type {
  AccessReport,
  CreateUserRequest,
  HqClient,
  HqClientOptions,
  ListWorkersOptions,
  ListWorkersResult,
  WorkerPageEvent
} from './client'
export { HqError, isHqError } from './errors'
export type { HqErrorKind } from './errors'
export { normaliseServerUrl, isLoopbackHost } from './url'
export type {
  AccessCheck,
  HqApplication,
  HqGroup,
  HqLocation,
  HqWorker,
  RegistrationRequest,
  RegistrationResponse
} from './schemas'
export { CreateUserRequestSchema } from './createUser'
export { XLSX_TYPE } from './bulkUpload'
export { describeAccess } from './accessWords'
export type { AccessFindings } from './accessWords'
export type { Probe } from './probe'
