// Issue #11, items 1, 3, 8 and 9 through the built action (and the CLI): a hostile repository — its
// project .npmrc, its package.json — or a crafted registry URL, against loopback fakes. Every run goes
// through the canary; every request any fake saw is inspected; a loopback "elsewhere" proxy stands for
// every other host and must see nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { assertNoSecretLeak, processCanaryInput } from '../../test-support/canary.ts'
import { startFakeNpmjs, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'
import { proxyEnvTo, startElsewhere, type Elsewhere } from '../../test-support/loopback.ts'
import { modernNode, repoRoot, runProcess } from '../../test-support/process.ts'
import { cleanupRunDirs, runAction, type RunActionResult } from '../../test-support/run-action.ts'

const alnum = (n: number) =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n)
const GH_TOKEN = `ghs_${alnum(36)}`
const NPM_TOKEN = `npm_${alnum(36)}`

let elsewhere: Elsewhere
const projects: string[] = []

beforeAll(async () => {
  elsewhere = await startElsewhere()
})
afterAll(async () => {
  cleanupRunDirs()
  for (const p of projects) rmSync(p, { recursive: true, force: true })
  await elsewhere?.close()
  // Not one request went anywhere but the loopback fakes.
  expect(elsewhere.hits).toEqual([])
})

/** A project folder holding the repository's own files. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-project-'))
  projects.push(dir)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

const proxyEnv = () => proxyEnvTo(elsewhere.url)

function run(inputs: Record<string, string>, env: Record<string, string | undefined> = {}): Promise<RunActionResult> {
  return runAction({ inputs: { 'timeout-seconds': '10', ...inputs }, env: { GITHUB_SERVER_URL: 'https://github.com', ...proxyEnv(), ...env } })
}

const errorOf = (r: RunActionResult) => r.annotations.find((a) => a.level === 'error')?.message ?? ''
const warningsOf = (r: RunActionResult) => r.annotations.filter((a) => a.level === 'warning')
const sentWith = (registry: FakeNpmjs, secret: string) => registry.requests.filter((r) => JSON.stringify(r.headers).includes(secret))
const basicOf = (user: string, secret: string) => Buffer.from(`${user}:${secret}`).toString('base64')

function expectNoNpmrc(r: RunActionResult): void {
  expect(r.outputs['npmrc-path'] ?? '').toBe('')
  expect(existsSync(join(r.dirs.runnerTemp, '.npmrc'))).toBe(false)
  expect(r.env.NPM_CONFIG_USERCONFIG).toBeUndefined()
}

function expectCleanFailure(r: RunActionResult): void {
  expect(r.exitCode).toBe(1)
  expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
  expect(errorOf(r)).not.toMatch(/Unexpected|URIError/)
}

describe('item 1: the github-token goes to GitHub Packages hosts only; a repository file is named', () => {
  let evil: FakeNpmjs
  let ghes: FakeNpmjs
  beforeAll(async () => {
    evil = await startFakeNpmjs({ prefix: '/_registry/npm/' })
    ghes = await startFakeNpmjs({ prefix: '/_registry/npm/' })
    evil.addToken({ token: GH_TOKEN, username: 'stolen' })
    ghes.addToken({ token: GH_TOKEN, username: 'github-actions[bot]' })
  })
  afterAll(async () => {
    await Promise.all([evil?.stop(), ghes?.stop()])
  })

  it("a project .npmrc pointing at a GHES-shaped path on another host: the job's GITHUB_TOKEN is never sent, exported or written", async () => {
    const dir = project({ 'package.json': '{"name":"victim","version":"1.0.0"}', '.npmrc': `registry=${evil.url}\n` })
    const result = await run({ 'working-directory': dir, 'github-token': GH_TOKEN, token: '' })
    expect(sentWith(evil, GH_TOKEN)).toEqual([])
    expect(Object.values(result.env).join('\n')).not.toContain(GH_TOKEN)
    expect(result.stdout).toContain('Registry kind: generic')
    expect(result.stdout).toMatch(/is not GitHub Packages' host/)
    const warning = warningsOf(result).find((w) => w.title === 'Registry from a repository file')
    expect(warning?.message).toContain(join(dir, '.npmrc'))
    assertNoSecretLeak(result, [GH_TOKEN])
  })

  it('registry-kind: github does not carry the github-token to a host a repository file chose: withheld, with a warning naming the file', async () => {
    const dir = project({ 'package.json': '{"name":"victim","version":"1.0.0"}', '.npmrc': `registry=${evil.url}\n` })
    const result = await run({ 'working-directory': dir, 'github-token': GH_TOKEN, token: '', 'registry-kind': 'github' })
    expect(sentWith(evil, GH_TOKEN)).toEqual([])
    const withheld = warningsOf(result).find((w) => w.title === 'github-token withheld')
    expect(withheld?.message).toContain(`github-token is not sent to 127.0.0.1:${evil.port}`)
    expect(withheld?.message).toContain(join(dir, '.npmrc'))
    expect(result.exitCode).toBe(1)
    assertNoSecretLeak(result, [GH_TOKEN])
  })

  it('a token the workflow gave, sent to a registry from the project .npmrc: sent, but with a warning naming the file', async () => {
    evil.addToken({ token: NPM_TOKEN, username: 'npm-user' })
    const dir = project({ 'package.json': '{"name":"victim","version":"1.0.0"}', '.npmrc': `registry=${evil.url}\n` })
    const result = await run({ 'working-directory': dir, token: NPM_TOKEN, 'github-token': GH_TOKEN })
    const warning = warningsOf(result).find((w) => w.title === 'Registry from a repository file')
    expect(warning?.message).toContain(join(dir, '.npmrc'))
    expect(warning?.message).toMatch(/set registry-url/)
    expect(sentWith(evil, GH_TOKEN)).toEqual([])
    assertNoSecretLeak(result, [NPM_TOKEN, GH_TOKEN], { tokenEnv: 'NODE_AUTH_TOKEN' })
  })

  it('GHES: the host of GITHUB_SERVER_URL with /_registry/npm/ is GitHub Packages by host, and gets the github-token', async () => {
    const result = await run(
      { 'registry-url': ghes.url, 'github-token': GH_TOKEN, token: '' },
      { GITHUB_SERVER_URL: `http://127.0.0.1:${ghes.port}`, GITHUB_REPOSITORY_OWNER: 'octo-org' },
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('Registry kind: github-packages (GitHub Packages; by host)')
    expect(result.env.NODE_AUTH_TOKEN).toBe(GH_TOKEN)
    expect(sentWith(ghes, GH_TOKEN).length).toBeGreaterThan(0)
    expect(warningsOf(result).find((w) => w.title === 'Registry from a repository file')).toBeUndefined()
    assertNoSecretLeak(result, [GH_TOKEN], { tokenEnv: 'NODE_AUTH_TOKEN' })
  })

  it('the same path on another port of the GHES host is not GitHub Packages: nothing of the github-token', async () => {
    const before = evil.requests.length
    const result = await run({ 'registry-url': evil.url, 'github-token': GH_TOKEN, token: '' }, { GITHUB_SERVER_URL: `http://127.0.0.1:${ghes.port}` })
    expect(result.stdout).toContain('Registry kind: generic')
    expect(sentWith(evil, GH_TOKEN)).toEqual([])
    expect(evil.requests.length).toBe(before)
    assertNoSecretLeak(result, [GH_TOKEN])
  })
})

describe('item 3: a scope with no registry of its own fails, sending nothing', () => {
  let acme: FakeNpmjs
  let fallback: FakeNpmjs
  beforeAll(async () => {
    acme = await startFakeNpmjs()
    fallback = await startFakeNpmjs()
    acme.addToken({ token: NPM_TOKEN, username: 'acme-user' })
    fallback.addToken({ token: NPM_TOKEN, username: 'someone-else' })
  })
  afterAll(async () => {
    await Promise.all([acme?.stop(), fallback?.stop()])
  })

  it('scope: @acmee (a typo of @acme) fails naming the scope, the configured registries with their scopes, and the fix', async () => {
    const dir = project({ 'package.json': '{"name":"@acme/app","version":"1.0.0"}', '.npmrc': `@acme:registry=${acme.url}\nregistry=${fallback.url}\n` })
    const result = await run({ 'working-directory': dir, token: NPM_TOKEN, scope: 'acmee' })
    expectCleanFailure(result)
    const message = errorOf(result)
    expect(message).toContain('scope @acmee')
    expect(message).toContain(`@acme:registry=${acme.url} (the project config ${join(dir, '.npmrc')})`)
    expect(message).toContain(`registry=${fallback.url} (the project config`)
    expect(message).toMatch(/set registry-url/)
    expect(acme.requests).toEqual([])
    expect(fallback.requests).toEqual([])
    expectNoNpmrc(result)
    assertNoSecretLeak(result, [NPM_TOKEN])
  })

  it('a scope with only npm_config_registry in the environment fails too (the default registry never gets the token)', async () => {
    const result = await run({ token: NPM_TOKEN, scope: '@acmee' }, { npm_config_registry: fallback.url })
    expectCleanFailure(result)
    expect(errorOf(result)).toContain(`registry=${fallback.url} (the npm_config_* environment)`)
    expect(fallback.requests).toEqual([])
    expectNoNpmrc(result)
    assertNoSecretLeak(result, [NPM_TOKEN])
  })

  it('the CLI: check --scope @acmee exits 2 with the same message and sends nothing', async () => {
    const home = project({ '.npmrc': `@acme:registry=${acme.url}\n` })
    const r = await runProcess(modernNode(24), [join(repoRoot, 'dist/cli/index.js'), 'check', '--scope', '@acmee'], {
      cwd: home,
      env: { HOME: home, NPM_TOKEN, npm_config_registry: fallback.url, ...proxyEnv() },
    })
    expect(r.code).toBe(2)
    expect(r.stderr + r.stdout).toContain('scope @acmee')
    expect(r.stderr + r.stdout).toContain(`@acme:registry=${acme.url}`)
    expect(acme.requests).toEqual([])
    expect(fallback.requests).toEqual([])
    assertNoSecretLeak(processCanaryInput(r, home), [NPM_TOKEN])
  })

  it('the right scope still works (its own registry, not the default)', async () => {
    const dir = project({ 'package.json': '{"name":"@acme/app","version":"1.0.0"}', '.npmrc': `@acme:registry=${acme.url}\nregistry=${fallback.url}\n` })
    const result = await run({ 'working-directory': dir, token: NPM_TOKEN, scope: '@acme', 'registry-url': acme.url })
    expect(result.exitCode).toBe(0)
    expect(fallback.requests).toEqual([])
    assertNoSecretLeak(result, [NPM_TOKEN], { tokenEnv: 'NODE_AUTH_TOKEN' })
  })
})

describe('item 8: package names from the repository or the packages input never change a request path', () => {
  let registry: FakeNpmjs
  beforeAll(async () => {
    registry = await startFakeNpmjs()
    registry.addToken({ token: NPM_TOKEN, username: 'pkg-user' })
  })
  afterAll(() => registry?.stop())

  const pathsSeen = () => registry.requests.map((r) => r.path)

  it.each([['../../-/whoami?x='], ['@evil/../../-/npm/v1/tokens'], ['x\n::error::forged'], ['Upper-Case'], ['a b']])(
    'package.json name %j: the step fails naming it (quoted, escaped), no request carries it',
    async (name) => {
      const dir = project({ 'package.json': JSON.stringify({ name, version: '1.0.0' }) })
      const result = await run({ 'registry-url': registry.url, token: NPM_TOKEN, 'working-directory': dir, publish: 'stage' })
      expectCleanFailure(result)
      expect(errorOf(result)).toContain(JSON.stringify(name))
      expect(errorOf(result)).toContain(join(dir, 'package.json'))
      expect(result.annotations.some((a) => a.message.startsWith('forged') || a.title === 'forged')).toBe(false)
      expect(result.commands.filter((c) => c.command === 'error')).toHaveLength(1)
      for (const path of pathsSeen()) {
        expect(path).not.toContain('x=')
        expect(path).not.toMatch(/\/-\/stage/)
        expect(decodeURIComponent(path)).not.toContain('..')
      }
      expectNoNpmrc(result)
      assertNoSecretLeak(result, [NPM_TOKEN])
    },
  )

  it('packages: an entry like ../../-/whoami?x= is an input error before any request', async () => {
    const before = registry.requests.length
    const result = await run({ 'registry-url': registry.url, token: NPM_TOKEN, packages: 'good-pkg, ../../-/whoami?x=' })
    expectCleanFailure(result)
    expect(errorOf(result)).toMatch(/^Input 'packages': "\.\.\/\.\.\/-\/whoami\?x=" is not a valid npm package name/)
    expect(registry.requests.length).toBe(before)
    assertNoSecretLeak(result, [NPM_TOKEN])
  })
})

describe('item 9: no value can add a line to the .npmrc; a malformed escape is an input error', () => {
  let azure: FakeNpmjs
  beforeAll(async () => {
    azure = await startFakeNpmjs()
  })
  afterAll(() => azure?.stop())

  const azureUrl = (org: string) => `${azure.url}${org}/_packaging/feed/npm/registry/`

  it.each([
    ['a %0a newline then _authToken for another host', '%0a%2f%2fevil.test%2f:_authToken=stolen'],
    ['a %0d%0a then registry=', 'org%0d%0aregistry=http:%2f%2f127.0.0.1:9%2f'],
    ['a %0A then a comment', 'org%0A%23'],
    ['${} env reference', '%24%7BGITHUB_TOKEN%7D'],
  ])('registry-url with %s in the Azure organisation: refused before any request, nothing written', async (_label, org) => {
    const before = azure.requests.length
    const result = await run({ 'registry-url': azureUrl(org), token: NPM_TOKEN })
    expectCleanFailure(result)
    expect(errorOf(result)).toMatch(/first path segment of the Azure Artifacts registry URL .* is not an organisation name/)
    expect(azure.requests.length).toBe(before)
    expectNoNpmrc(result)
    assertNoSecretLeak(result, [NPM_TOKEN, basicOf('stolen', NPM_TOKEN)])
  })

  it.each([['%E0%A4%A'], ['%'], ['%zz'], ['%C3']])('a malformed escape (%s) is a clear input error, not URIError', async (org) => {
    const before = azure.requests.length
    const result = await run({ 'registry-url': azureUrl(org), token: NPM_TOKEN })
    expectCleanFailure(result)
    expect(errorOf(result)).toMatch(/malformed percent-escape/)
    expect(azure.requests.length).toBe(before)
    expectNoNpmrc(result)
    assertNoSecretLeak(result, [NPM_TOKEN])
  })

  it('the same URL from a project .npmrc (repository content) is refused the same way', async () => {
    const dir = project({ 'package.json': '{"name":"victim","version":"1.0.0"}', '.npmrc': `registry=${azureUrl('%0a_authToken=stolen')}\n` })
    const before = azure.requests.length
    const result = await run({ 'working-directory': dir, token: NPM_TOKEN })
    expectCleanFailure(result)
    expect(errorOf(result)).toMatch(/not an organisation name/)
    expect(azure.requests.length).toBe(before)
    expectNoNpmrc(result)
    assertNoSecretLeak(result, [NPM_TOKEN])
  })

  it("a registry URL whose path holds ';' (an ini comment) is refused before the .npmrc is written", async () => {
    const registry = await startFakeNpmjs({ prefix: '/a;registry=http:/' })
    try {
      registry.addToken({ token: NPM_TOKEN, username: 'semi' })
      const result = await run({ 'registry-url': registry.url, token: NPM_TOKEN })
      expectCleanFailure(result)
      expect(errorOf(result)).toMatch(/Refusing to write the registry URL .* into \.npmrc/)
      expectNoNpmrc(result)
      assertNoSecretLeak(result, [NPM_TOKEN])
    } finally {
      await registry.stop()
    }
  })

  it('an ordinary Azure organisation still configures (control case)', async () => {
    const result = await run({ 'registry-url': azureUrl('octo-org'), token: NPM_TOKEN })
    expect(errorOf(result)).not.toMatch(/organisation name|malformed/)
    expect(result.stdout).toContain('Registry kind: azure')
  })
})
