import type { z } from 'zod'
import { cancelledError } from './clock'
import type { Endpoint, ErrorContext } from './errorMapping'
import { failedBeforeSending, HqError, isHqError } from './errors'
import type { HttpAnswer, HttpRequest } from './http'
import { isSuccess, parseAnswer, type Requester } from './requester'
import { noteRateLimit } from './retry'

/**
 * Requests that act in HQ (invite, create accounts, e-mail a worker) are sent exactly once: HQ has
 * no idempotency key, so a repeat could text a worker twice or try to create an account again.
 * Every error says whether the request may have reached HQ (`maybeDelivered`): false when HQ
 * certainly did not act on it (never connected, or a 4xx), true when it may have (sent, then no
 * valid answer: a reset or timeout, a 5xx, a 2xx whose body is cut short or not understood), so
 * the outbox shows "unknown" rather than guess.
 */
export interface OnceRequest {
  endpoint: Endpoint
  method: 'POST' | 'PUT'
  path: string
  body: string | Uint8Array
  contentType?: string
  signal?: AbortSignal
  /** Said after an unknown outcome: "HQ may or may not have sent these invitations." */
  unknown: string
}

/** Sends `req` once; resolves with HQ's 2xx answer. */
export async function sendExactlyOnce(r: Requester, req: OnceRequest): Promise<HttpAnswer> {
  // Honour a rate-limit pause another request was given; this is waiting, not retrying.
  try {
    await r.retryDeps.gate.wait(req.signal)
  } catch (error) {
    throw isHqError(error) ? error.withDelivery(false) : error
  }
  if (req.signal?.aborted) throw cancelledError().withDelivery(false)

  const ctx = r.context(req.endpoint)
  const http: HttpRequest = {
    method: req.method,
    path: req.path,
    body: req.body,
    ...(req.contentType ? { contentType: req.contentType } : {}),
    ...(req.signal ? { signal: req.signal } : {})
  }
  let answer: HttpAnswer
  try {
    answer = await r.send(req.endpoint, http)
  } catch (error) {
    if (!isHqError(error)) throw error
    // Refused connections, DNS and TLS failures, and anything before the request had a connection
    // (sendOnce says so), happen before a byte is sent; a reset, a timeout or a cancel after
    // sending leaves the outcome unknown.
    const neverLeft = error.maybeDelivered === false || failedBeforeSending(error.code)
    throw neverLeft ? error.withDelivery(false) : unknownOutcome(error, req.unknown)
  }

  if (!isSuccess(answer)) {
    const error = r.statusError(answer, ctx)
    if (answer.status === 429) noteRateLimit(error, r.retryDeps)
    // 4xx: HQ refused before doing anything. 5xx: it may have failed part-way through.
    throw answer.status >= 500 ? unknownOutcome(error, req.unknown) : error.withDelivery(false)
  }
  return answer
}

/** A 2xx answer of a request sent once, read with `schema`; what does not fit is an unknown outcome. */
export function parseOnceAnswer<S extends z.ZodType>(
  r: Requester,
  answer: HttpAnswer,
  schema: S,
  ctx: ErrorContext,
  unknown: string
): z.infer<S> {
  try {
    return parseAnswer(answer, schema, ctx)
  } catch (error) {
    if (!isHqError(error)) throw error
    // A 2xx whose body was cut short: HQ did the work and the answer was lost on the way.
    if (error.code === 'INVALID_JSON') {
      throw unknownOutcome(
        error.copy({
          kind: 'network',
          message: `The connection to HQ at ${r.identity.server} broke before its answer was complete.`
        }),
        unknown
      )
    }
    throw unknownOutcome(error, unknown)
  }
}

export function unknownOutcome(error: HqError, unknown: string): HqError {
  return error.copy({ maybeDelivered: true, message: `${error.message} ${unknown}` })
}
