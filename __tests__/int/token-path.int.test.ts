// The token path end to end: the built dist/ run as the runner runs it, against our loopback registry
// speaking npmjs's protocol (expiry, pagination, 401 + npm-notice, faults). Verdaccio has its own file.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { cleanupRunDirs, runAction, type RunActionResult } from '../../test-support/run-action.ts'
import { assertNoSecretLeak } from '../../test-support/canary.ts'
import { startFakeNpmjs, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'
import { writeStandInNpm } from '../../test-support/npm-cli.ts'

const DAY = 24 * 60 * 60 * 1000
const inDays = (days: number) => new Date(Date.now() + days * DAY + 60_000).toISOString()
let counter = 0
const newToken = () => `npm_${'T'.repeat(4)}${(++counter).toString().padStart(4, '0')}${Math.random().toString(36).slice(2, 14)}Zz${counter}`

let registry: FakeNpmjs
beforeAll(async () => {
  registry = await startFakeNpmjs({ tokenList: 'any' })
})
afterAll(async () => {
  cleanupRunDirs()
  await registry.stop()
})

function leakCheck(result: RunActionResult, token: string, exported = true) {
  assertNoSecretLeak(result, [token], exported ? { tokenEnv: 'NODE_AUTH_TOKEN' } : {})
}

describe('token path against an npmjs-protocol registry', () => {
  it('validates a granular token, reads its expiry, writes an env-referenced .npmrc, and the post step removes it', async () => {
    const token = newToken()
    registry.addToken({ token, username: 'alice', expiry: inDays(60), bypass2fa: true })
    const before = registry.requests.length
    const result = await runAction({ inputs: { token, 'registry-url': registry.url } })

    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({
      'auth-method': 'token',
      username: 'alice',
      'token-type': 'granular',
      'expiry-source': 'registry',
      status: 'ok',
      'registry-url': registry.url,
    })
    expect(result.outputs['days-left']).toBe('60')
    expect(new Date(result.outputs['expires-at']).getTime()).toBeGreaterThan(Date.now() + 59 * DAY)

    const npmrcPath = result.outputs['npmrc-path']
    expect(npmrcPath).toBe(join(result.dirs.runnerTemp, '.npmrc'))
    expect(statSync(npmrcPath).mode & 0o777).toBe(0o600)
    const npmrc = readFileSync(npmrcPath, 'utf8')
    const key = `//127.0.0.1:${registry.port}/`
    expect(npmrc).toContain(`${key}:_authToken=\${NODE_AUTH_TOKEN}`)
    expect(npmrc).toContain(`registry=${registry.url}`)
    expect(npmrc).not.toMatch(/^_authToken/m)
    expect(result.env).toMatchObject({ NPM_CONFIG_USERCONFIG: npmrcPath, NODE_AUTH_TOKEN: token })
    expect(result.masks).toContain(token)
    expect(result.summary).toContain('alice')
    expect(result.summary).toContain('granular')
    // whoami and the list both went to the registry with the token.
    const seen = registry.requests.slice(before).map((r) => r.path)
    expect(seen.some((p) => p.startsWith('/-/whoami'))).toBe(true)
    expect(seen.some((p) => p.startsWith('/-/npm/v1/tokens'))).toBe(true)
    leakCheck(result, token)

    const post = await runAction({ step: 'post', dirs: result.dirs })
    expect(post.exitCode).toBe(0)
    expect(existsSync(npmrcPath)).toBe(false)
    leakCheck(post, token)
  })

  it('warns ahead of expiry with the days left in the title, and still sets up', async () => {
    const token = newToken()
    registry.addToken({ token, username: 'bob', expiry: inDays(5) })
    const result = await runAction({ inputs: { token, 'registry-url': registry.url, 'warn-days': '14' } })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('warning')
    expect(result.outputs['days-left']).toBe('5')
    const warning = result.annotations.find((a) => a.level === 'warning' && /expires in 5 days/.test(a.title ?? ''))
    // What to do, in this registry's words (a registry-url of no known kind: not npm's website).
    expect(warning?.message).toMatch(/Create a new token for 127\.0\.0\.1:\d+ the registry's own way.*repository secret NPM_TOKEN/s)
    expect(existsSync(result.outputs['npmrc-path'])).toBe(true)
    leakCheck(result, token)
  })

  it('fails within fail-days, writing no .npmrc', async () => {
    const token = newToken()
    registry.addToken({ token, username: 'carol', expiry: inDays(3) })
    const result = await runAction({ inputs: { token, 'registry-url': registry.url, 'fail-days': '7' } })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('error')
    expect(result.outputs['npmrc-path']).toBe('')
    expect(result.env.NPM_CONFIG_USERCONFIG).toBeUndefined()
    expect(result.annotations.some((a) => a.level === 'error' && /expires in 3 days/.test(a.title ?? ''))).toBe(true)
    leakCheck(result, token, false)
  })

  it('fails on an expired or revoked token, naming the registry and passing on npm-notice', async () => {
    const token = newToken()
    registry.addToken({ token, username: 'dave', expiry: inDays(-2) })
    const result = await runAction({ inputs: { token, 'registry-url': registry.url } })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('error')
    const error = result.annotations.find((a) => a.level === 'error')
    expect(error?.message).toContain(registry.url)
    expect(error?.message).toContain('Access token expired or revoked')
    expect(error?.message).toMatch(/Create a new token for 127\.0\.0\.1:\d+ the registry's own way/)
    expect(error?.message).not.toMatch(/granular|npmjs\.com|90 days/)
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/) // no stack trace
    expect(result.summary).toContain('rejected the token')
    leakCheck(result, token, false)
  })

  it('treats a refused token list as "expiry unknown" and uses expires-on', async () => {
    const token = newToken()
    registry.addToken({ token, username: 'erin', listable: false })
    const plain = await runAction({ inputs: { token, 'registry-url': registry.url } })
    expect(plain.exitCode).toBe(0)
    expect(plain.outputs).toMatchObject({ status: 'ok', 'token-type': 'unknown', 'expires-at': '', 'days-left': '', 'expiry-source': '' })
    expect(plain.annotations.some((a) => a.level === 'notice' && /expires-on/.test(a.message))).toBe(true)

    const soon = new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10)
    const withDate = await runAction({ inputs: { token, 'registry-url': registry.url, 'expires-on': soon } })
    expect(withDate.outputs).toMatchObject({ status: 'warning', 'expiry-source': 'input' })
    expect(withDate.outputs['expires-at']).toBe(`${soon}T00:00:00.000Z`)
    leakCheck(plain, token)
    leakCheck(withDate, token)
  })

  it('finds the token by its visible characters when the key is not its sha512', async () => {
    const token = newToken()
    registry.addToken({ token, username: 'frank', expiry: inDays(30), keyAlgo: 'none' })
    const result = await runAction({ inputs: { token, 'registry-url': registry.url } })
    expect(result.outputs).toMatchObject({ 'token-type': 'granular', 'days-left': '30', status: 'ok' })
  })

  it('reports a legacy token from the list', async () => {
    const token = `${Math.random().toString(16).slice(2, 10)}-abcd-4ef0-9a1b-${Date.now().toString(16)}`
    registry.addToken({ token, username: 'gina', type: 'legacy' })
    const result = await runAction({ inputs: { token, 'registry-url': registry.url } })
    expect(result.outputs).toMatchObject({ 'token-type': 'legacy', status: 'ok' }) // not npm's own registry: no policy warning
    leakCheck(result, token)
  })

  it('check mode validates and reports only: no .npmrc, nothing exported', async () => {
    const token = newToken()
    registry.addToken({ token, username: 'hana', expiry: inDays(40) })
    const result = await runAction({ inputs: { token, 'registry-url': registry.url, mode: 'check' } })
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ status: 'ok', username: 'hana', 'npmrc-path': '' })
    expect(result.env).toEqual({})
    expect(result.state).toEqual({})
    expect(existsSync(join(result.dirs.runnerTemp, '.npmrc'))).toBe(false)
    expect(result.summary).toContain('check mode')
    leakCheck(result, token, false)
  })

  it('keys credentials to a registry under a path, and honours scope', async () => {
    const prefixed = await startFakeNpmjs({ prefix: '/artifactory/api/npm/npm-local/' })
    try {
      const token = newToken()
      prefixed.addToken({ token, username: 'ivan', expiry: inDays(90) })
      const result = await runAction({ inputs: { token, 'registry-url': prefixed.url.replace(/\/$/, ''), scope: 'my-org' } })
      expect(result.exitCode).toBe(0)
      expect(result.outputs['registry-url']).toBe(prefixed.url)
      const npmrc = readFileSync(result.outputs['npmrc-path'], 'utf8')
      expect(npmrc).toContain(`//127.0.0.1:${prefixed.port}/artifactory/api/npm/npm-local/:_authToken=\${NODE_AUTH_TOKEN}`)
      expect(npmrc).toContain(`@my-org:registry=${prefixed.url}`)
      expect(npmrc).not.toMatch(/^registry=/m)
      expect(prefixed.requests.some((r) => r.path.startsWith('/artifactory/api/npm/npm-local/-/whoami'))).toBe(true)
    } finally {
      await prefixed.stop()
    }
  })

  it('merges into the file NPM_CONFIG_USERCONFIG names and the post step restores it byte for byte', async () => {
    const token = newToken()
    registry.addToken({ token, username: 'jo', expiry: inDays(45) })
    const first = await runAction({ step: 'main', inputs: { 'registry-url': registry.url, mode: 'check', token } })
    const userconfig = join(first.dirs.root, 'outside', 'setup-node.npmrc')
    mkdirSync(join(first.dirs.root, 'outside'), { recursive: true })
    const original = `always-auth=false\r\n//127.0.0.1:${registry.port}/:_authToken=\${OLD_TOKEN}\r\n@other:registry=https://other.example.test/\r\n`
    writeFileSync(userconfig, original)

    const result = await runAction({ inputs: { token, 'registry-url': registry.url }, env: { NPM_CONFIG_USERCONFIG: userconfig }, dirs: first.dirs })
    expect(result.exitCode).toBe(0)
    expect(result.outputs['npmrc-path']).toBe(userconfig)
    const merged = readFileSync(userconfig, 'utf8')
    expect(merged).toContain('@other:registry=https://other.example.test/')
    expect(merged).toContain('always-auth=false')
    // The old credential for this registry is displaced, ours is the only live one.
    const live = merged.split(/\r?\n/).filter((l) => l.startsWith(`//127.0.0.1:${registry.port}/:_authToken`))
    expect(live).toEqual([`//127.0.0.1:${registry.port}/:_authToken=\${NODE_AUTH_TOKEN}`])
    expect(result.state['npmrc-created']).toBe('false')

    const post = await runAction({ step: 'post', dirs: result.dirs })
    expect(post.exitCode).toBe(0)
    expect(readFileSync(userconfig, 'utf8')).toBe(original)
  })

  it('follows the registry npm is configured with when registry-url is empty', async () => {
    const token = newToken()
    registry.addToken({ token, username: 'kim', expiry: inDays(20) })
    const fromEnv = await runAction({ inputs: { token }, env: { npm_config_registry: registry.url } })
    expect(fromEnv.outputs['registry-url']).toBe(registry.url)
    expect(fromEnv.summary).toContain('npm_config_* environment')

    const project = join(fromEnv.dirs.root, 'project')
    mkdirSync(project, { recursive: true })
    writeFileSync(join(project, 'package.json'), '{"name":"p","version":"1.0.0"}')
    writeFileSync(join(project, '.npmrc'), `registry=${registry.url}\n`)
    const fromProject = await runAction({ inputs: { token, 'working-directory': project } })
    expect(fromProject.exitCode).toBe(0)
    expect(fromProject.outputs).toMatchObject({ 'registry-url': registry.url, username: 'kim' })
    expect(fromProject.summary).toContain(join(project, '.npmrc'))
  })

  it("applies npm's token policy when the registry is npm's own default (read from the npm on PATH)", async () => {
    const standIn = writeStandInNpm(
      join((await runAction({ inputs: { token: 'x', mode: 'check', 'registry-url': registry.url } })).dirs.root, 'npm'),
      registry.url,
    )
    const env = { PATH: `${standIn}:${process.env.PATH}` }

    const legacy = `${Math.random().toString(16).slice(2, 10)}-1111-4ef0-9a1b-${Date.now().toString(16)}`
    registry.addToken({ token: legacy, username: 'lee', type: 'legacy', readonly: true })
    const a = await runAction({ inputs: { token: legacy }, env })
    expect(a.outputs['registry-url']).toBe(registry.url)
    expect(a.summary).toContain('the default of npm 11.6.0 on PATH')
    expect(a.outputs.status).toBe('warning')
    const titles = a.annotations.filter((x) => x.level === 'warning').map((x) => x.title)
    expect(titles).toEqual(expect.arrayContaining(['npm classic (legacy) token', 'npm token is read-only']))
    // .npmrc for npm's default registry carries no registry= line.
    expect(readFileSync(a.outputs['npmrc-path'], 'utf8')).not.toMatch(/^registry=/m)

    const granular = newToken()
    registry.addToken({ token: granular, username: 'lee', expiry: inDays(80), cidr: ['192.0.2.0/24'], bypass2fa: false })
    const b = await runAction({ inputs: { token: granular }, env })
    const bTitles = b.annotations.filter((x) => x.level === 'warning').map((x) => x.title)
    expect(bTitles).toEqual(expect.arrayContaining(['npm token is limited to IP ranges', 'npm token does not bypass 2FA']))
    const selfHosted = await runAction({ inputs: { token: granular }, env: { ...env, RUNNER_ENVIRONMENT: 'self-hosted' } })
    expect(selfHosted.annotations.map((x) => x.title)).not.toContain('npm token is limited to IP ranges')
    leakCheck(a, legacy)
    leakCheck(b, granular)
  })

  it('retries 5xx and succeeds; gives up on a registry that never answers, within the deadline', async () => {
    const token = newToken()
    registry.addToken({ token, username: 'max', expiry: inDays(50) })
    registry.fault('/-/whoami', { status: 503 }, { status: 502 })
    const retried = await runAction({ inputs: { token, 'registry-url': registry.url } })
    expect(retried.exitCode).toBe(0)
    expect(retried.outputs.username).toBe('max')
    expect(retried.stdout).toMatch(/HTTP 503; retrying/)

    registry.fault('/-/whoami', { hang: true }, { hang: true }, { hang: true })
    const started = Date.now()
    const hung = await runAction({ inputs: { token, 'registry-url': registry.url, 'timeout-seconds': '3' } })
    expect(hung.exitCode).toBe(1)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(hung.annotations.find((a) => a.level === 'error')?.message).toMatch(
      new RegExp(`timeout|deadline.*127\\.0\\.0\\.1:${registry.port}|127\\.0\\.0\\.1:${registry.port}.*(timeout|deadline)`),
    )
  })
})

