import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Agent } from 'undici'
import { NetworkError, ResponseError } from '../../src/errors.js'
import { HttpClient, parseJsonBody, parseRetryAfter, type HttpClientOptions, type HttpResponse } from '../../src/http/client.js'
import { json, startServer, type Handler, type TinyServer } from '../../test-support/tiny-server.ts'

let agent: Agent
const servers: TinyServer[] = []

beforeAll(() => {
  agent = new Agent()
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
afterAll(async () => {
  await agent.close()
})

async function serve(handler: Handler): Promise<TinyServer> {
  const server = await startServer(handler)
  servers.push(server)
  return server
}

function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({ deadline: Date.now() + 10_000, dispatcher: agent, retryBaseMs: 20, requestTimeoutMs: 3000, ...options })
}

const GET = { purpose: 'whoami', headers: { authorization: 'Bearer npm_secretToken' } }

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
  if (!('error' in outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`)
  expect(outcome.error).toBeInstanceOf(Error)
  return outcome.error as Error
}

describe('HttpClient.send retries', () => {
  it('retries a 503 and returns the answer that follows', async () => {
    const server = await serve((_req, res, _seen) => {
      if (server.requests.length < 3) json(res, 503, { error: 'busy' })
      else json(res, 200, { username: 'octo' })
    })
    const response = await client().send(server.url('-/whoami'), GET)
    expect(response.status).toBe(200)
    expect(JSON.parse(response.text)).toEqual({ username: 'octo' })
    expect(server.requests).toHaveLength(3)
  })

  it('returns the last 5xx answer after maxTries, having asked exactly that often', async () => {
    const server = await serve((_req, res) => json(res, 502, { error: 'bad gateway' }))
    const response = await client({ maxTries: 4 }).send(server.url('-/whoami'), GET)
    expect(response.status).toBe(502)
    expect(server.requests).toHaveLength(4)
  })

  it('does not retry a 4xx other than 429', async () => {
    const server = await serve((_req, res) => json(res, 404, {}))
    expect((await client().send(server.url('x'), GET)).status).toBe(404)
    expect(server.requests).toHaveLength(1)
  })

  it('waits the Retry-After of a 429 (1 s) before retrying', async () => {
    const times: number[] = []
    const server = await serve((_req, res) => {
      times.push(Date.now())
      if (times.length === 1) json(res, 429, { error: 'slow down' }, { 'retry-after': '1' })
      else json(res, 200, { ok: true })
    })
    const response = await client({ retryBaseMs: 1 }).send(server.url('-/whoami'), GET)
    expect(response.status).toBe(200)
    expect(server.requests).toHaveLength(2)
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(950)
    expect(times[1] - times[0]).toBeLessThan(2500)
  })

  it('fails fast with a NetworkError when Retry-After is longer than it will wait', async () => {
    const server = await serve((_req, res) => json(res, 429, {}, { 'retry-after': '120' }))
    const started = Date.now()
    const error = await failure(client({ maxRetryAfterMs: 2000 }).send(server.url('-/whoami'), GET))
    expect(Date.now() - started).toBeLessThan(1000)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toContain('HTTP 429')
    expect(error.message).toContain('120 s')
    expect(error.message).toContain(server.origin.replace(/\/$/, ''))
    expect(server.requests).toHaveLength(1)
  })

  it('retries a connection reset', async () => {
    const server = await serve((req, res) => {
      if (server.requests.length === 1) req.socket.destroy()
      else json(res, 200, { username: 'octo' })
    })
    const response = await client().send(server.url('-/whoami'), GET)
    expect(response.status).toBe(200)
    expect(server.requests).toHaveLength(2)
  })

  it('gives up on a refused connection after maxTries, naming the cause and the tries', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const error = await failure(client({ maxTries: 2 }).send(new URL(`http://127.0.0.1:${port}/-/whoami`), GET))
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toContain('ECONNREFUSED')
    expect(error.message).toContain('tried 2 times')
    expect(error.message).toContain(`127.0.0.1:${port}`)
  })
})

