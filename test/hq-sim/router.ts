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
  | { kind: 'application-list'; api: 'v0.5' | 'application/v1' }
  | { kind: 'application-detail'; api: 'v0.5' | 'application/v1'; id: string }
  | { kind: 'registration' }
  | { kind: 'reinstall' }
  | { kind: 'bulk-upload' }

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
    build: () => ({ kind: 'application-list', api: 'v0.5' }),
    list: (d) => `/a/${d}/api/v0.5/application/`
  },
  {
    re: new RegExp(`^/a/${D}/api/v0\\.5/application/${ID}/$`),
    build: (m) => ({ kind: 'application-detail', api: 'v0.5', id: m[2] ?? '' }),
    list: (d) => `/a/${d}/api/v0.5/application/`
  },
  {
    re: new RegExp(`^/a/${D}/api/application/v1/$`),
    build: () => ({ kind: 'application-list', api: 'application/v1' }),
    list: (d) => `/a/${d}/api/application/v1/`
  },
  {
    re: new RegExp(`^/a/${D}/api/application/v1/${ID}/$`),
    build: (m) => ({ kind: 'application-detail', api: 'application/v1', id: m[2] ?? '' }),
    list: (d) => `/a/${d}/api/application/v1/`
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
  },
  {
    // A settings view, not a tastypie resource: no /api/ in the path.
    re: new RegExp(`^/a/${D}/settings/users/commcare/upload/bulk_user_upload_api/$`),
    build: () => ({ kind: 'bulk-upload' }),
    list: (d) => `/a/${d}/settings/users/commcare/upload/bulk_user_upload_api/`
  }
]

export type Era = '2026' | '2019'

// What each HQ of its time routes. 2019: v0.5 only, with SMS self-registration. 2026: the SMS
// registration endpoints are gone (PR #28516) and every resource is also served as <resource>/v1.
export function servedIn(route: Route, era: Era): boolean {
  const versioned = ('api' in route && route.api !== 'v0.5') || route.kind === 'bulk-upload'
  const retired = route.kind === 'registration' || route.kind === 'reinstall'
  return era === '2019' ? !versioned : !retired
}

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
// A URL the era does not route is Django's 404, whatever the credentials.
export function resolve(path: string, search: string, era: Era = '2019'): Resolution {
  const served = (p: string): Matched | null => {
    const m = match(p)
    return m && servedIn(m.route, era) ? m : null
  }
  const matched = served(path)
  if (matched) return { matched }
  if (!path.endsWith('/') && served(`${path}/`)) return { redirect: `${path}/${search}` }
  return { notFound: true }
}

export function allowedMethods(route: Route, era: Era = '2019'): string[] {
  switch (route.kind) {
    case 'registration':
    case 'reinstall':
    case 'bulk-upload':
      return ['POST']
    case 'user-list':
      // CommCareUserResource: list get, post; detail get, put (user creation is today's HQ here).
      return era === '2026' ? ['GET', 'POST'] : ['GET']
    case 'user-detail':
      return era === '2026' ? ['GET', 'PUT'] : ['GET']
    default:
      return ['GET']
  }
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
    case 'bulk-upload':
      return 'edit_commcare_users'
    case 'application-list':
    case 'application-detail':
      return 'access_api' // LoginAndDomainAuthentication: any member with API access
  }
}

export function categoryOf(route: Route, method = 'GET'): RequestCategory {
  switch (route.kind) {
    case 'user-list':
      return method === 'POST' ? 'accounts' : 'workers'
    case 'group-list':
      return 'groups'
    case 'location-list':
      return 'locations'
    case 'application-list':
      return 'applications'
    case 'user-detail':
      return method === 'PUT' ? 'accounts' : 'detail'
    case 'group-detail':
    case 'location-detail':
    case 'application-detail':
      return 'detail'
    case 'registration':
    case 'reinstall':
      return 'registration'
    case 'bulk-upload':
      return 'accounts'
  }
}
