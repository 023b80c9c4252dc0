import type { AccountBook } from './accounts'
import { BadRequest, everything, paginate } from './paging'
import { CANNED_500, handleRegistration, handleReinstall, type RegistrationContext } from './registration'
import {
  dehydrateApplication,
  dehydrateGroup,
  dehydrateLocationV05,
  dehydrateLocationV2,
  dehydrateWorker,
  type LocationUris
} from './resources'
import type { Matched } from './router'
import { JSON_CONTENT_TYPE, pythonJson, serialize, XmlSerializationError, type Format } from './serialize'
import type { Reply } from './respond'
import type { SimState } from './state'
import type { HqWorker, ValidationErrorShape } from './types'
import { createUser, updateUser } from './user-create'

export interface HandlerContext {
  state: SimState
  baseUrl: string
  maxLimit: number
  locationV2MaxLimit: number
  errorShape: ValidationErrorShape
  book: AccountBook
  emailConfirmation: () => boolean
}

export interface RequestInfo {
  method: string
  matched: Matched
  params: URLSearchParams
  format: Format
  contentType: string | undefined
  body: string
}

// dimagi.utils.parsing.string_to_boolean via _safe_bool: anything unparsable counts as false.
function safeBool(value: string | null): boolean {
  return value !== null && ['true', 't', 'yes', 'y', '1'].includes(value.trim().toLowerCase())
}

