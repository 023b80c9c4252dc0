/**
 * --server, --domain, --username and the API key, read the same way by every command that talks
 * to HQ by itself (sync, check).
 */
import { ApiError } from '../../shared/api'
import { ProjectInputSchema } from '../../shared/domain'
import { checkServerAllowed, httpLoopbackAllowedByEnv } from '../core/serverPolicy'
import { UsageError, type CliIo } from './io'
import { serverUrl } from './project'

/** The parseArgs options behind readConnection. */
export const CONNECTION_OPTIONS = {
  server: { type: 'string' },
  domain: { type: 'string' },
  username: { type: 'string' },
  'api-key': { type: 'string' }
} as const

export interface Connection {
  server: string
  domain: string
  username: string
  apiKey: string
}

/** All four are required; the key may come from ROSTER_API_KEY. Throws UsageError. */
export function readConnection(
  values: { server?: string; domain?: string; username?: string; 'api-key'?: string },
  io: Pick<CliIo, 'env'>
): Connection {
  const missing = (['server', 'domain', 'username'] as const).filter((name) => !values[name]?.trim())
  if (missing.length) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')}`)
  const server = serverUrl(values.server!)
  const checked = ProjectInputSchema.safeParse({ server, domain: values.domain, username: values.username })
  if (!checked.success) throw new UsageError(checked.error.issues[0]!.message)
  requireAllowedServer(server, io)
  const apiKey = (values['api-key'] ?? io.env.ROSTER_API_KEY ?? '').trim()
  if (!apiKey) throw new UsageError('no API key: set ROSTER_API_KEY or pass --api-key')
  return { server, domain: checked.data.domain, username: checked.data.username, apiKey }
}

/**
 * Plain http:// (the HQ simulator on this machine) only with ROSTER_ALLOW_HTTP_LOOPBACK=1 in the
 * environment: a usage error otherwise, before any database is opened or HQ is asked anything.
 */
export function requireAllowedServer(server: string, io: Pick<CliIo, 'env'>): void {
  const allowed = httpLoopbackAllowedByEnv(io.env)
  try {
    checkServerAllowed(server, allowed)
  } catch (error) {
    // Only the refusal is the user's to fix; anything else stays what it was.
    if (error instanceof ApiError) throw new UsageError(error.message)
    throw error
  }
}
