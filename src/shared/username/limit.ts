/**
 * HQ's limits on a mobile worker's username. HQ stores `<name>@<domain>.commcarehq.org`; Roster
 * handles only `<name>` (HQ appends the rest) and keeps it in lower case, as HQ does.
 */

/** HQ's own cap on the part before the @, whatever the domain. */
export const HQ_USERNAME_MAX = 80
/** The longest full username HQ accepts (an e-mail address, user_importer's validation). */
const HQ_FULL_USERNAME_MAX = 127

/** What HQ appends after the @: "demo-project.commcarehq.org". */
export function usernameHost(domain: string): string {
  return `${domain.trim().toLowerCase()}.commcarehq.org`
}

/** The most characters a username (before the @) may have in this project. */
export function usernameLimit(domain: string): number {
  return Math.max(0, Math.min(HQ_USERNAME_MAX, HQ_FULL_USERNAME_MAX - usernameHost(domain).length))
}

/** `amina@demo-project.commcarehq.org` -> `amina`, for this project's host only (any case). */
export function stripUsernameHost(username: string, domain: string): string {
  const text = username.trim()
  const host = `@${usernameHost(domain)}`
  return text.toLowerCase().endsWith(host) ? text.slice(0, text.length - host.length) : text
}

/** The project a full HQ username belongs to ("x@other.commcarehq.org" -> "other"), if it is one. */
export function usernameProject(username: string): string | undefined {
  return /@([^@\s]+)\.commcarehq\.org$/i.exec(username.trim())?.[1]?.toLowerCase()
}
