import { applyLeniency, isAllDigits } from './leniency'
import { pythonFormat } from './pyformat'
import type { SimState } from './state'
import type { Invitation, ValidationErrorShape } from './types'

// corehq/apps/api/resources/messaging... UserSelfRegistrationResource and
// SelfRegistrationInvitation.initiate_workflow, check for check and message for message.

export const CANNED_500 = {
  error_message: 'Sorry, this request could not be processed. Please try again later.'
}

const DEFAULT_FIRST_SMS =
  'Welcome to CommCareHQ! What type of phone are you using? Reply 1 for Android, 2 for other.'
const DEFAULT_ANDROID_SMS = 'Welcome to CommCareHQ! Please register here: {0}'

export interface RegistrationContext {
  state: SimState
  baseUrl: string
  domain: string
  errorShape: ValidationErrorShape
}

export interface Outcome {
  status: number
  body: unknown // JSON value, written with json.dumps (HQ writes these responses itself)
}

type FieldType = 'str' | 'list' | 'bool' | 'dict'
interface FieldDef {
  name: string
  required: boolean
  type: FieldType
}

function isType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'str':
      return typeof value === 'string'
    case 'list':
      return Array.isArray(value)
    case 'bool':
      return typeof value === 'boolean'
    case 'dict':
      return value !== null && typeof value === 'object' && !Array.isArray(value)
  }
}

class ValidationFailure extends Error {
  constructor(readonly errors: Record<string, string>) {
    super('validation failed')
  }
}

function validateFields(data: Record<string, unknown>, defs: FieldDef[]): void {
  for (const def of defs) {
    if (!(def.name in data)) {
      if (def.required) throw new ValidationFailure({ [def.name]: 'This field is required' })
      continue
    }
    if (!isType(data[def.name], def.type))
      throw new ValidationFailure({ [def.name]: `Expected type: ${def.type}` })
  }
}

function validateUsers(users: unknown[]): void {
  const seen = new Set<string>()
  for (const info of users) {
    if (!isType(info, 'dict')) throw new ValidationFailure({ users: 'Expected a list of dictionaries' })
    const record = info as Record<string, unknown>
    validateFields(record, [
      { name: 'phone_number', required: true, type: 'str' },
      { name: 'custom_user_data', required: false, type: 'dict' }
    ])
    const lenient = applyLeniency(record.phone_number as string)
    if (seen.has(lenient)) {
      throw new ValidationFailure({ users: `phone_number cannot be reused within a request: ${lenient}` })
    }
    seen.add(lenient)
  }
}

function validate(
  ctx: RegistrationContext,
  data: Record<string, unknown>,
  messageField: string
): Record<string, string> | null {
  try {
    validateFields(data, [
      { name: 'app_id', required: true, type: 'str' },
      { name: 'users', required: true, type: 'list' },
      ...(messageField === 'custom_registration_message'
        ? [
            { name: 'android_only', required: false, type: 'bool' as const },
            { name: 'require_email', required: false, type: 'bool' as const }
          ]
        : []),
      { name: messageField, required: false, type: 'str' }
    ])
    if (!ctx.state.data.applications.some((app) => app.id === data.app_id)) {
      throw new ValidationFailure({ app_id: 'Invalid app_id specified' })
    }
    validateUsers(data.users as unknown[])
    return null
  } catch (e) {
    if (e instanceof ValidationFailure) return e.errors
    throw e
  }
}

function validationResponse(
  ctx: RegistrationContext,
  errors: Record<string, string>,
  resource: string
): Outcome {
  // tastypie's Resource.is_valid nests errors under the resource name; hq-api.md shows them flat.
  return { status: 400, body: ctx.errorShape === 'tastypie' ? { [resource]: errors } : errors }
}

function registrationUrl(ctx: RegistrationContext, token: string): string {
  return `${ctx.baseUrl}/a/${ctx.domain}/settings/users/commcare/register/${token}/`
}

function installLinkSms(ctx: RegistrationContext, appId: string): string {
  const appInfoUrl = `${ctx.baseUrl}/a/${ctx.domain}/sms/app_info/${appId}/`
  return `[commcare app - do not delete] ${Buffer.from(appInfoUrl).toString('base64')}`
}

