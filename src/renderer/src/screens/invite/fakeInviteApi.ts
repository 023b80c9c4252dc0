/**
 * A small in-memory RosterApi for the Invite and History tests: an outbox with batches and
 * numbers, and a pretend HQ that answers each number by a rule. Answers are checked against the
 * API contract, so the screens are tested against the shapes the core really sends.
 */
import {
  ApiError,
  apiContract,
  type ApiEvent,
  type ApiEventName,
  type ApiInput,
  type ApiMethod,
  type ApiOutput,
  type RosterApi
} from '../../../../shared/api'
import type { Project } from '../../../../shared/domain'
import type { BatchNumber, BatchSummary, InviteLookup, NumberStatus } from '../../../../shared/invite'
import { makeProject } from '../../test/fakeApi'

export interface FakeInviteApi extends RosterApi {
  calls: { method: ApiMethod; input: unknown }[]
  callsOf<M extends ApiMethod>(method: M): ApiInput<M>[]
  batches: BatchSummary[]
  numbers: BatchNumber[]
  /** The saved projects, as projects.update leaves them. */
  projects: Project[]
  /** Digits HQ says are in use, and digits whose answer gets lost (unknown). */
  hq: { inUse: Set<string>; lost: Set<string>; offline: boolean }
  lookup: InviteLookup
  emit<E extends ApiEventName>(event: E, payload: ApiEvent<E>): void
  /** Makes the next call to `method` fail with this error. */
  failNext(method: ApiMethod, error: ApiError): void
}

const NOW = '2025-03-03T09:00:00.000Z'

