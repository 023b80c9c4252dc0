/**
 * A small in-memory RosterApi for renderer unit tests: just enough of the core's behaviour for
 * the screens to be exercised without a database. Every answer is checked against the contract,
 * so a screen that works against this fake sends the core what it expects.
 */
import { ApiError, type ApiInput } from '../../../shared/api'
import { emptyCounts } from '../../../shared/batchCounts'
import type {
  ConnectionTest,
  Facets,
  Project,
  SyncRun,
  WorkerDetail,
  WorkerRow
} from '../../../shared/domain'
import type { ChannelOffers } from '../../../shared/channels'
import { autoChannel } from '../../../shared/channels'
import type { BatchNumber, BatchSummary, InviteLookup } from '../../../shared/invite'
import { createFakeCore, type FakeCore, type FakeHandlers } from './fakeCore'

export interface FakeWorker extends WorkerRow {
  groupIds: string[]
  locationId: string | null
}

export interface FakeState {
  projects: Project[]
  workers: FakeWorker[]
  groups: { id: string; name: string }[]
  locations: { id: string; name: string; parentId: string | null; type: string | null }[]
  /** The API key projects.test and projects.save accept. */
  goodKey: string
  /** Projects the core refuses to remove: a batch of theirs is not settled. */
  unsettledBatches: string[]
  /** What invite.batches answers, per project. */
  batches: Record<string, BatchSummary[]>
  /** Earlier invitations invite.lookup answers for the numbers asked about (the latest per number). */
  invited: InviteLookup['invited']
  /** What invite.batch answers for a batch's numbers (none by default). */
  numbers: Record<number, BatchNumber[]>
  /** What the server behind projects.test offers (today's HQ by default: no SMS self-registration). */
  offers: ChannelOffers
  /**
   * How invite.reinvite answers: by default a new batch of the chosen numbers (channel 1); a
   * message keeps the batch (HQ re-sent e-mails); an Error is thrown (the core refused).
   */
  reinvite: { message: string } | ApiError | null
}

export interface FakeApi extends FakeCore {
  state: FakeState
  /** Ends the run sync.start began; `silent` records it without the sync.finished event (a lost event). */
  finishSync(
    projectId: string,
    outcome?: SyncRun['outcome'],
    error?: string | null,
    silent?: boolean
  ): SyncRun
  /** The core starting a sync by itself (Sync automatically): the run, and its first progress event. */
  syncByItself(projectId: string): SyncRun
}

export function makeWorker(i: number, patch: Partial<FakeWorker> = {}): FakeWorker {
  const first = ['Amina', 'Baraka', 'Chiara', 'Daudi', 'Esther', 'Faith', 'Grace', 'Hassan'][i % 8]!
  const last = ['Otieno', 'Mwangi', 'Achieng', 'Kamau', 'Njeri', 'Wanjiru'][i % 6]!
  const phone = i % 5 === 4 ? null : `+2547${String(10_000_000 + i).padStart(8, '0')}`
  return {
    id: `w${String(i).padStart(6, '0')}`,
    username: `${first.toLowerCase()}.${i}@demo-project.commcarehq.org`,
    firstName: first,
    lastName: last,
    name: `${first} ${last} ${i}`,
    email: '',
    defaultPhone: phone,
    phones: phone ? [phone] : [],
    groupNames: i % 2 ? ['Team North'] : ['Team South'],
    locationName: i % 3 ? 'Kibera' : 'Nairobi',
    archived: i % 10 === 9,
    pendingConfirmation: false,
    userData: { role: i % 4 ? 'chw' : 'supervisor' },
    groupIds: i % 2 ? ['g-north'] : ['g-south'],
    locationId: i % 3 ? 'loc-kibera' : 'loc-nairobi',
    ...patch
  }
}

export function makeProject(patch: Partial<Project> = {}): Project {
  return {
    id: 'p1',
    server: 'https://www.commcarehq.org',
    domain: 'demo-project',
    username: 'coordinator@example.org',
    label: 'demo-project',
    defaultCountry: 'KE',
    appId: null,
    autoSyncHours: 12,
    channel: 'auto',
    channelProbe: null,
    usernameTemplate: '{first}.{last}',
    hasKey: true,
    lastGoodSync: null,
    lastSync: null,
    ...patch
  }
}

