import { hqConfirmationSms } from '../../src/shared/channels'
import type { SimState } from './state'
import type { HqWorker } from './types'
import type { NewAccount } from './upload-rules'

// Accounts today's HQ creates unconfirmed (bulk upload with send_confirmation_sms, user/v1 with
// require_account_confirmation), the SMS and e-mails it sends for them, and their confirmation
// by the worker opening the link (corehq/apps/users/account_confirmation.py).

export interface CreatedAccount {
  id: string
  username: string
  via: 'upload' | 'api'
  createdAt: string
  confirmed: boolean
  confirmedAt?: string
  token: string // in the confirmation link
}

export interface ConfirmationSms {
  to: string // the default phone, digits
  text: string // HQ's own text (hqConfirmationSms)
  url: string
  username: string // full username
  at: string
}

export interface SentEmail {
  to: string
  subject: string
  text: string
  url: string
  username: string
  at: string
}

export interface UploadRowResult {
  row: number // spreadsheet row (2 = the first data row)
  username: string | null // as written in the file
  flag: string // 'created', or HQ's error text for the row
}

// HQ's upload status page, per upload.
export interface UploadRecord {
  id: string
  at: string
  status: 'queued' | 'complete'
  rows: UploadRowResult[]
}

export class AccountBook {
  readonly created: CreatedAccount[] = []
  readonly confirmationSms: ConfirmationSms[] = []
  readonly emails: SentEmail[] = []
  readonly uploads: UploadRecord[] = []
  baseUrl = ''

  constructor(
    private readonly state: SimState,
    private readonly domain: string
  ) {}

  create(account: NewAccount, via: CreatedAccount['via']): HqWorker {
    const id = this.state.newToken()
    const userData: Record<string, string> = { commcare_project: this.domain, ...account.userData }
    const primary = account.locationIds[0] ?? null
    if (primary) {
      userData.commcare_location_id = primary
      userData.commcare_location_ids = account.locationIds.join(' ')
      userData.commcare_primary_case_sharing_id = primary
    }
    const worker: HqWorker = {
      type: 'user',
      id,
      username: account.username,
      first_name: account.firstName,
      last_name: account.lastName,
      default_phone_number: account.phoneNumbers[0] ?? null,
      email: account.email,
      phone_numbers: account.phoneNumbers,
      groups: account.groupIds,
      user_data: userData,
      locations: account.locationIds,
      primary_location: primary,
      eulas: '[]',
      resource_uri: `/a/${this.domain}/api/v0.5/user/${id}/`
    }
    this.state.addAccount(worker, account.active) // also joins its groups
    if (!account.active) {
      this.created.push({
        id,
        username: worker.username,
        via,
        createdAt: new Date().toISOString(),
        confirmed: false,
        token: this.state.newToken()
      })
    }
    return worker
  }

  private record(worker: HqWorker): CreatedAccount | undefined {
    return this.created.find((a) => a.id === worker.id)
  }

  // send_account_confirmation_sms_if_necessary: only to an unconfirmed account with a phone.
  sendSms(worker: HqWorker): void {
    const record = this.record(worker)
    const to = worker.default_phone_number
    if (!record || record.confirmed || !to) return
    const url = `${this.baseUrl}/a/${this.domain}/settings/users/commcare/confirm_account_sms/${record.token}/`
    const raw = worker.username.split('@')[0] ?? worker.username
    const name = [worker.first_name, worker.last_name].filter(Boolean).join(' ') || raw
    const text = hqConfirmationSms({ name, domain: this.domain, url, username: raw })
    const at = new Date().toISOString()
    this.confirmationSms.push({ to, text, url, username: worker.username, at })
    this.state.sms.push({ to, text, at })
  }

  sendEmail(worker: HqWorker): void {
    const record = this.record(worker)
    if (!record || record.confirmed || !worker.email) return
    const url = `${this.baseUrl}/a/${this.domain}/settings/users/commcare/confirm_account/${worker.id}/`
    const raw = worker.username.split('@')[0] ?? worker.username
    this.emails.push({
      to: worker.email,
      subject: `Confirm your account on CommCare HQ`,
      text: `You have been added to the "${this.domain}" project on CommCare HQ. To confirm your account, please open this link: ${url} . Your username is ${raw}.`,
      url,
      username: worker.username,
      at: new Date().toISOString()
    })
  }

  isConfirmed(worker: HqWorker): boolean {
    return this.record(worker)?.confirmed !== false
  }

  // The worker opened the link and chose a password: the account is active and confirmed.
  confirm(usernameOrId: string): HqWorker {
    const worker =
      this.state.findWorker(usernameOrId) ??
      this.state.findByUsername(usernameOrId) ??
      this.state.findByUsername(`${usernameOrId}@${this.domain}.commcarehq.org`)
    const record = worker && this.record(worker)
    if (!worker || !record) throw new Error(`hq-sim: no account awaiting confirmation for "${usernameOrId}"`)
    if (record.confirmed) throw new Error(`hq-sim: the account "${worker.username}" is already confirmed`)
    record.confirmed = true
    record.confirmedAt = new Date().toISOString()
    this.state.unarchiveWorker(worker.id)
    return worker
  }
}
