import type { LogMessage, NodeLogger } from 'electron-log'
import { join } from 'node:path'

export const LOG_FILE = 'roster.log'
/** Past this size roster.log becomes roster.old.log (replacing the previous one) and starts afresh. */
export const MAX_LOG_BYTES = 2 * 1024 * 1024

/** Where the log of the app using `dataDir` is, for "Show logs". */
export function logFilePath(dataDir: string): string {
  return join(dataDir, LOG_FILE)
}

/**
 * A packaged Windows app has no console: what the core reports goes to roster.log in the data
 * folder, through electron-log (rotating file). Callers redact the secrets they know (HQ errors are
 * redacted before they get here); on top of that every line loses credentials written the ways HQ,
 * HTTP and proxies accept them, so a message quoting a header or a proxy URL cannot leak a key.
 *
 * `logger` is electron-log's main-process logger in the app (`electron-log/main`) and its Node
 * logger in tests: both share the transports configured here.
 */
export function fileLogger(
  logger: NodeLogger,
  dataDir: string,
  opts: { console?: boolean } = {}
): (message: string) => void {
  const file = logger.transports.file
  file.resolvePathFn = () => logFilePath(dataDir)
  file.maxSize = MAX_LOG_BYTES
  // The log names projects and hosts: private to the user, like the rest of the data folder.
  file.writeOptions = { ...file.writeOptions, mode: 0o600 }
  file.level = 'info'
  file.format = '{iso} {text}'
  const terminal = logger.transports.console
  terminal.level = (opts.console ?? !process.env.ROSTER_QUIET) ? 'info' : false
  terminal.format = '[roster] {iso} {text}'
  // In development electron-log also forwards every line to the renderer's console: the renderer
  // never sees the log.
  const ipc = (logger.transports as { ipc?: { level: unknown } }).ipc
  if (ipc) ipc.level = false
  logger.hooks.push(scrubMessage)
  return (message) => {
    try {
      logger.info(message)
    } catch {
      // Logging must never take the app down.
    }
  }
}

function scrubMessage(message: LogMessage): LogMessage {
  return {
    ...message,
    data: message.data.map((item: unknown) => {
      if (typeof item === 'string') return scrubCredentials(item)
      if (item instanceof Error) return scrubCredentials(item.stack ?? item.message)
      return item
    })
  }
}

const HIDDEN = '[hidden]'

/**
 * Removes credentials from a line: `ApiKey user:key` (any case, as HQ accepts it), HTTP Basic and
 * Bearer values, the password of a URL's login (`http://user:pass@proxy`), and `api_key=`,
 * `password=`, `"apiKey": "…"` style fields. Usernames stay: they say whose key HQ refused.
 */
export function scrubCredentials(text: string): string {
  return text
    .replace(/\b(apikey\s+[^\s:]+:)[^\s"',;]+/gi, `$1${HIDDEN}`)
    .replace(/\b(basic\s+)([a-z0-9+/]{6,}={0,2})(?![\w+/=])/gi, (all, scheme: string, value: string) =>
      // Only what decodes to user:password, so prose such as "Basic authentication" stays.
      Buffer.from(value, 'base64').toString('latin1').includes(':') ? `${scheme}${HIDDEN}` : all
    )
    .replace(/\b(bearer\s+)[^\s"',;]{12,}/gi, `$1${HIDDEN}`)
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s/@]+@/gi, `$1${HIDDEN}@`)
    .replace(
      /\b(api[_-]?key|password|passwd|secret|token)(["']?\s*[:=]\s*["']?)(?!\[hidden\])[^\s"'&,;}]+/gi,
      `$1$2${HIDDEN}`
    )
}
