import type { IncomingHttpHeaders } from 'node:http'

export type Permission = 'edit_commcare_users' | 'edit_data' | 'edit_locations' | 'access_api'

export interface Account {
  username: string
  apiKey: string
  domains: ReadonlySet<string>
  permissions: ReadonlySet<Permission>
}

export const DOMAINS = new Set(['demo-project', 'other-project']) // other-project: exists, none of us a member

export const ACCOUNTS: readonly Account[] = [
  {
    username: 'coordinator@example.org',
    apiKey: 'sim-key-coordinator',
    domains: new Set(['demo-project']),
    permissions: new Set<Permission>(['edit_commcare_users', 'edit_data', 'edit_locations', 'access_api'])
  },
  {
    username: 'workers-only@example.org',
    apiKey: 'sim-key-workers-only',
    domains: new Set(['demo-project']),
    permissions: new Set<Permission>(['edit_commcare_users', 'edit_locations', 'access_api'])
  },
  {
    username: 'data-only@example.org',
    apiKey: 'sim-key-data-only',
    domains: new Set(['demo-project']),
    permissions: new Set<Permission>(['edit_data', 'access_api'])
  },
  {
    username: 'outsider@example.org',
    apiKey: 'sim-key-outsider',
    domains: new Set<string>(),
    permissions: new Set<Permission>(['edit_commcare_users', 'edit_data', 'edit_locations', 'access_api'])
  }
]

export interface Credentials {
  scheme: 'apikey' | 'basic'
  username: string
  key: string
}

// Mirrors HQ's determine_authtype_from_header + tastypie's ApiKeyAuthentication.extract_credentials:
// "Basic <b64>", "ApiKey user:key" (scheme case-insensitive, exactly two whitespace-separated parts),
// or ?username=&api_key= when no Authorization header is sent. null = nothing usable.
export function extractCredentials(headers: IncomingHttpHeaders, query: URLSearchParams): Credentials | null {
  const header = headers.authorization
  if (header !== undefined && header !== '') {
    const lower = header.toLowerCase()
    if (lower.startsWith('basic ')) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon < 0) return null
      return { scheme: 'basic', username: decoded.slice(0, colon), key: decoded.slice(colon + 1) }
    }
    if (lower.startsWith('apikey ')) {
      const parts = header.trim().split(/\s+/)
      if (parts.length !== 2 || !parts[1]) return null
      const colon = parts[1].indexOf(':')
      if (colon < 0) return null
      return { scheme: 'apikey', username: parts[1].slice(0, colon), key: parts[1].slice(colon + 1) }
    }
    return null
  }
  const username = query.get('username')
  const key = query.get('api_key')
  if (username && key) return { scheme: 'apikey', username, key }
  return null
}

export type AuthOutcome =
  | { ok: true; account: Account }
  | { ok: false; status: 401 | 403; reason: 'missing' | 'invalid' | 'revoked' | 'not-member' | 'permission' }

export function authenticate(
  creds: Credentials | null,
  domain: string,
  permission: Permission,
  revoked: ReadonlySet<string>
): AuthOutcome {
  if (!creds) return { ok: false, status: 401, reason: 'missing' }
  const account = ACCOUNTS.find((a) => a.username === creds.username)
  if (!account || account.apiKey !== creds.key) return { ok: false, status: 401, reason: 'invalid' }
  if (revoked.has(account.username)) return { ok: false, status: 401, reason: 'revoked' }
  if (!account.domains.has(domain)) return { ok: false, status: 403, reason: 'not-member' }
  if (!account.permissions.has(permission)) return { ok: false, status: 403, reason: 'permission' }
  return { ok: true, account }
}
