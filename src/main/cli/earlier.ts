/**
 * Why `roster invite` refuses numbers an earlier batch holds, in the command line's words: a
 * number still waiting in the outbox was never sent (send that batch, do not invite again), one
 * whose outcome is unknown needs a decision, and only one HQ took counts as already invited.
 */
import type { Db } from '../db/open'
import { lookupInvitations } from '../invite'

const some = (items: readonly string[], max = 5): string =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

interface Held {
  e164: string
  batchId: number
  date: string
}

/** By batch: "batch 3: +2547…, +2547…". */
function byBatch(held: readonly Held[], withDate: boolean): string {
  const batches = new Map<number, Held[]>()
  for (const h of held) batches.set(h.batchId, [...(batches.get(h.batchId) ?? []), h])
  return [...batches]
    .map(
      ([id, list]) => `batch ${id}${withDate ? ` of ${list[0]!.date}` : ''}: ${some(list.map((h) => h.e164))}`
    )
    .join('; ')
}

/**
 * The refusal for numbers (E.164) that a live invitation of the project holds, naming the
 * command that settles each kind. Null when none of them is held any more.
 */
export function explainEarlier(db: Db, projectId: string, e164s: readonly string[]): string | null {
  const e164ByDigits = new Map(e164s.map((e) => [e.replace(/\D/g, ''), e]))
  const { invited } = lookupInvitations(db, projectId, [...e164ByDigits.keys()])
  const waiting: Held[] = []
  const unknown: Held[] = []
  const sent: Held[] = []
  for (const i of invited) {
    const held = {
      e164: e164ByDigits.get(i.digits) ?? `+${i.digits}`,
      batchId: i.batchId,
      date: i.invitedAt.slice(0, 10)
    }
    if (i.status === 'queued') waiting.push(held)
    else if (i.status === 'unknown' || i.status === 'sending') unknown.push(held)
    else sent.push(held)
  }
  const parts: string[] = []
  if (waiting.length > 0) {
    const batches = [...new Set(waiting.map((w) => w.batchId))]
    parts.push(
      `${count(waiting.length, 'number waits', 'numbers wait')} in the outbox, never sent (${byBatch(waiting, false)}): ` +
        `send ${waiting.length === 1 ? 'it' : 'them'} with ${batches.map((b) => `roster send --batch ${b}`).join(', ')} ` +
        'rather than inviting again, or remove them from the file.'
    )
  }
  if (unknown.length > 0) {
    const batches = [...new Set(unknown.map((u) => u.batchId))]
    parts.push(
      `${count(unknown.length, 'number has', 'numbers have')} an unknown outcome, HQ may have invited ` +
        `${unknown.length === 1 ? 'it' : 'them'} (${byBatch(unknown, false)}): decide with ` +
        `${batches.map((b) => `roster resolve --batch ${b} --unknown resend|failed`).join(', ')}, or remove them from the file.`
    )
  }
  if (sent.length > 0) {
    parts.push(
      `${count(sent.length, 'number was', 'numbers were')} already invited (${byBatch(sent, true)}): ` +
        'add --reinvite to send them a new link (their earlier link stops working), or remove them from the file.'
    )
  }
  return parts.length > 0 ? `${parts.join(' ')} Nothing was sent.` : null
}
