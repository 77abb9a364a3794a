// Self-tests of the test harness: if these fail, every integration test built on the harness is suspect.
// Real Verdaccio + real npm CLI, the fake npmjs server and its faults, runAction (against a fixture
// action that uses the real @actions/core), and the secret-leak canary.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startVerdaccio, type Verdaccio } from '../../test-support/verdaccio.ts'
import { readActionInputs } from '../../test-support/action-yml.ts'
import { cleanupRunDirs, runAction, parseFileCommands, parseWorkflowCommands } from '../../test-support/run-action.ts'
import { repoRoot } from '../../test-support/process.ts'
import { NPM_CLIENTS, npmStepEnv, runNpmClient, type NpmClient } from '../../test-support/npm-cli.ts'
import { startFakeNpmjs, sha512Hex, type FakeNpmjs, type GranularTokenObject } from '../../test-support/fake-npmjs.ts'
import { assertNoSecretLeak, findSecretLeaks } from '../../test-support/canary.ts'

const fixtures = path.join(repoRoot, 'test-support', 'fixtures')
const fixtureAction = { entry: path.join(fixtures, 'fake-action.mjs'), actionYml: path.join(fixtures, 'action.yml') }

const tmpRoots: string[] = []
function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'harness-test-'))
  tmpRoots.push(d)
  return d
}
afterAll(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true })
  cleanupRunDirs() // process 'exit' hooks do not fire inside Jest
})

/** Runs npm (the npm 11 on PATH unless `client` says npm 12) with a throw-away HOME and userconfig, no inherited npm config. */
function runNpm(args: string[], opts: { cwd?: string; npmrc?: string; env?: Record<string, string>; client?: NpmClient } = {}) {
  const home = tmpDir()
  const userconfig = path.join(home, '.npmrc')
  writeFileSync(userconfig, opts.npmrc ?? '')
  const env = { ...npmStepEnv(home), ...opts.env }
  return runNpmClient(opts.client ?? 'npm11', [...args, '--userconfig', userconfig], { cwd: opts.cwd ?? home, env })
}

/** '//127.0.0.1:PORT/prefix/' — the .npmrc credential key for a registry URL. */
const nerfDart = (url: string) => url.replace(/^https?:/, '')

// ---------------------------------------------------------------------------------------------

describe('verdaccio', () => {
  let verdaccio: Verdaccio
  beforeAll(async () => {
    verdaccio = await startVerdaccio()
    // Startup time is worth seeing in the test log (≈1 s here).
    console.log(`verdaccio ready in ${verdaccio.startupMs} ms at ${verdaccio.url}`)
  })
  afterAll(async () => {
    await verdaccio?.stop()
  })

  test('listens on loopback with a trailing-slash URL', () => {
    expect(verdaccio.url).toBe(`http://127.0.0.1:${verdaccio.port}/`)
  })

  test('addUser returns a token that whoami accepts (again for an existing user); a bad token gets 200 {} (not 401)', async () => {
    const token = await verdaccio.addUser('alice', 'alice-password-1')
    expect(token.length).toBeGreaterThan(10)
    const good = await fetch(`${verdaccio.url}-/whoami`, { headers: { authorization: `Bearer ${token}` } })
    expect(await good.json()).toEqual({ username: 'alice' })
    // Asking again for an existing user logs in: a second, different token that also works.
    const again = await verdaccio.addUser('alice', 'alice-password-1')
    expect(again).not.toBe(token)
    const second = await fetch(`${verdaccio.url}-/whoami`, { headers: { authorization: `Bearer ${again}` } })
    expect(await second.json()).toEqual({ username: 'alice' })
    const bad = await fetch(`${verdaccio.url}-/whoami`, { headers: { authorization: 'Bearer not-a-token' } })
    expect(bad.status).toBe(200)
    expect(await bad.json()).toEqual({})
  })

  test('the real npm CLI authenticates through an env-referenced .npmrc', async () => {
    const token = await verdaccio.addUser('bob', 'bob-password-1')
    const res = await runNpm(['whoami', '--registry', verdaccio.url], {
      npmrc: `${nerfDart(verdaccio.url)}:_authToken=\${NODE_AUTH_TOKEN}\n`,
      env: { NODE_AUTH_TOKEN: token },
    })
    expect(res.stderr).toBe('')
    expect(res.stdout.trim()).toBe('bob')
    expect(res.code).toBe(0)
  })

  test('stop() removes the storage dir and is idempotent', async () => {
    const v = await startVerdaccio()
    await v.stop()
    await v.stop()
    const { existsSync } = await import('node:fs')
    expect(existsSync(v.storageDir)).toBe(false)
    await expect(fetch(`${v.url}-/ping`)).rejects.toThrow()
  })
})

