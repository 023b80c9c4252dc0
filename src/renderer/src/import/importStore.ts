/**
 * The import side of the Invite screen as a small store, one per project, that outlives the
 * screen: a coordinator who opens a list, looks something up on the Workers screen and comes back
 * finds the list (and a file still being read) where it was.
 *
 * It owns the worker client, the grid state and the conversation between them. Every change the
 * grid makes to cell values is forwarded to the worker in order; verdicts come back as `checks`.
 * Numbers never looked up (new ones typed in) are checked against the core's registered and
 * invited lists before their verdict is final.
 */
import type { RosterApi } from '../../../shared/api'
import type { AccountsContext } from '../../../shared/import'
import type { ColumnMapping } from '../../../shared/import/mapping'
import type { InviteLookup } from '../../../shared/invite'
import { i18n } from '../i18n'
import { rememberedMapping, rememberMapping } from '../screens/invite/memory'
import {
  emptyGrid,
  gridReducer,
  type AccountKey,
  type GridAction,
  type GridState,
  type Patch
} from '../screens/invite/gridState'
import type { SendPhase } from '../screens/invite/useSend'
import type { ImportClient } from './client'
import type { Progress, ReadOptions, SourceInfo } from './protocol'

export interface Busy {
  label: string
  progress: Progress | null
}

export interface ImportSnapshot {
  source: SourceInfo | null
  mapping: ColumnMapping | null
  grid: GridState
  busy: Busy | null
  /** Why the last step failed, for the coordinator. */
  error: string | null
  /** Set when registered/invited numbers could not be checked: sending still works, the core re-checks. */
  lookupWarning: string | null
  country: string
}

const EMPTY_LOOKUP: InviteLookup = { registered: [], invited: [], takenUsernames: [] }
/** invite.lookup accepts up to 200,000 numbers per call. */
const LOOKUP_SLICE = 200_000

/**
 * The store is no component: its words come from the i18n instance, in the language shown when
 * they are set. (What the engine or the core says inside them stays as they say it.)
 */
const t = i18n.getFixedT(null, 'invite')

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** What the send half of the screen leaves here so a batch on screen survives a visit elsewhere. */
export interface KeptSend {
  phase: SendPhase
  sentIds: number[]
  error: string | null
}

/**
 * Channels 2 and 3 create accounts: each row needs a username (made from `template` when the row
 * has none) unique in the list and the project, and channel 3 an e-mail address.
 */
export type AccountSettings = AccountsContext & { template: string }

export class ImportStore {
  /** Not reactive: read once when the Invite screen mounts again. */
  keptSend: KeptSend | null = null
  /** null: the channel creates no accounts (SMS self-registration). */
  private accounts: AccountSettings | null = null
  /** Account columns the current list's mapping gives (username, names, e-mail). */
  private mappedAccountKeys: AccountKey[] = []
  private state: ImportSnapshot
  private listeners = new Set<() => void>()
  /** Answers that belong to an earlier list (a file replaced mid-check) are dropped. */
  private generation = 0

  constructor(
    private readonly api: RosterApi,
    private readonly projectId: string,
    defaultCountry: string,
    readonly client: ImportClient
  ) {
    this.state = {
      source: null,
      mapping: null,
      grid: emptyGrid(),
      busy: null,
      error: null,
      lookupWarning: null,
      country: defaultCountry
    }
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): ImportSnapshot => this.state

  private set(patch: Partial<ImportSnapshot>): void {
    this.state = { ...this.state, ...patch }
    for (const listener of [...this.listeners]) listener()
  }

  private apply(action: GridAction): GridState {
    const grid = gridReducer(this.state.grid, action)
    this.set({ grid })
    return grid
  }

  /** Grid actions from the screen; value changes are forwarded to the worker, in order. */
  dispatch = (action: GridAction): void => {
    const before = this.state.grid
    const next = this.apply(action)
    if (next.patchSeq !== before.patchSeq && next.patch) this.forward(next.patch)
  }

