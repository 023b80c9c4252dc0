import { z } from 'zod'
import type { ConfirmationSms, CreatedAccount, SentEmail, UploadRecord } from './accounts'

// Shapes as HQ's JSON API returns them (corehq/apps/api/resources). The simulator keeps its live
// state in these shapes so tests can compare what a client stored with what the "server" holds.

export const HqWorkerSchema = z.object({
  type: z.literal('user'),
  id: z.string(),
  username: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  default_phone_number: z.string().nullable(),
  email: z.string(),
  phone_numbers: z.array(z.string()),
  groups: z.array(z.string()),
  user_data: z.record(z.string(), z.string()),
  locations: z.array(z.string()),
  primary_location: z.string().nullable(),
  eulas: z.string().nullable(),
  // v0.5 form; the user/v1 path rewrites it when serialising.
  resource_uri: z.string()
})
export type HqWorker = z.infer<typeof HqWorkerSchema>

export const HqWorkerExtrasSchema = z.object({
  submitted_last_30: z.number().int(),
  completed_last_30: z.number().int(),
  submitted_last_month: z.number().int(),
  completed_last_month: z.number().int()
})
export type HqWorkerExtras = z.infer<typeof HqWorkerExtrasSchema>

export const HqGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  // Every member id (archived ones included); the API lists only active members, as HQ does.
  users: z.array(z.string()),
  case_sharing: z.boolean(),
  reporting: z.boolean(),
  metadata: z.record(z.string(), z.string()),
  domain: z.string(),
  resource_uri: z.string()
})
export type HqGroup = z.infer<typeof HqGroupSchema>

// The location/v2 shape, plus the three fields only v0.5 shows (id, created_at, external_id).
export const HqLocationSchema = z.object({
  id: z.number().int(),
  location_id: z.string(),
  domain: z.string(),
  name: z.string(),
  site_code: z.string(),
  external_id: z.string().nullable(),
  created_at: z.string(),
  last_modified: z.string(),
  // HQ serialises DecimalField as a string ("31.4100000000").
  latitude: z.string().nullable(),
  longitude: z.string().nullable(),
  location_data: z.record(z.string(), z.string()),
  // '' for a root location (v2 behaviour).
  parent_location_id: z.string(),
  location_type_name: z.string(),
  location_type_code: z.string()
})
export type HqLocation = z.infer<typeof HqLocationSchema>

export const HqLocationTypeSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string()
})
export type HqLocationType = z.infer<typeof HqLocationTypeSchema>

export const HqApplicationSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  is_released: z.boolean(),
  built_on: z.string().nullable(),
  build_comment: z.string().nullable(),
  built_from_app_id: z.string().nullable(),
  modules: z.array(
    z.object({
      name: z.record(z.string(), z.string()),
      case_type: z.string(),
      case_properties: z.array(z.string()),
      unique_id: z.string(),
      forms: z.array(
        z.object({
          xmlns: z.string(),
          name: z.record(z.string(), z.string()),
          unique_id: z.string(),
          questions: z.array(z.unknown())
        })
      )
    })
  ),
  versions: z.array(z.unknown()),
  resource_uri: z.string()
})
export type HqApplication = z.infer<typeof HqApplicationSchema>

export const InvitationSchema = z.object({
  appId: z.string(),
  androidOnly: z.boolean(),
  requireEmail: z.boolean(),
  // HQ custom user data holds text; a non-string value sent by a client is kept as its JSON text.
  customUserData: z.record(z.string(), z.string()),
  message: z.string().optional(),
  invitedAt: z.string(),
  expired: z.boolean(),
  // Beyond the brief: what HQ's SelfRegistrationInvitation also records.
  phoneNumber: z.string(),
  token: z.string(),
  expiresAt: z.string(),
  registeredAt: z.string().optional(),
  registeredWorkerId: z.string().optional()
})
export type Invitation = z.infer<typeof InvitationSchema>

export interface SentSms {
  to: string
  text: string
  at: string
}

export interface RequestLogEntry {
  method: string
  path: string // path and query string, as requested
  status: number
  fault?: string // the injected fault that shaped this response, if any
}

export interface SimData {
  workers: HqWorker[] // active and archived, in the server's index order
  groups: HqGroup[]
  locations: HqLocation[] // ordered by last_modified (location/v2 ordering)
  locationTypes: HqLocationType[]
  applications: HqApplication[]
  archivedIds: Set<string>
}

export type ValidationErrorShape = 'flat' | 'tastypie'

export const SimOptionsSchema = z.object({
  // Which HQ to be (README): '2026' today's (no SMS self-registration; versioned URLs, bulk upload,
  // user creation), '2019' the old one (v0.5 only, with SMS self-registration). Default '2026'.
  era: z.enum(['2026', '2019']).optional(),
  // Era 2026: how long after the upload's 200 its rows are processed (HQ's background task).
  uploadDelayMs: z.number().min(0).optional(),
  // Era 2026: the project has TWO_STAGE_MOBILE_WORKER_ACCOUNT_CREATION (user/v1 e-mail
  // confirmation). Default true.
  emailConfirmation: z.boolean().optional(),
  users: z.number().int().min(0).optional(),
  seed: z.number().int().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  latencyMs: z.number().min(0).optional(),
  faults: z.string().optional(),
  maxLimit: z.number().int().min(1).optional(),
  rateLimitPerSecond: z.number().positive().optional(),
  // HQ's source nests registration validation errors under the resource name
  // ({"sms_user_registration": {...}}); hq-api.md documents them flat. Default: flat.
  validationErrorShape: z.enum(['flat', 'tastypie']).optional()
})
export type SimOptions = z.infer<typeof SimOptionsSchema>

export interface SimAccount {
  username: string
  apiKey: string
}

export interface Sim {
  url: string
  domain: string
  era: '2026' | '2019'
  credentials: { username: 'coordinator@example.org'; apiKey: 'sim-key-coordinator' }
  accounts: {
    coordinator: SimAccount
    workersOnly: SimAccount
    dataOnly: SimAccount
    outsider: SimAccount // valid key, member of no project: 403 everywhere
  }
  data: SimData
  // Era 2026: accounts created unconfirmed (upload or user/v1), in creation order.
  createdAccounts: CreatedAccount[]
  // HQ's confirmation SMS for them (also in `sms`), and the confirmation e-mails.
  confirmationSms: ConfirmationSms[]
  emails: SentEmail[]
  // Per upload, per row: 'created' or HQ's error text (HQ's upload status page).
  uploads: UploadRecord[]
  // The worker opened the link: the account becomes active and confirmed. Throws when unknown.
  confirmAccount(usernameOrId: string): HqWorker
  // Resolves when every accepted upload has been processed.
  uploadsSettled(): Promise<void>
  invitations: Map<string, Invitation>
  invitationHistory: Invitation[] // every invitation ever made, expired ones included
  sms: SentSms[] // every SMS the "server" sent
  requests: RequestLogEntry[]
  activeWorkers(): HqWorker[]
  archivedWorkers(): HqWorker[]
  setFaults(spec: string): void
  addWorkers(n: number, at?: 'start' | 'end'): HqWorker[]
  removeWorkers(ids: string[]): void
  updateWorker(id: string, patch: Partial<HqWorker>): void
  archiveWorker(id: string): void
  unarchiveWorker(id: string): void
  registerInvited(count?: number): HqWorker[]
  setPlan(opts: { smsPrivilege?: boolean; registrationEnabled?: boolean; emailConfirmation?: boolean }): void
  revokeKey(username: string): void
  close(): Promise<void>
}
