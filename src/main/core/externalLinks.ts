/** What the link rule needs to know of a saved project. */
export interface LinkableProject {
  server: string
  domain: string
  /** An API key is saved for it. */
  hasKey: boolean
  /** A sync of it has completed at least once. */
  synced: boolean
}

/**
 * Whether the system browser may open `url`: an https page under `/a/<domain>/` on the server of
 * a project that has a saved key and has synced at least once, so HQ itself (not a project saved
 * on any host by a compromised page) vouches for that server. Plain http is for the simulator on
 * this machine, behind the same setting that lets the core talk to it. No logins in the URL.
 */
export function externalLinkAllowed(
  url: string,
  projects: readonly LinkableProject[],
  allowHttpLoopback = false
): boolean {
  if (!URL.canParse(url)) return false
  const target = new URL(url)
  if (target.username || target.password) return false
  if (target.protocol !== 'https:' && !(allowHttpLoopback && target.protocol === 'http:')) return false
  return projects.some((project) => {
    if (!project.hasKey || !project.synced || !URL.canParse(project.server)) return false
    const server = new URL(project.server)
    if (server.origin !== target.origin) return false
    const base = server.pathname.replace(/\/+$/, '')
    return target.pathname.startsWith(`${base}/a/${encodeURIComponent(project.domain)}/`)
  })
}