// ---------------------------------------------------------------------------------------------

describe('fake npmjs', () => {
  let npmjs: FakeNpmjs
  const GOOD = 'npm_GoodToken1234567890abcdefghijklmnopq'
  const EXPIRED = 'npm_ExpiredToken0987654321zyxwvutsrqpon'
  const READONLY = 'npm_ReadOnlyTokenAAAAAAAAAAAAAAAAAAAAAAAAA'
  const UNLISTABLE = 'npm_UnlistableTokenBBBBBBBBBBBBBBBBBBBBBBB'
  const LEGACY = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'
  const NOKEY = 'npm_NoKeyTokenCCCCCCCCCCCCCCCCCCCCCCCCCCCC'
  const soon = new Date(Date.now() + 5 * 86400_000).toISOString()

  beforeAll(async () => {
    npmjs = await startFakeNpmjs({ prefix: '/artifactory/api/npm/repo', tokenList: 'any' })
    npmjs.addToken({ token: GOOD, username: 'octo', expiry: soon, cidr: ['10.0.0.0/8'] })
    npmjs.addToken({ token: EXPIRED, username: 'octo', expiry: new Date(Date.now() - 86400_000).toISOString() })
    npmjs.addToken({ token: READONLY, username: 'reader', readonly: true })
    npmjs.addToken({ token: UNLISTABLE, username: 'octo', listable: false, decoys: false })
    npmjs.addToken({ token: LEGACY, username: 'classic', type: 'legacy' })
    npmjs.addToken({ token: NOKEY, username: 'nokey', keyAlgo: 'none' })
  })
  afterAll(async () => {
    await npmjs?.stop()
  })

  const whoami = (token?: string) => fetch(`${npmjs.url}-/whoami`, { headers: token ? { authorization: `Bearer ${token}` } : {} })

  test('url is origin + normalised prefix', () => {
    expect(npmjs.prefix).toBe('/artifactory/api/npm/repo/')
    expect(npmjs.url).toBe(`${npmjs.origin}/artifactory/api/npm/repo/`)
  })

  test('whoami: good → 200; expired/unknown → 401 + npm-notice; missing → 401 without notice', async () => {
    const good = await whoami(GOOD)
    expect(good.status).toBe(200)
    expect(await good.json()).toEqual({ username: 'octo' })
    for (const t of [EXPIRED, 'npm_unknown']) {
      const r = await whoami(t)
      expect(r.status).toBe(401)
      expect(r.headers.get('npm-notice')).toBe('Access token expired or revoked. Please try logging in again.')
      expect(await r.json()).toHaveProperty('error')
    }
    const none = await whoami()
    expect(none.status).toBe(401)
    expect(none.headers.get('npm-notice')).toBeNull()
    // Outside the prefix nothing is served.
    expect((await fetch(`${npmjs.origin}/-/whoami`, { headers: { authorization: `Bearer ${GOOD}` } })).status).toBe(404)
  })

  test('token list: paginated with absolute urls.next, npmjs shapes, decoys around the real entry', async () => {
    const seen: GranularTokenObject[] = []
    let next: string | null = `${npmjs.url}-/npm/v1/tokens?perPage=100`
    let pages = 0
    let total = -1
    while (next) {
      expect(next.startsWith(npmjs.url)).toBe(true)
      const res = await fetch(next, { headers: { authorization: `Bearer ${GOOD}` } })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { total: number; objects: GranularTokenObject[]; urls: { next: string | null; prev: string | null } }
      expect(body.objects.length).toBeLessThanOrEqual(2)
      if (pages > 0) expect(body.urls.prev).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
      else expect(body.urls.prev).toBeNull()
      total = body.total
      seen.push(...body.objects)
      next = body.urls.next
      pages++
    }
    expect(seen.length).toBe(total)
    expect(pages).toBeGreaterThan(1)
    const mine = seen.filter((o) => o.key === sha512Hex(GOOD))
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({
      token: 'npm_Good...nopq',
      expiry: soon,
      cidr: ['10.0.0.0/8'],
      bypass_2fa: false,
      revoked: false,
      permissions: [{ name: 'package', action: 'write' }],
    })
    expect(Object.keys(mine[0]).sort()).toEqual(
      ['accessed', 'bypass_2fa', 'cidr', 'created', 'description', 'expiry', 'key', 'name', 'permissions', 'revoked', 'scopes', 'token', 'updated'].sort(),
    )
    // Decoys: same visible head or same visible tail, but another key and another expiry.
    expect(seen.filter((o) => o.token.startsWith('npm_Good') && o.key !== mine[0].key)).toHaveLength(1)
    expect(seen.filter((o) => o.token.endsWith('nopq') && o.key !== mine[0].key)).toHaveLength(1)
    expect(seen.some((o) => 'cidr_whitelist' in o)).toBe(true) // a legacy decoy too
  })

  test('token list: legacy shape, keyAlgo none, listable false → 403, unauthenticated → 401', async () => {
    const legacy = npmjs.tokenList('classic').find((o) => o.key === sha512Hex(LEGACY))
    expect(legacy).toEqual({
      token: '0f1e...e1f0',
      key: sha512Hex(LEGACY),
      cidr_whitelist: null,
      created: expect.any(String),
      updated: expect.any(String),
      readonly: false,
    })
    const nokey = npmjs.tokenList('nokey').filter((o) => o.token === 'npm_NoKe...CCCC')
    expect(nokey).toHaveLength(1)
    expect(nokey[0].key).toMatch(/^[0-9a-f]{128}$/)
    expect(nokey[0].key).not.toBe(sha512Hex(NOKEY))
    const unlistable = await fetch(`${npmjs.url}-/npm/v1/tokens`, { headers: { authorization: `Bearer ${UNLISTABLE}` } })
    expect(unlistable.status).toBe(403)
    const anon = await fetch(`${npmjs.url}-/npm/v1/tokens`)
    expect(anon.status).toBe(401)
  })

  test.each(NPM_CLIENTS)(
    'the real %s: whoami, npm-notice on an expired token, publish (readonly → 403), install',
    async (client) => {
      const key = nerfDart(npmjs.url)
      const npmrc = `${key}:_authToken=\${NODE_AUTH_TOKEN}\n`
      const who = await runNpm(['whoami', '--registry', npmjs.url], { npmrc, env: { NODE_AUTH_TOKEN: GOOD }, client })
      expect(who.stdout.trim()).toBe('octo')

      const expired = await runNpm(['whoami', '--registry', npmjs.url], { npmrc, env: { NODE_AUTH_TOKEN: EXPIRED }, client })
      expect(expired.code).not.toBe(0)
      expect(expired.stderr).toContain('Access token expired or revoked')
      expect(expired.stderr).toContain('E401')

      const pkgDir = tmpDir()
      writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify({ name: `@octo/harness-pkg-${client}`, version: '1.0.0', main: 'index.js' }))
      writeFileSync(path.join(pkgDir, 'index.js'), 'export default 42\n')
      const denied = await runNpm(['publish', '--registry', npmjs.url, '--access', 'public'], {
        cwd: pkgDir,
        npmrc,
        env: { NODE_AUTH_TOKEN: READONLY },
        client,
      })
      expect(denied.code).not.toBe(0)
      expect(denied.stderr).toContain('E403')

      const pub = await runNpm(['publish', '--registry', npmjs.url, '--access', 'public'], { cwd: pkgDir, npmrc, env: { NODE_AUTH_TOKEN: GOOD }, client })
      expect(pub.stderr).not.toContain('ERR!')
      expect(pub.code).toBe(0)
      const mine = npmjs.published.filter((p) => p.name === `@octo/harness-pkg-${client}`)
      expect(mine).toHaveLength(1)
      expect(mine[0]).toMatchObject({ version: '1.0.0', username: 'octo', tag: 'latest' })
      const publishReq = npmjs.requests.findLast((r) => r.method === 'PUT')
      expect(publishReq?.path).toBe(`/artifactory/api/npm/repo/@octo%2fharness-pkg-${client}`)
      expect(publishReq?.headers.authorization).toBe(`Bearer ${GOOD}`)

      const appDir = tmpDir()
      writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'app', version: '0.0.0', private: true }))
      const inst = await runNpm(['install', `@octo/harness-pkg-${client}`, '--registry', npmjs.url], { cwd: appDir, npmrc, client })
      expect(inst.stderr).not.toContain('ERR!')
      expect(inst.code).toBe(0)
      const { readFileSync } = await import('node:fs')
      expect(readFileSync(path.join(appDir, `node_modules/@octo/harness-pkg-${client}/index.js`), 'utf8')).toContain('42')
    },
    30_000,
  )

  describe('faults', () => {
    test('{status, body, headers} is consumed once, then normal handling resumes', async () => {
      npmjs.fault('-/whoami', { status: 503, body: { error: 'maintenance' }, headers: { 'retry-after': '1' } })
      const first = await whoami(GOOD)
      expect(first.status).toBe(503)
      expect(first.headers.get('retry-after')).toBe('1')
      expect(await first.json()).toEqual({ error: 'maintenance' })
      expect((await whoami(GOOD)).status).toBe(200)
      expect(npmjs.pendingFaults()).toBe(0)
    })

    test('several faults queue in order; RegExp matchers; non-matching paths are untouched', async () => {
      npmjs.fault(/\/-\/npm\/v1\/tokens\?.*page=1/, { status: 500 }, { html: true })
      expect((await whoami(GOOD)).status).toBe(200)
      const url = `${npmjs.url}-/npm/v1/tokens?perPage=2&page=1`
      const auth = { authorization: `Bearer ${GOOD}` }
      expect((await fetch(url, { headers: auth })).status).toBe(500)
      const html = await fetch(url, { headers: auth })
      expect(html.status).toBe(502)
      expect(html.headers.get('content-type')).toBe('text/html')
      expect(await html.text()).toContain('<title>502 Bad Gateway</title>')
      expect((await fetch(url, { headers: auth })).status).toBe(200)
    })

    test('hang never answers (client timeout fires)', async () => {
      npmjs.fault('-/whoami', { hang: true })
      await expect(fetch(`${npmjs.url}-/whoami`, { headers: { authorization: `Bearer ${GOOD}` }, signal: AbortSignal.timeout(300) })).rejects.toThrow(
        /aborted|timeout/i,
      )
    })

    test('reset destroys the connection', async () => {
      npmjs.fault('-/whoami', { reset: true })
      await expect(whoami(GOOD)).rejects.toThrow(/fetch failed/)
    })

    test('truncatedJson: 200 application/json that does not parse', async () => {
      npmjs.fault('-/whoami', { truncatedJson: true })
      const res = await whoami(GOOD)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json')
      await expect(res.json()).rejects.toThrow(/JSON/) // (a SyntaxError from another realm: toThrow(SyntaxError) would not match)
    })

    test('hugeBody streams exactly that many bytes', async () => {
      const size = 3 * 1024 * 1024 + 7
      npmjs.fault('-/whoami', { hugeBody: size })
      const res = await whoami(GOOD)
      expect(res.status).toBe(200)
      const buf = Buffer.from(await res.arrayBuffer())
      expect(buf.length).toBe(size)
      expect(buf.subarray(0, 13).toString()).toBe('{"username":"')
      npmjs.fault('-/whoami', { hugeBody: 100_000, contentLength: true })
      const withLength = await whoami(GOOD)
      expect(withLength.headers.get('content-length')).toBe('100000')
      expect((await withLength.arrayBuffer()).byteLength).toBe(100_000)
    })

    test('redirect answers 302 (or the given status) with an absolute Location', async () => {
      npmjs.fault('-/whoami', { redirect: 'http://127.0.0.1:9/elsewhere' }, { redirect: `${npmjs.url}-/ping`, status: 307 })
      const r1 = await fetch(`${npmjs.url}-/whoami`, { redirect: 'manual' })
      expect(r1.status).toBe(302)
      expect(r1.headers.get('location')).toBe('http://127.0.0.1:9/elsewhere')
      const r2 = await fetch(`${npmjs.url}-/whoami`, { redirect: 'manual' })
      expect(r2.status).toBe(307)
    })

    test('delayMs delays, then answers normally', async () => {
      npmjs.fault('-/whoami', { delayMs: 250 })
      const t0 = performance.now()
      const res = await whoami(GOOD)
      expect(performance.now() - t0).toBeGreaterThanOrEqual(200)
      expect(await res.json()).toEqual({ username: 'octo' })
    })

    test('requests are logged with method, path, headers and body', async () => {
      const before = npmjs.requests.length
      await fetch(`${npmjs.url}-/whoami?x=1`, { headers: { authorization: `Bearer ${GOOD}` } })
      const r = npmjs.requests[before]
      expect(r).toMatchObject({ method: 'GET', path: '/artifactory/api/npm/repo/-/whoami?x=1', body: '' })
      expect(r.headers.authorization).toBe(`Bearer ${GOOD}`)
    })
  })

  test('hook handles custom routes; stop() is prompt even with a hung request', async () => {
    const custom = await startFakeNpmjs({
      hook: (req, res) => {
        if (req.url !== '/-/npm/v1/oidc/token/exchange/package/x') return false
        res.writeHead(201, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ token: 'exchanged' }))
        return true
      },
    })
    expect(custom.url).toBe(`${custom.origin}/`)
    const ex = await fetch(`${custom.url}-/npm/v1/oidc/token/exchange/package/x`, { method: 'POST' })
    expect(ex.status).toBe(201)
    custom.fault('-/whoami', { hang: true })
    const hung = fetch(`${custom.url}-/whoami`)
    hung.catch(() => {})
    await new Promise((r) => setTimeout(r, 50))
    const t0 = performance.now()
    await custom.stop()
    expect(performance.now() - t0).toBeLessThan(1000)
    await expect(hung).rejects.toThrow()
  })
})