/** A batch summary: by default one that stopped with 3 numbers still queued (HQ was unreachable). */
export function makeBatch(id: number, patch: Partial<BatchSummary> = {}): BatchSummary {
  return {
    id,
    projectId: 'p1',
    createdAt: '2025-03-03T09:00:00.000Z',
    channel: 'sms-registration',
    appId: 'app-1',
    appName: 'Community Health',
    androidOnly: false,
    requireEmail: false,
    message: null,
    locationId: null,
    groupId: null,
    state: 'stopped',
    error: 'HQ could not be reached: the computer seems to be offline.',
    total: 5,
    counts: { ...emptyCounts(), queued: 3, success: 2 },
    ...patch
  }
}

/** A number of a batch, as invite.batch answers it: by default one HQ accepted, not registered yet. */
export function makeNumber(id: number, batchId: number, patch: Partial<BatchNumber> = {}): BatchNumber {
  return {
    id,
    batchId,
    row: id + 1,
    e164: `+2547120000${String(id).padStart(2, '0')}`,
    digits: `2547120000${String(id).padStart(2, '0')}`,
    status: 'success',
    reason: null,
    updatedAt: '2025-03-03T09:00:05.000Z',
    registeredWorkerId: null,
    registeredAt: null,
    customUserData: {},
    username: null,
    email: null,
    ...patch
  }
}

export function syncRun(projectId: string, patch: Partial<SyncRun> = {}): SyncRun {
  return {
    id: 1,
    projectId,
    startedAt: '2025-03-03T09:00:00.000Z',
    endedAt: '2025-03-03T09:00:12.000Z',
    outcome: 'ok',
    workers: 0,
    archived: 0,
    groups: 2,
    locations: 3,
    added: 0,
    updated: 0,
    removed: 0,
    durationMs: 12_000,
    error: null,
    ...patch
  }
}

