import type { WebContents } from 'electron'

/**
 * Locks down every web contents the app ever creates (the main window, and anything a bug or a
 * compromised page might open): no <webview>, no new windows, no navigation or redirect away
 * from the app's own pages. Installed from app.on('web-contents-created').
 */
export function guardWebContents(
  contents: WebContents,
  isTrustedUrl: (url: string) => boolean,
  log: (message: string) => void
): void {
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    log('refused a <webview>')
  })
  contents.setWindowOpenHandler(({ url }) => {
    log(`refused to open a window for ${originOf(url)}`)
    return { action: 'deny' }
  })
  const stayHome = (event: { preventDefault(): void }, url: string): void => {
    if (isTrustedUrl(url)) return
    event.preventDefault()
    log(`refused to navigate to ${originOf(url)}`)
  }
  contents.on('will-navigate', stayHome)
  contents.on('will-redirect', stayHome)
  contents.on('will-frame-navigate', (event) => stayHome(event, event.url))
}

/** Only pages of the app may use a permission, and only the ones listed. */
export function permissionAllowed(
  permission: string,
  requestingUrl: string | undefined,
  isTrustedUrl: (url: string) => boolean
): boolean {
  // Copying a phone number is the only permission the renderer needs.
  if (permission !== 'clipboard-sanitized-write') return false
  if (!requestingUrl) return false
  // Checks give an origin ("app://roster"), requests a full URL: both count as the app's page.
  return isTrustedUrl(requestingUrl) || isTrustedUrl(`${requestingUrl}/`)
}

/** A URL's origin for the log: never its path or query, which may hold data. */
function originOf(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : 'an address that is not a URL'
}
