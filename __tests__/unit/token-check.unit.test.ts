import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Agent } from 'undici'
import { TokenRejectedError } from '../../src/errors.js'
import { HttpClient } from '../../src/http/client.js'
import { sha512Hex } from '../../src/registry/token-api.js'
import { checkToken, type TokenCheckInput } from '../../src/check/check-token.js'
import { json, startServer, type TinyServer } from '../../test-support/tiny-server.ts'

const TOKEN = 'npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'
const DAY = 24 * 60 * 60 * 1000
const NOW = new Date('2026-06-15T12:00:00Z')

type Route = (req: IncomingMessage, res: ServerResponse) => void

let server: TinyServer
let agent: Agent
let whoamiRoute: Route
let listRoute: Route

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/-/whoami') whoamiRoute(req, res)
    else if (path === '/-/npm/v1/tokens') listRoute(req, res)
    else json(res, 404, {})
  })
  agent = new Agent()
})
afterAll(async () => {
  await agent.close()
  await server.close()
})
beforeEach(() => {
  server.requests.length = 0
  whoamiRoute = (_req, res) => json(res, 200, { username: 'octo-publisher' })
  listRoute = (_req, res) => json(res, 200, { objects: [], urls: {} })
})

function input(overrides: Partial<TokenCheckInput> = {}): TokenCheckInput {
  return {
    http: new HttpClient({ deadline: Date.now() + 10_000, dispatcher: agent, retryBaseMs: 10, requestTimeoutMs: 5000 }),
    registry: server.url(),
    token: TOKEN,
    mode: 'setup',
    warnDays: 14,
    failDays: 0,
    expiresOn: undefined,
    isPublicRegistry: false,
    runnerEnvironment: 'github-hosted',
    now: NOW,
    ...overrides,
  }
}

const listing = (entry: Record<string, unknown>) => (_req: IncomingMessage, res: ServerResponse) =>
  json(res, 200, { total: 1, objects: [{ key: sha512Hex(TOKEN), token: 'npm_AbCd...6789', created: '2026-06-01T00:00:00Z', ...entry }], urls: {} })

