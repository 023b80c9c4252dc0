import { hashString } from './prng'
import { Bundle, XmlSerializationError, type Format } from './serialize'
import type { HqApplication, HqGroup, HqLocation, HqWorker, HqWorkerExtras } from './types'

// Per-resource dehydration: what each HQ resource puts in a response for one object.

export type UserApi = 'v0.5' | 'user/v1'

export function userListPath(domain: string, api: UserApi): string {
  return api === 'v0.5' ? `/a/${domain}/api/v0.5/user/` : `/a/${domain}/api/user/v1/`
}

// Python's str.isdigit() on the first character: any decimal digit, plus super/subscripts.
const STARTS_WITH_DIGIT = /^[\p{Nd}\u00B2\u00B3\u00B9\u2070-\u2079\u2080-\u2089]/u

// Counts derived from the id and the month: stable within a month, as HQ's form counts would be.
export function workerExtras(id: string, now = new Date()): HqWorkerExtras {
  const seed = hashString(`${id}:${now.getUTCFullYear()}-${now.getUTCMonth()}`)
  const submitted30 = seed % 60
  const submittedMonth = (seed >>> 8) % 70
  return {
    submitted_last_30: submitted30,
    completed_last_30: Math.max(0, submitted30 - ((seed >>> 16) % 5)),
    submitted_last_month: submittedMonth,
    completed_last_month: Math.max(0, submittedMonth - ((seed >>> 20) % 5))
  }
}

export function dehydrateWorker(
  w: HqWorker,
  ctx: { domain: string; api: UserApi; format: Format; extras: boolean }
): Bundle {
  let userData: Record<string, string> = w.user_data
  if (ctx.format === 'xml') {
    // v0_1.CommCareUserResource.dehydrate_user_data: XML names cannot start with a digit.
    userData = {}
    for (const [k, v] of Object.entries(w.user_data)) {
      if (k.length === 0) throw new XmlSerializationError('string index out of range') // k[0] on ''
      if (!STARTS_WITH_DIGIT.test(k)) userData[k] = v
    }
  }
  const data: Record<string, unknown> = {
    type: w.type,
    id: w.id,
    username: w.username,
    first_name: w.first_name,
    last_name: w.last_name,
    default_phone_number: w.default_phone_number,
    email: w.email,
    phone_numbers: w.phone_numbers,
    groups: w.groups,
    user_data: userData,
    locations: w.locations,
    primary_location: w.primary_location,
    eulas: w.eulas,
    resource_uri: `${userListPath(ctx.domain, ctx.api)}${w.id}/`
  }
  // Unknown extra fields someone patched in stay visible, as HQ adds fields over time.
  for (const [k, v] of Object.entries(w)) if (!(k in data)) data[k] = v
  if (ctx.extras) data.extras = workerExtras(w.id)
  return new Bundle(data)
}

// GroupResource.users is get_user_ids(is_active=True): archived members are not listed.
export function dehydrateGroup(g: HqGroup, archived: ReadonlySet<string>, resourceUri: string): Bundle {
  return new Bundle({
    case_sharing: g.case_sharing,
    domain: g.domain,
    id: g.id,
    metadata: g.metadata,
    name: g.name,
    reporting: g.reporting,
    resource_uri: resourceUri,
    users: g.users.filter((u) => !archived.has(u))
  })
}

// location/v2 (corehq/apps/locations/resources/v0_6.py): ids, no URIs, '' for a root's parent.
export function dehydrateLocationV2(l: HqLocation): Bundle {
  return new Bundle({
    domain: l.domain,
    last_modified: l.last_modified,
    latitude: l.latitude,
    location_data: l.location_data,
    location_id: l.location_id,
    location_type_code: l.location_type_code,
    location_type_name: l.location_type_name,
    longitude: l.longitude,
    name: l.name,
    parent_location_id: l.parent_location_id,
    site_code: l.site_code
  })
}

// v0.5 and location/v1 (corehq/apps/locations/resources/v0_5.py): integer id, and the parent and
// type are absolute resource URIs, not ids: the parent's location_id is the URI's last segment.
export interface LocationUris {
  location: (locationId: string) => string
  locationType: (typeId: number) => string
}

export function dehydrateLocationV05(
  l: HqLocation,
  ctx: { uris: LocationUris; typeIdByCode: ReadonlyMap<string, number> }
): Bundle {
  const typeId = ctx.typeIdByCode.get(l.location_type_code)
  return new Bundle({
    created_at: l.created_at,
    domain: l.domain,
    external_id: l.external_id,
    id: l.id,
    last_modified: l.last_modified,
    latitude: l.latitude,
    location_data: l.location_data,
    location_id: l.location_id,
    location_type: typeId === undefined ? null : ctx.uris.locationType(typeId),
    longitude: l.longitude,
    name: l.name,
    parent: l.parent_location_id ? ctx.uris.location(l.parent_location_id) : null,
    resource_uri: ctx.uris.location(l.location_id),
    site_code: l.site_code
  })
}

export function dehydrateApplication(app: HqApplication): Bundle {
  return new Bundle({ ...app })
}
