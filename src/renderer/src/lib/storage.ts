/**
 * The few things the renderer remembers between runs. Only preferences and the last project's
 * id live here — never credentials or worker data (the core owns those).
 */
const PREFIX = 'roster.'

function read<T>(key: string, guard: (value: unknown) => value is T): T | null {
  try {
    const raw = globalThis.localStorage?.getItem(PREFIX + key)
    if (raw == null) return null
    const value: unknown = JSON.parse(raw)
    return guard(value) ? value : null
  } catch {
    return null
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(PREFIX + key)
    else globalThis.localStorage?.setItem(PREFIX + key, JSON.stringify(value))
  } catch {
    // Storage full or disabled: preferences are a convenience, the app works without them.
  }
}

const isString = (v: unknown): v is string => typeof v === 'string'
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString)

export const prefs = {
  lastProjectId: () => read('lastProjectId', isString),
  /** The language chosen in the app; null follows the system's. */
  language: () => read('language', isString),
  setLanguage: (lng: string | null) => write('language', lng),
  setLastProjectId: (id: string | null) => write('lastProjectId', id),
  /** Custom-field columns the coordinator added to the Workers table, per project. */
  customColumns: (projectId: string) => read(`columns.${projectId}`, isStringArray) ?? [],
  setCustomColumns: (projectId: string, keys: string[]) => write(`columns.${projectId}`, keys)
}
