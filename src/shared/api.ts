/**
 * The one API between the renderer and the core. Each call has an input and an output schema;
 * both transports (Electron IPC and the loopback HTTP transport) validate every payload
 * against this table, so a renderer bug or a hostile page cannot hand the core a bad value.
 */
import { z } from 'zod'
import { ChannelChoiceSchema } from './channels'
import {
  ApplicationSchema,
  AutoSyncHoursSchema,
  ConnectionTestSchema,
  ConnectivitySchema,
  FacetsSchema,
  ProjectId,
  ProjectInputSchema,
  ProjectSchema,
  SyncProgressSchema,
  SyncRunSchema,
  WorkerDetailSchema,
  WorkerFilterSchema,
  WorkerPageSchema,
  WorkerQuerySchema
} from './domain'
import {
  BatchInputSchema,
  BatchNumberSchema,
  BatchSummarySchema,
  InviteLookupSchema,
  InviteProgressSchema,
  NumberStatusSchema
} from './invite'

const Empty = z.object({}).strict()
const ByProject = z.object({ projectId: ProjectId }).strict()
const ByBatch = z.object({ batchId: z.number().int() }).strict()
const Ok = z.object({ ok: z.literal(true) })

function call<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output }
}

export const apiContract = {
  'projects.list': call(Empty, z.array(ProjectSchema)),
  'projects.save': call(ProjectInputSchema.extend({ id: ProjectId.optional() }).strict(), ProjectSchema),
  /** Settings that change without the credentials: the app invitations go to, the automatic sync… */
  'projects.update': call(
    z
      .object({
        projectId: ProjectId,
        label: z.string().trim().max(100).optional(),
        defaultCountry: z.string().length(2).optional(),
        appId: z.string().min(1).nullable().optional(),
        autoSyncHours: AutoSyncHoursSchema.optional(),
        channel: ChannelChoiceSchema.optional(),
        usernameTemplate: z.string().trim().min(1).max(200).optional()
      })
      .strict(),
    ProjectSchema
  ),
  /** Refused while a batch of the project is queued, being sent or has unknown outcomes. */
  'projects.remove': call(ByProject, Ok),
  /** Tests saved credentials (projectId) or unsaved ones from the Connect form. */
  'projects.test': call(z.union([ByProject, ProjectInputSchema.strict()]), ConnectionTestSchema),

  'sync.start': call(ByProject, z.object({ runId: z.number().int() })),
  'sync.cancel': call(ByProject, Ok),
  'sync.runs': call(ByProject, z.array(SyncRunSchema)),

  'workers.query': call(WorkerQuerySchema.strict(), WorkerPageSchema),
  'workers.get': call(
    z.object({ projectId: ProjectId, id: z.string() }).strict(),
    WorkerDetailSchema.nullable()
  ),
  'workers.facets': call(ByProject, FacetsSchema),
  'workers.exportCsv': call(
    WorkerFilterSchema.extend({ columns: z.array(z.string()).optional() }).strict(),
    z.object({ filename: z.string(), csv: z.string(), rows: z.number().int() })
  ),

  'apps.list': call(ByProject, z.array(ApplicationSchema)),

  'invite.lookup': call(
    z
      .object({
        projectId: ProjectId,
        digits: z.array(z.string().regex(/^\d{1,20}$/)).max(200_000),
        /** Usernames (before the @) a new account would take: which are taken already. */
        usernames: z.array(z.string().max(200)).max(200_000).optional()
      })
      .strict(),
    InviteLookupSchema
  ),
  'invite.create': call(BatchInputSchema, z.object({ batchId: z.number().int() })),
  /** Starts sending. A batch that stopped part-way (offline, say) needs confirmOffline: the coordinator's go-ahead. */
  'invite.send': call(
    z.object({ batchId: z.number().int(), confirmOffline: z.boolean().optional() }).strict(),
    Ok
  ),
  'invite.cancel': call(ByBatch, Ok),
  /** The coordinator's decision on numbers whose outcome is unknown. */
  'invite.resolveUnknown': call(
    z
      .object({
        batchId: z.number().int(),
        numberIds: z.array(z.number().int()).min(1),
        action: z.enum(['resend', 'mark-failed'])
      })
      .strict(),
    Ok
  ),
  /**
   * Invites chosen numbers of a batch again, the way its channel allows: channel 1 a new batch;
   * channel 3 HQ re-sends the confirmation e-mail (PUT); channel 2 cannot (HQ has no API for it):
   * refused with where in HQ to do it. `message` says what happened.
   */
  'invite.reinvite': call(
    z.object({ batchId: z.number().int(), numberIds: z.array(z.number().int()).min(1) }).strict(),
    z.object({ batchId: z.number().int(), message: z.string().optional() })
  ),
  'invite.batches': call(ByProject, z.array(BatchSummarySchema)),
  'invite.batch': call(
    z
      .object({
        batchId: z.number().int(),
        status: NumberStatusSchema.optional(),
        registered: z.boolean().optional()
      })
      .strict(),
    z.object({ batch: BatchSummarySchema, numbers: z.array(BatchNumberSchema) })
  ),
  'invite.exportCsv': call(
    ByBatch,
    z.object({ filename: z.string(), csv: z.string(), rows: z.number().int() })
  ),

  /** Opens an HQ page in the system browser; the core checks the host is the project's server. */
  'app.openExternal': call(z.object({ url: z.string().url() }).strict(), Ok),
  'app.info': call(
    Empty,
    z.object({
      version: z.string(),
      transport: z.enum(['ipc', 'loopback']),
      /**
       * Where API keys are kept, when that needs saying: on Linux without a keyring (safeStorage's
       * basic_text) keys are kept for the session only unless the coordinator agrees to weak storage.
       */
      keyStorage: z.object({ weak: z.boolean(), sessionOnly: z.boolean(), message: z.string() }).optional()
    })
  ),
  /** Quits and installs the update an installed copy downloaded ('app.update'); refused where there is none. */
  'app.restartToUpdate': call(Empty, Ok),
  /** What a window opened mid-way needs: the network state and the syncs running now. */
  'app.status': call(
    Empty,
    z.object({ connectivity: z.array(ConnectivitySchema), syncs: z.array(SyncProgressSchema) })
  )
} as const

