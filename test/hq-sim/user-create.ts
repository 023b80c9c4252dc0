import type { AccountBook } from './accounts'
import { BadRequest } from './paging'
import type { SimState } from './state'
import type { HqWorker } from './types'
import { fullUsername, maxUsernameLength } from './upload-rules'

// POST /a/<domain>/api/user/v1/ and PUT .../user/v1/<id>/ (corehq/apps/api/resources/v0_5.py
// CommCareUserResource, corehq/apps/api/user_updates.py). Errors are tastypie BadRequests,
// {"error": "..."}; the handler turns them into 400s.

const EDITABLE = new Set([
  'username',
  'first_name',
  'last_name',
  'email',
  'language',
  'default_phone_number',
  'phone_numbers',
  'groups',
  'user_data',
  'role',
  'primary_location',
  'locations',
  'require_account_confirmation',
  'send_confirmation_email_now',
  'password'
])
const USERNAME = /^[A-Za-z0-9.+\-_]+$/

export interface CreateContext {
  state: SimState
  book: AccountBook
  domain: string
  // The project has TWO_STAGE_MOBILE_WORKER_ACCOUNT_CREATION (the e-mail confirmation flow).
  emailConfirmation: boolean
}

const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v)
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : [])
const stripPlus = (n: string) => n.replace(/^\+/, '')

function unknownField(body: Record<string, unknown>, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(body)) {
    if (!allowed.has(key)) throw new BadRequest(`Attempted to update unknown or non-editable field '${key}'`)
  }
}

function phonesOf(body: Record<string, unknown>): string[] {
  const numbers = strings(body.phone_numbers).map(stripPlus).filter(Boolean)
  const preferred = body.default_phone_number === undefined ? '' : stripPlus(str(body.default_phone_number))
  return preferred ? [preferred, ...numbers.filter((n) => n !== preferred)] : numbers
}

function locationsOf(ctx: CreateContext, body: Record<string, unknown>): string[] {
  const hasPrimary = body.primary_location !== undefined
  const hasList = body.locations !== undefined
  if (hasPrimary !== hasList)
    throw new BadRequest('Both primary_location and locations must be provided together.')
  if (!hasList) return []
  const known = new Set(ctx.state.data.locations.map((l) => l.location_id))
  const ids = strings(body.locations).filter((id) => known.has(id))
  const primary = str(body.primary_location)
  return known.has(primary) && ids.includes(primary) ? [primary, ...ids.filter((id) => id !== primary)] : ids
}

export function createUser(ctx: CreateContext, body: Record<string, unknown>): { id: string } {
  const raw = str(body.username)
  if (!raw) throw new BadRequest("'username' is required")
  if (!USERNAME.test(raw) || raw.length > maxUsernameLength(ctx.domain))
    throw new BadRequest('Username must not contain blank spaces or special characters.')
  const username = fullUsername(raw, ctx.domain)
  if (ctx.state.findByUsername(username))
    throw new BadRequest(`Username '${username}' is already taken or reserved.`)

  const password = str(body.password)
  const email = str(body.email)
  const requireConfirmation = ctx.emailConfirmation && body.require_account_confirmation === true
  const sendNow = ctx.emailConfirmation && body.send_confirmation_email_now === true
  if (sendNow && !requireConfirmation)
    throw new BadRequest('You must require account confirmation to send a confirmation email.')
  if (requireConfirmation && password)
    throw new BadRequest('Users will provide their own password on confirmation.')
  if (sendNow && !email)
    throw new BadRequest("You must provide the user's email to send a confirmation email.")
  if (!requireConfirmation && !password) throw new BadRequest('Password or connect username required')
  unknownField(body, EDITABLE)

  const groupIds = new Set(ctx.state.data.groups.map((g) => g.id))
  const userData: Record<string, string> = {}
  const rawData = body.user_data
  if (rawData && typeof rawData === 'object' && !Array.isArray(rawData))
    for (const [k, v] of Object.entries(rawData)) userData[k] = str(v)
  const worker = ctx.book.create(
    {
      rawUsername: raw.toLowerCase(),
      username,
      firstName: str(body.first_name),
      lastName: str(body.last_name),
      email,
      language: body.language === undefined ? null : str(body.language),
      phoneNumbers: phonesOf(body),
      groupIds: strings(body.groups).filter((id) => groupIds.has(id)),
      locationIds: locationsOf(ctx, body),
      userData,
      active: !requireConfirmation,
      sendConfirmationSms: false
    },
    'api'
  )
  if (sendNow) ctx.book.sendEmail(worker)
  return { id: worker.id }
}

const UPDATABLE = new Set(
  [...EDITABLE].filter((k) => k !== 'username' && k !== 'require_account_confirmation')
)

// A PUT updates the given fields; send_confirmation_email_now re-sends the confirmation e-mail.
export function updateUser(ctx: CreateContext, worker: HqWorker, body: Record<string, unknown>): void {
  unknownField(body, UPDATABLE)
  if (body.send_confirmation_email_now === true && ctx.emailConfirmation) {
    if (ctx.book.isConfirmed(worker)) throw new BadRequest('The user has already confirmed their account.')
    const email = body.email === undefined ? worker.email : str(body.email)
    if (!email) throw new BadRequest("You must provide the user's email to send a confirmation email.")
  }
  const patch: Partial<HqWorker> = {}
  if (body.first_name !== undefined) patch.first_name = str(body.first_name)
  if (body.last_name !== undefined) patch.last_name = str(body.last_name)
  if (body.email !== undefined) patch.email = str(body.email)
  if (body.phone_numbers !== undefined || body.default_phone_number !== undefined) {
    const phones = phonesOf({
      phone_numbers: body.phone_numbers ?? worker.phone_numbers,
      default_phone_number: body.default_phone_number
    })
    patch.phone_numbers = phones
    patch.default_phone_number = phones[0] ?? null
  }
  if (body.groups !== undefined) {
    const known = new Set(ctx.state.data.groups.map((g) => g.id))
    patch.groups = strings(body.groups).filter((id) => known.has(id))
  }
  if (body.user_data && typeof body.user_data === 'object' && !Array.isArray(body.user_data)) {
    const data = { ...worker.user_data }
    for (const [k, v] of Object.entries(body.user_data)) data[k] = str(v)
    patch.user_data = data
  }
  ctx.state.updateWorker(worker.id, patch)
  if (body.send_confirmation_email_now === true && ctx.emailConfirmation) ctx.book.sendEmail(worker)
}
