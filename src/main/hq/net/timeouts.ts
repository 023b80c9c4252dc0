// How long a client waits for each part of an exchange. Its own module because both the route
// (asking the proxy settings) and the exchange (http.ts) need the defaults.

export interface Timeouts {
  /** TCP + TLS handshake (set on the Agent we create). */
  connectMs: number
  /** From sending the request to the end of the response headers. */
  headersMs: number
  /** Longest silence between two chunks of the body. */
  bodyMs: number
  /** The whole exchange, so a body trickling in byte by byte cannot hold a sync forever. */
  requestMs: number
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 15_000,
  // HQ can take a while to build a 1000-worker page.
  headersMs: 90_000,
  bodyMs: 60_000,
  requestMs: 300_000
}
