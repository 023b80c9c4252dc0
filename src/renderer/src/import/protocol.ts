/**
 * Messages between the screen and the import worker. The worker owns the source (file bytes or
 * pasted text, so it can re-read with another encoding, delimiter, header choice or sheet) and
 * the ValidationIndex (so an edit re-checks only the rows it touches).
 */
import type { AccountsContext, ColumnMapping, Delimiter, ParseIssue } from '../../../shared/import'
import type { InviteLookup } from '../../../shared/invite'
import type { AccountKey, GridRow, RowCheck } from '../screens/invite/gridState'

export interface ReadOptions {
  /** TextDecoder label; detected when absent. */
  encoding?: string
  delimiter?: Delimiter
  hasHeader?: boolean
  sheet?: string
}

/** What the source panel shows and lets the coordinator correct. */
export interface SourceInfo {
  kind: 'delimited' | 'sheet' | 'paste'
  name: string
  bytes?: number
  encoding?: string
  encodingConfidence?: number
  encodingSource?: 'bom' | 'detected' | 'chosen'
  /** The file starts with a byte-order mark (whatever encoding is chosen now). */
  bom?: boolean
  delimiter?: Delimiter
  /** Encodings the coordinator can choose from (sent by the worker, which owns the decoders). */
  encodingChoices?: { encoding: string; label: string }[]
  sheet?: string
  sheets?: string[]
  hasHeader: boolean
  headers: string[]
  /** The first data rows, for the mapping panel. */
  preview: string[][]
  rowCount: number
  errors: ParseIssue[]
  /** The default (or remembered) mapping for these headers. */
  mapping: ColumnMapping
}

export type Progress = { phase: 'reading' | 'checking'; done: number; total: number | null }

export type Request =
  | { op: 'openFile'; name: string; data: ArrayBuffer; options?: ReadOptions }
  | { op: 'openText'; text: string; options?: ReadOptions }
  | { op: 'reread'; options: ReadOptions }
  /** Builds grid rows from the source with this mapping and reads every number. */
  | { op: 'rows'; mapping: ColumnMapping; country?: string; mappingOnly?: boolean }
  /** Starts from rows already in the grid (typed by hand, or kept after a country change). */
  | { op: 'start'; rows: GridRow[]; country?: string }
  /** Registered and invited numbers from the core; answers with every row's verdict. */
  | { op: 'lookups'; lookup: InviteLookup }
  | { op: 'update'; upsert: GridRow[]; remove: number[] }
  /**
   * Channels 2 and 3 check accounts (usernames unique in the list and the project, e-mail for
   * channel 3); null: channel 1, which does not. Answers with every row's verdict.
   */
  | { op: 'accounts'; accounts: AccountsContext | null }

export interface RowsResult {
  rows: GridRow[]
  fieldKeys: string[]
  /** Account columns the mapping gives (channels 2 and 3), in ACCOUNT_KEYS order. */
  accountKeys?: AccountKey[]
  /** Digits of every valid number: what to ask the core about. */
  digits: string[]
  /** Usernames (and stems of their numbered forms) to ask the core about (channels 2 and 3). */
  usernames: string[]
}

export interface ChecksResult {
  checks: [number, RowCheck][]
  /** Digits not yet looked up (typed in an edit): ask the core and send 'lookups'. */
  needLookup: string[]
  /** Usernames not yet looked up: ask the core (invite.lookup `usernames`) and send 'lookups'. */
  needUsernames: string[]
}

export type ResultOf<R extends Request> = R extends { op: 'openFile' | 'openText' | 'reread' }
  ? SourceInfo
  : R extends { op: 'rows' | 'start' }
    ? RowsResult
    : ChecksResult

export type FromWorker =
  /** `parted`: array fields of the result sent ahead in 'part' messages, to be put back in order. */
  | { type: 'result'; id: number; result: unknown; parted?: string[] }
  /**
   * A slice of one array field of the coming result. A 100,000-row answer arrives as many small
   * messages: each is unpacked in a short task of its own, so the page keeps drawing and
   * answering clicks instead of freezing while one huge message is copied in.
   */
  | { type: 'part'; id: number; field: string; items: unknown[] }
  | { type: 'error'; id: number; message: string }
  | { type: 'progress'; id: number; progress: Progress }

/** Items per 'part' message. */
export const PART_SIZE = 5000

/** Splits a result's long array fields into parts; `send` gets the parts first, then the rest. */
export function splitResult(id: number, result: unknown, send: (message: FromWorker) => void): void {
  if (!result || typeof result !== 'object' || Array.isArray(result)) {
    send({ type: 'result', id, result })
    return
  }
  const rest: Record<string, unknown> = { ...(result as Record<string, unknown>) }
  const parted: string[] = []
  for (const [field, value] of Object.entries(rest)) {
    if (!Array.isArray(value) || value.length <= PART_SIZE) continue
    for (let i = 0; i < value.length; i += PART_SIZE) {
      send({ type: 'part', id, field, items: value.slice(i, i + PART_SIZE) })
    }
    rest[field] = []
    parted.push(field)
  }
  send(parted.length ? { type: 'result', id, result: rest, parted } : { type: 'result', id, result: rest })
}

export type ToWorker = { id: number; request: Request }
