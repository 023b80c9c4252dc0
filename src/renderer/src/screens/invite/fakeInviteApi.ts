/**
 * A small in-memory RosterApi for the Invite and History tests: an outbox with batches and
 * numbers, and a pretend HQ that answers each number by a rule. Answers are checked against the
 * API contract, so the screens are tested against the shapes the core really sends.
 */
import { ApiError, type ApiInput } from '../../../../shared/api'
import { countedTotal, countsFrom, emptyCounts } from '../../../../shared/batchCounts'
import type { ChannelProbe } from '../../../../shared/channels'
import type { Facets, Project } from '../../../../shared/domain'
import type { BatchNumber, BatchSummary, InviteLookup, NumberStatus } from '../../../../shared/invite'
import { makeProject } from '../../test/fakeApi'
import { createFakeCore, type FakeCore, type FakeHandlers } from '../../test/fakeCore'

export interface FakeInviteApi extends FakeCore {
  batches: BatchSummary[]
  numbers: BatchNumber[]
  /** The saved projects, as projects.update leaves them. */
  projects: Project[]
  /**
   * Digits HQ says are in use, digits whose answer gets lost (unknown), usernames HQ refuses
   * (channels 2 and 3), and whether uploaded accounts stay pending (channel 2, HQ still working).
   */
  hq: { inUse: Set<string>; lost: Set<string>; offline: boolean; refuse: Set<string>; slow: boolean }
  lookup: InviteLookup
}

/** A saved project as the Invite screen gets it, with the channel fields of issue 9. */
export function inviteProject(patch: Partial<Project> = {}): Project {
  return {
    ...makeProject(),
    channel: 'auto',
    channelProbe: null,
    usernameTemplate: '{first}.{last}',
    ...patch
  }
}

/** What Test connection stores for an HQ from before late 2020 (SMS self-registration). */
export const PROBE_2019: ChannelProbe = {
  offers: { 'sms-registration': true, 'sms-confirmation': false, 'email-confirmation': false },
  message: 'This HQ has SMS self-registration: HQ texts each number a link to register.',
  probedAt: '2025-03-01T08:00:00.000Z'
}

/** What Test connection stores for today's HQ: no self-registration, accounts by upload or e-mail. */
export const PROBE_2026: ChannelProbe = {
  offers: { 'sms-registration': false, 'sms-confirmation': true, 'email-confirmation': true },
  message:
    'This HQ no longer has SMS self-registration (retired in 2020). Roster will create the accounts and HQ will text each worker a link to confirm.',
  probedAt: '2026-03-01T08:00:00.000Z'
}

/** Groups and locations of the synced roster, for the per-batch pickers of channels 2 and 3. */
export const FACETS: Facets = {
  groups: [
    { id: 'g-north', name: 'North team', count: 12 },
    { id: 'g-south', name: 'South team', count: 8 }
  ],
  locations: [
    { id: 'l-ke', name: 'Kenya', parentId: null, type: 'country', count: 0 },
    { id: 'l-kis', name: 'Kisumu', parentId: 'l-ke', type: 'district', count: 9 }
  ],
  customFieldKeys: [],
  counts: { active: 20, archived: 2 }
}

const NOW = '2025-03-03T09:00:00.000Z'

const REASONS: Partial<Record<NumberStatus, string>> = {
  unknown: 'The connection broke after the request left.',
  in_use: 'HQ says this number belongs to another contact.',
  refused: 'HQ did not create the account: the username is already taken.',
  pending: 'HQ has the upload; the account has not appeared yet.'
}

export function createFakeInviteApi(
  opts: {
    lookup?: Partial<InviteLookup>
    apps?: { id: string; name: string }[]
    project?: Partial<Project>
    /** What Test connection finds when the screen asks (null: the test fails). */
    probe?: ChannelProbe | null
  } = {}
): FakeInviteApi {
  const batches: BatchSummary[] = []
  const numbers: BatchNumber[] = []
  const hq = {
    inUse: new Set<string>(),
    lost: new Set<string>(),
    offline: false,
    refuse: new Set<string>(),
    slow: false
  }
  const lookup: InviteLookup = {
    registered: opts.lookup?.registered ?? [],
    invited: opts.lookup?.invited ?? [],
    takenUsernames: opts.lookup?.takenUsernames ?? []
  }
  const apps = opts.apps ?? [
    { id: 'app-1', name: 'Community Health' },
    { id: 'app-2', name: 'Nutrition Survey' }
  ]
  let nextNumberId = 1
  const projects: Project[] = [inviteProject({ channelProbe: PROBE_2019, ...opts.project })]

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
      channel: input.options.channel ?? 'sms-registration',
      appId: input.options.appId ?? '',
      appName: app?.name ?? null,
      androidOnly: input.options.androidOnly ?? false,
      requireEmail: input.options.requireEmail ?? false,
      message: input.options.message ?? null,
      locationId: input.options.locationId ?? null,
      groupId: input.options.groupId ?? null,
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
        customUserData: row.customUserData ?? {},
        username: row.username ?? null,
        email: row.email ?? null
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
          : n.username !== null && hq.refuse.has(n.username)
            ? 'refused'
            : batch.channel === 'sms-confirmation' && hq.slow
              ? 'pending'
              : 'success'
      n.status = status
      n.reason = REASONS[status] ?? null
    }
    recount(batch)
    announce(batch)
  }

  const handlers: FakeHandlers = {
    'apps.list': () => apps,
    'projects.list': () => projects,
    'projects.test': ({ ...input }) => {
      const probe = opts.probe === undefined ? PROBE_2026 : opts.probe
      if (!probe) throw new ApiError('network', 'HQ could not be reached.')
      const index = 'projectId' in input ? projects.findIndex((p) => p.id === input.projectId) : -1
      if (index !== -1) projects[index] = { ...projects[index]!, channelProbe: probe }
      const ok = { ok: true, message: 'ok' }
      return {
        ok: true,
        workers: ok,
        channels: { 'sms-registration': ok, 'sms-confirmation': ok, 'email-confirmation': ok },
        offers: probe.offers,
        channel: null,
        message: probe.message
      }
    },
    'projects.update': ({ projectId, ...patch }) => {
      const index = projects.findIndex((p) => p.id === projectId)
      if (index === -1) throw new ApiError('not-found', `There is no saved project with id ${projectId}.`)
      const updated: Project = { ...projects[index]! }
      if (patch.label !== undefined) updated.label = patch.label
      if (patch.defaultCountry !== undefined) updated.defaultCountry = patch.defaultCountry
      if (patch.appId !== undefined) updated.appId = patch.appId
      if (patch.channel !== undefined) updated.channel = patch.channel
      if (patch.usernameTemplate !== undefined) updated.usernameTemplate = patch.usernameTemplate
      projects[index] = updated
      return updated
    },
    'workers.facets': () => FACETS,
    'invite.lookup': ({ digits, usernames }) => {
      const wanted = new Set(digits)
      // As the core answers: a taken name, and the taken "<name><digits>" forms of each asked name.
      const asked = (usernames ?? []).map((u) => u.toLowerCase())
      const takenUsernames = lookup.takenUsernames.filter((t) =>
        asked.some((a) => t === a || (t.startsWith(a) && /^\d+$/.test(t.slice(a.length))))
      )
      return {
        registered: lookup.registered.filter((r) => wanted.has(r.digits)),
        invited: lookup.invited.filter((r) => wanted.has(r.digits)),
        takenUsernames
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
            channel: from.channel,
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
