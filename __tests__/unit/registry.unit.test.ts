import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Agent } from 'undici'
import { ResponseError, TokenRejectedError, describeError } from '../../src/errors.js'
import { HttpClient } from '../../src/http/client.js'
import { findTokenInList, matchToken, registryEndpoint, sha512Hex, whoami } from '../../src/registry/token-api.js'
import { json, startServer, type TinyServer } from '../../test-support/tiny-server.ts'

const GRANULAR = 'npm_NYn6aBcDeFgHiJkLmNoPqRsTuVwXyZ0123jCq0'
const LEGACY = 'abcd1234-5678-90ab-cdef-00000000wxyz'

function granularEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'publish',
    description: '',
    key: 'f'.repeat(128),
    token: 'npm_NYn6...jCq0',
    expiry: '2026-09-01T00:00:00.000Z',
    cidr: [],
    bypass_2fa: true,
    revoked: false,
    created: '2026-06-01T10:00:00.000Z',
    updated: '2026-06-01T10:00:00.000Z',
    accessed: null,
    permissions: [{ name: 'package', action: 'write' }],
    scopes: [{ name: '@my-org/pkg', type: 'package' }],
    ...overrides,
  }
}

function legacyEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    token: 'abcd...wxyz',
    key: 'e'.repeat(128),
    cidr_whitelist: null,
    created: '2020-01-02T03:04:05.000Z',
    updated: '2020-01-02T03:04:05.000Z',
    readonly: false,
    ...overrides,
  }
}

