import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The platform's app-data folder for Roster. The desktop app and the CLI both use it, so
 * `roster workers` reads the roster the app synced.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.ROSTER_DATA_DIR) return env.ROSTER_DATA_DIR
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Roster')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Roster')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Roster')
}

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  return join(defaultDataDir(env, platform), 'roster.db')
}
