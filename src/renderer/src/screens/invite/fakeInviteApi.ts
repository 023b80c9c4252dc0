/**
 * A small in-memory RosterApi for the Invite and History tests: an outbox with batches and
 * numbers, and a pretend HQ that answers each number by a rule. Answers are checked against the
 * API contract, so the screens are tested against the shapes the core really sends.
 */
import { ApiError, type ApiInput } from '../../../../shared/api'
import { countedTotal, countsFrom, emptyCounts } from '../../../../shared/batchCounts'
import type { Project } from '../../../../shared/domain'
import type { BatchNumber, BatchSummary, InviteLookup, NumberStatus } from '../../../../shared/invite'
import { makeProject } from '../../test/fakeApi'
import { createFakeCore, type FakeCore, type FakeHandlers } from '../../test/fakeCore'

export interface FakeInviteApi extends FakeCore {
  batches: BatchSummary[]
  numbers: BatchNumber[]
  /** The saved projects, as projects.update leaves them. */
  projects: Project[]
  /** Digits HQ says are in use, and digits whose answer gets lost (unknown). */
  hq: { inUse: Set<string>; lost: Set<string>; offline: boolean }
  lookup: InviteLookup
}

const NOW = '2025-03-03T09:00:00.000Z'

export function createFakeInviteApi(
  opts: { lookup?: InviteLookup; apps?: { id: string; name: string }[]; project?: Partial<Project> } = {}
): FakeInviteApi {
  const batches: BatchSummary[] = []
  const numbers: BatchNumber[] = []
  const hq = { inUse: new Set<string>(), lost: new Set<string>(), offline: false }
  const lookup = opts.lookup ?? { registered: [], invited: [] }
  const apps = opts.apps ?? [
    { id: 'app-1', name: 'Community Health' },
    { id: 'app-2', name: 'Nutrition Survey' }
  ]
  let nextNumberId = 1
  const projects: Project[] = [makeProject(opts.project)]

  const recount = (batch: BatchSummary) => {
    const counts = countsFrom(
      numbers
        .filter((n) => n.batchId === batch.id)
        .map((n) => ({ status: n.status, n: 1, registered: n.registeredWorkerId ? 1 : 0 }))
    )
    batch.counts = counts
    batch.total = countedTotal(counts)
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
      counts: emptyCounts()
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

  /** The progress event the sender would send, a moment after the send. */
  const announce = (batch: BatchSummary) => {
    setTimeout(() => {
      const { id: batchId, state, counts, total } = batch
      core.emit('invite.progress', { batchId, state, counts, total })
    }, 0)
  }

  const sendBatch = (batchId: number) => {
    const batch = batchOf(batchId)
    if (hq.offline) {
      batch.error = 'HQ could not be reached: the computer seems to be offline.'
      recount(batch)
      announce(batch)
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
    announce(batch)
  }

  const handlers: FakeHandlers = {
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

  const core = createFakeCore(handlers, { answerAtOnce: true, copyAnswers: true })
  return { ...core, batches, numbers, projects, hq, lookup }
}
