import type { Channel } from '../../../shared/channels'
import type { RegistrationRequest, RegistrationResponse } from '../../hq/schemas'

/** One number of a request, as the outbox holds it. */
export interface TakenNumber {
  id: number
  e164: string
  digits: string
  custom_user_data: string
  username: string | null
  email: string | null
  first_name: string | null
  last_name: string | null
  /** Requests that have carried the number, this one included. */
  attempts: number
}

/** What every request of a batch shares. */
export interface BatchInfo {
  id: number
  projectId: string
  domain: string
  server: string
  channel: Channel
  appId: string
  androidOnly: boolean
  requireEmail: boolean
  message: string | null
  /** Channels 2 and 3: as the roster knows them (the upload names a location by site code, a group by name). */
  location: { id: string; siteCode: string | null } | null
  group: { id: string; name: string } | null
}

/** What HQ made of one number. */
export interface Verdict {
  status: 'success' | 'invalid_format' | 'in_use' | 'pending' | 'refused' | 'unknown'
  reason: string | null
  /** Channel 3: the id HQ gave the account. */
  hqUserId?: string
}

export interface ChannelAnswer {
  /** By TakenNumber.id; a number left out is unknown. */
  verdicts: Map<number, Verdict>
  /** HQ's answer in one line, for a log when it cannot be recorded. */
  summary: string
}

/** The body of POST user/v1 (hq-api.md, "Creating accounts" B). */
export interface CreateUserBody {
  username: string
  first_name?: string
  last_name?: string
  email?: string
  default_phone_number?: string
  phone_numbers?: string[]
  groups?: string[]
  user_data?: Record<string, string>
  primary_location?: string
  locations?: string[]
  require_account_confirmation?: boolean
  send_confirmation_email_now?: boolean
}

/**
 * The HQ calls the outbox uses (src/main/hq/client.ts). None of them retries a request that may
 * have reached HQ; their errors say so with `maybeDelivered`.
 */
export interface InviteClient {
  register(request: RegistrationRequest, signal?: AbortSignal): Promise<RegistrationResponse>
  uploadUsers?(workbook: Uint8Array, signal?: AbortSignal): Promise<void>
  createUser?(body: CreateUserBody, signal?: AbortSignal): Promise<{ id: string }>
  resendConfirmationEmail?(id: string, signal?: AbortSignal): Promise<void>
  /** The accounts in one of HQ's lists (archived: the inactive ones): username (lower case) -> phone numbers. */
  listAccounts?(archived: boolean, signal?: AbortSignal): Promise<Map<string, string[]>>
}

/** What differs per channel: how many numbers one request carries and how it goes to HQ. */
export interface ChannelSender {
  chunkSize(requested: number): number
  send(
    batch: BatchInfo,
    numbers: readonly TakenNumber[],
    client: InviteClient,
    signal?: AbortSignal
  ): Promise<ChannelAnswer>
}

export function userDataOf(n: TakenNumber): Record<string, string> {
  try {
    const value = JSON.parse(n.custom_user_data) as unknown
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, string>)
      : {}
  } catch {
    return {}
  }
}
