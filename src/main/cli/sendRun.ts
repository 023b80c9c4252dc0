/**
 * Sending a batch that is in the outbox, and saying how it went: the part `roster invite` and
 * `roster send` share. What was not sent stays queued (for `roster send`), what may have reached
 * HQ stays unknown (for `roster resolve`), and the last lines on stderr say which command is next.
 */
import type { Channel } from '../../shared/channels'
import type { Db } from '../db/open'
import type { ProjectRecord } from '../db/projects'
import type { HqClient } from '../hq/client'
import { inviteClientOf, sendBatch } from '../invite'
import { allSent, batchOutcome, describeOutcome, nextSteps, type InviteJson } from './batchReport'
import { EXIT, type CliIo } from './io'
import { probeAndStore } from './inviteChannel'
import type { SkippedRow } from './inviteRows'
import { onSigint, watchInterrupt, type OnInterrupt } from './interrupt'

export interface SendRun {
  command: 'invite' | 'send'
  db: Db
  batchId: number
  hq: HqClient
  project: ProjectRecord
  channel: Channel
  skipped: SkippedRow[]
  json: boolean
  /** Channel 2: how long to wait for HQ to create the accounts. */
  waitSeconds: number
  io: CliIo & { onInterrupt?: OnInterrupt }
}

/** Sends the batch's queued numbers, prints the outcome and returns the exit code (0: all sent). */
export async function sendAndReport(run: SendRun): Promise<number> {
  const { db, batchId, io, command } = run
  const say = (line: string): void => io.stderr(`roster ${command}: ${line}\n`)
  const showProgress = io.isTTY && !run.json
  const watch = watchInterrupt(inviteClientOf(run.hq), io.onInterrupt ?? onSigint, (line) => {
    if (showProgress) io.stderr('\n')
    say(line)
  })
  let result: Awaited<ReturnType<typeof sendBatch>>
  try {
    result = await sendBatch({
      db,
      batchId,
      client: watch.client,
      signal: watch.signal,
      waitForAccountsMs: run.channel === 'sms-confirmation' ? run.waitSeconds * 1000 : 0,
      onProgress: showProgress
        ? (p) => io.stderr(`\rSending: ${p.total - p.counts.queued - p.counts.sending}/${p.total}`)
        : undefined,
      log: say
    })
  } finally {
    watch.dispose()
  }
  if (showProgress) io.stderr('\n')
  // HQ no longer has the channel's endpoint (SMS self-registration retired, say): what the server
  // offers now is stored, so the next `--channel auto` picks what works.
  if (result.endpointMissing) await probeAndStore(db, run.project, run.hq).catch(() => undefined)

  const report: InviteJson = batchOutcome(db, batchId, run.channel, run.skipped)
  io.stdout(run.json ? `${JSON.stringify(report, null, 2)}\n` : describeOutcome(report, run.project))
  if (result.state === 'done' && allSent(report)) return EXIT.ok
  if (watch.interrupts() > 0) say('stopped by Ctrl-C; what HQ answered is recorded.')
  else if (result.error) say(result.error)
  for (const step of nextSteps(report)) say(step)
  return EXIT.failure
}
