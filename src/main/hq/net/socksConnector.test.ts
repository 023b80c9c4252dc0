import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { socksConnector, type SocksConnector } from './socksConnector'

// The connector against small real servers standing in for a SOCKS5 proxy: what each kind of
// proxy answer becomes (the SOCKS5_* codes proxyErrors reads), and destroy() mid-exchange.

const servers: net.Server[] = []
const connectors: SocksConnector[] = []
const sockets: net.Socket[] = []

afterEach(async () => {
  connectors.splice(0).forEach((connector) => connector.destroy())
  sockets.splice(0).forEach((socket) => socket.destroy())
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))))
})

/** A server on 127.0.0.1 that answers each client with `answer`; resolves to its port. */
async function server(answer: (client: net.Socket) => void): Promise<number> {
  const s = net.createServer((client) => {
    sockets.push(client)
    client.on('error', () => client.destroy())
    answer(client)
  })
  servers.push(s)
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', done))
  return (s.address() as net.AddressInfo).port
}

/** A proxy that takes any greeting without a login, then answers CONNECT with `reply`. */
function answering(reply: number): (client: net.Socket) => void {
  return (client) => {
    let step = 0
    client.on('data', () => {
      step++
      if (step === 1) client.write(Buffer.from([5, 0]))
      if (step === 2) client.write(Buffer.from([5, reply, 0, 1, 0, 0, 0, 0, 0, 0]))
    })
  }
}

/** The socket or error the connector gives undici for http://host:port through the proxy. */
function connectThrough(proxyPort: number, host = 'hq.example.org', ms = 2_000): Promise<net.Socket> {
  const connector = socksConnector(new URL(`socks5://127.0.0.1:${proxyPort}`), ms)
  connectors.push(connector)
  return new Promise((resolve, reject) => {
    connector.connect({ hostname: host, protocol: 'http:', port: '80' }, (error, socket) => {
      if (error) reject(error)
      else {
        sockets.push(socket)
        resolve(socket)
      }
    })
  })
}

describe('a connection through a SOCKS5 proxy', () => {
  it('hands over a tunnel that carries the conversation', async () => {
    const port = await server((client) => {
      let step = 0
      client.on('data', (chunk) => {
        step++
        if (step === 1) client.write(Buffer.from([5, 0]))
        else if (step === 2) client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]))
        else client.write(Buffer.concat([Buffer.from('echo: '), chunk]))
      })
    })
    const tunnel = await connectThrough(port)
    const heard = new Promise<string>((resolve) =>
      tunnel.once('data', (chunk: Buffer) => resolve(String(chunk)))
    )
    tunnel.write('hello')
    expect(await heard).toBe('echo: hello')
  })

  it("tells a refusal by the proxy's rule set from one where HQ cannot be reached", async () => {
    await expect(connectThrough(await server(answering(2)))).rejects.toMatchObject({ code: 'SOCKS5_REPLY_2' })
    await expect(connectThrough(await server(answering(4)))).rejects.toMatchObject({ code: 'SOCKS5_REPLY_4' })
  })

  it('says so when the server is not a SOCKS5 proxy', async () => {
    const port = await server((client) => client.once('data', () => client.write(Buffer.from([4, 0]))))
    await expect(connectThrough(port)).rejects.toMatchObject({ code: 'SOCKS5_VERSION' })
  })

  it('says so when the proxy hangs up mid-exchange', async () => {
    const port = await server((client) => client.once('data', () => client.end()))
    await expect(connectThrough(port)).rejects.toMatchObject({ code: 'SOCKS5_CLOSED' })
  })

  it('gives up on a proxy that never answers after the time allowed', async () => {
    const port = await server(() => undefined)
    const started = Date.now()
    await expect(connectThrough(port, 'hq.example.org', 150)).rejects.toMatchObject({
      code: 'SOCKS5_TIMEOUT'
    })
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('keeps the network error when nothing listens at the proxy address', async () => {
    const port = await server(() => undefined)
    await new Promise((done) => servers.pop()!.close(done))
    await expect(connectThrough(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('refuses a server name longer than SOCKS can carry, before sending it', async () => {
    const port = await server(answering(0))
    const name = `${'a'.repeat(250)}.example`
    await expect(connectThrough(port, name)).rejects.toMatchObject({ code: 'SOCKS5_ADDR_TYPE' })
  })

  it('ends a connection still being made when destroyed', async () => {
    let reached: () => void = () => undefined
    const greeted = new Promise<void>((resolve) => (reached = resolve))
    const port = await server((client) => client.once('data', () => reached()))
    const connecting = connectThrough(port, 'hq.example.org', 60_000)
    await greeted
    connectors.at(-1)!.destroy()
    await expect(connecting).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' })
  })
})
