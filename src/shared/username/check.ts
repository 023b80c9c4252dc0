import { foldUsername, usernameCharacterProblem } from './fold'
import { stripUsernameHost, usernameLimit, usernameProject } from './limit'

export type UsernameCellProblem = 'illegal' | 'too-long' | 'other-project'

export type UsernameCellCheck =
  | { ok: true; username: string }
  | {
      ok: false
      problem: UsernameCellProblem
      /** What is wrong, to follow `username "<cell>"`. */
      reason: string
      /** The folded form to suggest instead (cut and numbered later); '' when nothing is left. */
      base: string
    }

/**
 * A username typed or read from a "Username" column, as HQ would take it: this project's
 * `@<domain>.commcarehq.org` dropped (HQ appends it), lower case (HQ lowercases), then HQ's
 * characters and length. Not checked here: whether another row or worker holds it.
 */
export function checkUsernameCell(cell: string, domain: string): UsernameCellCheck {
  const trimmed = cell.trim()
  const local = stripUsernameHost(trimmed, domain)
  const project = local.includes('@') ? usernameProject(local) : undefined
  if (project !== undefined) {
    const name = local.slice(0, local.lastIndexOf('@'))
    return {
      ok: false,
      problem: 'other-project',
      reason: `belongs to the project "${project}", not "${domain.trim().toLowerCase()}"`,
      base: foldUsername(name)
    }
  }
  const username = local.toLowerCase()
  const problem = usernameCharacterProblem(username)
  if (problem !== undefined)
    return { ok: false, problem: 'illegal', reason: problem, base: foldUsername(local) }
  const limit = usernameLimit(domain)
  if (username.length > limit) {
    return {
      ok: false,
      problem: 'too-long',
      reason: `has ${username.length} characters; HQ allows at most ${limit} in this project`,
      base: username
    }
  }
  return { ok: true, username }
}
