import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

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

/*
 * The roster holds names and phone numbers of people, the invitation history and (in the app)
 * the encrypted keys: on Linux and macOS only the user may read them. Windows keeps %APPDATA%
 * private to the user already, and its file modes mean nothing.
 */
export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

const posix = (platform: NodeJS.Platform): boolean => platform !== 'win32'

/**
 * Creates a folder (and its parents) private to the user. With `tighten`, a folder that exists
 * already loses its group and other permissions too: for Roster's own data folder, not for a
 * folder the user chose for `--db`, which may be shared on purpose.
 */
export function ensurePrivateDir(
  dir: string,
  opts: { tighten?: boolean; platform?: NodeJS.Platform } = {}
): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (opts.tighten && posix(opts.platform ?? process.platform)) restrict(dir, PRIVATE_DIR_MODE)
}

/** Makes existing files private to the user (the database, its -wal and -shm); missing ones are skipped. */
export function makeFilesPrivate(
  paths: readonly string[],
  platform: NodeJS.Platform = process.platform
): void {
  if (!posix(platform)) return
  for (const path of paths) if (existsSync(path)) restrict(path, PRIVATE_FILE_MODE)
}

/** Whether `dir` is Roster's own data folder (the app's or ROSTER_DATA_DIR), which is always tightened. */
export function isDefaultDataDir(dir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return resolve(dir) === resolve(defaultDataDir(env))
}

function restrict(path: string, mode: number): void {
  const current = statSync(path).mode & 0o777
  // Only ever removes permissions: a file the user made stricter stays so.
  if ((current & ~mode) !== 0) chmodSync(path, current & mode)
}
