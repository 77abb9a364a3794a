// Self-tests of the npmjs fake's token API as npm's registry serves it: the token list only a session
// (`npm login`) may read, `npm token create` / `npm token revoke` with a session and its OTP (or the web
// OTP flow), the validation npm applies, and deletion. The real npm 12 and npm 11 CLIs drive it first;
// then plain HTTP covers what the CLIs cannot reach without a terminal.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import {
  FAKE_OTP,
  LIST_NEEDS_SESSION,
  MANAGE_NEEDS_SESSION,
  OTP_REQUIRED,
  STAGE_REQUIRED,
  TOKEN_EXPIRES_POSITIVE,
  TOKEN_NAME_REQUIRED,
  TOKEN_NOT_FOUND,
  WEB_AUTH_PAGE,
  WRITE_TOKEN_MAX_90_DAYS,
  cidrIsIpv6,
  invalidCidrEntry,
  invalidPermission,
  maskToken,
  randomAlnum,
  sha512Hex,
  startFakeNpmjs,
  type FakeNpmjs,
  type GranularTokenObject,
} from '../../test-support/fake-npmjs.ts'
import { npmStepEnv, runNpmClient, type NpmClient } from '../../test-support/npm-cli.ts'

const DAY = 86_400_000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const GRANULAR = /^npm_[A-Za-z0-9]{36}$/
const NOTICE_EXPIRED = 'Access token expired or revoked. Please try logging in again.'

const tmpRoots: string[] = []
function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'fake-npmjs-tokens-'))
  tmpRoots.push(d)
  return d
}

let registry: FakeNpmjs
let session: string
const granular = `npm_${randomAlnum(36)}`
const legacy = randomAlnum(36)

beforeAll(async () => {
  registry = await startFakeNpmjs()
  session = registry.addSession('octo')
  registry.addToken({ token: granular, username: 'octo', expiry: new Date(Date.now() + 10 * DAY).toISOString() })
  registry.addToken({ token: legacy, username: 'octo', type: 'legacy' })
})
afterAll(async () => {
  await registry?.stop()
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true })
})