describe('HttpClient.send time limits', () => {
  it('gives up on a server that never answers after requestTimeoutMs per try', async () => {
    const server = await serve(() => {
      /* hold the request forever */
    })
    const started = Date.now()
    const error = await failure(client({ requestTimeoutMs: 300, maxTries: 2, retryBaseMs: 10 }).send(server.url('-/whoami'), GET))
    const elapsed = Date.now() - started
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toContain('timeout')
    expect(error.message).toContain(`127.0.0.1:${server.url().port}`)
    expect(error.message).toContain('tried 2 times')
    expect(server.requests).toHaveLength(2)
    expect(elapsed).toBeGreaterThanOrEqual(550)
    expect(elapsed).toBeLessThan(2500)
  })

  it('gives up on a body that stops half-way after requestTimeoutMs', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
      res.write('{"username":')
    })
    const error = await failure(client({ requestTimeoutMs: 300, maxTries: 1 }).send(server.url('-/whoami'), GET))
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toContain('timeout')
  })

  it('keeps to the overall deadline even when requestTimeoutMs is longer', async () => {
    const server = await serve(() => {
      /* hold */
    })
    const started = Date.now()
    const error = await failure(client({ deadline: started + 500, requestTimeoutMs: 10_000 }).send(server.url('-/whoami'), GET))
    const elapsed = Date.now() - started
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toMatch(/deadline/)
    expect(elapsed).toBeGreaterThanOrEqual(450)
    expect(elapsed).toBeLessThan(1500)
    expect(server.requests).toHaveLength(1)
  })

  it('stops retrying 5xx answers when the deadline is near', async () => {
    const server = await serve((_req, res) => json(res, 503, {}))
    const started = Date.now()
    const error = await failure(client({ deadline: started + 400, retryBaseMs: 300, maxTries: 10 }).send(server.url('-/whoami'), GET))
    expect(Date.now() - started).toBeLessThan(1000)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toContain('HTTP 503')
    expect(error.message).toMatch(/deadline/)
  })

  it('does not start a request once the deadline has passed', async () => {
    const server = await serve((_req, res) => json(res, 200, {}))
    const error = await failure(client({ deadline: Date.now() - 1 }).send(server.url('-/whoami'), GET))
    expect(error).toBeInstanceOf(NetworkError)
    expect(server.requests).toHaveLength(0)
  })
})

describe('HttpClient.send answers', () => {
  it('cuts off a body larger than maxBodyBytes with a ResponseError', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ junk: 'x'.repeat(64 * 1024) }))
    })
    const error = await failure(client({ maxBodyBytes: 4096 }).send(server.url('-/whoami'), GET))
    expect(error).toBeInstanceOf(ResponseError)
    expect((error as ResponseError).status).toBe(200)
    expect(error.message).toMatch(/larger than 4 KiB/)
    expect(server.requests).toHaveLength(1)
  })

  it('returns headers lower-cased and the final URL', async () => {
    const server = await serve((_req, res) => json(res, 200, {}, { 'NPM-Notice': 'hello' }))
    const response = await client().send(server.url('-/whoami'), GET)
    expect(response.headers['npm-notice']).toBe('hello')
    expect(response.url.href).toBe(server.url('-/whoami').href)
  })

  it('sends the user agent and the given headers', async () => {
    const server = await serve((_req, res) => json(res, 200, {}))
    await client({ userAgent: 'setup-npm-auth-test' }).send(server.url('x'), GET)
    expect(server.requests[0].headers['user-agent']).toBe('setup-npm-auth-test')
    expect(server.requests[0].headers.authorization).toBe('Bearer npm_secretToken')
  })
})

