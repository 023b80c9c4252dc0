/**
 * Ctrl-C during `roster invite` or `roster send`. The first one lets the request on its way
 * finish, so HQ's answer is recorded, and sends nothing more; a second one cancels that request
 * too, which then counts as unknown (HQ may have received it). Either way the run ends through
 * the normal path: the outbox says what happened and the command says how to go on.
 */
import { HqError } from '../hq/errors'
import type { InviteClient } from '../invite'

/** Registers a handler for the user's interrupt; returns the unregister function. */
export type OnInterrupt = (handler: () => void) => () => void

/** The real one: SIGINT (Ctrl-C on every platform Node runs on, Windows included). */
export const onSigint: OnInterrupt = (handler) => {
  process.on('SIGINT', handler)
  return () => void process.off('SIGINT', handler)
}

export interface InterruptWatch {
  /** For sendBatch: aborted once nothing is on its way to HQ (or at the second interrupt). */
  signal: AbortSignal
  /** The client to send with: it tells the watch when a request is on its way. */
  client: InviteClient
  /** How many interrupts came (0: none). */
  interrupts(): number
  dispose(): void
}

/** Before HQ has anything: a request asked for after the interrupt never leaves. */
const notStarted = (): HqError =>
  new HqError('cancelled', 'Stopped (Ctrl-C) before this request left.', { maybeDelivered: false })

export function watchInterrupt(
  inner: InviteClient,
  onInterrupt: OnInterrupt,
  tell: (line: string) => void
): InterruptWatch {
  const controller = new AbortController()
  let interrupts = 0
  let inFlight = 0

  const handler = (): void => {
    interrupts++
    if (interrupts === 1 && inFlight > 0) {
      tell(
        'Stopping: waiting for HQ to answer the request on its way, so its outcome is known; nothing more is sent. ' +
          '(Ctrl-C again to stop at once: that request then counts as unknown.)'
      )
      return
    }
    if (interrupts === 1) tell('Stopping: nothing more is sent.')
    else if (interrupts === 2 && inFlight > 0)
      tell('Stopping at once: the request on its way counts as unknown.')
    controller.abort()
  }
  const unregister = onInterrupt(handler)

  /** A call that sends to HQ: counted while on its way; after an interrupt, not started at all. */
  const sending =
    <A extends unknown[], R>(call: (...args: [...A, AbortSignal | undefined]) => Promise<R>) =>
    async (...args: [...A, AbortSignal | undefined]): Promise<R> => {
      if (interrupts > 0) throw notStarted()
      inFlight++
      try {
        return await call(...args)
      } finally {
        inFlight--
        // HQ has answered (or not): what it said is recorded by the sender, which then sees
        // the abort before it takes the next numbers.
        if (interrupts > 0 && inFlight === 0) controller.abort()
      }
    }

  const client: InviteClient = {
    register: sending((request, signal) => inner.register(request, signal))
  }
  if (inner.uploadUsers) {
    const upload = inner.uploadUsers.bind(inner)
    client.uploadUsers = sending((workbook: Uint8Array, signal) => upload(workbook, signal))
  }
  if (inner.createUser) {
    const create = inner.createUser.bind(inner)
    client.createUser = sending((body: Parameters<typeof create>[0], signal) => create(body, signal))
  }
  if (inner.resendConfirmationEmail) {
    const resend = inner.resendConfirmationEmail.bind(inner)
    client.resendConfirmationEmail = sending((id: string, signal) => resend(id, signal))
  }
  // Reading HQ's lists (waiting for accounts) changes nothing there: stopped at once.
  if (inner.listAccounts) client.listAccounts = inner.listAccounts.bind(inner)

  return {
    signal: controller.signal,
    client,
    interrupts: () => interrupts,
    dispose: unregister
  }
}
