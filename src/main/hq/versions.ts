import { isHqError } from './errors'
import { apiPath } from './url'

/**
 * HQ serves each resource under a versioned URL since 2024 (`user/v1`, `location/v2`...) and
 * under the deprecated v0.5 one. Roster uses the versioned form and falls back to v0.5 only when
 * a server answers 404 to it (a server older than 2024); the answer is remembered per client and
 * resource, so a sync asks once.
 */
export type Resource = 'user' | 'group' | 'application' | 'location'

type Form = 'versioned' | 'legacy'

const SEGMENTS: Record<Resource, Record<Form, readonly string[]>> = {
  user: { versioned: ['user', 'v1'], legacy: ['v0.5', 'user'] },
  group: { versioned: ['group', 'v1'], legacy: ['v0.5', 'group'] },
  application: { versioned: ['application', 'v1'], legacy: ['v0.5', 'application'] },
  // location/v2 is the newer shape (v0.6); location/v1 is the same resource as v0.5.
  location: { versioned: ['location', 'v2'], legacy: ['v0.5', 'location'] }
}

/** `/a/<domain>/api/<resource's segments>/<rest...>/` in one of the two forms. */
export function resourcePath(domain: string, resource: Resource, form: Form, ...rest: string[]): string {
  return apiPath(domain, ...SEGMENTS[resource][form], ...rest)
}

/** Builds the path of a resource (and of one of its items: `path(id)`). */
export type PathFor = (...rest: string[]) => string

export interface ApiVersions {
  /**
   * Runs `request` against the resource's versioned URL; when that answers 404 and the form is not
   * known yet, runs it again against the v0.5 URL. Only a request that a 404 leaves undone may come
   * here (a 404 is Django's "no such URL": HQ did nothing). A 404 on both forms is passed on as the
   * v0.5 request's error (the project does not exist, or the item does not).
   */
  call<T>(resource: Resource, request: (path: PathFor) => Promise<T>): Promise<T>
  /** The form this client uses for a resource, once known. */
  known(resource: Resource): Form | undefined
}

export function createApiVersions(domain: string): ApiVersions {
  const forms = new Map<Resource, Form>()

  // A server answered the URL with something other than "no such page": the form exists there.
  const answered = (error: unknown): boolean =>
    isHqError(error) && error.status !== undefined && error.status !== 404
  const isNotFound = (error: unknown): boolean => isHqError(error) && error.status === 404

  const attempt = async <T>(
    resource: Resource,
    form: Form,
    request: (path: PathFor) => Promise<T>
  ): Promise<T> => {
    try {
      const result = await request((...rest) => resourcePath(domain, resource, form, ...rest))
      forms.set(resource, form)
      return result
    } catch (error) {
      if (answered(error)) forms.set(resource, form)
      throw error
    }
  }

  return {
    async call(resource, request) {
      const form = forms.get(resource)
      if (form) return attempt(resource, form, request)
      try {
        return await attempt(resource, 'versioned', request)
      } catch (error) {
        if (!isNotFound(error) || forms.has(resource)) throw error
        return attempt(resource, 'legacy', request)
      }
    },
    known: (resource) => forms.get(resource)
  }
}
