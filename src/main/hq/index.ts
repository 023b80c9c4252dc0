// The HQ API client: import from here (or from the module that defines the name).
//
// Its layers, bottom up (each imports only from the ones below it):
//   errors, url, clock, backoff       the vocabulary: HqError, server URLs, time, waiting
//   net/                              how a request leaves this machine: proxies, SOCKS, the router
//   http, errorMapping                one exchange, and what HQ (or the network) did in words
//   gate, retry, requester, versions  shared pause after 429s, retries, JSON + schema, URL forms
//   once                              requests that act in HQ: exactly once, with maybeDelivered
//   workers (paging, pool, aimd)      the worker list, paged concurrently and checked complete
//   register, bulkUpload, createUser  one file per endpoint that acts in HQ
//   probe, accessWords, access        Test connection: side-effect-free probes, then words
//   client                            createHqClient: the one object the rest of Roster uses
// proxy.ts, route.ts and testing-proxy.ts here only re-export net/ for older import paths.
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
