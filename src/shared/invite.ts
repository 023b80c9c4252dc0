import { z } from 'zod'
import { ProjectId } from './domain'

export const InviteOptionsSchema = z.object({
  appId: z.string().min(1, 'Choose the app to invite workers to'),
  androidOnly: z.boolean().default(false),
  requireEmail: z.boolean().default(false),
  /** null or blank: HQ's default message. */
  message: z.string().max(1600).nullable().default(null)
})
export type InviteOptions = z.input<typeof InviteOptionsSchema>

export const InviteRowSchema = z.object({
  /** Row number as the source file counts it (header = 1), for messages. */
  row: z.number().int().min(1),
  e164: z.string().regex(/^\+[1-9]\d{6,14}$/, 'Not an E.164 phone number'),
  customUserData: z.record(z.string(), z.string()).default({})
})

export const BatchInputSchema = z.object({
  projectId: ProjectId,
  options: InviteOptionsSchema,
  rows: z.array(InviteRowSchema).min(1, 'There is no number to invite').max(200_000),
  /** The coordinator chose to invite again numbers HQ already invited (their old link expires). */
  reinvite: z.boolean().default(false)
})
export type BatchInput = z.input<typeof BatchInputSchema>

export const NumberStatusSchema = z.enum([
  'queued',
  'sending',
  'success',
  'invalid_format',
  'in_use',
  'failed',
  'unknown'
])
export type NumberStatus = z.infer<typeof NumberStatusSchema>

export const BatchStateSchema = z.enum(['queued', 'sending', 'done', 'stopped', 'needs-attention'])

export const BatchCountsSchema = z.object({
  queued: z.number().int(),
  sending: z.number().int(),
  success: z.number().int(),
  invalid_format: z.number().int(),
  in_use: z.number().int(),
  failed: z.number().int(),
  unknown: z.number().int(),
  registered: z.number().int()
})

export const BatchSummarySchema = z.object({
  id: z.number().int(),
  projectId: ProjectId,
  createdAt: z.string(),
  appId: z.string(),
  appName: z.string().nullable(),
  androidOnly: z.boolean(),
  requireEmail: z.boolean(),
  message: z.string().nullable(),
  state: BatchStateSchema,
  /** Why the batch stopped, in words for the coordinator. */
  error: z.string().nullable(),
  total: z.number().int(),
  counts: BatchCountsSchema
})
export type BatchSummary = z.infer<typeof BatchSummarySchema>

export const BatchNumberSchema = z.object({
  id: z.number().int(),
  batchId: z.number().int(),
  row: z.number().int(),
  e164: z.string(),
  digits: z.string(),
  status: NumberStatusSchema,
  reason: z.string().nullable(),
  updatedAt: z.string(),
  registeredWorkerId: z.string().nullable(),
  registeredAt: z.string().nullable(),
  customUserData: z.record(z.string(), z.string())
})
export type BatchNumber = z.infer<typeof BatchNumberSchema>

export const InviteLookupSchema = z.object({
  registered: z.array(
    z.object({ digits: z.string(), workerId: z.string(), username: z.string(), name: z.string() })
  ),
  invited: z.array(
    z.object({
      digits: z.string(),
      batchId: z.number().int(),
      invitedAt: z.string(),
      status: NumberStatusSchema,
      /** A sync has since found the number held by a worker (History's "registered"). */
      registered: z.boolean()
    })
  )
})
export type InviteLookup = z.infer<typeof InviteLookupSchema>

export const InviteProgressSchema = z.object({
  batchId: z.number().int(),
  state: BatchStateSchema,
  counts: BatchCountsSchema,
  total: z.number().int()
})
export type InviteProgress = z.infer<typeof InviteProgressSchema>