describe('matchToken', () => {
  it('matches by the sha512 key (any case) before anything else', () => {
    const decoy = granularEntry({ name: 'decoy' }) // same visible characters, wrong key
    const mine = granularEntry({ name: 'mine', key: sha512Hex(GRANULAR).toUpperCase(), token: 'npm_XXXX...YYYY' })
    expect(matchToken([decoy, mine], GRANULAR)).toMatchObject({ name: 'mine', matchedBy: 'key' })
  })

  it('matches the granular npm_NYn6...jCq0 form by its visible characters', () => {
    expect(matchToken([granularEntry({ token: 'npm_ABCD...EFGH' }), granularEntry()], GRANULAR)).toMatchObject({
      name: 'publish',
      matchedBy: 'visible-characters',
      type: 'granular',
    })
  })

  it('matches the legacy abcd...wxyz form by its visible characters, with … as the ellipsis too', () => {
    expect(matchToken([legacyEntry()], LEGACY)).toMatchObject({ matchedBy: 'visible-characters', type: 'legacy' })
    expect(matchToken([legacyEntry({ token: 'abcd…wxyz' })], LEGACY)).toMatchObject({ type: 'legacy' })
  })

  it('does not match other visible characters, nor a shown value as long as the token', () => {
    expect(matchToken([legacyEntry({ token: 'abce...wxyz' })], LEGACY)).toBeUndefined()
    expect(matchToken([legacyEntry({ token: 'abcd...wxy' })], 'abcd1234wxyz0')).toBeUndefined()
    expect(matchToken([legacyEntry({ token: `${LEGACY.slice(0, 20)}...${LEGACY.slice(20)}` })], LEGACY)).toBeUndefined()
    expect(matchToken([legacyEntry({ token: 'ab...' })], LEGACY)).toBeUndefined()
    expect(matchToken([legacyEntry({ token: 'abcdwxyz' })], LEGACY)).toBeUndefined()
  })

  it('gives up when the visible characters match two live tokens', () => {
    expect(matchToken([granularEntry({ name: 'one' }), granularEntry({ name: 'two' })], GRANULAR)).toBeUndefined()
  })

  it('prefers the one live token over revoked look-alikes, and a lone revoked one is still found', () => {
    const objects = [granularEntry({ name: 'old', revoked: true }), granularEntry({ name: 'current' })]
    expect(matchToken(objects, GRANULAR)).toMatchObject({ name: 'current', revoked: false })
    expect(matchToken([granularEntry({ name: 'old', revoked: true })], GRANULAR)).toMatchObject({ name: 'old', revoked: true })
  })

  it('ignores entries that are not objects', () => {
    expect(matchToken([null, 'npm_NYn6...jCq0', 42, granularEntry()], GRANULAR)).toMatchObject({ name: 'publish' })
  })

  it('reads a granular entry', () => {
    expect(matchToken([granularEntry({ cidr: ['192.0.2.0/24'] })], GRANULAR)).toEqual({
      type: 'granular',
      matchedBy: 'visible-characters',
      name: 'publish',
      expiresAt: new Date('2026-09-01T00:00:00.000Z'),
      createdAt: new Date('2026-06-01T10:00:00.000Z'),
      readonly: false,
      stageOnly: false,
      cidr: ['192.0.2.0/24'],
      bypass2fa: true,
      revoked: false,
    })
  })

  it('reads a legacy entry, with cidr_whitelist', () => {
    expect(matchToken([legacyEntry({ cidr_whitelist: ['198.51.100.7/32'], readonly: true })], LEGACY)).toEqual({
      type: 'legacy',
      matchedBy: 'visible-characters',
      name: undefined,
      expiresAt: undefined,
      createdAt: new Date('2020-01-02T03:04:05.000Z'),
      readonly: true,
      cidr: ['198.51.100.7/32'],
      bypass2fa: undefined,
      revoked: undefined,
    })
  })

  it('tells a granular token by any of expiry, permissions, scopes or bypass_2fa', () => {
    const bare = { token: 'abcd...wxyz' }
    expect(matchToken([bare], LEGACY)?.type).toBe('legacy')
    for (const extra of [{ expiry: null }, { permissions: [] }, { scopes: [] }, { bypass_2fa: false }]) {
      expect(matchToken([{ ...bare, ...extra }], LEGACY)?.type).toBe('granular')
    }
  })

  it('reads cidr as a list or a single string, from either field name', () => {
    expect(matchToken([legacyEntry({ cidr: '192.0.2.0/24', cidr_whitelist: ['198.51.100.0/24'] })], LEGACY)?.cidr).toEqual(['192.0.2.0/24', '198.51.100.0/24'])
    expect(matchToken([legacyEntry({ cidr_whitelist: [] })], LEGACY)?.cidr).toEqual([])
  })

  it('tells a stage-only token by its permissions (read-write-stage-only), and does not call it read-only', () => {
    const entry = (permissions: unknown[]) => granularEntry({ permissions })
    const staged = matchToken([entry([{ name: 'package', action: 'read-write-stage-only' }])], GRANULAR)
    expect(staged).toMatchObject({ stageOnly: true, readonly: false })
    expect(matchToken([entry([{ name: 'package', action: 'write' }])], GRANULAR)).toMatchObject({ stageOnly: false, readonly: false })
    expect(matchToken([granularEntry({ permissions: [] })], GRANULAR)?.stageOnly).toBeUndefined()
  })

  it('derives read-only from permissions when there is no readonly flag', () => {
    const entry = (permissions: unknown[]) => granularEntry({ permissions })
    expect(matchToken([entry([{ name: 'package', action: 'read' }])], GRANULAR)?.readonly).toBe(true)
    expect(
      matchToken(
        [
          entry([
            { name: 'package', action: 'read' },
            { name: 'org', action: 'write' },
          ]),
        ],
        GRANULAR,
      )?.readonly,
    ).toBe(false)
    expect(matchToken([entry([])], GRANULAR)?.readonly).toBeUndefined()
    expect(matchToken([granularEntry({ readonly: true })], GRANULAR)?.readonly).toBe(true)
  })

  it('reads expiry from expires or expires_at, and ignores a date that does not parse', () => {
    const base = { token: 'abcd...wxyz', scopes: [] }
    expect(matchToken([{ ...base, expires: '2027-01-01T00:00:00Z' }], LEGACY)?.expiresAt).toEqual(new Date('2027-01-01T00:00:00Z'))
    expect(matchToken([{ ...base, expires_at: 1798761600000 }], LEGACY)?.expiresAt).toEqual(new Date(1798761600000))
    expect(matchToken([{ ...base, expiry: 'soon' }], LEGACY)?.expiresAt).toBeUndefined()
  })
})

describe('registryEndpoint', () => {
  it('keeps the registry path prefix', () => {
    expect(registryEndpoint(new URL('https://registry.example.com/artifactory/api/npm/npm/'), '/-/whoami').href).toBe(
      'https://registry.example.com/artifactory/api/npm/npm/-/whoami',
    )
  })
})

type Route = (req: IncomingMessage, res: ServerResponse) => void

