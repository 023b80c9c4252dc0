// tastypie.paginator.Paginator, as HQ uses it: limit/offset parsing, errors and meta links.

export const DEFAULT_LIMIT = 20

export interface Meta {
  limit: number | null
  next: string | null
  offset: number
  previous: string | null
  total_count: number
}

export class BadRequest extends Error {}

// Python int(): surrounding whitespace, an optional sign and digit groups joined by "_".
function pythonInt(raw: string): number | null {
  const trimmed = raw.trim()
  if (!/^[+-]?\d(?:_?\d)*$/.test(trimmed)) return null
  return Number.parseInt(trimmed.replace(/_/g, ''), 10)
}

export function parseLimit(params: URLSearchParams, maxLimit: number): number {
  const raw = params.get('limit')
  if (raw === null) return Math.min(DEFAULT_LIMIT, maxLimit)
  const limit = pythonInt(raw)
  if (limit === null)
    throw new BadRequest(`Invalid limit '${raw}' provided. Please provide a positive integer.`)
  if (limit < 0)
    throw new BadRequest(`Invalid limit '${raw}' provided. Please provide a positive integer >= 0.`)
  // tastypie: 0 or anything above the cap means "the cap".
  if (limit === 0 || limit > maxLimit) return maxLimit
  return limit
}

export function parseOffset(params: URLSearchParams): number {
  const raw = params.get('offset')
  if (raw === null) return 0
  const offset = pythonInt(raw)
  if (offset === null) throw new BadRequest(`Invalid offset '${raw}' provided. Please provide an integer.`)
  if (offset < 0)
    throw new BadRequest(`Invalid offset '${raw}' provided. Please provide a positive integer >= 0.`)
  return offset
}

// Other parameters keep their order; limit and offset go last (tastypie's _generate_uri).
function pageUri(listPath: string, params: URLSearchParams, limit: number, offset: number): string {
  const kept = new URLSearchParams()
  for (const [k, v] of params) if (k !== 'limit' && k !== 'offset') kept.append(k, v)
  kept.append('limit', String(limit))
  kept.append('offset', String(offset))
  return `${listPath}?${kept.toString()}`
}

export interface Page<T> {
  meta: Meta
  objects: T[]
}

export function paginate<T>(
  items: readonly T[],
  listPath: string,
  params: URLSearchParams,
  maxLimit: number
): Page<T> {
  const limit = parseLimit(params, maxLimit)
  const offset = parseOffset(params)
  const count = items.length
  return {
    meta: {
      limit,
      // tastypie quirk kept on purpose: no "previous" while offset < limit, even if offset > 0.
      next: offset + limit >= count ? null : pageUri(listPath, params, limit, offset + limit),
      offset,
      previous: offset - limit < 0 ? null : pageUri(listPath, params, limit, offset - limit),
      total_count: count
    },
    objects: items.slice(offset, offset + limit)
  }
}

// HQ's DoesNothingPaginatorCompat (applications): everything at once, meta kept for old clients.
export function everything<T>(items: readonly T[]): Page<T> {
  return {
    meta: { limit: null, next: null, offset: 0, previous: null, total_count: items.length },
    objects: [...items]
  }
}
