import { autoChannel, CHANNEL_NAMES, type Channel, type ChannelOffers } from '../../shared/channels'
import type { Probe } from './probe'
import type { AccessCheck } from './schemas'

/** What Test connection found, before it is put into words. */
export interface AccessFindings {
  domain: string
  workers: AccessCheck
  registration: Probe
  upload: Probe
  email: Probe
}

/** checkAccess()'s answer: src/shared/domain.ts ConnectionTestSchema without the core's `ok`. */
export interface AccessReport {
  workers: AccessCheck
  channels: Record<Channel, AccessCheck>
  offers: ChannelOffers
  /** What `auto` would use; null when the server offers none. */
  channel: Channel | null
  /** Which HQ this is and what it allows, in a coordinator's words. */
  message: string
}

const RETIRED = 'This HQ no longer has SMS self-registration (retired in 2020).'
const CONFIRM_BY_SMS = 'Roster will create the accounts and HQ will text each worker a link to confirm.'

/** The words for every check, the channels offered, and what Roster will do: a pure function. */
export function describeAccess(found: AccessFindings): AccessReport {
  const { workers } = found
  // No project, or a key HQ does not take: every probe's 404 or 401 says nothing about channels.
  if (!workers.ok && (workers.kind === 'unknown-project' || workers.kind === 'auth')) {
    const notChecked: AccessCheck = {
      ok: false,
      message: `Not checked: ${workers.message}`,
      kind: workers.kind
    }
    return {
      workers,
      channels: {
        'sms-registration': notChecked,
        'sms-confirmation': notChecked,
        'email-confirmation': notChecked
      },
      offers: { 'sms-registration': false, 'sms-confirmation': false, 'email-confirmation': null },
      channel: null,
      message: workers.message
    }
  }

  const offers: ChannelOffers = {
    'sms-registration': found.registration.state === 'offered',
    'sms-confirmation': found.upload.state === 'offered',
    'email-confirmation':
      found.email.state === 'offered' ? true : found.email.state === 'absent' ? false : null
  }
  const channels: Record<Channel, AccessCheck> = {
    'sms-registration': registrationCheck(found.registration, found.domain),
    'sms-confirmation': uploadCheck(found.upload, found.domain),
    'email-confirmation': emailCheck(found.email, found.domain)
  }
  const channel = autoChannel(offers)
  return { workers, channels, offers, channel, message: overall(found, offers, channel, channels) }
}

function registrationCheck(probe: Probe, domain: string): AccessCheck {
  switch (probe.state) {
    case 'offered':
      return {
        ok: true,
        message: `Can send SMS self-registration invitations in project '${domain}' ("Edit Data" permission, plan and messaging settings are in place).`
      }
    case 'absent':
      return { ok: false, message: RETIRED, kind: 'not-found' }
    case 'refused':
      return { ok: false, message: probe.message, kind: probe.kind }
    case 'unknown':
      return {
        ok: false,
        message: `Could not check SMS self-registration: ${probe.message}`,
        ...kindOf(probe)
      }
  }
}

function uploadCheck(probe: Probe, domain: string): AccessCheck {
  switch (probe.state) {
    case 'offered':
      return {
        ok: true,
        message: `Can create mobile workers in project '${domain}' by bulk upload; HQ texts each one a link to confirm the account (the project needs an SMS gateway).`
      }
    case 'absent':
      return {
        ok: false,
        message: 'This HQ is older than 2024: it has no bulk upload that texts workers a link to confirm.',
        kind: 'not-found'
      }
    case 'refused':
      return { ok: false, message: probe.message, kind: probe.kind }
    case 'unknown':
      return { ok: false, message: `Could not check the bulk upload: ${probe.message}`, ...kindOf(probe) }
  }
}

function emailCheck(probe: Probe, domain: string): AccessCheck {
  switch (probe.state) {
    case 'offered':
      return {
        ok: true,
        message: `Can create mobile workers in project '${domain}' that HQ confirms by e-mail (for rows with an e-mail address).`
      }
    case 'absent':
      return probe.reason === 'old-server'
        ? {
            ok: false,
            message: 'This HQ is older than 2024: it cannot create accounts confirmed by e-mail.',
            kind: 'not-found'
          }
        : {
            ok: false,
            message: `Project '${domain}' cannot create accounts confirmed by e-mail: its CommCare plan does not include two-stage account creation (Standard plan or above).`,
            kind: 'plan'
          }
    case 'refused':
    case 'unknown':
      return {
        ok: false,
        message: `Could not tell whether accounts confirmed by e-mail are possible: ${probe.message}`,
        ...kindOf(probe)
      }
  }
}

function kindOf(probe: { kind?: AccessCheck['kind'] }): Pick<AccessCheck, 'kind'> {
  return probe.kind ? { kind: probe.kind } : {}
}

function overall(
  found: AccessFindings,
  offers: ChannelOffers,
  channel: Channel | null,
  checks: Record<Channel, AccessCheck>
): string {
  const email = offers['email-confirmation'] === true
  const orEmail = email ? ' Workers with an e-mail address can be confirmed by e-mail instead.' : ''
  if (channel === 'sms-registration') {
    return 'This HQ still has SMS self-registration: HQ will text each number a link to install the app and register.'
  }
  if (channel === 'sms-confirmation') {
    const why =
      found.registration.state === 'absent'
        ? RETIRED
        : found.registration.state === 'refused'
          ? `SMS self-registration cannot be used here: ${found.registration.message}`
          : ''
    return `${why ? `${why} ` : ''}${CONFIRM_BY_SMS}${orEmail}`
  }
  if (channel === 'email-confirmation') {
    return `This HQ offers no SMS invitation Roster can use here. ${checks['sms-confirmation'].message} Roster will create each account and HQ will e-mail the worker a link to confirm; rows need an e-mail address.`
  }
  const missing = (['sms-registration', 'sms-confirmation', 'email-confirmation'] as const)
    .map((c) => `${CHANNEL_NAMES[c]}: ${lowerFirst(checks[c].message)}`)
    .join(' ')
  return `Roster cannot invite workers on this HQ yet. ${missing}`
}

function lowerFirst(text: string): string {
  // Keep "HQ", "SMS" and names as they are; lower only an ordinary first word.
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text
}
