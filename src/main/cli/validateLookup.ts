/**
 * The database side of `roster validate`: registered and invited numbers, and the country, of
 * the project --domain names (or the only one saved). Never creates a database.
 */
import { existsSync } from 'node:fs'
import type { Db } from '../db/open'
import { listProjects } from '../db/projects'
import { validationLookup } from '../invite'
import type { CliIo } from './io'
import { openRosterDb, resolveProject } from './project'
import type { ValidateLookup } from './validate'

/**
 * With --db or --domain the lookup must work: a --db that does not exist is a usage error, an
 * unknown --domain too. With neither, the app's database is used when it exists and holds one
 * project; otherwise the file is still checked and `unchecked` says why numbers were not looked up.
 */
export function openValidationLookup(
  options: { db?: string; domain?: string },
  io: Pick<CliIo, 'defaultDbPath'>
): Partial<ValidateLookup> {
  const implicit = options.db === undefined && options.domain === undefined
  if (implicit && !existsSync(io.defaultDbPath)) {
    return { unchecked: `there is no roster database at ${io.defaultDbPath}; name one with --db` }
  }
  const { db, path } = openRosterDb(options.db, io)
  try {
    if (implicit) {
      const projects = listProjects(db)
      if (projects.length !== 1) {
        db.close()
        const domains = [...new Set(projects.map((p) => p.domain))].sort().join(', ')
        return {
          unchecked:
            projects.length === 0
              ? `no project has been synced into ${path} yet`
              : `the database holds several projects (${domains}); choose one with --domain`
        }
      }
      return lookupFor(db, projects[0]!)
    }
    return lookupFor(db, resolveProject(db, { domain: options.domain }, { dbPath: path }))
  } catch (error) {
    db.close()
    throw error
  }
}

function lookupFor(db: Db, project: { id: string; defaultCountry: string }): Partial<ValidateLookup> {
  return {
    ...validationLookup(db, project.id),
    defaultCountry: project.defaultCountry,
    close: () => db.close()
  }
}
