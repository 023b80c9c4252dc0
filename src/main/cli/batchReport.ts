/**
 * What `roster invite` and `roster send` print about a batch: its numbers by outcome (the --json
 * shape both commands share), the same in a few lines of text, and how to go on when numbers
 * are still waiting or their outcome is unknown.
 */
import { createsAccounts, type Channel } from '../../shared/channels'
import type { Db } from '../db/open'
import type { ProjectRecord } from '../db/projects'
import { getBatch } from '../invite'
import { channelName } from './inviteChannel'
import type { SkippedRow } from './inviteRows'

/** The --json output of `invite` and `send`: E.164 numbers by outcome, then the channel and the accounts. */
export interface InviteJson {
  batch_id: number
  success_numbers: string[]
  invalid_format_numbers: string[]
  numbers_in_use: string[]
  failed: string[]
  unknown: string[]
  channel: Channel
  /** Channels 2 and 3: HQ took the upload, the account has not appeared yet (a later sync settles it). */
  pending: string[]
  /** Channels 2 and 3: E.164 number -> the account's username (before the @). */
  usernames: Record<string, string>
  /** Rows --skip-errors left out, other than numbers already registered (those are in use). */
  skipped: SkippedRow[]
  /** Never sent, still in the outbox (after Ctrl-C, or when sending stopped): `roster send` sends them. */
  queued: string[]
}

/** Every number of the batch in exactly one list. */
export function batchOutcome(db: Db, batchId: number, channel: Channel, skipped: SkippedRow[]): InviteJson {
  const report: InviteJson = {
    batch_id: batchId,
    success_numbers: [],
    invalid_format_numbers: [],
    numbers_in_use: [],
    failed: [],
    unknown: [],
    channel,
    pending: [],
    usernames: {},
    skipped,
    queued: []
  }
  for (const n of getBatch(db, batchId).numbers) {
    if (n.status === 'success') report.success_numbers.push(n.e164)
    else if (n.status === 'invalid_format') report.invalid_format_numbers.push(n.e164)
    else if (n.status === 'in_use') report.numbers_in_use.push(n.e164)
    // `sending` here is a request another process holds; until it answers, nobody knows.
    else if (n.status === 'unknown' || n.status === 'sending') report.unknown.push(n.e164)
    else if (n.status === 'pending') report.pending.push(n.e164)
    else if (n.status === 'queued') report.queued.push(n.e164)
    // `refused` (HQ did not create the account) and `failed` (given up) alike.
    else report.failed.push(n.e164)
    if (n.username && n.status !== 'in_use') report.usernames[n.e164] = n.username
  }
  return report
}

/** Whether the batch is finished with nothing left to do: the exit code 0 of invite and send. */
export function allSent(r: InviteJson): boolean {
  return r.failed.length === 0 && r.unknown.length === 0 && r.queued.length === 0
}

export function describeOutcome(r: InviteJson, project: ProjectRecord): string {
  const accounts = createsAccounts(r.channel)
  const lines = [
    `Batch ${r.batch_id} for ${project.domain} (${channelName(r.channel)}): ${r.success_numbers.length} ` +
      `${accounts ? 'accounts created' : 'invited'}, ` +
      (accounts ? `${r.pending.length} pending, ` : '') +
      `${r.numbers_in_use.length} already in use, ${r.invalid_format_numbers.length} not accepted by HQ, ` +
      `${r.failed.length} not ${accounts ? 'created' : 'sent'}, ${r.unknown.length} unknown, ` +
      `${r.queued.length} waiting, ${r.skipped.length} skipped.`
  ]
  const list = (label: string, numbers: string[]): void => {
    if (numbers.length === 0) return
    const more = numbers.length > 10 ? ` and ${numbers.length - 10} more` : ''
    lines.push(`${label}: ${numbers.slice(0, 10).join(', ')}${more}`)
  }
  list('In use', r.numbers_in_use)
  list('Not accepted', r.invalid_format_numbers)
  list(accounts ? 'Not created' : 'Not sent', r.failed)
  list('Unknown (HQ may have acted on them; see below before sending them again)', r.unknown)
  list('Waiting in the outbox, never sent', r.queued)
  list('Pending (HQ has not created the account yet; roster sync will tell)', r.pending)
  for (const s of r.skipped.slice(0, 10)) lines.push(`Skipped row ${s.row}: ${s.input} — ${s.reason}`)
  if (r.skipped.length > 10) lines.push(`… and ${r.skipped.length - 10} more skipped rows`)
  return `${lines.join('\n')}\n`
}

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

/**
 * The commands that finish the batch, one line each, or [] when nothing is left: queued numbers
 * are sent by `roster send`, unknown ones wait for `roster resolve` (never re-sent unasked: HQ
 * has no way to tell a repeat, and a second SMS cancels the first link).
 */
export function nextSteps(r: Pick<InviteJson, 'batch_id' | 'queued' | 'unknown'>): string[] {
  const steps: string[] = []
  if (r.unknown.length > 0) {
    steps.push(
      `${count(r.unknown.length, 'number has', 'numbers have')} an unknown outcome (HQ may have invited ` +
        `${r.unknown.length === 1 ? 'it' : 'them'}): check in HQ or after roster sync, then run ` +
        `roster resolve --batch ${r.batch_id} --unknown resend (queues them again; HQ expires any earlier link) ` +
        `or --unknown failed.`
    )
  }
  if (r.queued.length > 0) {
    steps.push(
      `${count(r.queued.length, 'number waits', 'numbers wait')} in the outbox, never sent: ` +
        `roster send --batch ${r.batch_id} sends ${r.queued.length === 1 ? 'it' : 'them'}.`
    )
  }
  return steps
}