// ---------------------------------------------------------------------------------------------

describe('runAction (with a fixture action)', () => {
  test('reads action.yml inputs: quoting, comments, block scalars, expressions', () => {
    const inputs = Object.fromEntries(readActionInputs(fixtureAction.actionYml).map((i) => [i.name, i.default]))
    expect(inputs).toEqual({
      'registry-url': 'https://registry.npmjs.org/',
      token: undefined,
      'warn-days': '14',
      'github-token': '${{ github.token }}',
      mode: 'normal',
      'quoted name': "it's",
      folded: 'one two',
    })
  })

  test('passes every input, sanitises the env, and parses outputs/env/state/summary/annotations/masks', async () => {
    const TOKEN = 'npm_FixtureSecret000111222333444555666'
    // Things from the developer's environment that must not reach the action.
    process.env.NPM_CONFIG_USERCONFIG = '/should/not/leak'
    process.env.INPUT_STRAY = 'x'
    try {
      const r = await runAction({ ...fixtureAction, inputs: { token: TOKEN, 'warn-days': '3' } })
      expect(r.exitCode).toBe(0)
      expect(JSON.parse(r.outputs.inputs)).toEqual({
        'INPUT_REGISTRY-URL': 'https://registry.npmjs.org/',
        INPUT_TOKEN: `<${TOKEN.length} chars>`, // the fixture redacts it, or the canary below would (rightly) fail
        'INPUT_WARN-DAYS': '3',
        'INPUT_GITHUB-TOKEN': '',
        INPUT_MODE: 'normal',
        INPUT_QUOTED_NAME: "it's",
        INPUT_FOLDED: 'one two',
      })
      expect(r.outputs.leftovers).toBe('')
      expect(r.outputs.home).toBe(r.dirs.home)
      expect(r.outputs.cwd).toBe(r.dirs.workspace)
      expect(r.outputs.multi).toBe('line one\nline two')
      expect(r.env).toEqual({ NODE_AUTH_TOKEN: TOKEN, NPM_CONFIG_USERCONFIG: path.join(r.dirs.runnerTemp, '.npmrc') })
      expect(r.state).toEqual({ phase: 'main-done' })
      expect(r.summary).toContain('# Summary\nall good')
      expect(r.masks).toEqual([TOKEN])
      expect(r.annotations).toEqual([
        {
          level: 'warning',
          title: 'Token expires: soon, really',
          message: 'expires in 3 days\nsecond line 100%',
          properties: { title: 'Token expires: soon, really' },
        },
        { level: 'error', message: 'bad: thing', properties: {} },
      ])
      expect(r.commands.map((c) => c.command)).toEqual(['add-mask', 'warning', 'error', 'group', 'endgroup'])

      // The post step: same dirs, state and env exports carried over like the runner does.
      const post = await runAction({ ...fixtureAction, step: 'post', dirs: r.dirs })
      expect(post.exitCode).toBe(0)
      expect(post.outputs).toMatchObject({ 'post-saw-state': 'main-done', 'post-saw-env': 'token-present' })
      expect(post.annotations).toEqual([{ level: 'notice', message: 'post step ran', properties: {} }])
      expect(post.dirs.root).toBe(r.dirs.root)
      expect(post.dirs.files.output).not.toBe(r.dirs.files.output)
      const noInherit = await runAction({ ...fixtureAction, step: 'post', dirs: r.dirs, inheritEnv: false, state: { phase: 'custom' } })
      expect(noInherit.outputs).toMatchObject({ 'post-saw-state': 'custom', 'post-saw-env': 'token-absent' })

      assertNoSecretLeak(r, [TOKEN], { tokenEnv: 'NODE_AUTH_TOKEN' })
      assertNoSecretLeak(post, [TOKEN], { tokenEnv: 'NODE_AUTH_TOKEN' })
    } finally {
      delete process.env.NPM_CONFIG_USERCONFIG
      delete process.env.INPUT_STRAY
    }
  })

  test('an undeclared input name throws; setFailed gives exit code 1', async () => {
    await expect(runAction({ ...fixtureAction, inputs: { registry_url: 'x' } })).rejects.toThrow(/not declared/)
    const r = await runAction({ ...fixtureAction, inputs: { mode: 'fail' } })
    expect(r.exitCode).toBe(1)
    expect(r.annotations.at(-1)).toMatchObject({ level: 'error', message: 'failed on purpose' })
  })

  test('a hanging action is killed at the timeout and the error carries its output', async () => {
    await expect(runAction({ ...fixtureAction, inputs: { mode: 'hang' }, timeoutMs: 500 })).rejects.toThrow(/timed out after 500 ms/)
  })

  test('file-command and workflow-command parsers', () => {
    // Whichever of '=' and '<<' comes first decides the form, as in the runner.
    expect(parseFileCommands('a=1\nb<<EOF\nx\r\ny\nEOF\nc=has<<x\nd<<e=f\nv\ne=f\n')).toEqual({
      a: '1',
      b: 'x\ny',
      c: 'has<<x',
      d: 'v',
    })
    expect(() => parseFileCommands('x<<EOF\nno end\n')).toThrow(/no closing delimiter/)
    const cmds = parseWorkflowCommands('::warning title=a%3Ab%2Cc,file=x.ts::100%250A%0Anext\n::stop-commands::tok\n::error::ignored\n::tok::\n::notice::back')
    expect(cmds).toEqual([
      { command: 'warning', properties: { title: 'a:b,c', file: 'x.ts' }, data: '100%0A\nnext' },
      { command: 'notice', properties: {}, data: 'back' },
    ])
  })
})

