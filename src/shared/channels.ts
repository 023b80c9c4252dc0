import { z } from 'zod'

/**
 * The ways HQ has onboarded mobile workers by phone or e-mail (../../shared/hq-api.md):
 * - `sms-registration`: the SMS self-registration API (servers from before late 2020);
 * - `sms-confirmation`: an account created by bulk upload, confirmed from HQ's SMS link;
 * - `email-confirmation`: an account created by user/v1, confirmed from HQ's e-mail link.
 */
export const CHANNELS = ['sms-registration', 'sms-confirmation', 'email-confirmation'] as const
export const ChannelSchema = z.enum(CHANNELS)
export type Channel = z.infer<typeof ChannelSchema>

/** What a project remembers: a channel, or `auto` (what the server offers, see autoChannel). */
export const ChannelChoiceSchema = z.enum(['auto', ...CHANNELS])
export type ChannelChoice = z.infer<typeof ChannelChoiceSchema>

/** What a probe found; `email-confirmation` is null when the probe could not tell. */
export const ChannelOffersSchema = z.object({
  'sms-registration': z.boolean(),
  'sms-confirmation': z.boolean(),
  'email-confirmation': z.boolean().nullable()
})
export type ChannelOffers = z.infer<typeof ChannelOffersSchema>

/** A probe's answer as a project stores it. */
export const ChannelProbeSchema = z.object({
  offers: ChannelOffersSchema,
  /** In plain words: what the server offers and what Roster will do. */
  message: z.string(),
  probedAt: z.string()
})
export type ChannelProbe = z.infer<typeof ChannelProbeSchema>

/** Channels 2 and 3 create accounts, so they need a username per row. */
export function createsAccounts(channel: Channel): boolean {
  return channel !== 'sms-registration'
}

/**
 * What `auto` uses: SMS self-registration where the server still has it, else an account with a
 * confirmation SMS, else (a server with neither) one with a confirmation e-mail; null: none.
 */
export function autoChannel(offers: ChannelOffers): Channel | null {
  if (offers['sms-registration']) return 'sms-registration'
  if (offers['sms-confirmation']) return 'sms-confirmation'
  if (offers['email-confirmation'] === true) return 'email-confirmation'
  return null
}

/** The channel a project's choice resolves to, given what its server offers (null: not probed). */
export function resolveChannel(choice: ChannelChoice, offers: ChannelOffers | null): Channel | null {
  if (choice !== 'auto') return choice
  return offers ? autoChannel(offers) : null
}

export const CHANNEL_NAMES: Record<Channel, string> = {
  'sms-registration': 'SMS self-registration',
  'sms-confirmation': 'Account + confirmation SMS',
  'email-confirmation': 'Account + confirmation e-mail'
}

/** What each channel needs and does, in a coordinator's words (Invite screen, CLI, README). */
export const CHANNEL_DESCRIPTIONS: Record<Channel, string> = {
  'sms-registration':
    'HQ texts each number a link to install the app and register (servers from before late 2020). Needs the app to invite to.',
  'sms-confirmation':
    'Roster creates an inactive account for each worker and HQ texts them a link to confirm it and choose a password. Needs a username and a phone number per row.',
  'email-confirmation':
    'Roster creates an account for each worker and HQ e-mails them a link to confirm it and choose a password. Needs a username and an e-mail address per row.'
}

/**
 * HQ's own confirmation SMS (registration/mobile/mobile_worker_confirm_account_sms.txt in
 * commcare-hq), for the preview of channel 2: Roster cannot change it. `hqName` is the project's
 * "project name" setting for SMS confirmation, "CommCare HQ" by default; the link's length varies
 * by server and token.
 */
export function hqConfirmationSms(p: {
  name: string
  domain: string
  url: string
  username: string
  hqName?: string
}): string {
  const hq = p.hqName ?? 'CommCare HQ'
  return [
    `Hello ${p.name},`,
    '',
    `You have been added to the "${p.domain}" project on ${hq}.`,
    `To confirm your account, please open the following link in your browser: ${p.url}`,
    `Once you confirm your account you will be able to access and submit data in the "${p.domain}" project on ${hq}.`,
    `Your username to login is ${p.username}`,
    'Thanks,',
    '',
    `-The ${hq} team`
  ].join('\n')
}
