// The direct transport (node:http / node:https, used whenever no proxy applies) under HttpClient: the body
// cap stops reading (the connection is dropped, not drained), redirects are left to HttpClient, resets are
// retryable. The same paths run end to end in __tests__/int/faults.int.test.ts.
import { afterEach, describe, expect, it } from '@jest/globals'
import { NetworkError, ResponseError } from '../../src/errors.js'
import { HttpClient } from '../../src/http/client.js'
import { directTransport } from '../../src/http/transport.js'
import { json, startServer, type Handler, type TinyServer } from '../../test-support/tiny-server.ts'

const servers: TinyServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
async function serve(handler: Handler): Promise<TinyServer> {
  const server = await startServer(handler)
  servers.push(server)
  return server
}
const client = () =>
  new HttpClient({ deadline: Date.now() + 10_000, transport: directTransport, retryBaseMs: 20, requestTimeoutMs: 3000, maxBodyBytes: 64 * 1024 })
const GET = { purpose: 'whoami', headers: { authorization: 'Bearer npm_direct' } }

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(outcome).toBeInstanceOf(Error)
  return outcome as Error
}

describe('directTransport', () => {
  it('stops at the body cap and drops the connection: the server never gets to write its 10 MB', async () => {
    let written = 0
    let finished = false
    let markClosed: () => void = () => {}
    const closed = new Promise<void>((resolve) => (markClosed = resolve))
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      const chunk = Buffer.alloc(64 * 1024, 'a')
      const pump = () => {
        while (written < 10 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        if (!res.destroyed) res.end(() => (finished = true))
      }
      res.on('close', markClosed)
      pump()
    })
    const error = await failure(client().send(server.url('-/whoami'), GET))
    expect(error).toBeInstanceOf(ResponseError)
    expect(error.message).toMatch(/larger than 64 KiB/)
    await closed
    expect(finished).toBe(false)
    expect(written).toBeLessThan(10 * 1024 * 1024)
  })

  it('leaves redirects to HttpClient: a cross-origin one is refused and the other server gets nothing', async () => {
    const other = await serve((_req, res) => json(res, 200, { username: 'elsewhere' }))
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: other.url('-/whoami').href, 'content-length': 0 })
      res.end()
    })
    const error = await failure(client().send(server.url('-/whoami'), GET))
    expect(error.message).toMatch(/redirected \(HTTP 302\) to another host/)
    expect(other.requests).toEqual([])
  })

  it('retries a connection reset, naming its code after the last try', async () => {
    const server = await serve((req) => {
      ;(req.socket as { resetAndDestroy?: () => void }).resetAndDestroy?.()
    })
    const error = await failure(client().send(server.url('-/whoami'), GET))
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toMatch(/ECONNRESET[^]*tried 3 times/)
    expect(server.requests).toHaveLength(3)
  })

  it('refuses a URL that is neither http nor https without a request', async () => {
    const error = await failure(client().send(new URL('ftp://127.0.0.1/x'), GET))
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toMatch(/unsupported protocol ftp:/)
  })
})