  private forward(patch: Patch): void {
    const gen = this.generation
    void this.client
      .request({ op: 'update', upsert: patch.upsert, remove: patch.remove })
      .then(async (result) => {
        if (gen !== this.generation) return
        this.apply({ type: 'checks', checks: result.checks })
        await this.lookUpAndApply(result.needLookup, gen, false, result.needUsernames)
      })
      .catch((e: unknown) => {
        if (gen === this.generation) this.set({ error: t('import.editedNotChecked', { error: message(e) }) })
      })
  }

  private async lookup(digits: string[], usernames: string[]): Promise<InviteLookup> {
    const out: InviteLookup = { registered: [], invited: [], takenUsernames: [] }
    const calls = Math.max(
      Math.ceil(digits.length / LOOKUP_SLICE),
      Math.ceil(usernames.length / LOOKUP_SLICE)
    )
    for (let i = 0; i < calls * LOOKUP_SLICE; i += LOOKUP_SLICE) {
      const names = usernames.slice(i, i + LOOKUP_SLICE)
      const part = await this.api.call('invite.lookup', {
        projectId: this.projectId,
        digits: digits.slice(i, i + LOOKUP_SLICE),
        ...(names.length ? { usernames: names } : {})
      })
      out.registered.push(...part.registered)
      out.invited.push(...part.invited)
      out.takenUsernames.push(...part.takenUsernames)
    }
    return out
  }

  private async lookUpAndApply(
    digits: string[],
    gen: number,
    initial: boolean,
    usernames: string[] = []
  ): Promise<void> {
    if (!initial && digits.length === 0 && usernames.length === 0) return
    let answer = EMPTY_LOOKUP
    if (digits.length > 0 || usernames.length > 0) {
      try {
        answer = await this.lookup(digits, usernames)
      } catch (e) {
        if (gen === this.generation) {
          this.set({
            lookupWarning: t('import.lookupFailed', { error: message(e) })
          })
        }
      }
    }
    if (gen !== this.generation) return
    const result = await this.client.request({ op: 'lookups', lookup: answer })
    if (gen !== this.generation) return
    this.apply({ type: 'checks', checks: result.checks, replace: initial })
  }

  /** Runs one step of the import with a busy label; a newer step makes its answers moot. */
  private async run<T>(
    label: string,
    step: (gen: number, onProgress: (p: Progress) => void) => Promise<T>
  ): Promise<T | undefined> {
    const gen = ++this.generation
    this.set({ error: null, busy: { label, progress: null } })
    try {
      return await step(gen, (progress) => {
        if (gen === this.generation) this.set({ busy: { label, progress } })
      })
    } catch (e) {
      if (gen === this.generation) this.set({ error: message(e) })
      return undefined
    } finally {
      if (gen === this.generation) this.set({ busy: null })
    }
  }

  /** The account columns to show: a username for every account, and what the list gives. */
  private accountKeys(): AccountKey[] {
    if (!this.accounts) return []
    return ['username', ...this.mappedAccountKeys.filter((k) => k !== 'username')]
  }

  /**
   * The channel changed: channels 2 and 3 (`settings`) show and check usernames, channel 1
   * (null) does not. Rows and edits stay.
   */
  setAccounts = async (settings: AccountSettings | null): Promise<void> => {
    if (JSON.stringify(settings) === JSON.stringify(this.accounts)) return
    this.accounts = settings
    this.apply({ type: 'accountColumns', keys: this.accountKeys() })
    const gen = this.generation
    try {
      const result = await this.client.request({ op: 'accounts', accounts: settings })
      if (gen !== this.generation || result.checks.length === 0) return
      this.apply({ type: 'checks', checks: result.checks, replace: true })
      await this.lookUpAndApply([], gen, false, result.needUsernames)
    } catch (e) {
      if (gen === this.generation) this.set({ error: t('import.recheckFailed', { error: message(e) }) })
    }
  }

