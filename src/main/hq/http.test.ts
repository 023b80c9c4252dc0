import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { createHqClient, type HqClient } from './client'
import { HqError } from './errors'
import { failure } from './testing'

// Transport behaviour that needs precise control of the wire (gzip, cut-off streams, headers),
// checked against a real local HTTP server. Whole-API behaviour is tested against the HQ
// simulator in client.sim.test.ts.

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

let server: Server | undefined
let client: HqClient | undefined

afterEach(async () => {
  await client?.close()
  client = undefined
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
})

async function serve(handler: Handler): Promise<string> {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => handler(req, res, body))
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function connect(url: string, extra: Partial<Parameters<typeof createHqClient>[0]> = {}): HqClient {
  client = createHqClient({
    server: url,
    domain: 'demo',
    username: 'coordinator@example.org',
    apiKey: 'secret-key-123',
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...extra
  })
  return client
}

const group = { id: 'g1', name: 'North', users: ['u1'], case_sharing: false, reporting: true }
const groupPage = JSON.stringify({
  meta: { limit: 1000, offset: 0, next: null, total_count: 1 },
  objects: [group]
})

describe('HQ transport', () => {
  it('sends the ApiKey header, a Roster User-Agent and asks for gzip', async () => {
    let seen: IncomingMessage['headers'] = {}
    const url = await serve((req, res) => {
      seen = req.headers
      res.setHeader('content-type', 'application/json')
      res.end(groupPage)
    })
    await connect(url).listGroups()
    expect(seen.authorization).toBe('ApiKey coordinator@example.org:secret-key-123')
    expect(seen['user-agent']).toMatch(/^Roster\/\d+\.\d+\.\d+/)
    expect(seen['accept-encoding']).toBe('gzip')
  })

  it('decompresses a gzip answer', async () => {
    const url = await serve((_req, res) => {
      res.setHeader('content-encoding', 'gzip')
      res.end(gzipSync(groupPage))
    })
    expect(await connect(url).listGroups()).toEqual([group])
  })

  it('retries a gzip answer that was cut off, then reads the whole one', async () => {
    let calls = 0
    const url = await serve((_req, res) => {
      calls += 1
      const zipped = gzipSync(groupPage)
      res.setHeader('content-encoding', 'gzip')
      res.end(calls === 1 ? zipped.subarray(0, zipped.length - 10) : zipped)
    })
    expect(await connect(url).listGroups()).toEqual([group])
    expect(calls).toBe(2)
  })

  it('follows next links given in the other URL form, against its own base URL', async () => {
    const paths: string[] = []
    const url = await serve((req, res) => {
      paths.push(req.url!)
      const offset = new URL(req.url!, 'http://x').searchParams.get('offset')
      const page =
        offset === '1'
          ? { meta: { limit: 1, offset: 1, next: null, total_count: 2 }, objects: [{ ...group, id: 'g2' }] }
          : {
              meta: {
                limit: 1,
                offset: 0,
                next: 'https://elsewhere.example/a/demo/api/v0.5/group/?format=json&limit=1&offset=1',
                total_count: 2
              },
              objects: [group]
            }
      res.end(JSON.stringify(page))
    })
    const groups = await connect(url).listGroups()
    expect(groups.map((g) => g.id)).toEqual(['g1', 'g2'])
    expect(paths[1]).toBe('/a/demo/api/group/v1/?format=json&limit=1&offset=1')
  })

  it('says a redirect means a wrong address, without retrying', async () => {
    let calls = 0
    const url = await serve((_req, res) => {
      calls += 1
      res.writeHead(302, { location: 'https://www.commcarehq.org/accounts/login/?next=/a/demo/' })
      res.end()
    })
    const error = await failure(connect(url).listGroups())
    expect(error.kind).toBe('bad-response')
    expect(error.message).toMatch(/redirect to https:\/\/www.commcarehq.org\/accounts\/login\//)
    expect(calls).toBe(1)
  })

  it('says a web page is not data, without retrying', async () => {
    let calls = 0
    const url = await serve((_req, res) => {
      calls += 1
      res.setHeader('content-type', 'text/html')
      res.end('<!DOCTYPE html><html><body>Log in</body></html>')
    })
    const error = await failure(connect(url).listGroups())
    expect(error.message).toMatch(/web page instead of data/)
    expect(calls).toBe(1)
  })

  it('gives up on a body that trickles in slower than the whole-request timeout', async () => {
    const url = await serve((_req, res) => {
      res.write('{"meta": ')
      const timer = setInterval(() => res.write(' '), 20)
      res.on('close', () => clearInterval(timer))
    })
    const error = await failure(
      connect(url, { timeouts: { requestMs: 150 }, retry: { maxAttempts: 2, baseDelayMs: 1 } }).listGroups()
    )
    expect(error.kind).toBe('timeout')
  })

  it('ends a request made after close() as cancelled, without retrying it', async () => {
    let calls = 0
    const url = await serve((_req, res) => {
      calls += 1
      res.end(groupPage)
    })
    const closed = connect(url)
    await closed.close()
    expect(await failure(closed.listGroups())).toMatchObject({ kind: 'cancelled' })
    expect(calls).toBe(0)
  })

  it('keeps the API key out of messages even when HQ echoes it back', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: 'bad header ApiKey coordinator@example.org:secret-key-123' }))
    })
    const error = await failure(connect(url).listGroups())
    expect(error.kind).toBe('bad-request')
    expect(error.message).not.toContain('secret-key-123')
    expect(error.message).toContain('[hidden]')
  })
})

