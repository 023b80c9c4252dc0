import { promisify } from 'node:util'
import zlib from 'node:zlib'
import { request, type Dispatcher } from 'undici'
import { cancelledError } from './clock'
import { errorForTransport, type ErrorContext } from './errorMapping'
import { errorCode, HqError } from './errors'
import type { ProxyInUse } from './net/proxy'
import type { Route } from './net/route'
import type { Timeouts } from './net/timeouts'

const gunzip = promisify(zlib.gunzip)
const inflate = promisify(zlib.inflate)
const brotli = promisify(zlib.brotliDecompress)

export interface Transport {
  server: string
  /** The dispatcher (and proxy) to use, resolved on first use. */
  route: () => Promise<Route>
  headers: Record<string, string>
  timeouts: Timeouts
  maxBodyBytes: number
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT'
  /** Path and query, appended to the server base URL. */
  path: string
  body?: string | Uint8Array
  /** The body's type; JSON unless said otherwise (a multipart upload names its boundary here). */
  contentType?: string
  signal?: AbortSignal
}

export interface HttpAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/**
 * One HTTP exchange: send, read the whole body, undo gzip, decode UTF-8. Every failure comes
 * out as an HqError ('network', 'timeout' or 'cancelled'); HTTP error statuses are returned,
 * not thrown, so the caller can read HQ's message. A failure before the request was handed to
 * an open connection (to HQ, or through the proxy's tunnel) says so with `maybeDelivered: false`:
 * nothing of it can have left this machine.
 */
export async function sendOnce(t: Transport, req: HttpRequest, ctx: ErrorContext): Promise<HttpAnswer> {
  if (req.signal?.aborted) throw cancelledError()
  // One controller for both the caller's cancel and our deadline. (Not AbortSignal.any: on
  // Node 20 it keeps a reference per call on a long-lived signal such as a sync's.)
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, t.timeouts.requestMs)
  const onCancel = (): void => controller.abort()
  req.signal?.addEventListener('abort', onCancel, { once: true })
  // undici honours an abort only once the request has a connection; one still waiting for it
  // (a proxy that never answers CONNECT, a silent TLS handshake) would wait on. So the exchange
  // races the abort, and undici, told by the same signal, cleans up when it gets there.
  const stopped = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true })
  })
  let sent = false
  let proxy: ProxyInUse | null = null
  const exchange = (async (): Promise<HttpAnswer> => {
    const route = await t.route()
    proxy = route.proxy
    if (controller.signal.aborted) throw new Error('stopped')
    const headers: Record<string, string> = { ...t.headers }
    if (req.body !== undefined) headers['content-type'] = req.contentType ?? 'application/json'
    const response = await request(`${t.server}${req.path}`, {
      dispatcher: route.dispatcher.compose(onRequestStart(() => (sent = true))),
      method: req.method,
      headers,
      body: req.body,
      signal: controller.signal,
      headersTimeout: t.timeouts.headersMs,
      bodyTimeout: t.timeouts.bodyMs
    })
    const raw = await readBody(response.body, t.maxBodyBytes, ctx)
    const encoding = headerValue(response.headers['content-encoding'])
    const body = await decode(raw, encoding)
    return { status: response.statusCode, headers: response.headers, text: body.toString('utf8') }
  })()
  // Left behind after a deadline or a cancel: its failure is expected and already answered.
  exchange.catch(() => undefined)
  try {
    return await Promise.race([exchange, stopped])
  } catch (error) {
    const where: ErrorContext = { ...ctx, ...(proxy ? { proxy } : {}), ...(sent ? {} : { connecting: true }) }
    const failure = failureOf(error, { cancelled: req.signal?.aborted === true, timedOut }, where)
    throw sent ? failure : failure.withDelivery(false)
  } finally {
    clearTimeout(timer)
    req.signal?.removeEventListener('abort', onCancel)
  }
}

/** The client was closed under the request (ClientDestroyedError, ClientClosedError). */
const CLOSED_CODES = new Set(['UND_ERR_DESTROYED', 'UND_ERR_CLOSED'])

function failureOf(
  error: unknown,
  how: { cancelled: boolean; timedOut: boolean },
  ctx: ErrorContext
): HqError {
  if (how.cancelled || CLOSED_CODES.has(errorCode(error) ?? '')) return cancelledError()
  if (how.timedOut) return errorForTransport({ code: 'REQUEST_TIMEOUT' }, ctx)
  if (error instanceof HqError) return error
  return errorForTransport(error, ctx)
}

/** Calls `onStart` when undici hands the request to an open connection, just before writing it. */
function onRequestStart(onStart: () => void): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) =>
    dispatch(opts, {
      onRequestStart: (controller, context) => {
        onStart()
        handler.onRequestStart?.(controller, context)
      },
      onRequestUpgrade: (controller, status, headers, socket) =>
        handler.onRequestUpgrade?.(controller, status, headers, socket),
      onResponseStart: (controller, status, headers, message) =>
        handler.onResponseStart?.(controller, status, headers, message),
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
      onResponseError: (controller, error) => handler.onResponseError?.(controller, error)
    })
}

async function readBody(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
  ctx: ErrorContext
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array)
    size += buffer.length
    if (size > maxBytes) {
      body.destroy()
      throw new HqError(
        'bad-response',
        `HQ's answer was larger than ${Math.round(maxBytes / 1e6)} MB, which Roster does not accept (${ctx.server}).`,
        { code: 'TOO_LARGE' }
      )
    }
    chunks.push(buffer)
  }
  return Buffer.concat(chunks)
}

function headerValue(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).toLowerCase()
}

/** Undoes Content-Encoding. A gzip stream cut short throws (Z_BUF_ERROR): a truncated body. */
async function decode(raw: Buffer, encoding: string): Promise<Buffer> {
  const codings = encoding
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity')
    .reverse()
  let data = raw
  for (const coding of codings) {
    if (coding === 'gzip' || coding === 'x-gzip') data = await gunzip(data)
    else if (coding === 'deflate') data = await inflate(data)
    else if (coding === 'br') data = await brotli(data)
    else
      throw Object.assign(new Error(`unsupported content-encoding ${coding}`), {
        code: 'UNSUPPORTED_ENCODING'
      })
  }
  return data
}

export function header(answer: HttpAnswer, name: string): string | undefined {
  const value = answer.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}