export function createFakeApi(init: Partial<FakeState> = {}): FakeApi {
  const state: FakeState = {
    projects: init.projects ?? [],
    workers: init.workers ?? [],
    groups: init.groups ?? [
      { id: 'g-north', name: 'Team North' },
      { id: 'g-south', name: 'Team South' }
    ],
    locations: init.locations ?? [
      { id: 'loc-kenya', name: 'Kenya', parentId: null, type: 'country' },
      { id: 'loc-nairobi', name: 'Nairobi', parentId: 'loc-kenya', type: 'county' },
      { id: 'loc-kibera', name: 'Kibera', parentId: 'loc-nairobi', type: 'ward' }
    ],
    goodKey: init.goodKey ?? 'good-key',
    unsettledBatches: init.unsettledBatches ?? [],
    batches: init.batches ?? {},
    invited: init.invited ?? [],
    numbers: init.numbers ?? {},
    offers: init.offers ?? {
      'sms-registration': false,
      'sms-confirmation': true,
      'email-confirmation': true
    },
    reinvite: init.reinvite ?? null
  }
  let nextRunId = 100
  const running = new Map<string, SyncRun>()

  const under = (locationId: string): Set<string> => {
    const ids = new Set([locationId])
    let grew = true
    while (grew) {
      grew = false
      for (const l of state.locations) {
        if (l.parentId && ids.has(l.parentId) && !ids.has(l.id)) {
          ids.add(l.id)
          grew = true
        }
      }
    }
    return ids
  }

  const filtered = (input: ApiInput<'workers.query'>): FakeWorker[] => {
    const status = input.status ?? 'active'
    const text = input.text?.toLowerCase().trim()
    const digits = text?.replace(/\D/g, '')
    const locations = input.locationId ? under(input.locationId) : null
    return state.workers.filter((w) => {
      if (status === 'active' && w.archived) return false
      if (status === 'archived' && !w.archived) return false
      if (input.groupId && !w.groupIds.includes(input.groupId)) return false
      if (locations && (!w.locationId || !locations.has(w.locationId))) return false
      if (input.hasPhone && !w.phones.length) return false
      if (input.field && w.userData[input.field.key] !== input.field.value) return false
      if (text) {
        const inText = w.name.toLowerCase().includes(text) || w.username.toLowerCase().includes(text)
        const local = digits && digits.length >= 3 ? digits.replace(/^0/, '254') : null
        const inPhone = local ? w.phones.some((p) => p.replace(/\D/g, '').includes(local)) : false
        if (!inText && !inPhone) return false
      }
      return true
    })
  }

  const project = (id: string): Project => {
    const found = state.projects.find((p) => p.id === id)
    if (!found) throw new ApiError('not-found', `There is no saved project with id ${id}.`)
    return found
  }

  const startRun = (projectId: string): SyncRun => {
    const run = syncRun(projectId, { id: nextRunId++, outcome: 'running', endedAt: null, durationMs: null })
    running.set(projectId, run)
    const p = project(projectId)
    state.projects = state.projects.map((x) => (x === p ? { ...p, lastSync: run } : x))
    return run
  }

  const handlers: FakeHandlers = {
    'projects.list': () => state.projects,
    'projects.save': (input) => {
      if (input.apiKey !== undefined && input.apiKey !== state.goodKey) {
        throw new ApiError('auth', 'HQ did not accept this username and API key.')
      }
      const id = input.id ?? `p${state.projects.length + 1}`
      const existing = state.projects.find((p) => p.id === id)
      const saved = makeProject({
        ...existing,
        id,
        server: input.server,
        domain: input.domain,
        username: input.username,
        label: input.label ?? input.domain,
        defaultCountry: input.defaultCountry ?? 'KE',
        hasKey: Boolean(input.apiKey) || Boolean(existing?.hasKey)
      })
      state.projects = existing
        ? state.projects.map((p) => (p.id === id ? saved : p))
        : [...state.projects, saved]
      return saved
    },
    'projects.update': ({ projectId, ...patch }) => {
      const updated: Project = { ...project(projectId) }
      if (patch.label !== undefined) updated.label = patch.label
      if (patch.defaultCountry !== undefined) updated.defaultCountry = patch.defaultCountry
      if (patch.appId !== undefined) updated.appId = patch.appId
      if (patch.autoSyncHours !== undefined) updated.autoSyncHours = patch.autoSyncHours
      if (patch.channel !== undefined) updated.channel = patch.channel
      if (patch.usernameTemplate !== undefined) updated.usernameTemplate = patch.usernameTemplate
      state.projects = state.projects.map((p) => (p.id === projectId ? updated : p))
      return updated
    },
    'projects.remove': ({ projectId }) => {
      if (state.unsettledBatches.includes(projectId)) {
        throw new ApiError(
          'busy',
          'Batch 3 of this project still has numbers waiting to be sent or with an unknown outcome. Settle them in History before removing the project.'
        )
      }
      state.projects = state.projects.filter((p) => p.id !== projectId)
      return { ok: true as const }
    },
    'projects.test': (input): ConnectionTest => {
      const key = 'projectId' in input ? state.goodKey : input.apiKey
      if (key !== state.goodKey) {
        const message = 'HQ did not accept this username and API key (HTTP 401). Check the key in HQ.'
        // As the core words it: the channels were not probed, for the same reason.
        const bad = { ok: false, message: `Not checked: ${message}` }
        return {
          ok: false,
          workers: { ok: false, message },
          channels: { 'sms-registration': bad, 'sms-confirmation': bad, 'email-confirmation': bad },
          offers: { 'sms-registration': false, 'sms-confirmation': false, 'email-confirmation': null },
          channel: null,
          message
        }
      }
      const offers = state.offers
      const channel = autoChannel(offers)
      const message = offers['sms-registration']
        ? 'This HQ still has SMS self-registration: Roster will text each number a link to install the app and register.'
        : 'This HQ no longer has SMS self-registration (retired in 2020). Roster will create the accounts and HQ will text each worker a link to confirm.'
      // The core keeps what a test of a saved project found, as its channel probe.
      if ('projectId' in input) {
        const probe = { offers, message, probedAt: '2025-03-03T09:00:00.000Z' }
        state.projects = state.projects.map((p) =>
          p.id === input.projectId ? { ...p, channelProbe: probe } : p
        )
      }
      return {
        ok: true,
        workers: { ok: true, message: 'Roster can read the mobile worker list.' },
        channels: {
          'sms-registration': offers['sms-registration']
            ? { ok: true, message: 'Roster can send SMS registration invitations.' }
            : { ok: false, message: 'This server has no SMS self-registration (HTTP 404).' },
          'sms-confirmation': offers['sms-confirmation']
            ? { ok: true, message: 'HQ takes bulk uploads that text each new worker a confirmation link.' }
            : { ok: false, message: 'This server has no bulk upload API.' },
          'email-confirmation':
            offers['email-confirmation'] === true
              ? { ok: true, message: 'HQ can e-mail each new worker a confirmation link.' }
              : { ok: false, message: 'This project’s plan does not allow accounts confirmed by e-mail.' }
        },
        offers,
        channel,
        message
      }
    },
    'sync.start': ({ projectId }) => ({ runId: startRun(projectId).id }),
    'sync.cancel': ({ projectId }) => {
      queueMicrotask(() => api.finishSync(projectId, 'cancelled'))
      return { ok: true as const }
    },
    'sync.runs': ({ projectId }) => {
      const p = project(projectId)
      return p.lastSync ? [p.lastSync] : []
    },
    'workers.query': (input) => {
      const rows = filtered(input)
      const sort = input.sort ?? 'name'
      // Empty values sort last ('~' after every letter), as the core puts them.
      const key = (w: FakeWorker): string =>
        sort.startsWith('data:')
          ? w.userData[sort.slice(5)] || '~'
          : sort === 'groups'
            ? [...w.groupNames].sort().join(', ') || '~'
            : sort === 'username'
              ? w.username
              : sort === 'phone'
                ? (w.defaultPhone ?? '~')
                : sort === 'location'
                  ? (w.locationName ?? '~')
                  : sort === 'status'
                    ? String(Number(w.archived))
                    : w.name
      rows.sort((a, b) => key(a).localeCompare(key(b)) || a.id.localeCompare(b.id))
      if (input.dir === 'desc') rows.reverse()
      const offset = input.offset ?? 0
      const limit = input.limit ?? 100
      return { total: rows.length, offset, rows: rows.slice(offset, offset + limit).map(toRow) }
    },
    'workers.get': ({ id, projectId }): WorkerDetail | null => {
      const w = state.workers.find((x) => x.id === id)
      if (!w) return null
      const p = project(projectId)
      const path = (locationId: string): string[] => {
        const out: string[] = []
        let at = state.locations.find((l) => l.id === locationId)
        while (at) {
          out.unshift(at.name)
          const parentId: string | null = at.parentId
          at = parentId ? state.locations.find((l) => l.id === parentId) : undefined
        }
        return out
      }
      return {
        ...toRow(w),
        groups: w.groupIds.map((gid) => ({
          id: gid,
          name: state.groups.find((g) => g.id === gid)?.name ?? gid
        })),
        locations: w.locationId
          ? [{ id: w.locationId, name: w.locationName ?? w.locationId, path: path(w.locationId) }]
          : [],
        primaryLocationId: w.locationId,
        systemData: { commcare_project: p.domain },
        raw: {
          id: w.id,
          username: w.username,
          first_name: w.firstName,
          phone_numbers: w.phones,
          eulas: null
        },
        hqUrl: `${p.server}/a/${p.domain}/settings/users/commcare/account/${w.id}/`,
        caseListUrl: `${p.server}/a/${p.domain}/reports/case_list/?emw=u__${w.id}`
      }
    },
    'workers.facets': (): Facets => ({
      groups: state.groups.map((g) => ({
        ...g,
        count: state.workers.filter((w) => w.groupIds.includes(g.id)).length
      })),
      locations: state.locations.map((l) => ({
        ...l,
        count: state.workers.filter((w) => w.locationId === l.id).length
      })),
      customFieldKeys: [...new Set(state.workers.flatMap((w) => Object.keys(w.userData)))].sort(),
      counts: {
        active: state.workers.filter((w) => !w.archived).length,
        archived: state.workers.filter((w) => w.archived).length,
        invited: state.workers.filter((w) => w.archived && w.pendingConfirmation).length
      }
    }),
    'workers.exportCsv': (input) => {
      const rows = filtered({ ...input })
      const csv = ['name,username', ...rows.map((w) => `${w.name},${w.username}`)].join('\n')
      return { filename: 'demo-project-workers.csv', csv, rows: rows.length }
    },
    'apps.list': () => [{ id: 'app-1', name: 'Community Health' }],
    'invite.lookup': ({ digits }) => {
      const wanted = new Set(digits)
      return {
        registered: [],
        invited: state.invited.filter((i) => wanted.has(i.digits)),
        takenUsernames: []
      }
    },
    'invite.batches': ({ projectId }) => state.batches[projectId] ?? [],
    'invite.send': ({ batchId }) => {
      for (const list of Object.values(state.batches)) {
        for (const b of list) {
          if (b.id !== batchId) continue
          b.counts = { ...b.counts, success: b.counts.success + b.counts.queued, queued: 0 }
          b.state = 'done'
          b.error = null
        }
      }
      return { ok: true as const }
    },
    'invite.batch': (input) => {
      const { batchId } = input
      const batch = Object.values(state.batches)
        .flat()
        .find((b) => b.id === batchId)
      if (!batch) throw new ApiError('unknown-batch', `There is no invitation batch number ${batchId}.`)
      const all = state.numbers[batchId] ?? []
      const numbers = all.filter(
        (n) =>
          (!input.status || n.status === input.status) &&
          (input.registered === undefined || Boolean(n.registeredAt) === input.registered)
      )
      return { batch, numbers }
    },
    'invite.reinvite': ({ batchId, numberIds }) => {
      const answer = state.reinvite
      if (answer instanceof ApiError) throw answer
      if (answer) return { batchId, message: answer.message }
      const from = Object.values(state.batches)
        .flat()
        .find((b) => b.id === batchId)
      if (!from) throw new ApiError('unknown-batch', `There is no invitation batch number ${batchId}.`)
      const id =
        Math.max(
          ...Object.values(state.batches)
            .flat()
            .map((b) => b.id)
        ) + 1
      const created = makeBatch(id, {
        ...from,
        id,
        state: 'queued',
        error: null,
        total: numberIds.length,
        counts: { ...emptyCounts(), queued: numberIds.length }
      })
      state.batches[from.projectId] = [created, ...(state.batches[from.projectId] ?? [])]
      return { batchId: id }
    },
    'app.openExternal': () => ({ ok: true as const }),
    'app.status': () => ({ connectivity: [], syncs: [] }),
    'app.info': () => ({ version: '0.1.0-test', transport: 'loopback' as const })
  }

  const core = createFakeCore(handlers)
  const api: FakeApi = {
    ...core,
    state,
    finishSync(projectId, outcome = 'ok', error = null, silent = false) {
      const run = running.get(projectId) ?? syncRun(projectId, { id: nextRunId++ })
      running.delete(projectId)
      const done: SyncRun = {
        ...run,
        outcome,
        error,
        endedAt: '2025-03-03T09:00:12.000Z',
        durationMs: 12_000,
        workers: state.workers.filter((w) => !w.archived).length,
        archived: state.workers.filter((w) => w.archived).length
      }
      state.projects = state.projects.map((p) =>
        p.id === projectId
          ? { ...p, lastSync: done, lastGoodSync: outcome === 'ok' ? done : p.lastGoodSync }
          : p
      )
      if (!silent) core.emit('sync.finished', done)
      return done
    },
    syncByItself(projectId) {
      const run = startRun(projectId)
      core.emit('sync.progress', {
        projectId,
        runId: run.id,
        phase: 'groups',
        done: 0,
        total: null,
        ratePerSec: null,
        etaSeconds: null
      })
      return run
    }
  }
  return api
}

function toRow(w: FakeWorker): WorkerRow {
  return {
    id: w.id,
    username: w.username,
    firstName: w.firstName,
    lastName: w.lastName,
    name: w.name,
    email: w.email,
    defaultPhone: w.defaultPhone,
    phones: w.phones,
    groupNames: w.groupNames,
    locationName: w.locationName,
    archived: w.archived,
    pendingConfirmation: w.pendingConfirmation,
    userData: w.userData
  }
}
