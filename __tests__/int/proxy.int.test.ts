// HTTPS_PROXY / HTTP_PROXY / NO_PROXY, end to end: the built action against our loopback registry, with
// a loopback CONNECT proxy written here (node:http 'connect' event, piping to the target). The proxy
// records every CONNECT target and the request lines it tunnels (the registry is plain http, so it can
// read them), and it only ever connects to 127.0.0.1. Which variable applies when is unit-tested in
// __tests__/unit/proxy.unit.test.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type http from 'node:http'
import net, { type Socket } from 'node:net'
import { cleanupRunDirs, runAction, type RunActionResult } from '../../test-support/run-action.ts'
import { assertNoSecretLeak } from '../../test-support/canary.ts'
import { listenOnLoopback } from '../../test-support/loopback.ts'
import { startFakeNpmjs, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'

interface ConnectProxy {
  /** 'http://127.0.0.1:PORT' */
  url: string
  port: number
  /** CONNECT targets, `host:port`, in order. */
  connects: string[]
  /** `METHOD path` of every request line seen inside the tunnels. */
  tunnelled: string[]
  /** Proxy-Authorization headers of the CONNECT requests ('' when absent). */
  proxyAuthorization: string[]
  /** Requests sent to it as a plain (non-CONNECT) forward proxy. */
  forwarded: string[]
  stop(): Promise<void>
}

async function startConnectProxy(): Promise<ConnectProxy> {
  const connects: string[] = []
  const tunnelled: string[] = []
  const proxyAuthorization: string[] = []
  const forwarded: string[] = []
  const upstreams = new Set<Socket>()
  const loopback = await listenOnLoopback(
    (req, res) => {
      // Absolute-form requests (a forward proxy): recorded, refused. The action must tunnel.
      forwarded.push(`${req.method} ${req.url}`)
      res.writeHead(405, { 'content-length': 0 })
      res.end()
    },
    () => upstreams.forEach((s) => s.destroy()),
  )
  loopback.server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? ''
    connects.push(target)
    proxyAuthorization.push(String(req.headers['proxy-authorization'] ?? ''))
    const match = /^127\.0\.0\.1:(\d+)$/.exec(target)
    if (!match) {
      // Loopback only: this proxy never opens a connection anywhere else.
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
      return
    }
    const upstream = net.connect(Number(match[1]), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstreams.add(upstream)
    let pending = ''
    client.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1')
      for (const line of pending.split('\r\n').slice(0, -1)) {
        const request = /^(GET|POST|PUT|DELETE|PATCH|HEAD) (\S+) HTTP\/1\.[01]$/.exec(line)
        if (request) tunnelled.push(`${request[1]} ${request[2]}`)
      }
      pending = pending.slice(pending.lastIndexOf('\r\n') + 2)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    client.on('close', () => upstream.destroy())
  })
  return {
    url: loopback.origin,
    port: loopback.port,
    connects,
    tunnelled,
    proxyAuthorization,
    forwarded,
    stop: loopback.stop,
  }
}

const TOKEN = `npm_PROXY${Math.random().toString(36).slice(2, 12)}tunnel${Date.now().toString(36)}`
let registry: FakeNpmjs
let proxy: ConnectProxy

beforeAll(async () => {
  registry = await startFakeNpmjs({ pageSize: 100, tokenList: 'any' })
  registry.addToken({ token: TOKEN, username: 'proxied-user', expiry: new Date(Date.now() + 40 * 86_400_000).toISOString() })
  proxy = await startConnectProxy()
})
afterAll(async () => {
  cleanupRunDirs()
  await Promise.all([registry?.stop(), proxy?.stop()])
})

/** Every proxy variable set explicitly (both cases), so nothing of the developer's environment leaks in. */
function proxyEnv(vars: { http?: string; https?: string; no?: string }): Record<string, string> {
  return {
    HTTP_PROXY: vars.http ?? '',
    http_proxy: vars.http ?? '',
    HTTPS_PROXY: vars.https ?? '',
    https_proxy: vars.https ?? '',
    NO_PROXY: vars.no ?? '',
    no_proxy: vars.no ?? '',
  }
}

