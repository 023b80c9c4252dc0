import { z } from 'zod'
import { ChannelSchema, createsAccounts } from './channels'
import { ProjectId } from './domain'

export const InviteOptionsSchema = z.object({
  /** The channel this batch goes through (already resolved from the project's choice). */
  channel: ChannelSchema.default('sms-registration'),
  /** Channel 1 only: the app the worker installs. */
  appId: z.string().default(''),
  /** Channel 1 only. */
  androidOnly: z.boolean().default(false),
  /** Channel 1 only. */
  requireEmail: z.boolean().default(false),
  /** Channel 1 only; null or blank: HQ's default message. */
  message: z.string().max(1600).nullable().default(null),
  /** Channels 2 and 3: a location (id) and a group (id) from the roster for every new account. */
  locationId: z.string().min(1).nullable().default(null),
  groupId: z.string().min(1).nullable().default(null)
})
export type InviteOptions = z.input<typeof InviteOptionsSchema>

export const InviteRowSchema = z.object({
  /** Row number as the source file counts it (header = 1), for messages. */
  row: z.number().int().min(1),
  e164: z.string().regex(/^\+[1-9]\d{6,14}$/, 'Not an E.164 phone number'),
  customUserData: z.record(z.string(), z.string()).default({}),
  /** Channels 2 and 3: the username's part before "@<domain>.commcarehq.org". */
  username: z.string().min(1).optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  /** Channel 3 needs it; channel 2 sends it when there is one. */
  email: z.string().optional(),
  /**
   * Roster's own roster shows the number as a worker's: recorded as in use without asking HQ
   * (what `--skip-errors` leaves out for that reason).
   */
  registeredTo: z.object({ workerId: z.string(), username: z.string() }).optional()
})
export type InviteRow = z.input<typeof InviteRowSchema>

export const BatchInputSchema = z
  .object({
    projectId: ProjectId,
    options: InviteOptionsSchema,
    rows: z.array(InviteRowSchema).min(1, 'There is no number to invite').max(200_000),
    /** The coordinator chose to invite again numbers HQ already invited (their old link expires). */
    reinvite: z.boolean().default(false)
  })
  .superRefine((input, ctx) => {
    const { channel, appId } = input.options
    if (channel === 'sms-registration' && appId.trim() === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['options', 'appId'],
        message: 'Choose the app to invite workers to'
      })
    }
    if (!createsAccounts(channel)) return
    input.rows.forEach((row, i) => {
      if (row.registeredTo) return
      if (!row.username) {
        ctx.addIssue({
          code: 'custom',
          path: ['rows', i, 'username'],
          message: `Row ${row.row} has no username`
        })
      }
      if (channel === 'email-confirmation' && !row.email?.trim()) {
        ctx.addIssue({
          code: 'custom',
          path: ['rows', i, 'email'],
          message: `Row ${row.row} has no e-mail address`
        })
      }
    })
  })
export type BatchInput = z.input<typeof BatchInputSchema>

/**
 * `success`: HQ invited the number (channel 1) or created the account (2, 3). `pending`: HQ took
 * the upload (channel 2) and the account has not appeared yet. `refused`: HQ did not create the
 * account (channel 3's answer, or an uploaded row that never appeared), with the likely reason.
 */
export const NumberStatusSchema = z.enum([
  'queued',
  'sending',
  'success',
  'invalid_format',
  'in_use',
  'failed',
  'unknown',
  'pending',
  'refused'
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
  pending: z.number().int().default(0),
  refused: z.number().int().default(0),
  registered: z.number().int()
})

export const BatchSummarySchema = z.object({
  id: z.number().int(),
  projectId: ProjectId,
  createdAt: z.string(),
  channel: ChannelSchema.default('sms-registration'),
  appId: z.string(),
  appName: z.string().nullable(),
  androidOnly: z.boolean(),
  requireEmail: z.boolean(),
  message: z.string().nullable(),
  locationId: z.string().nullable().default(null),
  groupId: z.string().nullable().default(null),
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
  customUserData: z.record(z.string(), z.string()),
  /** Channels 2 and 3: the account's username (before the @) and e-mail. */
  username: z.string().nullable().default(null),
  email: z.string().nullable().default(null)
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
  ),
  /**
   * Of the usernames asked about (lower case, before the @), those a worker in the roster (active
   * or archived) or a live invitation already holds: a new account cannot take them.
   */
  takenUsernames: z.array(z.string()).default([])
})
export type InviteLookup = z.infer<typeof InviteLookupSchema>

export const InviteProgressSchema = z.object({
  batchId: z.number().int(),
  state: BatchStateSchema,
  counts: BatchCountsSchema,
  total: z.number().int()
})
export type InviteProgress = z.infer<typeof InviteProgressSchema>
