import type { z } from 'zod'
import { parseRetryAfter } from './backoff'
import type { Clock } from './clock'
import { badResponseError, errorForStatus, type Endpoint, type ErrorContext } from './errorMapping'
import { HqError } from './errors'
import { header, sendOnce, type HttpAnswer, type HttpRequest, type Transport } from './http'
import { withRetry, type RetryDeps, type RetryHooks } from './retry'
import { listSchema } from './schemas'
import { nextLinkQuery, pathWithQuery, toSearchParams, type QueryInput } from './url'
import { createApiVersions, type ApiVersions } from './versions'

export interface Identity {
  server: string
  domain: string
  username: string
}

export interface GetJson<S extends z.ZodType> {
  endpoint: Endpoint
  path: string
  query: QueryInput
  schema: S
  signal?: AbortSignal
  hooks?: RetryHooks
  /** Where in a listing this was ("offset 2000"), for bad-response messages. */
  where?: string
}

/**
 * The request layer every endpoint uses: one exchange (`send`), HTTP status to HqError
 * (`statusError`), JSON + schema (`parseAnswer`), and the retried GETs built from them.
 */
export interface Requester {
  readonly identity: Identity
  readonly retryDeps: RetryDeps
  /** Which URL form (user/v1 or v0.5/user...) each resource uses on this server. */
  readonly versions: ApiVersions
  context(endpoint: Endpoint): ErrorContext
  send(endpoint: Endpoint, req: HttpRequest): Promise<HttpAnswer>
  statusError(answer: HttpAnswer, ctx: ErrorContext): HqError
  getJson<S extends z.ZodType>(req: GetJson<S>): Promise<z.infer<S>>
  /** Follows tastypie `meta.next` links (their query, against our own path) to the end. */
  listAll<S extends z.ZodType>(
    endpoint: Endpoint,
    path: string,
    item: S,
    signal?: AbortSignal
  ): Promise<z.infer<S>[]>
}

export function isSuccess(answer: HttpAnswer): boolean {
  return answer.status >= 200 && answer.status < 300
}

export function createRequester(
  identity: Identity,
  transport: Transport,
  retryDeps: RetryDeps,
  clock: Clock
): Requester {
  const context = (endpoint: Endpoint): ErrorContext => ({ ...identity, endpoint })

  const statusError = (answer: HttpAnswer, ctx: ErrorContext): HqError => {
    const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], clock.now())
    const location = header(answer, 'location')
    return errorForStatus(answer.status, answer.text, ctx, {
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(location !== undefined ? { location } : {})
    })
  }

  // Any answer but 429 means HQ is letting requests through again: the back-off starts over.
  const exchange = async (req: HttpRequest, ctx: ErrorContext): Promise<HttpAnswer> => {
    const answer = await sendOnce(transport, req, ctx)
    if (answer.status !== 429) retryDeps.gate.settle()
    return answer
  }

  const send = (endpoint: Endpoint, req: HttpRequest): Promise<HttpAnswer> => exchange(req, context(endpoint))

  const getJson = <S extends z.ZodType>(r: GetJson<S>): Promise<z.infer<S>> => {
    const req: HttpRequest = {
      method: 'GET',
      path: pathWithQuery(r.path, r.query),
      ...(r.signal ? { signal: r.signal } : {})
    }
    const ctx = context(r.endpoint)
    const attempt = async (): Promise<z.infer<S>> => {
      const answer = await exchange(req, ctx)
      if (!isSuccess(answer)) throw statusError(answer, ctx)
      return parseAnswer(answer, r.schema, ctx, r.where)
    }
    return withRetry(attempt, retryDeps, r.signal, r.hooks)
  }

  const listAll = async <S extends z.ZodType>(
    endpoint: Endpoint,
    path: string,
    item: S,
    signal?: AbortSignal
  ): Promise<z.infer<S>[]> => {
    const schema = listSchema(item)
    const out: z.infer<S>[] = []
    const seen = new Set<string>()
    let query: URLSearchParams | null = toSearchParams({ format: 'json', limit: 1000 })
    while (query) {
      const key = query.toString()
      // A next link pointing back to a page we already read would loop forever.
      if (seen.has(key)) break
      seen.add(key)
      const where = `offset ${query.get('offset') ?? 0}`
      const page = await getJson({ endpoint, path, query, schema, ...(signal ? { signal } : {}), where })
      out.push(...(page.objects as z.infer<S>[]))
      query = nextLinkQuery(page.meta?.next)
      if (query && !query.has('format')) query.set('format', 'json')
    }
    return out
  }

  const versions = createApiVersions(identity.domain)
  return { identity, retryDeps, versions, context, send, statusError, getJson, listAll }
}

/** Parses a 2xx answer as JSON and validates it, naming the first field that does not fit. */
export function parseAnswer<S extends z.ZodType>(
  answer: HttpAnswer,
  schema: S,
  ctx: ErrorContext,
  where?: string
): z.infer<S> {
  const body = answer.text.trim()
  if (body.startsWith('<')) {
    throw new HqError(
      'bad-response',
      `HQ answered with a web page instead of data (${answer.status}). Check the server address in Settings.`,
      { status: answer.status, code: 'HTML' }
    )
  }
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    throw new HqError(
      'bad-response',
      `HQ's answer was cut off or is not valid JSON (${body.length} characters received). Try again; if it keeps happening, HQ or a proxy is damaging answers.`,
      { status: answer.status, code: 'INVALID_JSON' }
    )
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw badResponseError(parsed.error.issues[0]!, json, ctx, where)
  return parsed.data
}