describe('registry text that echoes the token', () => {
  it('never carries it into the summary, outputs or annotations', async () => {
    // A hostile or broken registry that quotes the credential back in its npm-notice header.
    const echo = await startFakeNpmjs({
      hook: (req, res) => {
        if (!req.url?.startsWith('/-/whoami')) return false
        const auth = String(req.headers.authorization ?? '')
        res.writeHead(401, { 'npm-notice': `Token ${auth.replace(/^Bearer /, '')} is not valid here`, 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: `bad token ${auth}` }))
        return true
      },
    })
    try {
      const token = newToken()
      const result = await runAction({ inputs: { token, 'registry-url': echo.url, mode: 'check' } })
      expect(result.exitCode).toBe(1)
      expect(result.summary).toContain('Token *** is not valid here')
      assertNoSecretLeak(result, [token])
    } finally {
      await echo.stop()
    }
  })
})

describe('the token path starts no child process', () => {
  const spy = join(process.cwd(), 'test-support', 'fixtures', 'child-process-spy.mjs')
  it("reads npm's config from files, spawning nothing; the spy does see the one fallback that spawns", async () => {
    const token = newToken()
    registry.addToken({ token, username: 'nochild', expiry: inDays(40) })
    const first = await runAction({ inputs: { token, mode: 'check', 'registry-url': registry.url } })
    const log = join(first.dirs.root, 'children.log')
    const env = { NODE_OPTIONS: `--import=${spy}`, CHILD_PROCESS_LOG: log }

    // registry-url empty: the registry comes from npm's own config files and definitions, read, not asked.
    const result = await runAction({ inputs: { token }, env: { ...env, npm_config_registry: registry.url }, dirs: first.dirs })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.username).toBe('nochild')
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('')

    // Control: an npm whose definitions cannot be read makes the action ask `npm config get registry`.
    const broken = join(first.dirs.root, 'broken-npm')
    const bin = writeStandInNpm(broken, registry.url)
    writeFileSync(join(broken, 'lib', 'node_modules', 'npm', 'node_modules', '@npmcli', 'config', 'lib', 'definitions', 'definitions.js'), '// unreadable\n')
    await runAction({ inputs: { token, mode: 'check' }, env: { ...env, PATH: `${bin}:${process.env.PATH}` }, dirs: first.dirs })
    expect(readFileSync(log, 'utf8')).toMatch(/^execFile npm$/m)
  })
})

