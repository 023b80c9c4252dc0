import {
  CHANNELS,
  CHANNEL_NAMES,
  resolveChannel,
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
  if (!text) return { error: "Type your server's address, for example https://commcare.example.org" }
  let url: URL
  try {
    url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `https://${text}`)
  } catch {
    return { error: 'This is not a web address. It looks like https://commcare.example.org' }
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]'
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return { error: 'Use the https:// address of your server: Roster never sends a key over plain http.' }
  }
  if (url.username || url.password || url.search || url.hash) {
    return { error: "Type only the server's address, without a path, query or password." }
  }
  // HQ lives at the server root; /a/<domain>/… is added by Roster.
  const path = url.pathname.replace(/\/+$/, '')
  if (path.startsWith('/a/'))
    return { error: "Type only the server's address; the project space goes in its own box." }
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
  if (opts.requireKey && !key)
    errors.apiKey = 'Paste your API key (HQ › your name › My Account Settings › API Keys).'
  if (!/^[A-Z]{2}$/.test(form.defaultCountry))
    errors.defaultCountry = 'Choose a country or type its 2-letter code, like KE.'

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
      const field = issue.path[0]
      if (field === 'domain' || field === 'username' || field === 'label') errors[field] ??= issue.message
    }
  }
  if (Object.keys(errors).length) return { errors }
  return { input: candidate }
}

export const PRESET_LABELS: Record<Preset, string> = {
  www: 'Global (www.commcarehq.org)',
  india: 'India (india.commcarehq.org)',
  eu: 'Europe (eu.commcarehq.org)',
  custom: 'Another server…'
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
export const AUTO_SYNC_CHOICES: readonly { value: string; label: string }[] = [
  { value: 'off', label: 'Off' },
  ...AUTO_SYNC_HOURS.map((hours) => ({
    value: String(hours),
    label: hours === 1 ? 'every hour' : hours === 24 ? 'every day' : `every ${hours} hours`
  }))
]

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
        ? 'Automatic: what the server offers'
        : auto
          ? `Automatic (now ${CHANNEL_NAMES[auto]})`
          : 'Automatic (the server offers none)'
    },
    ...CHANNELS.map((channel) => ({
      value: channel,
      label:
        offers && offers[channel] === false
          ? `${CHANNEL_NAMES[channel]} (this server does not offer it)`
          : CHANNEL_NAMES[channel]
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
    if (!offers) return 'Invitations: automatic, once Test connection has asked the server what it offers'
    return channel
      ? `Invitations: ${CHANNEL_NAMES[channel]} (automatic)`
      : 'Invitations: none — this server offers no way Roster knows to invite workers'
  }
  const notOffered = offers && offers[project.channel] === false
  return `Invitations: ${CHANNEL_NAMES[project.channel]} (chosen${notOffered ? '; the last test found the server does not offer it' : ''})`
}
