import { ApiError } from '../../shared/api'

/**
 * Plain-HTTP HQ servers (always on this machine: the HQ client refuses any other http:// host)
 * exist for the simulator in tests, the demo and development builds. A packaged app or the CLI
 * takes them only behind an explicit setting, so nothing can talk a coordinator into sending a
 * key to a local listener.
 */
export const ALLOW_HTTP_LOOPBACK_ENV = 'ROSTER_ALLOW_HTTP_LOOPBACK'

/** The explicit setting for the CLI and a packaged app: ROSTER_ALLOW_HTTP_LOOPBACK=1. */
export function httpLoopbackAllowedByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ALLOW_HTTP_LOOPBACK_ENV] === '1'
}

/** Refuses a plain-HTTP server unless `allowHttpLoopback`. The server URL is checked as typed. */
export function checkServerAllowed(server: string, allowHttpLoopback: boolean): void {
  if (allowHttpLoopback || !/^\s*http:/i.test(server)) return
  throw new ApiError(
    'invalid-input',
    `Roster connects to HQ over HTTPS only. A plain http:// server is for testing with the HQ simulator: set ${ALLOW_HTTP_LOOPBACK_ENV}=1 to allow it.`
  )
}
