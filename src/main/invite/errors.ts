import { ApiError } from '../../shared/api'

export type InviteErrorCode =
  | 'invalid-input'
  | 'unknown-project'
  | 'unknown-batch'
  | 'invalid-message'
  | 'duplicate-numbers'
  | 'duplicate-usernames'
  | 'already-invited'
  | 'busy'
  | 'not-unknown'

/**
 * A refusal of the outbox, worded for the coordinator. It is an ApiError so both transports
 * pass code and message through unchanged; `numbers` names the rows concerned for the UI and CLI.
 */
export class InviteError extends ApiError {
  constructor(
    code: InviteErrorCode,
    message: string,
    readonly numbers: readonly string[] = []
  ) {
    super(code, message)
    this.name = 'InviteError'
  }
}

/** "+254700000001, +254700000002 and 3 more": long lists stay readable in one message. */
export function listSome(items: readonly string[], max = 10): string {
  if (items.length <= max) return items.join(', ')
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