describe('HttpClient.send redirects', () => {
  it('refuses a redirect to another origin: the other server never sees the credential', async () => {
    const elsewhere = await serve((_req, res) => json(res, 200, { username: 'thief' }))
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.origin}-/whoami` })
      res.end()
    })
    const error = await failure(client().send(server.url('-/whoami'), GET))
    expect(error).toBeInstanceOf(ResponseError)
    expect((error as ResponseError).status).toBe(302)
    expect(error.message).toContain(elsewhere.origin.replace(/\/$/, ''))
    expect(error.message).toMatch(/credentials were not sent/)
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('refuses a redirect to the same host on another port (another origin)', async () => {
    const elsewhere = await serve((_req, res) => json(res, 200, {}))
    const server = await serve((_req, res) => {
      res.writeHead(307, { location: elsewhere.url('-/whoami').href })
      res.end()
    })
    await expect(client().send(server.url('-/whoami'), GET)).rejects.toBeInstanceOf(ResponseError)
    expect(elsewhere.requests.some((r) => r.headers.authorization !== undefined)).toBe(false)
  })

  it('follows a same-origin redirect, with the credential', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/-/whoami') {
        res.writeHead(301, { location: '/moved/-/whoami' })
        res.end()
      } else json(res, 200, { username: 'octo' })
    })
    const response = await client().send(server.url('-/whoami'), GET)
    expect(response.status).toBe(200)
    expect(response.url.pathname).toBe('/moved/-/whoami')
    expect(server.requests.map((r) => r.url)).toEqual(['/-/whoami', '/moved/-/whoami'])
    expect(server.requests[1].headers.authorization).toBe('Bearer npm_secretToken')
  })

  it('stops a redirect loop', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: `/hop${server.requests.length}` })
      res.end()
    })
    const error = await failure(client().send(server.url('-/whoami'), GET))
    expect(error).toBeInstanceOf(ResponseError)
    expect(error.message).toMatch(/unexpected redirect/)
    expect(server.requests.length).toBeLessThanOrEqual(5)
  })

  it('does not follow a redirect of a POST', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: '/other' })
      res.end()
    })
    await expect(client().send(server.url('x'), { ...GET, method: 'POST' })).rejects.toBeInstanceOf(ResponseError)
    expect(server.requests).toHaveLength(1)
  })

  it('returns a 304 and a redirect without Location as answers', async () => {
    const server = await serve((req, res) => {
      res.writeHead(req.url === '/a' ? 304 : 302)
      res.end()
    })
    expect((await client().send(server.url('a'), GET)).status).toBe(304)
    expect((await client().send(server.url('b'), GET)).status).toBe(302)
  })
})

describe('parseJsonBody', () => {
  const response = (text: string, headers: Record<string, string>, status = 200): HttpResponse => ({
    status,
    headers,
    text,
    url: new URL('https://registry.example.com/npm/-/whoami?x=1'),
  })

  it('parses JSON, and an empty body as undefined', () => {
    expect(parseJsonBody(response('{"a":1}', {}), 'whoami')).toEqual({ a: 1 })
    expect(parseJsonBody(response('  ', {}), 'whoami')).toBeUndefined()
  })

  it('names status and content type for an HTML page', () => {
    let error: unknown
    try {
      parseJsonBody(response('<!DOCTYPE html><title>Login</title>', { 'content-type': 'text/html' }, 203), 'whoami')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ResponseError)
    expect((error as ResponseError).status).toBe(203)
    expect((error as Error).message).toContain('HTTP 203 with text/html (an HTML page)')
    expect((error as Error).message).toContain('whoami (https://registry.example.com/npm/-/whoami)')
  })

  it('says when the body is cut short and there is no content type', () => {
    expect(() => parseJsonBody(response('{"username": "oc', {}), 'token list')).toThrow(/HTTP 200 with no content type, and the body does not parse/)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-06-15T12:00:00Z')

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter('1', now)).toBe(1000)
    expect(parseRetryAfter(' 30 ', now)).toBe(30_000)
  })

  it('reads an HTTP date, and a past one as 0', () => {
    expect(parseRetryAfter('Mon, 15 Jun 2026 12:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('Mon, 15 Jun 2026 11:00:00 GMT', now)).toBe(0)
  })

  it('ignores what is neither', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-5', now)).toBeUndefined()
    expect(parseRetryAfter('1.5', now)).toBeUndefined()
    expect(parseRetryAfter('2026-06-15', now)).toBeUndefined()
  })
})
