/**
 * The renderer's Content Security Policy, sent by both transports. No remote content at all:
 * the renderer talks to the core only through the API. `worker-src blob:` lets the import
 * worker start; `connect-src 'self'` is for the loopback transport.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
