// Moved to net/route.ts; this path stays for the modules that still import it from here.
export * from './net/route'
