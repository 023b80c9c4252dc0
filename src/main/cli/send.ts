/**
 * `roster send --batch N`: sends what a batch still has queued (after Ctrl-C, a crash, HQ
 * stopping the batch, or numbers queued again by `roster resolve`), never the ones whose outcome
 * is unknown. Prints what `roster invite` prints. Exit codes: 0 every number of the batch went
 * through, 1 failure (or numbers left unknown, waiting or failed), 2 usage, 3 a bug.
 */
import type { Db } from '../db/open'
import { createHqClient, type HqClient } from '../hq/client'
import { DATABASE_BUSY_MESSAGE, isDatabaseBusy, recoverOutbox } from '../invite'
import { findBatch, parseBatchId } from './batchArg'
import { requireAllowedServer } from './connection'
import { reportError } from './errors'
import type { OnInterrupt } from './interrupt'
import { EXIT, Failure, messageOf, parseCommandLine, parseOrExit, UsageError, type CliIo } from './io'
import { openRosterDb } from './project'
import { sendAndReport } from './sendRun'

export const SEND_USAGE =
  'usage: roster send --batch N [--api-key K] [--wait SECONDS] [--json] [--db PATH]\n' +
  '       Sends the numbers of batch N that are still waiting in the outbox (never those whose outcome is\n' +
  '       unknown: see roster resolve). The project, channel and options are the batch’s own.'

export type SendIo = CliIo & { onInterrupt?: OnInterrupt }

interface SendArgs {
  batchId: number
  apiKey?: string
  waitSeconds: number
  json: boolean
  db?: string
}

function parse(args: string[]): SendArgs | 'help' {
  if (args.includes('--help') || args.includes('-h')) return 'help'
  const { values: v } = parseCommandLine({
    args,
    allowPositionals: false,
    strict: true,
    options: {
      batch: { type: 'string' },
      'api-key': { type: 'string' },
      wait: { type: 'string' },
      json: { type: 'boolean', default: false },
      db: { type: 'string' }
    }
  })
  let waitSeconds = 120
  if (v.wait !== undefined) {
    if (!/^\d+$/.test(v.wait.trim()))
      throw new UsageError(`--wait needs a whole number of seconds, not "${v.wait}"`)
    waitSeconds = Number(v.wait.trim())
  }
  return {
    batchId: parseBatchId(v.batch),
    ...(v['api-key'] !== undefined ? { apiKey: v['api-key'] } : {}),
    waitSeconds,
    json: v.json ?? false,
    ...(v.db !== undefined ? { db: v.db } : {})
  }
}

export async function runSend(args: string[], io: SendIo): Promise<number> {
  const options = parseOrExit('send', SEND_USAGE, `${SEND_USAGE}\n`, io, () => parse(args))
  if ('exit' in options) return options.exit
  let db: Db | undefined
  let client: HqClient | undefined
  let sending = false
  try {
    const apiKey = (options.apiKey ?? io.env.ROSTER_API_KEY ?? '').trim()
    if (!apiKey)
      throw new UsageError('give the API key with --api-key or the ROSTER_API_KEY environment variable')
    db = openRosterDb(options.db, io).db
    // A send killed earlier: its request on the way becomes unknown, its other numbers stay queued.
    recoverOutbox(db)
    const { batch, project } = findBatch(db, options.batchId)
    if (batch.counts.queued === 0 && !options.json) {
      io.stderr(`roster send: batch ${batch.id} has no number waiting to be sent.\n`)
    }
    requireAllowedServer(project.server, io)
    try {
      client = createHqClient({
        server: project.server,
        domain: project.domain,
        username: project.username,
        apiKey
      })
    } catch (error) {
      throw new Failure(messageOf(error))
    }
    sending = true
    return await sendAndReport({
      command: 'send',
      db,
      batchId: batch.id,
      hq: client,
      project,
      channel: batch.channel,
      skipped: [],
      json: options.json,
      waitSeconds: options.waitSeconds,
      io
    })
  } catch (error) {
    if (isDatabaseBusy(error)) {
      const then = sending
        ? 'see roster history for what was sent'
        : 'nothing was sent, try again in a moment'
      io.stderr(`roster send: ${DATABASE_BUSY_MESSAGE}; ${then}\n`)
      return EXIT.failure
    }
    return reportError('send', error, io, SEND_USAGE)
  } finally {
    await client?.close()
    db?.close()
  }
}
