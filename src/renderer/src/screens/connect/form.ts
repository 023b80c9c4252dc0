import {
  ProjectInputSchema,
  SERVER_PRESETS,
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
}

export type FormErrors = Partial<Record<keyof ConnectForm, string>>

export const EMPTY_FORM: ConnectForm = {
  preset: 'www',
  customUrl: '',
  domain: '',
  username: '',
  apiKey: '',
  defaultCountry: 'KE',
  label: ''
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
    label: project.label === project.domain ? '' : project.label
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
