import type { ServerResponse } from 'node:http'
import type { BodyFault } from './faults'

export interface Reply {
  status: number
  body: string
  contentType?: string
  headers?: Record<string, string>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

// HQ's API responses carry CORS headers (CorsResourceMixin).
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization'
}

function headersFor(reply: Reply, withLength: boolean, length: number): Record<string, string | number> {
  const headers: Record<string, string | number> = { ...CORS, ...reply.headers }
  if (reply.contentType) headers['Content-Type'] = reply.contentType
  if (withLength) headers['Content-Length'] = length
  return headers
}

// Writes a reply, possibly damaged by a body fault. Resolves when the exchange is over.
export async function send(res: ServerResponse, reply: Reply, fault: BodyFault | null): Promise<void> {
  const body = Buffer.from(reply.body, 'utf8')
  if (!fault) {
    res.writeHead(reply.status, headersFor(reply, true, body.length))
    res.end(body)
    return
  }
  if (fault.kind === 'reset') {
    // Full Content-Length promised, part delivered, then the connection dies mid-body.
    res.writeHead(reply.status, headersFor(reply, true, body.length))
    const part = body.subarray(0, Math.max(1, Math.floor(body.length / 2)))
    await new Promise<void>((resolve) => res.write(part, () => resolve()))
    await sleep(5)
    res.socket?.destroy()
    return
  }
  if (fault.kind === 'truncate') {
    // Chunked encoding, so the HTTP exchange ends cleanly and only the JSON is cut short.
    res.writeHead(reply.status, headersFor(reply, false, 0))
    res.end(body.subarray(0, Math.max(1, Math.floor(body.length * 0.6))))
    return
  }
  res.writeHead(reply.status, headersFor(reply, true, body.length))
  const chunks = 10
  const size = Math.ceil(body.length / chunks) || 1
  for (let i = 0; i < body.length; i += size) {
    if (res.destroyed) return
    res.write(body.subarray(i, i + size))
    await sleep(fault.ms / chunks)
  }
  res.end()
}