// tastypie's sanitize(): HTML-escape, then put quotes back.
function sanitize(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const NOT_FOUND: Reply = { status: 404, body: '', contentType: 'text/html; charset=utf-8' }

function ok(data: unknown, format: Format): Reply {
  const { body, contentType } = serialize(data, format)
  return { status: 200, body, contentType }
}

function workerList(ctx: HandlerContext, req: RequestInfo, api: 'v0.5' | 'user/v1'): Reply {
  const { state } = ctx
  const { params, matched, format } = req
  const groupId = params.get('group')
  let items: readonly HqWorker[]
  if (groupId) {
    // v0_1.CommCareUserResource.obj_get_list: the group's active mobile workers, archived ignored.
    const group = state.data.groups.find((g) => g.id === groupId)
    if (!group) throw new BadRequest(`Project ${matched.domain} has no group with id=${groupId}`)
    const active = new Set(state.activeWorkers().map((w) => w.id))
    items = group.users
      .filter((id) => active.has(id))
      .map((id) => state.findWorker(id))
      .filter((w): w is HqWorker => !!w)
  } else {
    items = safeBool(params.get('archived')) ? state.archivedWorkers() : state.activeWorkers()
  }
  const page = paginate(items, matched.listPath, params, ctx.maxLimit)
  const extras = safeBool(params.get('extras'))
  const objects = page.objects.map((w) => dehydrateWorker(w, { domain: matched.domain, api, format, extras }))
  return ok({ meta: page.meta, objects }, format)
}

function groupUri(domain: string, api: 'v0.5' | 'group/v1', id: string): string {
  return api === 'v0.5' ? `/a/${domain}/api/v0.5/group/${id}/` : `/a/${domain}/api/group/v1/${id}/`
}

function locationUris(baseUrl: string, domain: string, api: 'v0.5' | 'location/v1'): LocationUris {
  const root = `${baseUrl}/a/${domain}/api`
  return api === 'v0.5'
    ? {
        location: (id) => `${root}/v0.5/location/${id}/`,
        locationType: (n) => `${root}/v0.5/location_type/${n}/`
      }
    : {
        location: (id) => `${root}/location/v1/${id}/`,
        locationType: (n) => `${root}/location_type/v1/${n}/`
      }
}

type Parsed = { ok: true; data: Record<string, unknown> } | { ok: false; reply: Reply }

function parseJsonBody(req: RequestInfo): Parsed {
  const type = (req.contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? ''
  if (type !== 'application/json') {
    const body = {
      error: `The format indicated '${type}' had no available deserialization method. Please check your \`formats\` and \`content_types\` on your Serializer.`
    }
    return { ok: false, reply: { status: 400, body: pythonJson(body), contentType: JSON_CONTENT_TYPE } }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(req.body)
  } catch {
    return {
      ok: false,
      reply: {
        status: 400,
        body: pythonJson({ error: 'Request is not valid JSON.' }),
        contentType: JSON_CONTENT_TYPE
      }
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    // tastypie cannot build a bundle from a non-object body: an unhandled error, so a 500.
    return { ok: false, reply: { status: 500, body: pythonJson(CANNED_500), contentType: JSON_CONTENT_TYPE } }
  }
  return { ok: true, data: parsed as Record<string, unknown> }
}

function registration(ctx: HandlerContext, req: RequestInfo, reinstall: boolean): Reply {
  const parsed = parseJsonBody(req)
  if (!parsed.ok) return parsed.reply
  const rctx: RegistrationContext = {
    state: ctx.state,
    baseUrl: ctx.baseUrl,
    domain: req.matched.domain,
    errorShape: ctx.errorShape
  }
  const outcome = reinstall ? handleReinstall(rctx, parsed.data) : handleRegistration(rctx, parsed.data)
  // Success is written by HQ's view with json.dumps (key order kept); errors go through tastypie.
  const body = outcome.status === 200 ? pythonJson(outcome.body, false) : pythonJson(outcome.body)
  return {
    status: outcome.status,
    body,
    contentType: outcome.status === 200 ? 'application/json' : JSON_CONTENT_TYPE
  }
}

function route(ctx: HandlerContext, req: RequestInfo): Reply {
  const { state } = ctx
  const { matched, format, params } = req
  const { route: r, domain } = matched
  switch (r.kind) {
    case 'user-list': {
      if (req.method !== 'POST') return workerList(ctx, req, r.api)
      const parsed = parseJsonBody(req)
      if (!parsed.ok) return parsed.reply
      const created = createUser(userContext(ctx, domain), parsed.data)
      return { status: 201, body: pythonJson(created), contentType: JSON_CONTENT_TYPE }
    }
    case 'user-detail': {
      const worker = state.findWorker(r.id)
      if (!worker) return NOT_FOUND
      if (req.method === 'PUT') {
        const parsed = parseJsonBody(req)
        if (!parsed.ok) return parsed.reply
        updateUser(userContext(ctx, domain), worker, parsed.data)
      }
      return ok(
        dehydrateWorker(worker, { domain, api: r.api, format, extras: safeBool(params.get('extras')) }),
        format
      )
    }
    case 'group-list': {
      const page = paginate(state.data.groups, matched.listPath, params, ctx.maxLimit)
      const objects = page.objects.map((g) =>
        dehydrateGroup(g, state.data.archivedIds, groupUri(domain, r.api, g.id))
      )
      return ok({ meta: page.meta, objects }, format)
    }
    case 'group-detail': {
      const group = state.data.groups.find((g) => g.id === r.id)
      if (!group) return NOT_FOUND
      return ok(dehydrateGroup(group, state.data.archivedIds, groupUri(domain, r.api, group.id)), format)
    }
    case 'location-list': {
      if (r.api === 'location/v2') {
        const page = paginate(state.data.locations, matched.listPath, params, ctx.locationV2MaxLimit)
        return ok({ meta: page.meta, objects: page.objects.map(dehydrateLocationV2) }, format)
      }
      const page = paginate(state.data.locations, matched.listPath, params, ctx.maxLimit)
      const lctx = { uris: locationUris(ctx.baseUrl, domain, r.api), typeIdByCode: typeIds(state) }
      return ok({ meta: page.meta, objects: page.objects.map((l) => dehydrateLocationV05(l, lctx)) }, format)
    }
    case 'location-detail': {
      const location = state.data.locations.find((l) => l.location_id === r.id)
      if (!location) return NOT_FOUND
      if (r.api === 'location/v2') return ok(dehydrateLocationV2(location), format)
      return ok(
        dehydrateLocationV05(location, {
          uris: locationUris(ctx.baseUrl, domain, r.api),
          typeIdByCode: typeIds(state)
        }),
        format
      )
    }
    case 'application-list': {
      const page = everything(state.data.applications)
      return ok({ meta: page.meta, objects: page.objects.map(dehydrateApplication) }, format)
    }
    case 'application-detail': {
      const app = state.data.applications.find((a) => a.id === r.id)
      if (!app) return NOT_FOUND
      return ok(dehydrateApplication(app), format)
    }
    case 'registration':
      return registration(ctx, req, false)
    case 'reinstall':
      return registration(ctx, req, true)
    case 'bulk-upload':
      throw new Error('hq-sim: the bulk upload view is asynchronous and served by the server itself')
  }
}

function userContext(ctx: HandlerContext, domain: string) {
  return { state: ctx.state, book: ctx.book, domain, emailConfirmation: ctx.emailConfirmation() }
}

function typeIds(state: SimState): Map<string, number> {
  return new Map(state.data.locationTypes.map((t) => [t.code, t.id]))
}

// tastypie's wrap_view: BadRequest -> 400 {"error": ...}; anything unexpected -> canned 500.
export function handle(ctx: HandlerContext, req: RequestInfo): Reply {
  try {
    return route(ctx, req)
  } catch (e) {
    if (e instanceof BadRequest) {
      const { body, contentType } = serialize({ error: sanitize(e.message) }, req.format)
      return { status: 400, body, contentType }
    }
    if (e instanceof XmlSerializationError) {
      return { status: 500, body: pythonJson(CANNED_500), contentType: JSON_CONTENT_TYPE }
    }
    throw e
  }
}
