export type HqErrorKind =
  | 'auth'
  | 'permission'
  | 'not-found'
  | 'unknown-project'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'bad-response'
  | 'bad-request'
  | 'plan'
  | 'registration-disabled'
  | 'cancelled'

export interface HqErrorDetails {
  status?: number
  retryAfterMs?: number
  /** The field HQ (or our validation) named: "app_id", "objects[3].id", "server". */
  field?: string
  /**
   * Whether the request may have reached HQ. register() always says: true when it was sent (or
   * partly sent) and no valid answer came back, so invitations may or may not have gone out (never
   * retry blindly); false when HQ certainly did not act on it. Any other request says false when
   * it failed before it was handed to a connection, so nothing of it left this machine.
   */
  maybeDelivered?: boolean
  /** The low-level code (ECONNRESET, UND_ERR_HEADERS_TIMEOUT, ...) for logs. */
  code?: string
}

/** Every failure of the HQ client. `message` is written for a field coordinator. */
export class HqError extends Error {
  readonly kind: HqErrorKind
  readonly status?: number
  readonly retryAfterMs?: number
  readonly field?: string
  readonly maybeDelivered?: boolean
  readonly code?: string

  constructor(kind: HqErrorKind, message: string, details: HqErrorDetails = {}) {
    super(message)
    this.name = 'HqError'
    this.kind = kind
    if (details.status !== undefined) this.status = details.status
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs
    if (details.field !== undefined) this.field = details.field
    if (details.maybeDelivered !== undefined) this.maybeDelivered = details.maybeDelivered
    if (details.code !== undefined) this.code = details.code
  }

  /** The same error with `maybeDelivered` set (used by register()). */
  withDelivery(maybeDelivered: boolean): HqError {
    return this.copy({ maybeDelivered })
  }

  copy(overrides: Partial<HqErrorDetails> & { message?: string; kind?: HqErrorKind } = {}): HqError {
    const details: HqErrorDetails = {
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      field: this.field,
      maybeDelivered: this.maybeDelivered,
      code: this.code,
      ...overrides
    }
    const error = new HqError(overrides.kind ?? this.kind, overrides.message ?? this.message, details)
    if (this.stack) error.stack = this.stack
    return error
  }
}

export function isHqError(error: unknown): error is HqError {
  return error instanceof HqError
}

/** Kinds worth another attempt (for requests that are safe to repeat). */
export function isRetryable(error: HqError): boolean {
  return (
    error.kind === 'rate-limited' ||
    error.kind === 'server' ||
    error.kind === 'timeout' ||
    (error.kind === 'network' &&
      error.code !== 'ENOTFOUND' &&
      !isCertificateCode(error.code) &&
      !PERMANENT_PROXY_CODES.has(error.code ?? '')) ||
    // A body that is not JSON is usually a body cut short by a proxy or a dropped connection.
    (error.kind === 'bad-response' && error.code === 'INVALID_JSON')
  )
}

export const CERT_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED'
])

export function isCertificateCode(code: string | undefined): boolean {
  return code !== undefined && CERT_CODES.has(code)
}

/**
 * A proxy's refusals, as HqError codes (see proxyErrors.ts). The tunnel to HQ never opened, so
 * none of them can have reached HQ. PROXY_UPSTREAM (the proxy could not reach HQ) and
 * PROXY_TIMEOUT may pass by themselves and are retried; PROXY_REFUSED, PROXY_INVALID and
 * PROXY_CERTIFICATE (the proxy's own) need IT or a setting changed and are not, nor are PROXY_AUTH
 * and PROXY_FORBIDDEN (kinds auth, permission).
 */
const PROXY_CODES = new Set([
  'PROXY_AUTH',
  'PROXY_FORBIDDEN',
  'PROXY_UPSTREAM',
  'PROXY_REFUSED',
  'PROXY_INVALID',
  'PROXY_TIMEOUT',
  'PROXY_CERTIFICATE'
])
const PERMANENT_PROXY_CODES = new Set(['PROXY_REFUSED', 'PROXY_INVALID', 'PROXY_CERTIFICATE'])

/** Codes that mean the request never left this machine (so it cannot have reached HQ). */
const NOT_SENT_CODES = new Set([
  ...PROXY_CODES,
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  ...CERT_CODES
])

const GENERIC_CODES = new Set(['UND_ERR_SOCKET', 'UND_ERR', 'UND_ERR_ABORTED', 'ABORT_ERR'])

/** The most specific error code in an error, its cause chain and (happy-eyeballs) aggregate. */
export function errorCode(error: unknown): string | undefined {
  const codes = errorCodes(error)
  return codes.find((code) => !GENERIC_CODES.has(code)) ?? codes[0]
}

/** Every error code in an error, its cause chain and aggregate, outermost first. */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = []
  const visit = (current: unknown, depth: number): void => {
    if (!current || typeof current !== 'object' || depth > 5) return
    const record = current as { code?: unknown; errors?: unknown; cause?: unknown }
    if (typeof record.code === 'string') codes.push(record.code)
    if (Array.isArray(record.errors)) for (const inner of record.errors.slice(0, 3)) visit(inner, depth + 1)
    visit(record.cause, depth + 1)
  }
  visit(error, 0)
  return codes
}

/** Whether a transport failure happened before any byte of the request could reach HQ. */
export function failedBeforeSending(code: string | undefined): boolean {
  return code !== undefined && NOT_SENT_CODES.has(code)
}

/** Removes secrets from text that could reach a message or a log. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[hidden]')
  }
  return out
}
