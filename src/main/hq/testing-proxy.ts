// Moved to net/testing-proxy.ts; this path stays for the tests that still import it from here.
export * from './net/testing-proxy'
