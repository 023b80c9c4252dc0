import { z } from 'zod'
import type { HqErrorKind } from './errors'

/**
 * Zod schemas for everything HQ sends us and everything we send it. Objects are loose: HQ adds
 * fields over time and we keep them (a later version of Roster may want them).
 */

/** null, missing and absent all read as null; "" is kept (HQ sends both). */
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null)

/** HQ stores phone numbers as digit strings; tolerate a bare number rather than fail a sync. */
const phoneNumber = z.union([z.string(), z.number().transform((n) => String(n))])

const stringList = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? [])

export const HqWorkerSchema = z.looseObject({
  id: z.string().min(1),
  username: z.string(),
  first_name: text,
  last_name: text,
  default_phone_number: z
    .union([phoneNumber, z.null()])
    .optional()
    .transform((v) => v ?? null),
  email: text,
  phone_numbers: z
    .array(phoneNumber)
    .nullish()
    .transform((v) => v ?? []),
  groups: stringList,
  locations: z.array(z.string()).nullish(),
  primary_location: z.string().nullish(),
  user_data: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((v) => v ?? {}),
  resource_uri: z.string().nullish(),
  eulas: z.unknown().optional()
})
export type HqWorker = z.infer<typeof HqWorkerSchema>

export const HqGroupSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  users: z.array(z.string()).nullish(),
  case_sharing: z.boolean().nullish(),
  reporting: z.boolean().nullish()
})
export type HqGroup = z.infer<typeof HqGroupSchema>

/** The last path segment of a tastypie resource URI ("/a/d/api/v0.5/location/abc/" -> "abc"). */
export function lastUriSegment(value: string): string {
  const parts = value
    .split(/[?#]/)[0]!
    .split('/')
    .filter((p) => p !== '')
  return parts[parts.length - 1] ?? value
}

function idOrUri(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null
  const s = String(value).trim()
  if (s === '') return null
  return s.includes('/') ? lastUriSegment(s) : s
}

/**
 * Locations in both shapes HQ serves: v2 (`location_id`, `location_type_code`,
 * `parent_location_id` — "" for a root) and v0.5 (`id` is a number, `location_id` the UUID,
 * `location_type` and `parent` are resource URIs). Workers refer to the UUID.
 */
export const HqLocationSchema = z
  .looseObject({
    location_id: z.string().nullish(),
    id: z.union([z.string(), z.number()]).nullish(),
    name: z.string().nullish(),
    site_code: z.string().nullish(),
    location_type_code: z.string().nullish(),
    location_type: z.union([z.string(), z.number()]).nullish(),
    location_type_name: z.string().nullish(),
    parent_location_id: z.string().nullish(),
    parent: z.union([z.string(), z.number()]).nullish()
  })
  .superRefine((raw, ctx) => {
    if (!raw.location_id && (raw.id === null || raw.id === undefined || raw.id === '')) {
      ctx.addIssue({ code: 'custom', path: ['location_id'], message: 'has no location_id or id' })
    }
  })
  .transform((raw) => ({
    id: raw.location_id || String(raw.id),
    name: raw.name ?? '',
    siteCode: raw.site_code || null,
    type: raw.location_type_code || idOrUri(raw.location_type) || raw.location_type_name || null,
    parentId: raw.parent_location_id || idOrUri(raw.parent)
  }))
export type HqLocation = z.infer<typeof HqLocationSchema>

/** Applications carry modules and forms too; we read only what invitations need. */
export const HqApplicationSchema = z
  .object({
    id: z.string().min(1),
    name: z
      .string()
      .nullish()
      .transform((v) => v ?? '')
  })
  .transform((app) => ({ id: app.id, name: app.name }))
export type HqApplication = z.infer<typeof HqApplicationSchema>

export const TastypieMetaSchema = z.looseObject({
  limit: z.number().int().nonnegative().nullish(),
  offset: z.number().int().nonnegative().nullish(),
  next: z.string().nullish(),
  previous: z.string().nullish(),
  total_count: z.number().int().nonnegative().nullish()
})

export function listSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    meta: TastypieMetaSchema.nullish(),
    objects: z.array(item)
  })
}

/** The worker list must tell us its page size and total: paging depends on both. */
export const WorkerPageSchema = z.looseObject({
  meta: z.looseObject({
    limit: z.number().int().positive(),
    offset: z.number().int().nonnegative().nullish(),
    next: z.string().nullish(),
    previous: z.string().nullish(),
    total_count: z.number().int().nonnegative()
  }),
  objects: z.array(HqWorkerSchema)
})
export type WorkerPage = z.infer<typeof WorkerPageSchema>

export const RegistrationUserSchema = z.object({
  phone_number: z.string().trim().min(1),
  custom_user_data: z.record(z.string(), z.string()).optional()
})

export const RegistrationRequestSchema = z.object({
  app_id: z.string().trim().min(1),
  users: z.array(RegistrationUserSchema).min(1),
  android_only: z.boolean().optional(),
  require_email: z.boolean().optional(),
  custom_registration_message: z.string().optional()
})
export type RegistrationRequest = z.input<typeof RegistrationRequestSchema>

export const RegistrationResponseSchema = z.looseObject({
  success_numbers: z.array(z.string()),
  invalid_format_numbers: z.array(z.string()),
  numbers_in_use: z.array(z.string())
})
export type RegistrationResponse = z.infer<typeof RegistrationResponseSchema>

export interface AccessCheck {
  ok: boolean
  message: string
  /** Why not, when ok is false (so the UI can offer the right fix). */
  kind?: HqErrorKind
}
