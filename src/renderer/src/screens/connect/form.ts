import {
  CHANNELS,
  resolveChannel,
  type Channel,
  type ChannelChoice,
  type ChannelOffers
} from '../../../../shared/channels'
import {
  AUTO_SYNC_HOURS,
  DEFAULT_AUTO_SYNC_HOURS,
  ProjectInputSchema,
  SERVER_PRESETS,
  type AutoSyncHours,
  type Project,
  type ProjectInput
} from '../../../../shared/domain'
import { i18n } from '../../i18n'

/*
 * The words below are read in the current language at each call (the Connect screen re-renders
 * when it changes): these functions stay pure for their callers, i18next is only their dictionary.
 */
const t = (key: string, values?: Record<string, unknown>) => i18n.t(key, { ns: 'connect', ...values })

/** A channel's name in the coordinator's language (the shared CHANNEL_NAMES are the CLI's English). */
export const channelName = (channel: Channel): string => i18n.t(`channels.${channel}`, { ns: 'common' })

/** The Connect form as typed, before it becomes a ProjectInput. Pure: tested without a DOM. */
export type Preset = keyof typeof SERVER_PRESETS | 'custom'

export interface ConnectForm {
  preset: Preset
  customUrl: string
  domain: string
  username: string
  apiKey: string
  defaultCountry: string
  label: string
  /** Saved with projects.update once the project is: it is not part of what projects.save takes. */
  autoSyncHours: AutoSyncHours | null
  /** How invitations go out; saved with projects.update too. */
  channel: ChannelChoice
}

export type FormErrors = Partial<Record<keyof ConnectForm, string>>

export const EMPTY_FORM: ConnectForm = {
  preset: 'www',
  customUrl: '',
  domain: '',
  username: '',
  apiKey: '',
  defaultCountry: 'KE',
  label: '',
  autoSyncHours: DEFAULT_AUTO_SYNC_HOURS,
  channel: 'auto'
}

export function formFromProject(project: Project): ConnectForm {
  const preset = (Object.keys(SERVER_PRESETS) as (keyof typeof SERVER_PRESETS)[]).find(
    (key) => SERVER_PRESETS[key] === project.server.replace(/\/+$/, '')
  )
  return {
    preset: preset ?? 'custom',
    customUrl: preset ? '' : project.server,
    domain: project.domain,
    username: project.username,
    apiKey: '',
    defaultCountry: project.defaultCountry,
    label: project.label === project.domain ? '' : project.label,
    autoSyncHours: project.autoSyncHours,
    channel: project.channel
  }
}

/** A self-hosted server must be https; plain http is accepted only on this computer (test servers). */
export function checkServerUrl(raw: string): { url: string } | { error: string } {
  const text = raw.trim()
  if (!text) return { error: t('errors.serverEmpty') }
  let url: URL
  try {
    url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `https://${text}`)
  } catch {
    return { error: t('errors.notAddress') }
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]'
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return { error: t('errors.https') }
  }
  if (url.username || url.password || url.search || url.hash) {
    return { error: t('errors.onlyAddress') }
  }
  // HQ lives at the server root; /a/<domain>/… is added by Roster.
  const path = url.pathname.replace(/\/+$/, '')
  if (path.startsWith('/a/')) return { error: t('errors.projectSpaceInUrl') }
  return { url: `${url.origin}${path}` }
}

export function serverOf(form: ConnectForm): { url: string } | { error: string } {
  return form.preset === 'custom' ? checkServerUrl(form.customUrl) : { url: SERVER_PRESETS[form.preset] }
}

/**
 * Turns the form into what projects.save / projects.test take, or names every field that is
 * wrong. `requireKey` is false when editing a project that already has a saved key.
 */