export const apiEvents = {
  'sync.progress': SyncProgressSchema,
  'sync.finished': SyncRunSchema,
  connectivity: ConnectivitySchema,
  'invite.progress': InviteProgressSchema,
  /** An installed copy has downloaded an update; it installs when Roster restarts (or quits). */
  'app.update': z.object({ state: z.literal('ready'), version: z.string().min(1) })
} as const

export type ApiContract = typeof apiContract
export type ApiMethod = keyof ApiContract
export type ApiInput<M extends ApiMethod> = z.input<ApiContract[M]['input']>
export type ApiParsedInput<M extends ApiMethod> = z.output<ApiContract[M]['input']>
export type ApiOutput<M extends ApiMethod> = z.output<ApiContract[M]['output']>
export type ApiEventName = keyof typeof apiEvents
export type ApiEvent<E extends ApiEventName> = z.output<(typeof apiEvents)[E]>

/** What the core implements: one async function per call, given an already-validated input. */
export type ApiHandlers = { [M in ApiMethod]: (input: ApiParsedInput<M>) => Promise<ApiOutput<M>> }

/** What the renderer calls. */
export interface RosterApi {
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>>
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvent<E>) => void): () => void
}

/** An error that crossed a transport: the message is for the coordinator, code for the UI. */
export interface ApiErrorShape {
  code: string
  message: string
}

export class ApiError extends Error implements ApiErrorShape {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiContract, name)
}

/** Turns a zod failure into one sentence naming the field: "rows[3].e164: Not an E.164 phone number". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
        .join('')
      return path ? `${path}: ${issue.message}` : issue.message
    })
    .join('; ')
}
