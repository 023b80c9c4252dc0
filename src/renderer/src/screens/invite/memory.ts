/**
 * What the Invite screen remembers between runs, per project, in localStorage: the app chosen
 * last time and the column mapping of each kind of list (by its column titles). Preferences only:
 * the app works the same without them.
 */
import { ColumnMappingSchema, type ColumnMapping } from '../../../../shared/import/mapping'

const PREFIX = 'roster.invite.'

function read(key: string): unknown {
  try {
    const raw = globalThis.localStorage?.getItem(PREFIX + key)
    return raw == null ? null : (JSON.parse(raw) as unknown)
  } catch {
    return null
  }
}

function write(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(PREFIX + key, JSON.stringify(value))
  } catch {
    // Storage full or disabled: nothing else depends on it.
  }
}

export function rememberedApp(projectId: string): string | null {
  const value = read(`app.${projectId}`)
  return typeof value === 'string' ? value : null
}

export function rememberApp(projectId: string, appId: string): void {
  write(`app.${projectId}`, appId)
}

function signature(headers: readonly string[]): string {
  return headers.map((h) => h.trim().toLowerCase()).join('\u001f')
}

/** The mapping last used for a list with exactly these column titles, if any. */
export function rememberedMapping(projectId: string, headers: readonly string[]): ColumnMapping | null {
  const all = read(`mapping.${projectId}`)
  if (!all || typeof all !== 'object') return null
  const parsed = ColumnMappingSchema.safeParse((all as Record<string, unknown>)[signature(headers)])
  if (!parsed.success) return null
  const mapping = parsed.data
  const fits = mapping.phone < headers.length && mapping.fields.every((f) => f.index < headers.length)
  return fits ? mapping : null
}

export function rememberMapping(projectId: string, headers: readonly string[], mapping: ColumnMapping): void {
  const all = read(`mapping.${projectId}`)
  const map = all && typeof all === 'object' ? { ...(all as Record<string, unknown>) } : {}
  map[signature(headers)] = mapping
  // Keep the 20 most recent kinds of list.
  const keys = Object.keys(map)
  for (const key of keys.slice(0, Math.max(0, keys.length - 20))) delete map[key]
  write(`mapping.${projectId}`, map)
}