describe('register() over the wire', () => {
  const body = { app_id: 'app1', users: [{ phone_number: '+15551234567' }] }

  it('does not retry and marks the outcome unknown when the connection drops after sending', async () => {
    let calls = 0
    const url = await serve((req) => {
      calls += 1
      req.socket.destroy()
    })
    const error = await failure(connect(url).register(body))
    expect(error.kind).toBe('network')
    expect(error.maybeDelivered).toBe(true)
    expect(calls).toBe(1)
  })

  it('marks the outcome unknown when HQ answers 200 with a cut-off body', async () => {
    let calls = 0
    const url = await serve((_req, res) => {
      calls += 1
      res.end('{"success_numbers": ["1555')
    })
    const error = await failure(connect(url).register(body))
    expect(error.kind).toBe('network')
    expect(error.maybeDelivered).toBe(true)
    expect(calls).toBe(1)
  })

  it('marks the outcome unknown on a 502 and does not retry', async () => {
    let calls = 0
    const url = await serve((_req, res) => {
      calls += 1
      res.writeHead(502)
      res.end('Bad gateway')
    })
    const error = await failure(connect(url).register(body))
    expect(error).toMatchObject({ kind: 'server', status: 502, maybeDelivered: true })
    expect(calls).toBe(1)
  })

  it('knows nothing was delivered when the server cannot be reached', async () => {
    const url = await serve(() => undefined)
    await new Promise<void>((resolve) => server!.close(() => resolve()))
    server = undefined
    const error = await failure(connect(url).register(body))
    expect(error.kind).toBe('network')
    expect(error.maybeDelivered).toBe(false)
    expect(error.message).toMatch(/Cannot reach HQ at http:\/\/127.0.0.1:\d+ — are you offline\?/)
  })

  it('marks the outcome unknown when HQ does not answer in time', async () => {
    const url = await serve(() => undefined)
    const error = await failure(connect(url, { timeouts: { headersMs: 100 } }).register(body))
    expect(error.kind).toBe('timeout')
    expect(error.maybeDelivered).toBe(true)
  })

  it('marks the outcome unknown when cancelled after HQ received the request', async () => {
    let received: () => void = () => undefined
    const arrived = new Promise<void>((resolve) => (received = resolve))
    const url = await serve(() => received())
    const cancel = new AbortController()
    const sending = failure(connect(url).register(body, cancel.signal))
    await arrived
    cancel.abort()
    expect(await sending).toMatchObject({ kind: 'cancelled', maybeDelivered: true })
  })

  it('refuses an invalid request before sending anything', async () => {
    let calls = 0
    const url = await serve((_req, res) => {
      calls += 1
      res.end('{}')
    })
    const error = await failure(
      connect(url).register({ app_id: 'app1', users: [{ phone_number: 15551234567 as unknown as string }] })
    )
    expect(error).toMatchObject({
      kind: 'bad-request',
      field: 'users[0].phone_number',
      maybeDelivered: false
    })
    expect(error.message).toMatch(
      /nothing was sent: users\[0\].phone_number should be string but is a number/
    )
    expect(calls).toBe(0)
  })
})

describe('createHqClient', () => {
  it('refuses plain http to a remote server', () => {
    expect(() =>
      createHqClient({ server: 'http://www.commcarehq.org', domain: 'd', username: 'u@x.org', apiKey: 'k' })
    ).toThrow(/only connects to HQ over HTTPS/)
  })

  it('refuses an API key with a line break, without repeating the key', () => {
    try {
      createHqClient({
        server: 'https://www.commcarehq.org',
        domain: 'd',
        username: 'u@x.org',
        apiKey: 'abc\ndef'
      })
      throw new Error('expected a throw')
    } catch (error) {
      expect((error as HqError).kind).toBe('auth')
      expect((error as HqError).message).not.toContain('abc')
    }
  })

  it('trims a pasted key and server address', async () => {
    let auth: string | undefined
    const url = await serve((req, res) => {
      auth = req.headers.authorization
      res.end(groupPage)
    })
    client = createHqClient({ server: ` ${url}/ `, domain: 'demo', username: ' u@x.org ', apiKey: ' k123\n' })
    await client.listGroups()
    expect(auth).toBe('ApiKey u@x.org:k123')
  })
})