export function toProjectInput(
  form: ConnectForm,
  opts: { requireKey: boolean }
): { input: ProjectInput & { apiKey?: string } } | { errors: FormErrors } {
  const errors: FormErrors = {}
  const server = serverOf(form)
  if ('error' in server) errors.customUrl = server.error
  const key = form.apiKey.trim()
  if (opts.requireKey && !key) errors.apiKey = t('errors.apiKey')
  if (!/^[A-Z]{2}$/.test(form.defaultCountry)) errors.defaultCountry = t('errors.country')

  const candidate = {
    server: 'url' in server ? server.url : 'https://invalid.example',
    domain: form.domain.trim().toLowerCase(),
    username: form.username.trim(),
    defaultCountry: form.defaultCountry,
    // Absent rather than undefined: an edit that leaves the key box empty keeps the saved key.
    ...(key ? { apiKey: key } : {}),
    ...(form.label.trim() ? { label: form.label.trim() } : {})
  }
  const parsed = ProjectInputSchema.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // The schema's own messages are English: say the same in the coordinator's language.
      const field = issue.path[0]
      if (field === 'domain')
        errors.domain ??= t(issue.code === 'too_small' ? 'errors.domainEmpty' : 'errors.domain')
      if (field === 'username') errors.username ??= t('errors.username')
      if (field === 'label') errors.label ??= t('errors.label')
    }
  }
  if (Object.keys(errors).length) return { errors }
  return { input: candidate }
}

export const PRESETS: readonly Preset[] = ['www', 'india', 'eu', 'custom']

/** "Global (www.commcarehq.org)", "Another server…" */
export function presetLabel(preset: Preset): string {
  return t(`presets.${preset}`)
}

/** "www.commcarehq.org" for a saved server address. */
export function describeServer(server: string): string {
  try {
    return new URL(server).host
  } catch {
    return server
  }
}

/** The choices of "Sync automatically", as the select's values and words. */
export function autoSyncChoices(): { value: string; label: string }[] {
  return [
    { value: 'off', label: t('autoSync.off') },
    ...AUTO_SYNC_HOURS.map((hours) => ({
      value: String(hours),
      label: hours === 24 ? t('autoSync.daily') : t('autoSync.every', { count: hours })
    }))
  ]
}

export function autoSyncValue(hours: AutoSyncHours | null): string {
  return hours === null ? 'off' : String(hours)
}

export function autoSyncFromValue(value: string): AutoSyncHours | null {
  return AUTO_SYNC_HOURS.find((hours) => String(hours) === value) ?? null
}

/**
 * When Roster will sync the project by itself next, when that is plain: its latest sync is the
 * good one and the time is still ahead (after a failure or a cancel, or while offline, it is not).
 */
export function nextAutoSync(project: Project, now: number): number | null {
  const good = project.lastGoodSync
  if (project.autoSyncHours === null || !project.hasKey || !good?.endedAt) return null
  if (project.lastSync?.id !== good.id) return null
  const at = Date.parse(good.endedAt) + project.autoSyncHours * 3_600_000
  return at > now ? at : null
}

/**
 * The choices of "Invitations go out by", with what the server offers as far as a probe knows
 * (`offers` null: never tested). Automatic names the channel it resolves to, so the coordinator
 * sees what it means for this server (short: the select is half the form wide).
 */
export function channelChoices(offers: ChannelOffers | null): { value: ChannelChoice; label: string }[] {
  const auto = offers ? resolveChannel('auto', offers) : null
  return [
    {
      value: 'auto',
      label: !offers
        ? t('choice.autoUntested')
        : auto
          ? t('choice.autoNow', { channel: channelName(auto) })
          : t('choice.autoNone')
    },
    ...CHANNELS.map((channel) => ({
      value: channel,
      label:
        offers && offers[channel] === false
          ? t('choice.notOffered', { channel: channelName(channel) })
          : channelName(channel)
    }))
  ]
}

/**
 * One line on a saved project: the channel its invitations go through and why, e.g.
 * "Invitations: Account + confirmation SMS (automatic)". Not tested yet: says what to do.
 */
export function channelLine(project: Project): string {
  const offers = project.channelProbe?.offers ?? null
  const channel = resolveChannel(project.channel, offers)
  if (project.channel === 'auto') {
    if (!offers) return t('line.autoUntested')
    return channel ? t('line.auto', { channel: channelName(channel) }) : t('line.none')
  }
  const notOffered = offers && offers[project.channel] === false
  return t(notOffered ? 'line.chosenNotOffered' : 'line.chosen', { channel: channelName(project.channel) })
}
