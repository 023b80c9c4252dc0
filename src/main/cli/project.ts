/**
 * The database a command reads and the saved project it works on. One rule for every command,
 * so --db, --domain, --server and --username mean the same thing in each of them.
 */
import { existsSync } from 'node:fs'
import { SERVER_PRESETS } from '../../shared/domain'
import { openDatabase, type Db } from '../db/open'
import { ensureProject, listProjects, normaliseServer, type ProjectRecord } from '../db/projects'
import { Failure, messageOf, UsageError, type CliIo } from './io'

/** What the command line says about the project; every part is optional. */
export interface ProjectChoice {
  server?: string | undefined
  domain?: string | undefined
  username?: string | undefined
}

/** Where a project is saved the first time `invite` meets it and no --server was given. */
export const DEFAULT_SERVER = SERVER_PRESETS.www

/** "www", "india" or "eu" stand for HQ's servers; anything else is taken as the address. */
export function serverUrl(server: string): string {
  const preset = (SERVER_PRESETS as Record<string, string>)[server.trim().toLowerCase()]
  return preset ?? server.trim()
}

/**
 * Which database files a command may create. `never` (workers, validate, history): a --db that
 * does not exist is a mistyped path (usage error) and a missing default database means nothing
 * was synced yet (failure). `default` (invite): the same for --db, but the app's own database is
 * created on first use. `any` (sync): whatever the path, the file is created.
 */
export type DbCreation = 'never' | 'default' | 'any'

/** A database opened for a command; `created` when the file did not exist before. */
export interface OpenedRoster {
  db: Db
  path: string
  created: boolean
}

/**
 * Opens the database at --db, or the desktop app's, creating the file only as `create` allows,
 * so a mistyped path never becomes an empty roster that knows nobody was invited before.
 */
export function openRosterDb(
  dbOption: string | undefined,
  io: Pick<CliIo, 'defaultDbPath'> & Partial<Pick<CliIo, 'stderr'>>,
  options: { create?: DbCreation; verify?: boolean } = {}
): OpenedRoster {
  const create = options.create ?? 'never'
  const path = dbOption ?? io.defaultDbPath
  const exists = path === ':memory:' || existsSync(path)
  if (!exists && dbOption !== undefined && create !== 'any') throw missingDbOption(path)
  if (!exists && dbOption === undefined && create === 'never') {
    throw new Failure(`there is no roster at ${path} yet (nothing was created); run roster sync first`)
  }
  try {
    // A damaged or foreign file is moved aside and a new one started (db/open.ts): say so.
    const db = openDatabase(path, {
      ...(options.verify ? { verify: true } : {}),
      onMovedAside: (aside) => io.stderr?.(`roster: ${aside.message}\n`)
    })
    return { db, path, created: !exists }
  } catch (error) {
    throw new Failure(`cannot open the database ${path}: ${messageOf(error)}`)
  }
}

/** A --db naming no file: a usage error that says nothing was made there. */
export function missingDbOption(path: string): UsageError {
  return new UsageError(
    `--db ${path}: no such database; nothing was created (check the path, or run roster sync --db ${path} to start a roster there)`
  )
}

/** The saved projects the choice fits: domain and username in any case, server by address or host. */
export function matchProjects(projects: readonly ProjectRecord[], choice: ProjectChoice): ProjectRecord[] {
  const domain = choice.domain?.trim().toLowerCase()
  const username = choice.username?.trim().toLowerCase()
  const server = choice.server?.trim() ? normaliseServer(serverUrl(choice.server)).toLowerCase() : undefined
  return projects.filter(
    (p) =>
      (!domain || p.domain.toLowerCase() === domain) &&
      (!username || p.username.toLowerCase() === username) &&
      (!server || normaliseServer(p.server).toLowerCase() === server)
  )
}

/**
 * The one project the command works on: the only one saved, or the one the options name.
 * With `create` (invite), a project named by --domain and --username that is not saved yet is
 * saved, as `roster sync` would. Ambiguity and unknown names are usage errors (exit 2); an
 * empty roster is a failure (exit 1) that says to sync first.
 */
export function resolveProject(
  db: Db,
  choice: ProjectChoice,
  options: { dbPath: string; create?: boolean }
): ProjectRecord {
  const all = listProjects(db)
  const matches = matchProjects(all, choice)
  if (matches.length === 1) return matches[0]!

  const domain = choice.domain?.trim()
  const username = choice.username?.trim()
  if (matches.length === 0 && options.create && domain && username) {
    return ensureProject(db, {
      server: choice.server?.trim() ? serverUrl(choice.server) : DEFAULT_SERVER,
      domain,
      username
    }).project
  }
  if (all.length === 0) {
    if (options.create)
      throw new UsageError('no project is saved yet: name it with --server, --domain and --username')
    throw new Failure(`no project has been synced into ${options.dbPath} yet; run roster sync first`)
  }
  if (matches.length === 0) throw noSuchProject(all, choice)
  if (!domain) {
    throw new UsageError(
      `the database holds several projects; choose one with --domain: ${domainsOf(matches)}`
    )
  }
  throw new UsageError(
    `'${domain}' is saved more than once; add --server or --username: ${describeAll(matches, '; ')}`
  )
}

/** The choice fits none of the saved projects (there is at least one): a usage error naming them. */
export function noSuchProject(all: readonly ProjectRecord[], choice: ProjectChoice): UsageError {
  const onlyDomain = !choice.server?.trim() && !choice.username?.trim()
  const saved = onlyDomain ? domainsOf(all) : describeAll(all, ', ')
  return new UsageError(`no project ${describeChoice(choice)} in the database; it has: ${saved}`)
}

export function describeProject(p: ProjectRecord): string {
  return `${p.domain} (${p.username} on ${p.server})`
}

function describeAll(projects: readonly ProjectRecord[], separator: string): string {
  return projects.map(describeProject).sort().join(separator)
}

function domainsOf(projects: readonly ProjectRecord[]): string {
  return [...new Set(projects.map((p) => p.domain))].sort().join(', ')
}

function describeChoice(choice: ProjectChoice): string {
  const parts = [
    choice.domain?.trim() ? `'${choice.domain.trim()}'` : '',
    choice.username?.trim() ? `for ${choice.username.trim()}` : '',
    choice.server?.trim() ? `on ${normaliseServer(serverUrl(choice.server))}` : ''
  ]
  return parts.filter(Boolean).join(' ')
}