describe('checkToken', () => {
  it('has whoami and the token list in flight together', async () => {
    // Each answer is held until BOTH requests have arrived: one after the other, the first would wait
    // for the fail-safe (and the test fail on time and on bothArrived).
    const held: Array<() => void> = []
    let bothArrived = false
    let failSafeFired = false
    const hold = (answer: () => void) => {
      if (failSafeFired) return answer()
      held.push(answer)
      if (held.length === 2) {
        bothArrived = true
        held.splice(0).forEach((a) => a())
      }
    }
    const failSafe = setTimeout(() => {
      failSafeFired = true
      held.splice(0).forEach((a) => a())
    }, 3000)
    whoamiRoute = (_req, res) => hold(() => json(res, 200, { username: 'octo-publisher' }))
    listRoute = (req, res) =>
      hold(() => listing({ expiry: '2026-12-01T00:00:00Z', permissions: [{ name: 'package', action: 'write' }], bypass_2fa: true })(req, res))
    const started = Date.now()
    const report = await checkToken(input())
    clearTimeout(failSafe)
    expect(bothArrived).toBe(true)
    expect(failSafeFired).toBe(false)
    expect(Date.now() - started).toBeLessThan(2500)
    expect(server.requests.map((r) => new URL(r.url, 'http://x').pathname).sort()).toEqual(['/-/npm/v1/tokens', '/-/whoami'])
    expect(report).toMatchObject({ username: 'octo-publisher', tokenType: 'granular', status: 'ok', expirySource: 'registry' })
  })

  it("takes the registry's expiry over expires-on", async () => {
    listRoute = listing({ expiry: '2026-06-20T12:00:00Z', scopes: [] })
    const report = await checkToken(input({ expiresOn: new Date('2027-01-01T00:00:00Z') }))
    expect(report.expiresAt).toEqual(new Date('2026-06-20T12:00:00Z'))
    expect(report.expirySource).toBe('registry')
    expect(report.daysLeft).toBe(5)
    expect(report.status).toBe('warning')
    expect(report.findings.map((f) => f.title)).toEqual(['npm token expires in 5 days (2026-06-20)'])
  })

  it('uses expires-on when the registry reports no expiry', async () => {
    listRoute = listing({ expiry: null, scopes: [] })
    const expiresOn = new Date(NOW.getTime() + 3 * DAY)
    const report = await checkToken(input({ expiresOn, failDays: 7 }))
    expect(report.expiresAt).toEqual(expiresOn)
    expect(report.expirySource).toBe('input')
    expect(report.status).toBe('error')
    expect(report.findings.map((f) => f.level)).toEqual(['error'])
  })

  it('uses expires-on when the token list is unavailable', async () => {
    listRoute = (_req, res) => json(res, 403, { error: 'forbidden' })
    const report = await checkToken(input({ expiresOn: new Date(NOW.getTime() + 100 * DAY) }))
    expect(report).toMatchObject({ expirySource: 'input', status: 'ok', daysLeft: 100, findings: [] })
    expect(report.list).toMatchObject({ kind: 'unavailable' })
  })

  it('reports an unknown expiry as a notice and stays ok', async () => {
    listRoute = (_req, res) => json(res, 403, { error: 'forbidden' })
    const report = await checkToken(input())
    expect(report.status).toBe('ok')
    expect(report.expiresAt).toBeUndefined()
    expect(report.expirySource).toBe('')
    expect(report.daysLeft).toBeUndefined()
    expect(report.findings).toHaveLength(1)
    expect(report.findings[0]).toMatchObject({ level: 'notice', title: 'npm token expiry unknown' })
    expect(report.findings[0].message).toContain('HTTP 403')
    expect(report.findings[0].message).toContain('expires-on')
  })

  it('says why the expiry is unknown when the token is not listed, or listed without one', async () => {
    const notListed = await checkToken(input())
    expect(notListed.findings[0].message).toMatch(/not in the registry's token list \(0 listed/)
    expect(notListed.tokenType).toBe('unknown')
    listRoute = listing({ readonly: false })
    const noExpiry = await checkToken(input())
    expect(noExpiry.findings[0].message).toMatch(/lists this token without an expiry date/)
    expect(noExpiry.tokenType).toBe('legacy')
    expect(noExpiry.status).toBe('ok')
  })

  it('fails on an expired token', async () => {
    listRoute = listing({ expiry: '2026-06-15T11:59:59Z', scopes: [] })
    const report = await checkToken(input())
    expect(report.status).toBe('error')
    expect(report.findings[0]).toMatchObject({ level: 'error', title: 'npm token expired (2026-06-15)' })
  })

  it('warns about a revoked token', async () => {
    listRoute = listing({ expiry: '2027-01-01T00:00:00Z', revoked: true, scopes: [] })
    const report = await checkToken(input())
    expect(report.status).toBe('warning')
    expect(report.findings.map((f) => f.title)).toEqual(['npm token is revoked'])
  })

  it("adds the kind findings only for npm's public registry", async () => {
    listRoute = listing({ expiry: '2027-01-01T00:00:00Z', permissions: [{ name: 'package', action: 'write' }], bypass_2fa: false })
    expect((await checkToken(input())).status).toBe('ok')
    const report = await checkToken(input({ isPublicRegistry: true }))
    expect(report.status).toBe('warning')
    expect(report.findings.map((f) => f.title)).toEqual(['npm token does not bypass 2FA'])
  })

  it('throws TokenRejectedError when whoami refuses, after the list request settled', async () => {
    whoamiRoute = (_req, res) => json(res, 401, {}, { 'npm-notice': 'Access token expired or revoked.' })
    let listAnswered = false
    listRoute = (_req, res) =>
      setTimeout(() => {
        listAnswered = true
        json(res, 401, {})
      }, 200)
    const error = await checkToken(input()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenRejectedError)
    expect((error as Error).message).toContain('Access token expired or revoked.')
    expect((error as Error).message).not.toContain(TOKEN)
    expect(listAnswered).toBe(true)
  })
})
