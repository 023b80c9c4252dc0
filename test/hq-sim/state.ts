import type { Generated, WorkerFactory } from './generate'
import { applyLeniency } from './leniency'
import { deriveSeed, hexId, mulberry32, type Rng } from './prng'
import type { HqWorker, Invitation, SentSms, SimData } from './types'

export interface Plan {
  smsPrivilege: boolean
  registrationEnabled: boolean
}

// The project's live state and every mutation of it. Handlers read from here; the Sim object and
// the shift fault write through here so groups, indexes and caches stay consistent.
export class SimState {
  readonly data: SimData
  readonly invitations = new Map<string, Invitation>()
  readonly invitationHistory: Invitation[] = []
  readonly sms: SentSms[] = []
  readonly plan: Plan = { smsPrivilege: true, registrationEnabled: true }
  readonly revokedUsernames = new Set<string>()
  private readonly factory: WorkerFactory
  private readonly rng: Rng
  private version = 0
  private cache: {
    version: number
    length: number
    archived: number
    active: HqWorker[]
    archivedList: HqWorker[]
    byId: Map<string, HqWorker>
  } | null = null

  constructor(
    generated: Generated,
    seed: number,
    readonly domain: string
  ) {
    this.data = generated.data
    this.factory = generated.factory
    // Mutations draw from their own stream so they never change the generated project.
    this.rng = mulberry32(deriveSeed(seed, 'mutations'))
  }

  private touch(): void {
    this.version++
  }

  // Active/archived partitions are cached per version: paging 100k workers must not re-filter
  // the whole list for every page. The length checks catch direct edits to data.workers.
  private partitions(): { active: HqWorker[]; archivedList: HqWorker[]; byId: Map<string, HqWorker> } {
    const { workers, archivedIds } = this.data
    const c = this.cache
    if (c && c.version === this.version && c.length === workers.length && c.archived === archivedIds.size)
      return c
    const active: HqWorker[] = []
    const archivedList: HqWorker[] = []
    const byId = new Map<string, HqWorker>()
    for (const w of workers) {
      ;(archivedIds.has(w.id) ? archivedList : active).push(w)
      byId.set(w.id, w)
    }
    this.cache = {
      version: this.version,
      length: workers.length,
      archived: archivedIds.size,
      active,
      archivedList,
      byId
    }
    return this.cache
  }

  activeWorkers(): HqWorker[] {
    return this.partitions().active
  }

  archivedWorkers(): HqWorker[] {
    return this.partitions().archivedList
  }

  findWorker(id: string): HqWorker | undefined {
    return this.partitions().byId.get(id) ?? this.data.workers.find((w) => w.id === id)
  }

  private requireWorker(id: string): HqWorker {
    const worker = this.findWorker(id)
    if (!worker) throw new Error(`hq-sim: no worker with id ${id}`)
    return worker
  }

  addWorkers(n: number, at: 'start' | 'end' = 'end'): HqWorker[] {
    const added: HqWorker[] = []
    for (let i = 0; i < n; i++) added.push(this.factory.make(this.rng, this.data.groups))
    this.insert(added, at)
    return added
  }

  // A new account (bulk upload, user/v1 POST): inactive ones are listed only under archived=true.
  addAccount(worker: HqWorker, active: boolean): void {
    if (!active) this.data.archivedIds.add(worker.id)
    this.insert([worker], 'end')
  }

  findByUsername(username: string): HqWorker | undefined {
    const wanted = username.toLowerCase()
    return this.data.workers.find((w) => w.username.toLowerCase() === wanted)
  }

  private insert(added: HqWorker[], at: 'start' | 'end'): void {
    if (at === 'start') this.data.workers.unshift(...added)
    else this.data.workers.push(...added)
    const groupById = new Map(this.data.groups.map((g) => [g.id, g]))
    for (const w of added) for (const gid of w.groups) groupById.get(gid)?.users.push(w.id)
    this.touch()
  }

  // HQ "retire": the worker disappears from every list and its numbers are free again.
  removeWorkers(ids: string[]): void {
    const gone = new Set(ids)
    const workers = this.data.workers
    let write = 0
    for (const w of workers) if (!gone.has(w.id)) workers[write++] = w
    workers.length = write
    for (const id of ids) this.data.archivedIds.delete(id)
    for (const g of this.data.groups) {
      if (g.users.some((u) => gone.has(u))) g.users = g.users.filter((u) => !gone.has(u))
    }
    this.touch()
  }

  // For the shift fault: the first active workers are the ones a pager has already seen,
  // so removing them makes the next page skip workers it has not seen.
  removeFirstActive(n: number): HqWorker[] {
    const victims = this.activeWorkers().slice(0, n)
    this.removeWorkers(victims.map((w) => w.id))
    return victims
  }

  updateWorker(id: string, patch: Partial<HqWorker>): void {
    const worker = this.requireWorker(id)
    const { id: _ignored, ...rest } = patch
    void _ignored
    Object.assign(worker, rest)
    if (patch.phone_numbers && !('default_phone_number' in patch)) {
      worker.default_phone_number = patch.phone_numbers[0] ?? null
    }
    if (patch.groups) {
      const wanted = new Set(patch.groups)
      for (const g of this.data.groups) {
        const member = g.users.includes(id)
        if (wanted.has(g.id) && !member) g.users.push(id)
        if (!wanted.has(g.id) && member) g.users = g.users.filter((u) => u !== id)
      }
    }
    this.touch()
  }

  archiveWorker(id: string): void {
    this.requireWorker(id)
    this.data.archivedIds.add(id)
    this.touch()
  }

  unarchiveWorker(id: string): void {
    this.requireWorker(id)
    this.data.archivedIds.delete(id)
    this.touch()
  }

  // Any number held by a worker of the project, active or archived (HQ's PhoneNumber table).
  numbersInUse(): Set<string> {
    const inUse = new Set<string>()
    for (const w of this.data.workers) for (const p of w.phone_numbers) inUse.add(applyLeniency(p))
    return inUse
  }

  isPending(inv: Invitation, now = Date.now()): boolean {
    return !inv.expired && inv.registeredAt === undefined && Date.parse(inv.expiresAt) >= now
  }

  newToken(): string {
    return hexId(this.rng)
  }

  // The person completed self-registration: a new active worker holding that number.
  registerInvited(count?: number): HqWorker[] {
    const pending = [...this.invitations.values()].filter((inv) => this.isPending(inv))
    const chosen = count === undefined ? pending : pending.slice(0, Math.max(0, count))
    const created: HqWorker[] = []
    for (const inv of chosen) {
      const worker = this.factory.make(this.rng, [], {
        phoneNumbers: [inv.phoneNumber],
        userData: { ...inv.customUserData },
        bare: true
      })
      if (inv.requireEmail && worker.email === '')
        worker.email = `${worker.username.split('@')[0] ?? 'worker'}@example.net`
      inv.registeredAt = new Date().toISOString()
      inv.registeredWorkerId = worker.id
      created.push(worker)
    }
    if (created.length > 0) this.insert(created, 'end')
    return created
  }
}