describe('against a loopback registry', () => {
  let server: TinyServer
  let other: TinyServer
  let agent: Agent
  let routes: Record<string, Route>
  let http: HttpClient

  beforeAll(async () => {
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      const route = routes[path]
      if (route) route(req, res)
      else json(res, 404, { error: 'not found' })
    }
    server = await startServer(handle)
    other = await startServer(handle)
    agent = new Agent()
  })
  afterAll(async () => {
    await agent.close()
    await server.close()
    await other.close()
  })
  beforeEach(() => {
    routes = {}
    server.requests.length = 0
    other.requests.length = 0
    http = new HttpClient({ deadline: Date.now() + 10_000, dispatcher: agent, retryBaseMs: 10, requestTimeoutMs: 3000 })
  })

  describe('whoami', () => {
    it('gives the username, sending the token as a Bearer credential', async () => {
      routes['/-/whoami'] = (_req, res) => json(res, 200, { username: 'octo-publisher' })
      await expect(whoami(http, server.url(), 'npm_secretToken')).resolves.toBe('octo-publisher')
      expect(server.requests).toHaveLength(1)
      expect(server.requests[0].headers.authorization).toBe('Bearer npm_secretToken')
      expect(server.requests[0].url).toBe('/-/whoami')
    })

    it('asks under the registry path prefix', async () => {
      routes['/npm/-/whoami'] = (_req, res) => json(res, 200, { username: 'prefixed' })
      await expect(whoami(http, server.url('npm/'), 'npm_secretToken')).resolves.toBe('prefixed')
    })

    it('treats 200 {} (how Verdaccio answers a bad token) as a rejected token', async () => {
      routes['/-/whoami'] = (_req, res) => json(res, 200, {})
      const error = await whoami(http, server.url(), 'npm_secretToken').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TokenRejectedError)
      expect((error as Error).message).toContain('HTTP 200 without a username')
      expect((error as Error).message).not.toContain('npm_secretToken')
    })

    it('passes the npm-notice of a 401 on', async () => {
      routes['/-/whoami'] = (_req, res) =>
        json(res, 401, { error: 'unauthorized' }, { 'npm-notice': 'Access token expired or revoked. Please try logging in again.' })
      const error = await whoami(http, server.url(), 'npm_secretToken').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TokenRejectedError)
      expect((error as Error).message).toContain('HTTP 401')
      expect((error as Error).message).toContain('Access token expired or revoked. Please try logging in again.')
      expect((error as Error).message).toContain(server.url().href)
    })

    it('treats 403 as a rejected token', async () => {
      routes['/-/whoami'] = (_req, res) => json(res, 403, {})
      await expect(whoami(http, server.url(), 't0ken')).rejects.toBeInstanceOf(TokenRejectedError)
    })

    it('reports a 404 as a ResponseError asking whether this is a registry', async () => {
      const error = await whoami(http, server.url(), 'npm_secretToken').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ResponseError)
      expect((error as ResponseError).status).toBe(404)
      // The facts in the message, the short hint after them wherever one line is shown; the cause picks the summary's advice.
      expect((error as Error).message).toMatch(/HTTP 404/)
      expect(describeError(error)).toMatch(/HTTP 404.*Is .* an npm registry/)
      expect((error as ResponseError).adviceCause).toBe('not-a-registry')
    })

    it('reports a registry that keeps failing (5xx after every retry) with the status', async () => {
      routes['/-/whoami'] = (_req, res) => json(res, 503, { error: 'unavailable' })
      const error = await whoami(http, server.url(), 'npm_secretToken').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ResponseError)
      expect((error as ResponseError).status).toBe(503)
      expect((error as Error).message).toContain('HTTP 503')
      expect(server.requests).toHaveLength(3) // the default maxTries
    })

    it('reports an HTML 200 as a ResponseError naming status and content type', async () => {
      routes['/-/whoami'] = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        res.end('<!doctype html><html><body>Sign in</body></html>')
      }
      const error = await whoami(http, server.url(), 'npm_secretToken').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ResponseError)
      expect((error as Error).message).toContain('HTTP 200 with text/html; charset=utf-8 (an HTML page)')
    })
  })

  describe('findTokenInList', () => {
    const listPath = '/-/npm/v1/tokens'
    const pageOf = (req: IncomingMessage) => Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page'))

    it('follows absolute urls.next to the page that lists the token', async () => {
      routes[listPath] = (req, res) => {
        const page = pageOf(req)
        if (page === 0)
          json(res, 200, {
            total: 3,
            objects: [granularEntry({ token: 'npm_AAAA...BBBB', name: 'a' })],
            urls: { next: `${server.origin}-/npm/v1/tokens?perPage=1&page=1` },
          })
        else if (page === 1)
          json(res, 200, {
            total: 3,
            objects: [granularEntry({ token: 'npm_CCCC...DDDD', name: 'b' })],
            urls: { next: `${server.origin}-/npm/v1/tokens?perPage=1&page=2` },
          })
        else json(res, 200, { total: 3, objects: [granularEntry({ name: 'mine', key: sha512Hex(GRANULAR) })], urls: {} })
      }
      const result = await findTokenInList(http, server.url(), GRANULAR)
      expect(result).toMatchObject({ kind: 'found', details: { name: 'mine', matchedBy: 'key' } })
      expect(server.requests.map((r) => r.url)).toEqual([
        '/-/npm/v1/tokens?perPage=100&page=0',
        '/-/npm/v1/tokens?perPage=1&page=1',
        '/-/npm/v1/tokens?perPage=1&page=2',
      ])
      expect(server.requests.every((r) => r.headers.authorization === `Bearer ${GRANULAR}`)).toBe(true)
    })

    it('follows a relative urls.next too', async () => {
      routes[listPath] = (req, res) => {
        if (pageOf(req) === 0) json(res, 200, { objects: [], urls: { next: '?perPage=100&page=1' } })
        else json(res, 200, { objects: [legacyEntry()], urls: { next: null } })
      }
      await expect(findTokenInList(http, server.url(), LEGACY)).resolves.toMatchObject({ kind: 'found', details: { type: 'legacy' } })
      expect(server.requests).toHaveLength(2)
    })

    it('does not follow urls.next to another origin: that server gets no request and no token', async () => {
      routes[listPath] = (_req, res) =>
        json(res, 200, { objects: [granularEntry({ token: 'npm_AAAA...BBBB' })], urls: { next: `${other.origin}-/npm/v1/tokens?page=1` } })
      const result = await findTokenInList(http, server.url(), GRANULAR)
      expect(result).toEqual({ kind: 'not-listed', listed: 1 })
      expect(server.requests).toHaveLength(1)
      expect(other.requests).toHaveLength(0)
    })

    it('stops when urls.next loops back', async () => {
      routes[listPath] = (req, res) => {
        const next = pageOf(req) === 0 ? `${server.origin}-/npm/v1/tokens?perPage=100&page=1` : `${server.origin}-/npm/v1/tokens?perPage=100&page=0`
        json(res, 200, { objects: [], urls: { next } })
      }
      await expect(findTokenInList(http, server.url(), GRANULAR)).resolves.toEqual({ kind: 'not-listed', listed: 0 })
      expect(server.requests).toHaveLength(2)
    })

    it('reads at most maxPages pages of an endless list', async () => {
      routes[listPath] = (req, res) => json(res, 200, { objects: [legacyEntry({ token: 'zzzz...zzzz' })], urls: { next: `?page=${pageOf(req) + 1}` } })
      await expect(findTokenInList(http, server.url(), GRANULAR, { maxPages: 4 })).resolves.toEqual({ kind: 'not-listed', listed: 4 })
      expect(server.requests).toHaveLength(4)
    })

    it.each([401, 403, 404, 405, 501])('gives "unavailable" for HTTP %d', async (status) => {
      routes[listPath] = (_req, res) => json(res, status, { error: 'nope' })
      const result = await findTokenInList(http, server.url(), GRANULAR)
      expect(result).toEqual({ kind: 'unavailable', reason: `the registry answered HTTP ${status} to the token list` })
    })

    it('gives "unavailable" for an answer that is not a token list', async () => {
      routes[listPath] = (_req, res) => json(res, 200, { ok: true })
      await expect(findTokenInList(http, server.url(), GRANULAR)).resolves.toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(/objects/) })
      routes[listPath] = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' })
        res.end('<html></html>')
      }
      await expect(findTokenInList(http, server.url(), GRANULAR)).resolves.toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(/text\/html/) })
    })

    it('gives "not-listed" with the count when the token is not in the list', async () => {
      routes[listPath] = (_req, res) => json(res, 200, { objects: [granularEntry({ token: 'npm_AAAA...BBBB' }), legacyEntry()], urls: {} })
      await expect(findTokenInList(http, server.url(), GRANULAR)).resolves.toEqual({ kind: 'not-listed', listed: 2 })
    })
  })
})
