// Moved to net/proxy.ts; this path stays for the modules that still import it from here.
export * from './net/proxy'