/** A real npm CLI on a HOME of its own whose .npmrc points at the fake with `token`. */
function npm(client: NpmClient, args: string[], token: string) {
  const home = tmpDir()
  const nerf = registry.url.replace(/^https?:/, '')
  writeFileSync(path.join(home, '.npmrc'), `registry=${registry.url}\n${nerf}:_authToken=${token}\n`)
  return runNpmClient(client, args, { cwd: home, env: npmStepEnv(home), timeoutMs: 30_000 })
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const whoami = (token: string) => fetch(`${registry.url}-/whoami`, { headers: bearer(token) })
const list = (token: string) => fetch(`${registry.url}-/npm/v1/tokens`, { headers: bearer(token) })

/** Every page of a session's token list (the fake pages by 2). */
async function listAll(token: string): Promise<GranularTokenObject[]> {
  const objects: GranularTokenObject[] = []
  for (let next: string | null = `${registry.url}-/npm/v1/tokens`; next;) {
    const res = await fetch(next, { headers: bearer(token) })
    expect(res.status).toBe(200)
    const page = (await res.json()) as { objects: GranularTokenObject[]; urls: { next: string | null } }
    objects.push(...page.objects)
    next = page.urls.next
  }
  return objects
}

function create(body: unknown, headers: Record<string, string> = { 'npm-otp': FAKE_OTP }, token = session, fake = registry) {
  return fetch(`${fake.url}-/npm/v1/tokens`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

function remove(id: string, headers: Record<string, string> = { 'npm-otp': FAKE_OTP }, token = session) {
  return fetch(`${registry.url}-/npm/v1/tokens/token/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { ...bearer(token), ...headers } })
}

/** Creates a token over HTTP (session, OTP) and returns the 201 body. */
async function created(body: Record<string, unknown>): Promise<GranularTokenObject> {
  const res = await create({ password: 'x', ...body })
  expect(res.status).toBe(201)
  return (await res.json()) as GranularTokenObject
}

const daysFromNow = (iso: string | null) => Math.round((Date.parse(iso ?? '') - Date.now()) / DAY)

describe('the real npm CLI', () => {
  test('npm 12: token create (session + --otp) → a token that works and is listed redacted with a UUID key; token revoke <uuid prefix> removes it', async () => {
    const args = [
      'token',
      'create',
      '--name',
      'ci',
      '--packages',
      'pkg-a',
      '--packages-and-scopes-permission',
      'read-write',
      '--expires',
      '30',
      '--password',
      'x',
      '--otp',
      FAKE_OTP,
    ]
    // --json: npm 12 redacts the new token in its JSON output ("npm_***"); the 201 shape shows through.
    const json = await npm('npm12', [...args, '--json'], session)
    expect(json.stderr).not.toContain('ERR!')
    expect(json.code).toBe(0)
    const shown = JSON.parse(json.stdout) as Record<string, unknown>
    expect(shown).toMatchObject({ name: 'ci', token: 'npm_***', revoked: false, permissions: [{ name: 'package', action: 'write' }] })
    expect(daysFromNow(shown.expiry as string)).toBe(30)
    const post = registry.requests.findLast((r) => r.method === 'POST')
    expect(post?.headers['npm-otp']).toBe(FAKE_OTP)
    expect(JSON.parse(post!.body)).toMatchObject({ name: 'ci', password: 'x', packages: ['pkg-a'], packages_and_scopes_permission: 'read-write', expires: 30 })
    // The plain output prints the token itself (npm: redact: false), the one time it is ever shown.
    const made = await npm('npm12', args, session)
    expect(made.code).toBe(0)
    const token = /Created token (\S+)/.exec(made.stdout)?.[1] ?? ''
    expect(token).toMatch(GRANULAR)

    const who = await whoami(token)
    expect(who.status).toBe(200)
    expect(await who.json()).toEqual({ username: 'octo' })

    const listed = await npm('npm12', ['token', 'list', '--json'], session)
    expect(listed.code).toBe(0)
    const entries = JSON.parse(listed.stdout) as Array<GranularTokenObject & { id: string }>
    const mine = entries.filter((o) => o.token === maskToken(token))
    expect(mine).toHaveLength(1)
    expect(mine[0].token).toMatch(/^npm_[A-Za-z0-9]{4}\.\.\.[A-Za-z0-9]{4}$/)
    expect(mine[0]).toMatchObject({
      name: 'ci',
      revoked: false,
      permissions: [{ name: 'package', action: 'write' }],
      scopes: [{ type: 'package', name: 'pkg-a' }],
    })
    expect(daysFromNow(mine[0].expiry)).toBe(30)
    expect(listed.stdout).not.toContain(token)
    expect(listed.stdout).not.toContain(session)
    // npm 12 prints a UUID as "***" in JSON, so the key is read from the fake.
    const key = registry.tokenList('octo').find((o) => o.token === maskToken(token))?.key ?? ''
    expect(key).toMatch(UUID)

    const revoked = await npm('npm12', ['token', 'revoke', key.slice(0, 8), '--otp', FAKE_OTP], session)
    expect(revoked.stderr).not.toContain('ERR!')
    expect(revoked.code).toBe(0)
    expect(revoked.stdout).toContain('Removed 1 token')
    expect(registry.requests.findLast((r) => r.method === 'DELETE')?.path).toBe(`/-/npm/v1/tokens/token/${key}`)
    expect(registry.tokenList('octo').some((o) => o.key === key)).toBe(false)
    const dead = await whoami(token)
    expect(dead.status).toBe(401)
    expect(dead.headers.get('npm-notice')).toBe(NOTICE_EXPIRED)
  })

  test('npm 11: token list with a granular token fails 401 (only a session may list); with the session it lists', async () => {
    const refused = await npm('npm11', ['token', 'list'], granular)
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain('E401')
    expect(refused.stdout).not.toContain(granular)
    expect(refused.stderr).not.toContain(granular)
    const ok = await npm('npm11', ['token', 'list', '--json'], session)
    expect(ok.code).toBe(0)
    expect((JSON.parse(ok.stdout) as GranularTokenObject[]).some((o) => o.token === maskToken(granular))).toBe(true)
  })
})

describe('token list and sessions', () => {
  test('only a session lists; granular and legacy tokens get 401 without an OTP challenge; the session is never listed', async () => {
    for (const token of [granular, legacy]) {
      const res = await list(token)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toBeNull()
      expect(await res.json()).toEqual({ error: LIST_NEEDS_SESSION })
    }
    const objects = await listAll(session)
    expect(objects.some((o) => o.token === maskToken(granular))).toBe(true)
    expect(objects.some((o) => o.token === maskToken(session))).toBe(false)
    expect(registry.tokenList('octo').some((o) => o.token === maskToken(session))).toBe(false)
  })

  test('keys: a granular token gets a UUID (legacy keeps sha512); tokenList "any" lets a token list itself, sha512 keys', async () => {
    const entries = registry.tokenList('octo') as GranularTokenObject[]
    const mine = entries.find((o) => o.token === maskToken(granular))
    expect(mine?.key).toMatch(UUID)
    expect(entries.filter((o) => 'name' in o).every((o) => UUID.test(o.key))).toBe(true)
    expect(entries.some((o) => o.key === sha512Hex(legacy))).toBe(true)

    const any = await startFakeNpmjs({ tokenList: 'any', pageSize: 100 })
    try {
      const t = `npm_${randomAlnum(36)}`
      any.addToken({ token: t, username: 'octo' })
      const res = await fetch(`${any.url}-/npm/v1/tokens?perPage=100`, { headers: bearer(t) })
      expect(res.status).toBe(200)
      const objects = ((await res.json()) as { objects: GranularTokenObject[] }).objects
      expect(objects.some((o) => o.key === sha512Hex(t))).toBe(true)
      const uuidToken = `npm_${randomAlnum(36)}`
      expect(any.addToken({ token: uuidToken, username: 'octo', keyAlgo: 'uuid' }).key).toMatch(UUID)
    } finally {
      await any.stop()
    }
  })

  test('a session: whoami works; expireSession or a past expiresAt → 401 + npm-notice everywhere', async () => {
    const s = registry.addSession('mona')
    expect(s).toMatch(GRANULAR)
    expect(await (await whoami(s)).json()).toEqual({ username: 'mona' })
    registry.expireSession(s)
    const stale = registry.addSession('mona', { expiresAt: new Date(Date.now() - 1000) })
    for (const dead of [s, stale]) {
      for (const res of [await whoami(dead), await list(dead), await create({ name: 'x' }, { 'npm-otp': FAKE_OTP }, dead)]) {
        expect(res.status).toBe(401)
        expect(res.headers.get('npm-notice')).toBe(NOTICE_EXPIRED)
      }
    }
  })
})

describe('POST /-/npm/v1/tokens', () => {
  test('a granular token → 403; no or a wrong OTP → 401 www-authenticate: OTP; a session with its own OTP', async () => {
    const byToken = await create({ name: 'x' }, { 'npm-otp': FAKE_OTP }, granular)
    expect(byToken.status).toBe(403)
    expect(await byToken.json()).toEqual({ error: MANAGE_NEEDS_SESSION })
    const challenges: Array<Record<string, string>> = [{}, { 'npm-otp': '000000' }, { 'npm-otp': '000000', 'npm-auth-type': 'web' }]
    for (const headers of challenges) {
      const res = await create({ name: 'x' }, headers)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('OTP')
      expect(await res.json()).toEqual({ error: OTP_REQUIRED })
    }
    const own = registry.addSession('hubot', { otp: '654321' })
    expect((await create({ name: 'x' }, { 'npm-otp': FAKE_OTP }, own)).status).toBe(401)
    expect((await create({ name: 'x' }, { 'npm-otp': '654321' }, own)).status).toBe(201)
  })

  test('web OTP: 401 with authUrl/doneUrl; doneUrl 202 + retry-after until approved, then 200 with the OTP once', async () => {
    const res = await create({ name: 'web' }, { 'npm-auth-type': 'web', 'npm-command': 'token' })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('OTP')
    const body = (await res.json()) as { error: string; authUrl: string; doneUrl: string }
    expect(body.error).toBe(OTP_REQUIRED)
    for (const u of [body.authUrl, body.doneUrl]) expect(u.startsWith(registry.url)).toBe(true)
    expect(registry.pendingWebAuth()).toContainEqual({ authUrl: body.authUrl, doneUrl: body.doneUrl })

    const page = await fetch(body.authUrl)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await page.text()).toBe(WEB_AUTH_PAGE)

    const waiting = await fetch(body.doneUrl)
    expect(waiting.status).toBe(202)
    expect(waiting.headers.get('retry-after')).toBe('1')
    expect(await waiting.json()).toEqual({})

    registry.approveWebAuth(body.authUrl)
    expect(registry.pendingWebAuth().some((p) => p.authUrl === body.authUrl)).toBe(false)
    const done = await fetch(body.doneUrl)
    expect(done.status).toBe(200)
    const { token: otp } = (await done.json()) as { token: string }
    expect(otp).toBe(FAKE_OTP)
    expect((await fetch(body.doneUrl)).status).toBe(404)
    expect((await create({ name: 'web' }, { 'npm-otp': otp })).status).toBe(201)
  })

  test('webAuth: false → the web header is ignored (plain OTP 401)', async () => {
    const fake = await startFakeNpmjs({ webAuth: false })
    try {
      const s = fake.addSession('octo')
      const res = await create({ name: 'x' }, { 'npm-auth-type': 'web' }, s, fake)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('OTP')
      expect(await res.json()).toEqual({ error: OTP_REQUIRED })
      expect(fake.pendingWebAuth()).toEqual([])
    } finally {
      await fake.stop()
    }
  })

  test('validation: name, write tokens ≤ 90 days, positive expiry, IPv4 CIDRs, known permissions', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ password: 'x' }, TOKEN_NAME_REQUIRED],
      [{ name: 'w', packages_and_scopes_permission: 'read-write', expires: 91 }, WRITE_TOKEN_MAX_90_DAYS],
      [{ name: 'w', packages_and_scopes_permission: 'read-write-stage-only', expires: 91 }, WRITE_TOKEN_MAX_90_DAYS],
      [{ name: 'w', packages_and_scopes_permission: 'read-write', expires: new Date(Date.now() + 120 * DAY).toISOString() }, WRITE_TOKEN_MAX_90_DAYS],
      [{ name: 'e', expires: 0 }, TOKEN_EXPIRES_POSITIVE],
      [{ name: 'e', expires: -3 }, TOKEN_EXPIRES_POSITIVE],
      [{ name: 'e', expires: new Date(Date.now() - DAY).toISOString() }, TOKEN_EXPIRES_POSITIVE],
      [{ name: 'c', cidr_whitelist: ['10.0.0.0/8', 'nope'] }, invalidCidrEntry('nope')],
      [{ name: 'c', cidr_whitelist: ['10.0.0.0/33'] }, invalidCidrEntry('10.0.0.0/33')],
      [{ name: 'c', cidr_whitelist: ['::1/128'] }, cidrIsIpv6('::1/128')],
      [{ name: 'p', packages_and_scopes_permission: 'admin' }, invalidPermission('packages_and_scopes_permission', 'admin')],
      [{ name: 'p', orgs: ['acme'], orgs_permission: 'owner' }, invalidPermission('orgs_permission', 'owner')],
    ]
    const before = registry.tokenList('octo').length
    for (const [body, error] of cases) {
      const res = await create(body)
      expect([JSON.stringify(body), res.status, await res.json()]).toEqual([JSON.stringify(body), 400, { error }])
    }
    expect(registry.tokenList('octo')).toHaveLength(before) // a refused request registers nothing
  })

  test('201: defaults (write 7 days, read-only 30), the list shape with the full token once, permissions and scopes', async () => {
    const write = await created({ name: 'w', packages: ['pkg-a'], packages_and_scopes_permission: 'read-write' })
    expect(daysFromNow(write.expiry)).toBe(7)
    const read = await created({ name: 'r', packages_all: true, description: 'reads' })
    expect(daysFromNow(read.expiry)).toBe(30)
    expect(Object.keys(read)).toEqual([
      'name',
      'description',
      'key',
      'token',
      'expiry',
      'cidr',
      'bypass_2fa',
      'revoked',
      'created',
      'updated',
      'accessed',
      'permissions',
      'scopes',
    ])
    expect(read).toMatchObject({
      name: 'r',
      description: 'reads',
      cidr: null,
      bypass_2fa: false,
      revoked: false,
      accessed: null,
      permissions: [{ name: 'package', action: 'read' }],
      scopes: [{ type: 'package', name: '*' }],
    })
    expect(read.key).toMatch(UUID)
    expect(read.token).toMatch(GRANULAR)
    const listed = registry.tokenList('octo').find((o) => o.key === read.key)
    expect(listed).toEqual({ ...read, token: maskToken(read.token) })

    const long = await created({ name: 'ro-year', packages_and_scopes_permission: 'read-only', expires: 365 })
    expect(daysFromNow(long.expiry)).toBe(365)

    const full = await created({
      name: 'stage',
      packages: ['pkg-a'],
      scopes: ['@acme'],
      orgs: ['acme'],
      packages_and_scopes_permission: 'read-write-stage-only',
      orgs_permission: 'read-write',
      expires: 90,
      cidr_whitelist: ['192.168.0.0/16'],
      bypass_2fa: true,
    })
    expect(full).toMatchObject({
      cidr: ['192.168.0.0/16'],
      bypass_2fa: true,
      permissions: [
        { name: 'package', action: 'read-write-stage-only' },
        { name: 'org', action: 'write' },
      ],
      scopes: [
        { type: 'package', name: 'pkg-a' },
        { type: 'scope', name: '@acme' },
        { type: 'org', name: 'acme' },
      ],
    })
    // Registered as a real token: a stage-only token for pkg-a and @acme/*, nothing else.
    const put = (name: string) => fetch(`${registry.url}${name.replace('/', '%2f')}`, { method: 'PUT', headers: bearer(full.token), body: '{}' })
    for (const name of ['pkg-a', '@acme/tool']) {
      const res = await put(name)
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ error: STAGE_REQUIRED })
    }
    expect((await put('pkg-b')).status).toBe(404)
  })
})

describe('DELETE /-/npm/v1/tokens/token/<key or token>', () => {
  test('session + OTP (or the web flow); by UUID or full token → 204, then 401 everywhere and gone from the list; unknown → 404', async () => {
    const a = await created({ name: 'del-a' })
    const b = await created({ name: 'del-b' })
    expect((await whoami(a.token)).status).toBe(200)

    const byToken = await remove(a.key, { 'npm-otp': FAKE_OTP }, b.token)
    expect(byToken.status).toBe(403)
    expect(await byToken.json()).toEqual({ error: MANAGE_NEEDS_SESSION })
    const noOtp = await remove(a.key, {})
    expect(noOtp.status).toBe(401)
    expect(noOtp.headers.get('www-authenticate')).toBe('OTP')
    const web = await remove(a.key, { 'npm-auth-type': 'web' })
    expect(web.status).toBe(401)
    expect(await web.json()).toMatchObject({ error: OTP_REQUIRED, authUrl: expect.any(String), doneUrl: expect.any(String) })

    for (const id of [a.key, b.token]) {
      const res = await remove(id)
      expect(res.status).toBe(204)
    }
    for (const t of [a, b]) {
      expect(registry.tokenList('octo').some((o) => o.key === t.key)).toBe(false)
      const res = await whoami(t.token)
      expect(res.status).toBe(401)
      expect(res.headers.get('npm-notice')).toBe(NOTICE_EXPIRED)
    }
    for (const id of [a.key, randomUUID(), `npm_${randomAlnum(36)}`]) {
      const res = await remove(id)
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ error: TOKEN_NOT_FOUND })
    }
    // Another user's token is not found through this session.
    const other = registry.addSession('mona')
    const theirs = await created({ name: 'theirs' })
    const res = await remove(theirs.key, { 'npm-otp': FAKE_OTP }, other)
    expect(res.status).toBe(404)
  })

  test('faults queued for these routes apply before them', async () => {
    registry.fault('/-/npm/v1/tokens', { status: 503, body: { error: 'down' } })
    const res = await create({ name: 'f' })
    expect(res.status).toBe(503)
    expect(registry.pendingFaults()).toBe(0)
    expect((await create({ name: 'f' })).status).toBe(201)
  })
})
