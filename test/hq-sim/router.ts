import type { Permission } from './auth'
import type { RequestCategory } from './faults'
import type { UserApi } from './resources'

// URL -> resource, following HQ's urls: /a/<domain>/api/<api_name>/<resource>/ and the newer
// /a/<domain>/api/<resource>/<version>/ forms.

export type Route =
  | { kind: 'user-list'; api: UserApi }
  | { kind: 'user-detail'; api: UserApi; id: string }
  | { kind: 'group-list'; api: 'v0.5' | 'group/v1' }
  | { kind: 'group-detail'; api: 'v0.5' | 'group/v1'; id: string }
  | { kind: 'location-list'; api: 'v0.5' | 'location/v1' | 'location/v2' }
  | { kind: 'location-detail'; api: 'v0.5' | 'location/v1' | 'location/v2'; id: string }
  | { kind: 'application-list' }
  | { kind: 'application-detail'; id: string }
  | { kind: 'registration' }
  | { kind: 'reinstall' }

export interface Matched {
  domain: string
  route: Route
  listPath: string // the resource's list URL (path only), base of meta.next/previous
}

export type Resolution = { matched: Matched } | { redirect: string } | { notFound: true }

interface Pattern {
  re: RegExp
  build: (m: RegExpExecArray) => Route
  list: (domain: string) => string
}

const D = '([^/]+)'
const ID = '([\\w][\\w-]*)'

const PATTERNS: Pattern[] = [
  {
    re: new RegExp(`^/a/${D}/api/v0\\.5/user/$`),
    build: () => ({ kind: 'user-list', api: 'v0.5' }),
    list: (d) => `/a/${d}/api/v0.5/user/`
  },
  {
    re: new RegExp(`^/a/${D}/api/v0\\.5/user/${ID}/$`),
    build: (m) => ({ kind: 'user-detail', api: 'v0.5', id: m[2] ?? '' }),
    list: (d) => `/a/${d}/api/v0.5/user/`
  },
  {
    re: new RegExp(`^/a/${D}/api/user/v1/$`),
    build: () => ({ kind: 'user-list', api: 'user/v1' }),
    list: (d) => `/a/${d}/api/user/v1/`
  },
  {
    re: new RegExp(`^/a/${D}/api/user/v1/${ID}/$`),
    build: (m) => ({ kind: 'user-detail', api: 'user/v1', id: m[2] ?? '' }),
    list: (d) => `/a/${d}/api/user/v1/`
  },
  {
    re: new RegExp(`^/a/${D}/api/v0\\.5/group/$`),
    build: () => ({ kind: 'group-list', api: 'v0.5' }),
    list: (d) => `/a/${d}/api/v0.5/group/`
  },
  {
    re: new RegExp(`^/a/${D}/api/v0\\.5/group/${ID}/$`),
    build: (m) => ({ kind: 'group-detail', api: 'v0.5', id: m[2] ?? '' }),
    list: (d) => `/a/${d}/api/v0.5/group/`
  },
  {
    re: new RegExp(`^/a/${D}/api/group/v1/$`),
    build: () => ({ kind: 'group-list', api: 'group/v1' }),
    list: (d) => `/a/${d}/api/group/v1/`
  },
  {
    re: new RegExp(`^/a/${D}/api/group/v1/${ID}/$`),
    build: (m) => ({ kind: 'group-detail', api: 'group/v1', id: m[2] ?? '' }),
    list: (d) => `/a/${d}/api/group/v1/`
  },
  {
    re: new RegExp(`^/a/${D}/api/v0\\.5/location/$`),
    build: () => ({ kind: 'location-list', api: 'v0.5' }),
    list: (d) => `/a/${d}/api/v0.5/location/`
  },
  {
    re: new RegExp(`^/a/${D}/api/v0\\.5/location/${ID}/$`),
    build: (m) => ({ kind: 'location-detail', api: 'v0.5', id: m[2] ?? '' }),
    list: (d) => `/a/${d}/api/v0.5/location/`
  },
  {
    re: new RegExp(`^/a/${D}/api/location/(v1|v2)/$`),
    build: (m) => ({ kind: 'location-list', api: m[2] === 'v1' ? 'location/v1' : 'location/v2' }),
    list: (d) => `/a/${d}/api/location/v2/`
  },
  {
    re: new RegExp(`^/a/${D}/api/location/(v1|v2)/${ID}/$`),
    build: (m) => ({
      kind: 'location-detail',
      api: m[2] === 'v1' ? 'location/v1' : 'location/v2',
      id: m[3] ?? ''
    }),
    list: (d) => `/a/${d}/api/location/v2/`
  },
  {
    re: new RegExp(`^/a/${D}/api/v0\\.5/application/$`),
    build: () => ({ kind: 'application-list' }),
    list: (d) => `/a/${d}/api/v0.5/application/`
  },
  {
    re: new RegExp(`^/a/${D}/api/v0\\.5/application/${ID}/$`),
    build: (m) => ({ kind: 'application-detail', id: m[2] ?? '' }),
    list: (d) => `/a/${d}/api/v0.5/application/`
  },
  {
    re: new RegExp(`^/a/${D}/api/v0\\.5/sms_user_registration/$`),
    build: () => ({ kind: 'registration' }),
    list: (d) => `/a/${d}/api/v0.5/sms_user_registration/`
  },
  {
    re: new RegExp(`^/a/${D}/api/v0\\.5/sms_user_registration_reinstall/$`),
    build: () => ({ kind: 'reinstall' }),
    list: (d) => `/a/${d}/api/v0.5/sms_user_registration_reinstall/`
  }
]

function match(path: string): Matched | null {
  for (const p of PATTERNS) {
    const m = p.re.exec(path)
    if (m) {
      const domain = decodeURIComponent(m[1] ?? '')
      const route = p.build(m)
      // location/v1 and location/v2 have their own list URLs.
      const listPath =
        route.kind === 'location-list' && route.api === 'location/v1'
          ? `/a/${m[1]}/api/location/v1/`
          : p.list(m[1] ?? '')
      return { domain, route, listPath }
    }
  }
  return null
}

// Django's APPEND_SLASH: a known URL without its trailing slash answers 301 to the slashed one.
export function resolve(path: string, search: string): Resolution {
  const matched = match(path)
  if (matched) return { matched }
  if (!path.endsWith('/') && match(`${path}/`)) return { redirect: `${path}/${search}` }
  return { notFound: true }
}

export function allowedMethods(route: Route): string[] {
  return route.kind === 'registration' || route.kind === 'reinstall' ? ['POST'] : ['GET']
}

export function permissionFor(route: Route): Permission {
  switch (route.kind) {
    case 'user-list':
    case 'user-detail':
    case 'group-list':
    case 'group-detail':
      return 'edit_commcare_users'
    case 'location-list':
    case 'location-detail':
      return 'edit_locations'
    case 'registration':
    case 'reinstall':
      return 'edit_data'
    case 'application-list':
    case 'application-detail':
      return 'access_api' // LoginAndDomainAuthentication: any member with API access
  }
}

export function categoryOf(route: Route): RequestCategory {
  switch (route.kind) {
    case 'user-list':
      return 'workers'
    case 'group-list':
      return 'groups'
    case 'location-list':
      return 'locations'
    case 'application-list':
      return 'applications'
    case 'user-detail':
    case 'group-detail':
    case 'location-detail':
    case 'application-detail':
      return 'detail'
    case 'registration':
    case 'reinstall':
      return 'registration'
  }
}