  private async loadRows(mapping: ColumnMapping): Promise<void> {
    await this.run(t('import.busy.readingNumbers'), async (gen, onProgress) => {
      const result = await this.client.request(
        { op: 'rows', mapping, country: this.state.country },
        onProgress
      )
      if (gen !== this.generation) return
      this.set({ lookupWarning: null })
      this.mappedAccountKeys = result.accountKeys ?? []
      this.apply({
        type: 'load',
        rows: result.rows,
        fieldKeys: result.fieldKeys,
        accountKeys: this.accountKeys()
      })
      this.set({
        busy: { label: t('import.busy.lookingUp'), progress: null }
      })
      await this.lookUpAndApply(result.digits, gen, true, result.usernames)
    })
  }

  private async opened(info: SourceInfo | undefined, keepMapping: boolean): Promise<void> {
    if (!info) return
    const current = this.state.mapping
    const sameColumns = keepMapping && current !== null && current.fields.length + 1 >= info.headers.length
    // A list with the same column titles as one mapped before gets that mapping again.
    const remembered = info.hasHeader ? rememberedMapping(this.projectId, info.headers) : null
    const mapping = sameColumns && current ? current : (remembered ?? info.mapping)
    this.set({ source: info, mapping })
    if (mapping.phone < 0) {
      this.apply({ type: 'load', rows: [], fieldKeys: [] })
      this.set({ error: t('import.noPhoneColumn') })
      return
    }
    await this.loadRows(mapping)
  }

  openFile = async (file: File): Promise<void> => {
    const info = await this.run(
      t('import.busy.readingFile', { name: file.name }),
      async (_gen, onProgress) => {
        const data = await file.arrayBuffer()
        return this.client.request({ op: 'openFile', name: file.name, data }, onProgress)
      }
    )
    await this.opened(info, false)
  }

  openText = async (text: string): Promise<void> => {
    const info = await this.run(t('import.busy.readingPaste'), (_gen, onProgress) =>
      this.client.request({ op: 'openText', text }, onProgress)
    )
    await this.opened(info, false)
  }

  reread = async (options: ReadOptions): Promise<void> => {
    const before = this.state.source
    const info = await this.run(t('import.busy.rereading'), (_gen, onProgress) =>
      this.client.request({ op: 'reread', options }, onProgress)
    )
    // A different encoding or delimiter keeps the columns; a header or sheet change may not.
    const keep =
      info !== undefined &&
      before !== null &&
      info.headers.length === before.headers.length &&
      options.sheet === undefined &&
      options.hasHeader === undefined
    await this.opened(info, keep)
  }

  applyMapping = async (mapping: ColumnMapping): Promise<void> => {
    this.set({ mapping })
    const source = this.state.source
    if (source?.hasHeader) rememberMapping(this.projectId, source.headers, mapping)
    if (mapping.phone < 0) return
    await this.loadRows(mapping)
  }

  /** Reads every number again as a number of another country (rows and edits are kept). */
  setCountry = async (country: string): Promise<void> => {
    this.set({ country })
    const { rows, fieldKeys } = this.state.grid
    await this.run(t('import.busy.recheckingNumbers'), async (gen, onProgress) => {
      const result = await this.client.request({ op: 'start', rows, country }, onProgress)
      if (gen !== this.generation) return
      this.apply({ type: 'load', rows: result.rows, fieldKeys })
      await this.lookUpAndApply(result.digits, gen, true, result.usernames)
    })
  }

  startBlank = async (): Promise<void> => {
    this.set({ source: null, mapping: null })
    await this.run(t('import.busy.preparing'), async (gen) => {
      await this.client.request({ op: 'start', rows: [], country: this.state.country })
      if (gen !== this.generation) return
      this.apply({ type: 'load', rows: [], fieldKeys: [] })
      await this.lookUpAndApply([], gen, true)
      this.dispatch({ type: 'addRow' })
    })
  }

  reset = (): void => {
    this.generation++
    this.keptSend = null
    this.set({ source: null, mapping: null, busy: null, error: null, lookupWarning: null, grid: emptyGrid() })
  }

  clearError = (): void => this.set({ error: null })

  dispose(): void {
    this.generation++
    this.listeners.clear()
    this.client.dispose()
  }
}