/** Runs the token path; returns the run and what the proxy saw during it. */
async function run(
  env: Record<string, string>,
  registryUrl = registry.url,
): Promise<{ result: RunActionResult; connects: string[]; tunnelled: string[]; auth: string[] }> {
  const [c, t, a] = [proxy.connects.length, proxy.tunnelled.length, proxy.proxyAuthorization.length]
  const result = await runAction({ inputs: { token: TOKEN, 'registry-url': registryUrl, 'timeout-seconds': '8' }, env })
  return { result, connects: proxy.connects.slice(c), tunnelled: proxy.tunnelled.slice(t), auth: proxy.proxyAuthorization.slice(a) }
}

describe('proxy environment variables, through a loopback CONNECT proxy', () => {
  it('HTTP_PROXY: whoami and the token list go through the proxy (CONNECT to the registry)', async () => {
    const before = registry.requests.length
    const { result, connects, tunnelled } = await run(proxyEnv({ http: proxy.url }))
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ username: 'proxied-user', 'expiry-source': 'registry', status: 'ok' })
    expect(connects.length).toBeGreaterThanOrEqual(1)
    expect(new Set(connects)).toEqual(new Set([`127.0.0.1:${registry.port}`]))
    expect(tunnelled).toEqual(expect.arrayContaining(['GET /-/whoami', expect.stringMatching(/^GET \/-\/npm\/v1\/tokens\?/)]))
    // Everything the registry received came through the tunnel.
    expect(
      registry.requests
        .slice(before)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual([...tunnelled].sort())
    expect(proxy.forwarded).toEqual([])
    assertNoSecretLeak(result, [TOKEN], { tokenEnv: 'NODE_AUTH_TOKEN' })
  })

  it('NO_PROXY=127.0.0.1: the same requests go direct, the proxy sees nothing', async () => {
    const before = registry.requests.length
    const { result, connects, tunnelled } = await run(proxyEnv({ http: proxy.url, https: proxy.url, no: '127.0.0.1' }))
    expect(result.exitCode).toBe(0)
    expect(result.outputs.username).toBe('proxied-user')
    expect(connects).toEqual([])
    expect(tunnelled).toEqual([])
    expect(registry.requests.slice(before).map((r) => r.path)).toEqual(expect.arrayContaining(['/-/whoami', expect.stringMatching(/^\/-\/npm\/v1\/tokens\?/)]))
  })

  it('NO_PROXY with host:port bypasses only that port; lower-case no_proxy counts too', async () => {
    const other = await run({ ...proxyEnv({ http: proxy.url }), NO_PROXY: '', no_proxy: '127.0.0.1:1' })
    expect(other.result.exitCode).toBe(0)
    expect(other.connects.length).toBeGreaterThanOrEqual(1)
    const same = await run({ ...proxyEnv({ http: proxy.url }), NO_PROXY: '', no_proxy: `127.0.0.1:${registry.port}` })
    expect(same.result.exitCode).toBe(0)
    expect(same.connects).toEqual([])
  })

  it('HTTPS_PROXY: an https registry is reached through a CONNECT tunnel (here it then fails TLS, naming the host)', async () => {
    // The fake speaks plain http, so TLS through the tunnel fails; the CONNECT proves the route.
    const httpsUrl = `https://127.0.0.1:${registry.port}/`
    const { result, connects } = await run(proxyEnv({ https: proxy.url }), httpsUrl)
    expect(connects.length).toBeGreaterThanOrEqual(1)
    expect(new Set(connects)).toEqual(new Set([`127.0.0.1:${registry.port}`]))
    expect(result.exitCode).toBe(1)
    expect(result.annotations.find((a) => a.level === 'error')?.message).toContain(`127.0.0.1:${registry.port}`)
    assertNoSecretLeak(result, [TOKEN])

    // NO_PROXY for it: no tunnel at all.
    const direct = await run(proxyEnv({ https: proxy.url, no: '127.0.0.1' }), httpsUrl)
    expect(direct.connects).toEqual([])
  })

  it('a proxy URL with credentials: sent as Proxy-Authorization on CONNECT, never printed', async () => {
    const password = `pr0xy-${Math.random().toString(36).slice(2, 14)}`
    const withAuth = `http://proxyuser:${password}@127.0.0.1:${proxy.port}`
    const { result, connects, auth } = await run(proxyEnv({ http: withAuth }))
    expect(result.exitCode).toBe(0)
    expect(connects.length).toBeGreaterThanOrEqual(1)
    expect(auth.every((h) => h === `Basic ${Buffer.from(`proxyuser:${password}`).toString('base64')}`)).toBe(true)
    assertNoSecretLeak(result, [TOKEN, password], { tokenEnv: 'NODE_AUTH_TOKEN' })
  })
})