function asText(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(data)) out[k] = typeof v === 'string' ? v : JSON.stringify(v)
  return out
}

export function handleRegistration(ctx: RegistrationContext, data: Record<string, unknown>): Outcome {
  const errors = validate(ctx, data, 'custom_registration_message')
  if (errors) return validationResponse(ctx, errors, 'sms_user_registration')

  const appId = data.app_id as string
  const androidOnly = (data.android_only as boolean | undefined) ?? false
  const requireEmail = (data.require_email as boolean | undefined) ?? false
  const rawMessage = data.custom_registration_message as string | undefined
  // HQ strips the message; empty or whitespace-only means "use the default".
  const message = rawMessage !== undefined && rawMessage.trim() !== '' ? rawMessage.trim() : undefined

  const { state } = ctx
  const inUse = state.numbersInUse()
  const success: string[] = []
  const invalid: string[] = []
  const numbersInUse: string[] = []

  for (const info of data.users as Record<string, unknown>[]) {
    const phone = applyLeniency(info.phone_number as string)
    if (!isAllDigits(phone)) {
      invalid.push(phone)
      continue
    }
    if (inUse.has(phone)) {
      numbersInUse.push(phone)
      continue
    }
    const previous = state.invitations.get(phone)
    if (previous && state.isPending(previous)) previous.expired = true

    const now = new Date()
    const token = state.newToken()
    const invitation: Invitation = {
      appId,
      androidOnly,
      requireEmail,
      customUserData: asText((info.custom_user_data as Record<string, unknown> | undefined) ?? {}),
      ...(message !== undefined ? { message } : {}),
      invitedAt: now.toISOString(),
      expired: false,
      phoneNumber: phone,
      token,
      expiresAt: new Date(now.getTime() + 30 * 86_400_000).toISOString()
    }
    // Re-set so the map keeps invitation order (registerInvited takes the oldest first).
    state.invitations.delete(phone)
    state.invitations.set(phone, invitation)
    state.invitationHistory.push(invitation)

    // The invitation is saved before the SMS goes out: a message Python cannot format fails the
    // request with 500, leaving this invitation saved and the rest of the list untouched.
    const at = now.toISOString()
    if (androidOnly) {
      const url = registrationUrl(ctx, token)
      const formatted = pythonFormat(message ?? DEFAULT_ANDROID_SMS, url)
      if (!formatted.ok) return { status: 500, body: CANNED_500 }
      state.sms.push({ to: phone, text: formatted.text, at })
      state.sms.push({ to: phone, text: installLinkSms(ctx, appId), at })
    } else {
      state.sms.push({ to: phone, text: message ?? DEFAULT_FIRST_SMS, at })
    }
    success.push(phone)
  }

  return {
    status: 200,
    body: { success_numbers: success, invalid_format_numbers: invalid, numbers_in_use: numbersInUse }
  }
}

// sms_user_registration_reinstall: same checks, but the number format is checked on the raw value
// and numbers come back exactly as sent (SelfRegistrationInvitation.send_install_link).
export function handleReinstall(ctx: RegistrationContext, data: Record<string, unknown>): Outcome {
  const errors = validate(ctx, data, 'reinstall_message')
  if (errors) return validationResponse(ctx, errors, 'sms_user_registration_reinstall')
  const success: string[] = []
  const invalid: string[] = []
  const at = new Date().toISOString()
  for (const info of data.users as Record<string, unknown>[]) {
    const phone = info.phone_number as string
    if (!isAllDigits(phone)) {
      invalid.push(phone)
      continue
    }
    ctx.state.sms.push({
      to: phone,
      text: 'To install CommCare, follow this link to the Google Play store',
      at
    })
    ctx.state.sms.push({ to: phone, text: installLinkSms(ctx, data.app_id as string), at })
    success.push(phone)
  }
  return {
    status: 200,
    body: { success_numbers: success, invalid_format_numbers: invalid, error_numbers: [] }
  }
}