// ---------------------------------------------------------------------------------------------

describe('canary', () => {
  const SECRET = 'npm_CanarySecretABCDEFGHIJKLMNOPQRSTUV'

  test('catches planted leaks (stdout, env export, a file, base64 inside _auth) and names the place, not the secret', async () => {
    const r = await runAction({ ...fixtureAction, inputs: { token: SECRET, mode: 'leak' } })
    const leaks = findSecretLeaks(r, [SECRET], { tokenEnv: 'NODE_AUTH_TOKEN' })
    expect(leaks).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/literal form, in stdout line \d+/),
        expect.stringMatching(/base64 \(embedded, offset \d\) form, in file runner-temp\/leaked\.txt/),
      ]),
    )
    // The ::add-mask:: line itself is not a leak, and neither is the allowed export.
    expect(leaks.join('\n')).not.toMatch(/GITHUB_ENV|set_env_/)
    let message = ''
    try {
      assertNoSecretLeak(r, [SECRET], { tokenEnv: 'NODE_AUTH_TOKEN' })
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toMatch(/Secret leak detected/)
    expect(message).toContain(`length ${SECRET.length}`)
    expect(message).not.toContain(SECRET)
    expect(message).not.toContain(SECRET.slice(4, 20))

    // Without tokenEnv, the exported token counts as a leak (in the parsed env and the file).
    const strict = findSecretLeaks(r, [SECRET])
    expect(strict).toEqual(expect.arrayContaining([expect.stringMatching(/GITHUB_ENV export 'NODE_AUTH_TOKEN'/), expect.stringMatching(/set_env_/)]))
  })

  test('scans outputs, state, summary, stderr and extra files; URL-encoded form too', () => {
    const root = tmpDir()
    mkdirSync(path.join(root, 'runner-temp'))
    const secret = 'p@ss/word+with=specials&more'
    const extra = path.join(tmpDir(), 'outside.npmrc')
    writeFileSync(extra, `//host/:_password=${encodeURIComponent(secret)}\n`)
    const fake = {
      stdout: `::add-mask::${secret}\nfine\n`,
      stderr: '',
      outputs: { ok: 'nothing here' },
      env: {},
      state: {},
      summary: '',
      dirs: { root, runnerTemp: root, workspace: root, home: root, files: { output: '', env: '', state: '', summary: '', path: '' } },
    }
    expect(findSecretLeaks(fake, [secret])).toEqual([])
    expect(findSecretLeaks(fake, [secret], { extraFiles: [extra] })).toEqual([expect.stringMatching(/encodeURIComponent form, in file .*outside\.npmrc/)])
    const leaky = { ...fake, stderr: `x${secret}`, outputs: { o: secret }, state: { s: secret }, summary: secret }
    const places = findSecretLeaks(leaky, [secret]).join('\n')
    for (const where of ['stderr', "output 'o'", "state 's'", 'step summary']) expect(places).toContain(where)
  })
})
