import { join, normalize, sep } from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * The app:// protocol handler: serves the built renderer from `rendererDir` at app://<host>/, with
 * the Content Security Policy as a header and nosniff (a file is only ever what its extension
 * says). Anything outside the folder, another host, or a broken escape is refused.
 */
export function rendererHandler(opts: {
  host: string
  rendererDir: string
  csp: string
  /** net.fetch in the app: reads a file:// URL. */
  fetchFile: (fileUrl: string) => Promise<Response>
}): (request: Request) => Promise<Response> {
  const root = normalize(opts.rendererDir)
  const refuse = (status: number, text: string): Response =>
    new Response(text, { status, headers: { 'x-content-type-options': 'nosniff' } })
  return async (request) => {
    const url = new URL(request.url)
    if (url.host !== opts.host) return refuse(404, 'Not found')
    let pathname: string
    try {
      pathname = decodeURIComponent(
        url.pathname === '/' || url.pathname === '' ? '/index.html' : url.pathname
      )
    } catch {
      return refuse(400, 'Bad request')
    }
    if (pathname.includes('\0')) return refuse(400, 'Bad request')
    const file = normalize(join(root, pathname))
    if (!file.startsWith(root + sep)) return refuse(404, 'Not found')
    const response = await opts.fetchFile(pathToFileURL(file).toString())
    const headers = new Headers(response.headers)
    headers.set('content-security-policy', opts.csp)
    headers.set('x-content-type-options', 'nosniff')
    return new Response(response.body, { status: response.status, headers })
  }
}