describe('bad input is refused clearly', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['fail-days above warn-days', { 'fail-days': '30', 'warn-days': '14' }, /Input 'fail-days': 30 is greater than warn-days \(14\)/],
    ['negative days', { 'warn-days': '-1' }, /Input 'warn-days': "-1" is not a whole number/],
    ['unknown mode', { mode: 'publish' }, /Input 'mode': "publish" is not one of 'setup', 'check'/],
    ['bad date', { 'expires-on': '2027-02-30' }, /Input 'expires-on': "2027-02-30" is not a valid date/],
    ['non-http registry', { 'registry-url': 'ftp://example.test/' }, /Input 'registry-url'.*ftp:/],
    ['bad token-env', { 'token-env': 'NODE-AUTH' }, /Input 'token-env': "NODE-AUTH" is not a valid environment variable name/],
  ]
  it.each(cases)('%s', async (_name, inputs, message) => {
    const result = await runAction({ inputs: { token: 'npm_abcdefgh12345678', ...inputs } })
    expect(result.exitCode).toBe(1)
    expect(result.annotations.find((a) => a.level === 'error')?.message).toMatch(message)
    expect(result.outputs.status).toBe('error')
  })

  it('never echoes credentials carried in registry-url', async () => {
    const result = await runAction({ inputs: { token: 'npm_abcdefgh12345678', 'registry-url': 'https://user:hunter2secret@registry.example.test/' } })
    expect(result.exitCode).toBe(1)
    expect(result.stdout + result.stderr + result.summary).not.toContain('hunter2secret')
    expect(result.annotations[0]?.message).toContain('carries credentials')
  })

  it('warns about a plain-http registry that is not loopback', async () => {
    // The warning comes before any request; the request itself goes to a loopback "proxy" (our fake,
    // which refuses CONNECT), so nothing leaves the machine, not even a DNS lookup.
    const result = await runAction({
      inputs: { token: 'npm_abcdefgh12345678', 'registry-url': 'http://registry.example.test/', 'timeout-seconds': '2' },
      env: { HTTP_PROXY: registry.origin, NO_PROXY: '' },
    })
    expect(result.annotations.some((a) => a.level === 'warning' && a.title === 'Insecure registry URL')).toBe(true)
  })
})