export function createFakeInviteApi(
  opts: { lookup?: InviteLookup; apps?: { id: string; name: string }[]; project?: Partial<Project> } = {}
): FakeInviteApi {
  const listeners = new Map<ApiEventName, Set<(payload: never) => void>>()
  const calls: { method: ApiMethod; input: unknown }[] = []
  const batches: BatchSummary[] = []
  const numbers: BatchNumber[] = []
  const hq = { inUse: new Set<string>(), lost: new Set<string>(), offline: false }
  const lookup = opts.lookup ?? { registered: [], invited: [] }
  const apps = opts.apps ?? [
    { id: 'app-1', name: 'Community Health' },
    { id: 'app-2', name: 'Nutrition Survey' }
  ]
  let nextNumberId = 1
  const failures = new Map<ApiMethod, ApiError>()
  const projects: Project[] = [makeProject(opts.project)]

  const emit = <E extends ApiEventName>(event: E, payload: ApiEvent<E>) => {
    for (const listener of listeners.get(event) ?? []) (listener as (p: ApiEvent<E>) => void)(payload)
  }

  const recount = (batch: BatchSummary) => {
    const counts = {
      queued: 0,
      sending: 0,
      success: 0,
      invalid_format: 0,
      in_use: 0,
      failed: 0,
      unknown: 0,
      registered: 0
    }
    const mine = numbers.filter((n) => n.batchId === batch.id)
    for (const n of mine) {
      counts[n.status]++
      if (n.registeredWorkerId) counts.registered++
    }
    batch.counts = counts
    batch.total = mine.length
    batch.state =
      counts.unknown > 0
        ? 'needs-attention'
        : counts.queued > 0
          ? batch.error
            ? 'stopped'
            : 'queued'
          : 'done'
  }

  const batchOf = (id: number): BatchSummary => {
    const b = batches.find((x) => x.id === id)
    if (!b) throw new ApiError('unknown-batch', `There is no invitation batch number ${id}.`)
    return b
  }

  const create = (input: ApiInput<'invite.create'>, reinvite: boolean): number => {
    const id = batches.length + 1
    const app = apps.find((a) => a.id === input.options.appId)
    const batch: BatchSummary = {
      id,
      projectId: input.projectId,
      createdAt: NOW,
      appId: input.options.appId,
      appName: app?.name ?? null,
      androidOnly: input.options.androidOnly ?? false,
      requireEmail: input.options.requireEmail ?? false,
      message: input.options.message ?? null,
      state: 'queued',
      error: null,
      total: 0,
      counts: {
        queued: 0,
        sending: 0,
        success: 0,
        invalid_format: 0,
        in_use: 0,
        failed: 0,
        unknown: 0,
        registered: 0
      }
    }
    void reinvite
    batches.unshift(batch)
    for (const row of input.rows) {
      numbers.push({
        id: nextNumberId++,
        batchId: id,
        row: row.row,
        e164: row.e164,
        digits: row.e164.slice(1),
        status: 'queued',
        reason: null,
        updatedAt: NOW,
        registeredWorkerId: null,
        registeredAt: null,
        customUserData: row.customUserData ?? {}
      })
    }
    recount(batch)
    return id
  }

  const sendBatch = (batchId: number) => {
    const batch = batchOf(batchId)
    if (hq.offline) {
      batch.error = 'HQ could not be reached: the computer seems to be offline.'
      recount(batch)
      setTimeout(
        () =>
          emit('invite.progress', { batchId, state: batch.state, counts: batch.counts, total: batch.total }),
        0
      )
      return
    }
    batch.error = null
    for (const n of numbers) {
      if (n.batchId !== batchId || n.status !== 'queued') continue
      const status: NumberStatus = hq.lost.has(n.digits)
        ? 'unknown'
        : hq.inUse.has(n.digits)
          ? 'in_use'
          : 'success'
      n.status = status
      n.reason =
        status === 'unknown'
          ? 'The connection broke after the request left.'
          : status === 'in_use'
            ? 'HQ says this number belongs to another contact.'
            : null
    }
    recount(batch)
    setTimeout(
      () =>
        emit('invite.progress', { batchId, state: batch.state, counts: batch.counts, total: batch.total }),
      0
    )
  }

  const handlers: { [M in ApiMethod]?: (input: ApiInput<M>) => ApiOutput<M> } = {
    'apps.list': () => apps,
    'projects.update': ({ projectId, ...patch }) => {
      const index = projects.findIndex((p) => p.id === projectId)
      if (index === -1) throw new ApiError('not-found', `There is no saved project with id ${projectId}.`)
      const updated: Project = { ...projects[index]! }
      if (patch.label !== undefined) updated.label = patch.label
      if (patch.defaultCountry !== undefined) updated.defaultCountry = patch.defaultCountry
      if (patch.appId !== undefined) updated.appId = patch.appId
      projects[index] = updated
      return updated
    },
    'invite.lookup': ({ digits }) => {
      const wanted = new Set(digits)
      return {
        registered: lookup.registered.filter((r) => wanted.has(r.digits)),
        invited: lookup.invited.filter((r) => wanted.has(r.digits))
      }
    },
    'invite.create': (input) => ({ batchId: create(input, Boolean(input.reinvite)) }),
    'invite.send': ({ batchId }) => {
      sendBatch(batchId)
      return { ok: true as const }
    },
    'invite.batch': ({ batchId, status, registered }) => ({
      batch: batchOf(batchId),
      numbers: numbers.filter(
        (n) =>
          n.batchId === batchId &&
          (!status || n.status === status) &&
          (registered === undefined || (n.registeredWorkerId !== null) === registered)
      )
    }),
    'invite.batches': ({ projectId }) => batches.filter((b) => b.projectId === projectId),
    'invite.resolveUnknown': ({ batchId, numberIds, action }) => {
      for (const n of numbers) {
        if (n.batchId === batchId && numberIds.includes(n.id) && n.status === 'unknown') {
          n.status = action === 'resend' ? 'queued' : 'failed'
          n.reason = action === 'resend' ? null : 'Marked as failed by the coordinator.'
          if (action === 'resend') hq.lost.delete(n.digits)
        }
      }
      recount(batchOf(batchId))
      return { ok: true as const }
    },
    'invite.reinvite': ({ batchId, numberIds }) => {
      const from = batchOf(batchId)
      const rows = numbers
        .filter((n) => n.batchId === batchId && numberIds.includes(n.id))
        .map((n) => ({ row: n.row, e164: n.e164, customUserData: n.customUserData }))
      const id = create(
        {
          projectId: from.projectId,
          options: {
            appId: from.appId,
            androidOnly: from.androidOnly,
            requireEmail: from.requireEmail,
            message: from.message
          },
          rows,
          reinvite: true
        },
        true
      )
      return { batchId: id }
    },
    'invite.exportCsv': ({ batchId }) => {
      const mine = numbers.filter((n) => n.batchId === batchId)
      return {
        filename: `batch-${batchId}.csv`,
        csv: ['row,phone,status', ...mine.map((n) => `${n.row},${n.e164},${n.status}`)].join('\n'),
        rows: mine.length
      }
    }
  }

  return {
    calls,
    batches,
    numbers,
    projects,
    hq,
    lookup,
    emit,
    failNext(method, error) {
      failures.set(method, error)
    },
    callsOf<M extends ApiMethod>(method: M) {
      return calls.filter((c) => c.method === method).map((c) => c.input as ApiInput<M>)
    },
    async call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
      calls.push({ method, input })
      const parsedInput = apiContract[method].input.safeParse(input)
      if (!parsedInput.success) throw new ApiError('invalid-input', `${method}: ${parsedInput.error.message}`)
      const failure = failures.get(method)
      if (failure) {
        failures.delete(method)
        throw failure
      }
      const handler = handlers[method] as ((i: ApiInput<M>) => ApiOutput<M>) | undefined
      if (!handler) throw new ApiError('not-implemented', `The fake API has no ${method}.`)
      const result = handler(parsedInput.data as ApiInput<M>)
      // Hand out copies, as a transport would.
      return apiContract[method].output.parse(JSON.parse(JSON.stringify(result))) as ApiOutput<M>
    },
    on<E extends ApiEventName>(event: E, listener: (payload: ApiEvent<E>) => void) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener as (payload: never) => void)
      return () => {
        set.delete(listener as (payload: never) => void)
      }
    }
  }
}
