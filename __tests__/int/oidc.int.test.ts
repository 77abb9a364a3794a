// Trusted publishing (OIDC) end to end: the built dist/ run as the runner runs it, with a loopback
// ID-token endpoint minting real RS256 JWTs and our npmjs-protocol fake serving npm's OIDC exchange
// (signature, audience, expiry and trusted-publisher checks), then the real npm CLI publishing through
// what the action set up.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { repoRoot, runProcess, type ProcessResult } from '../../test-support/process.ts'
import { cleanupRunDirs, runAction, type Annotation, type RunActionOptions, type RunActionResult } from '../../test-support/run-action.ts'
import { assertNoSecretLeak } from '../../test-support/canary.ts'
import { sha512Hex, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'
import { NPMRC_CLIENTS, npmOnPath, npmStepEnv, publishWith, runYarn, writeFixturePackage, type NpmrcClient } from '../../test-support/npm-cli.ts'
import {
  NOT_FOUND_MESSAGE,
  startTrustedPublishingRegistry,
  type IdTokenServer,
  type TrustedPublisher,
  type TrustedPublishing,
  type TrustedPublishingRegistry,
} from '../../test-support/oidc-fakes.ts'

const REPO = 'octo-org/octo-repo'
const REPO_URL = `git+https://github.com/${REPO}.git`
const PUBLISHER: TrustedPublisher = { repository: REPO, workflowFile: 'publish.yml' }
const ACTION_UA = /^setup-npm-auth /
// npm 10 lives in its own fixture project (installed by the root `prepare` script), never in the root
// node_modules: there its `npm` bin would shadow the real npm on PATH for everything `npm test` starts.
const NPM10_ROOT = join(repoRoot, 'test-support', 'fixtures', 'npm10', 'node_modules', 'npm')
const NPM10_CLI = join(NPM10_ROOT, 'bin', 'npm-cli.js')

let fakes: TrustedPublishingRegistry
let idp: IdTokenServer
let tp: TrustedPublishing
let registry: FakeNpmjs
let tmpRoot: string

beforeAll(async () => {
  fakes = await startTrustedPublishingRegistry({ registry: { tokenList: 'any' } })
  ;({ idp, tp, registry } = fakes)
  tmpRoot = mkdtempSync(join(os.tmpdir(), 'oidc-int-'))
})
afterAll(async () => {
  cleanupRunDirs()
  rmSync(tmpRoot, { recursive: true, force: true })
  await fakes?.stop()
})

// ---- the canary over every run (m) --------------------------------------------------------------

/**
 * Runs of the current test, each with the one env export allowed to carry an exchanged token (only the
 * old-npm case exports one). A token given as input is checked on its own, in its test.
 */
let runs: Array<{ result: RunActionResult; tokenEnv?: string }> = []
beforeEach(() => {
  idp.resetClaims()
  runs = []
})
afterEach(() => {
  // Every ID token the server minted and every token the registry issued, up to now (npm's own too).
  const secrets = [idp.requestToken, ...idp.minted, ...tp.issued]
  for (const { result, tokenEnv } of runs) assertNoSecretLeak(result, secrets, tokenEnv ? { tokenEnv } : {})
})

// ---- helpers -----------------------------------------------------------------------------------

let dirCounter = 0
function tmpDir(name: string): string {
  const dir = join(tmpRoot, `${++dirCounter}-${name.replace(/[@/]/g, '_')}`)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** A package folder with package.json (repository.url = this repo unless overridden). */
function pkgDir(name: string, extra: Record<string, unknown> = {}, version = '1.1.0'): string {
  return writeFixturePackage(tmpDir(name), name, version, { repository: { type: 'git', url: REPO_URL }, ...extra })
}

/** A package that exists on the registry (1.0.0 published with a token) with a trusted publisher. */
async function published(name: string, publisher: TrustedPublisher | undefined = PUBLISHER): Promise<void> {
  await tp.seedPackage(name)
  if (publisher) tp.publishers.set(name, publisher)
}

/** The env of a GitHub-hosted job with `permissions: id-token: write`. */
const oidcEnv = (): Record<string, string> => ({ ...idp.env(), GITHUB_ACTIONS: 'true', RUNNER_ENVIRONMENT: 'github-hosted' })

async function run(
  inputs: Record<string, string>,
  opts: { env?: Record<string, string | undefined>; tokenEnv?: string; oidc?: boolean } & Omit<RunActionOptions, 'inputs' | 'env'> = {},
): Promise<RunActionResult> {
  const { env, tokenEnv, oidc = true, ...rest } = opts
  const result = await runAction({ ...rest, inputs: { 'registry-url': registry.url, ...inputs }, env: { ...(oidc ? oidcEnv() : {}), ...env } })
  runs.push({ result, tokenEnv })
  return result
}

const errors = (r: RunActionResult): Annotation[] => r.annotations.filter((a) => a.level === 'error')
const titled = (r: RunActionResult, level: Annotation['level'], title: string | RegExp): Annotation | undefined =>
  r.annotations.find((a) => a.level === level && (typeof title === 'string' ? a.title === title : title.test(a.title ?? '')))
/** The action's own exchanges for a package (npm's carry npm's user agent). */
const actionExchanges = (name: string) => tp.exchanges.filter((e) => e.packageName === name && ACTION_UA.test(e.userAgent))
const npmExchanges = (name: string) => tp.exchanges.filter((e) => e.packageName === name && /^npm\//.test(e.userAgent))
/** The exchanges a client made itself at publish time: npm's carry npm's user agent, pnpm 12 sends none. */
const clientExchanges = (name: string, client: NpmrcClient) =>
  tp.exchanges.filter(
    (e) => e.packageName === name && (client === 'pnpm12' ? !ACTION_UA.test(e.userAgent) && !/^npm\//.test(e.userAgent) : /^npm\//.test(e.userAgent)),
  )

function expectNoNpmrc(r: RunActionResult): void {
  expect(r.outputs['npmrc-path']).toBe('')
  expect(existsSync(join(r.dirs.runnerTemp, '.npmrc'))).toBe(false)
  expect(r.env.NPM_CONFIG_USERCONFIG).toBeUndefined()
  expect(r.env.NODE_AUTH_TOKEN).toBeUndefined()
}

/** A later workflow step: `<client> publish` in `cwd` with the env the action exported, its state kept out of the run dirs. */
function clientPublish(
  client: NpmrcClient,
  cwd: string,
  exported: Record<string, string>,
  extra: Record<string, string | undefined> = {},
): Promise<ProcessResult> {
  const home = tmpDir(`${client}-home`)
  return publishWith(client, { cwd, env: { ...npmStepEnv(home), ...exported, ...extra } })
}

// ---- the cases ---------------------------------------------------------------------------------

describe('trusted publishing: pre-flight and setup', () => {
  // npm 11 (the runner's), npm 12 (installed over it: the action sees it on PATH) and pnpm 12 (beside the runner's npm 11) all exchange by themselves.
  it.each(NPMRC_CLIENTS)('(a) one package: exchange ok, .npmrc without credentials, and the real %s publishes by its own exchange', async (client) => {
    const name = `oidc-happy-${client}`
    await published(name)
    const dir = pkgDir(name)
    const idBefore = idp.requests.length
    const result = await run({ 'working-directory': dir }, { env: npmOnPath(client) })

    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ 'auth-method': 'oidc', status: 'ok', provenance: 'false', 'registry-url': registry.url, username: '' })
    expect(JSON.parse(result.outputs.packages)).toEqual([{ name, ok: true, status: 201 }])
    expect(errors(result)).toEqual([])
    expect(result.annotations.filter((a) => a.level === 'warning')).toEqual([])

    // The ID token was asked for npm's audience with the request token; the registry exchanged it.
    const idRequests = idp.requests.slice(idBefore)
    expect(idRequests).toHaveLength(1)
    expect(idRequests[0]).toMatchObject({ audience: 'npm:127.0.0.1', authorized: true, status: 200 })
    expect(idRequests[0].userAgent).toMatch(ACTION_UA)
    expect(idRequests[0].path).toMatch(/\?api-version=2\.0&audience=npm%3A127\.0\.0\.1$/)
    const exchanges = actionExchanges(name)
    expect(exchanges).toHaveLength(1)
    expect(exchanges[0]).toMatchObject({ path: `/-/npm/v1/oidc/token/exchange/package/${name}`, status: 201 })
    expect(exchanges[0].claims).toMatchObject({ aud: 'npm:127.0.0.1', repository: REPO })
    // The exchanged token was masked the moment it arrived, and not exported (npm 11 exchanges itself).
    expect(result.masks).toContain(exchanges[0].token)
    expect(result.masks).toContain(idp.minted[idp.minted.length - 1])

    // .npmrc: routes the registry, and holds NO credential line (npm would fall back to it).
    const npmrcPath = result.outputs['npmrc-path']
    expect(npmrcPath).toBe(join(result.dirs.runnerTemp, '.npmrc'))
    const npmrc = readFileSync(npmrcPath, 'utf8')
    expect(npmrc).not.toMatch(/_authToken|_auth\b|_password/)
    expect(npmrc).toMatch(new RegExp(`^registry=${registry.url.replace(/[.]/g, '\\.')}$`, 'm'))
    // No token exported: only the config path, and npm's debug-log folder for the post step's diagnosis.
    expect(result.env).toEqual({ NPM_CONFIG_USERCONFIG: npmrcPath, NPM_CONFIG_LOGS_DIR: expect.stringMatching(/setup-npm-auth-npm-logs-/) })
    expect(result.env.NPM_CONFIG_LOGS_DIR.startsWith(result.dirs.runnerTemp)).toBe(true)
    expect(result.summary).toContain('Trusted publishing pre-flight')
    expect(result.summary).toMatch(new RegExp(`\\| ${name} \\| ✅ ok \\(HTTP 201\\) \\|`))
    expect(result.summary).toContain('workflow file: publish.yml')
    // The npm on PATH (the runner's, or npm 12 over it) must be one that exchanges by itself, or this case tests nothing.
    expect(result.summary).toMatch(client === 'npm12' ? /npm on PATH\W+12\./ : /npm on PATH\W+11\.([5-9]|\d\d)\./)

    // A later step: the real client (npm >= 11.5.1, pnpm 12) publishes 1.1.0 through that .npmrc by its own exchange.
    const before = registry.requests.length
    const pub = await clientPublish(client, dir, result.env, { GITHUB_ACTIONS: 'true', ...idp.env() })
    expect({ code: pub.code, out: pub.code === 0 ? '' : `${pub.stdout}\n${pub.stderr}` }).toEqual({ code: 0, out: '' })
    const npmEx = clientExchanges(name, client)
    expect(npmEx).toHaveLength(1)
    expect(npmEx[0].status).toBe(201)
    const put = registry.requests.slice(before).find((r) => r.method === 'PUT')
    expect(put?.headers.authorization).toBe(`Bearer ${npmEx[0].token}`)
    expect(tp.publishedByOidc()).toContainEqual(expect.objectContaining({ name, version: '1.1.0', tokenKey: sha512Hex(npmEx[0].token!) }))

    // The post step removes the .npmrc it created.
    const post = await runAction({ step: 'post', dirs: result.dirs })
    runs.push({ result: post })
    expect(post.exitCode).toBe(0)
    expect(existsSync(npmrcPath)).toBe(false)
  })

  it('(a) a Yarn 4 project: .yarnrc.yml routes the registry without a credential, and Yarn publishes by its own exchange', async () => {
    const name = 'oidc-happy-yarn'
    await published(name)
    const dir = pkgDir(name)
    writeFileSync(join(dir, '.yarnrc.yml'), 'enableTelemetry: false\n') // a Yarn 2+ project: package-manager auto picks yarn
    writeFileSync(join(dir, 'yarn.lock'), '')
    const result = await run({ 'working-directory': dir })
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ 'auth-method': 'oidc', status: 'ok' })
    expect(result.stdout).toContain('Package manager: yarn')
    const yarnrc = readFileSync(join(result.dirs.home, '.yarnrc.yml'), 'utf8')
    expect(yarnrc).toContain(`npmRegistryServer: "${registry.url}"`)
    expect(yarnrc).not.toMatch(/npmAuthToken|npmAuthIdent/) // Yarn would send it instead of exchanging
    expect(result.env.NODE_AUTH_TOKEN).toBeUndefined()

    const env = { ...result.env, HOME: result.dirs.home, GITHUB_ACTIONS: 'true', ...idp.env() }
    const installed = await runYarn(['install'], { cwd: dir, env: { ...env, YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' } })
    expect({ code: installed.code, out: installed.code === 0 ? '' : installed.stdout }).toEqual({ code: 0, out: '' }) // no dependencies: its lockfile only
    const before = registry.requests.length
    // Yarn asks for the audience npm:<host>, with this loopback registry's port (npm's registry has none).
    tp.hostAudience = true
    const pub = await runYarn(['npm', 'publish'], { cwd: dir, env }).finally(() => (tp.hostAudience = false))
    expect({ code: pub.code, out: pub.code === 0 ? '' : pub.stdout }).toEqual({ code: 0, out: '' })
    const yarnEx = tp.exchanges.filter((e) => e.packageName === name && !ACTION_UA.test(e.userAgent))
    expect(yarnEx.map((e) => e.status)).toEqual([201])
    const put = registry.requests.slice(before).find((r) => r.method === 'PUT')
    expect(put?.headers.authorization).toBe(`Bearer ${yarnEx[0].token}`)
    expect(tp.publishedByOidc()).toContainEqual(expect.objectContaining({ name, version: '1.1.0', tokenKey: sha512Hex(yarnEx[0].token!) }))

    const post = await runAction({ step: 'post', dirs: result.dirs })
    runs.push({ result: post })
    expect(post.exitCode).toBe(0)
  })

  it('(a) a public repository: the provenance output is true', async () => {
    const name = 'oidc-public-repo'
    await published(name)
    idp.setClaims({ repository_visibility: 'public' })
    const result = await run({ 'working-directory': pkgDir(name) })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.provenance).toBe('true')
    expect(result.summary).toContain('| Provenance | on (public repository) |')
    expect(JSON.parse(result.outputs['oidc-claims'])).toMatchObject({
      repository: 'octo-org/octo-repo',
      'workflow-file': 'publish.yml',
      environment: '',
      'runner-environment': 'github-hosted',
      'repository-visibility': 'public',
    })
  })

  it('(b) trusted publisher for another workflow file: fails with the registry answer, the claims and the cause; no .npmrc', async () => {
    const name = 'oidc-wrong-workflow'
    await published(name, { repository: REPO, workflowFile: 'release.yml' })
    const result = await run({ 'working-directory': pkgDir(name) })

    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ 'auth-method': 'oidc', status: 'error' })
    expect(JSON.parse(result.outputs.packages)).toEqual([{ name, ok: false, status: 404 }])
    expect(actionExchanges(name).map((e) => e.reason)).toEqual(['workflow mismatch'])
    const error = titled(result, 'error', `Trusted publishing will fail for ${name}`)
    expect(error).toBeDefined()
    const message = error!.message
    expect(message).toContain(`for ${name} at ${registry.origin}: HTTP 404, "${NOT_FOUND_MESSAGE}"`)
    expect(message).toContain(`repository: ${REPO}`)
    expect(message).toContain('workflow file: publish.yml')
    expect(message).toContain('environment: none')
    expect(message).toContain('The workflow file name must match publish.yml exactly')
    expect(message).toContain(`owner octo-org, repository octo-repo, workflow publish.yml, environment (none)`)
    expectNoNpmrc(result)
    expect(result.summary).toContain('❌ failed (HTTP 404)')
    expect(result.summary).toContain('## ❌ Trusted publishing pre-flight: 1 of 1 package failed')
  })

  it('(b) a reusable workflow: npm checks the calling workflow, and the cause says so', async () => {
    const name = 'oidc-reusable'
    await published(name, { repository: REPO, workflowFile: 'release-reusable.yml' })
    idp.setClaims({ job_workflow_ref: 'octo-org/shared-workflows/.github/workflows/release-reusable.yml@refs/heads/main' })
    const wrong = await run({ 'working-directory': pkgDir(name) })
    expect(wrong.exitCode).toBe(1)
    const message = titled(wrong, 'error', `Trusted publishing will fail for ${name}`)!.message
    expect(message).toContain('reusable workflow running the job: octo-org/shared-workflows/.github/workflows/release-reusable.yml@refs/heads/main')
    expect(message).toContain("npm checks the CALLING workflow's file name, publish.yml")

    tp.publishers.set(name, PUBLISHER) // the calling workflow's file
    const right = await run({ 'working-directory': pkgDir(name) })
    expect(right.exitCode).toBe(0)
    expect(JSON.parse(right.outputs.packages)).toEqual([{ name, ok: true, status: 201 }])
  })

  it('(c) environment mismatch: none in the job, or another one', async () => {
    const name = 'oidc-env'
    await published(name, { ...PUBLISHER, environment: 'production' })
    const none = await run({ 'working-directory': pkgDir(name) })
    expect(none.exitCode).toBe(1)
    expect(actionExchanges(name).map((e) => e.reason)).toEqual(['environment mismatch'])
    const noneMsg = titled(none, 'error', `Trusted publishing will fail for ${name}`)!.message
    expect(noneMsg).toContain('environment: none')
    expect(noneMsg).toContain('This job runs in no environment: if the trusted publisher names one, add `environment: <name>` to the job')
    expectNoNpmrc(none)

    idp.setClaims({ environment: 'staging' })
    const staging = await run({ 'working-directory': pkgDir(name) })
    expect(staging.exitCode).toBe(1)
    const stagingMsg = titled(staging, 'error', `Trusted publishing will fail for ${name}`)!.message
    expect(stagingMsg).toContain('environment: staging')
    expect(stagingMsg).toContain('This job runs in environment "staging": the trusted publisher\'s environment must be that name, or empty.')
    expect(stagingMsg).toContain('environment staging') // the publisher to configure

    idp.setClaims({ environment: 'production' })
    const production = await run({ 'working-directory': pkgDir(name) })
    expect(production.exitCode).toBe(0)
  })

  it('(c) package.json repository.url names another repository: the local check comes first, as "Checked locally"', async () => {
    const name = 'oidc-forked-manifest'
    // The publisher was configured from package.json (the fork), but the job runs in octo-org/octo-repo.
    await published(name, { repository: 'someone-else/fork', workflowFile: 'publish.yml' })
    const dir = pkgDir(name, { repository: { type: 'git', url: 'git+https://github.com/someone-else/fork.git' } })
    const result = await run({ 'working-directory': dir })
    expect(result.exitCode).toBe(1)
    expect(actionExchanges(name).map((e) => e.reason)).toEqual(['repository mismatch'])
    const message = titled(result, 'error', `Trusted publishing will fail for ${name}`)!.message
    expect(message).toMatch(
      new RegExp(
        `\\n1\\. Checked locally: package\\.json in ${dir.replace(/[.]/g, '\\.')} declares repository "git\\+https://github\\.com/someone-else/fork\\.git", but this job runs in ${REPO}`,
      ),
    )
    expectNoNpmrc(result)
  })

  it('(c) exchange ok but package.json repository.url is wrong in a public repository: the provenance check will refuse it', async () => {
    const name = 'oidc-provenance-repo-mismatch'
    await published(name)
    idp.setClaims({ repository_visibility: 'public' })
    const dir = pkgDir(name, { repository: { type: 'git', url: 'git+https://github.com/someone-else/fork.git' } })
    const result = await run({ 'working-directory': dir })
    expect(actionExchanges(name).map((e) => e.status)).toEqual([201])
    expect(result.exitCode).toBe(1)
    const error = errors(result).find((a) => a.message.includes('Checked locally'))
    expect(error?.message).toContain(`declares repository "git+https://github.com/someone-else/fork.git", but this job runs in ${REPO}`)
    expect(error?.message).toContain('provenance')
    expectNoNpmrc(result)
  })

  it('(d) a package never published: the "first publish cannot use trusted publishing" cause', async () => {
    const name = 'oidc-brand-new'
    tp.publishers.set(name, PUBLISHER) // configured, but the package does not exist
    const before = registry.requests.length
    const result = await run({ 'working-directory': pkgDir(name, {}, '1.0.0') })
    expect(result.exitCode).toBe(1)
    expect(actionExchanges(name).map((e) => [e.status, e.reason])).toEqual([[404, 'package does not exist']])
    // The action looked the package up to tell "never published" from "no publisher".
    expect(registry.requests.slice(before).some((r) => r.method === 'GET' && r.path === `/${name}`)).toBe(true)
    const message = titled(result, 'error', `Trusted publishing will fail for ${name}`)!.message
    expect(message).toContain(`${name} does not exist on 127.0.0.1:${registry.port}`)
    expect(message).toContain("A package's first publish cannot use trusted publishing: publish it once with a token")
    expectNoNpmrc(result)
  })

  it('(e) a scoped package: the exchange path escapes the slash as %2f', async () => {
    const name = '@octo-org/pkg'
    await published(name)
    const dir = pkgDir(name)
    const result = await run({ 'working-directory': dir })
    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.outputs.packages)).toEqual([{ name, ok: true, status: 201 }])
    expect(actionExchanges(name).map((e) => e.path)).toEqual(['/-/npm/v1/oidc/token/exchange/package/@octo-org%2fpkg'])
  })

  it('(f) a workspace: exactly the public members are exchanged, and listed', async () => {
    const root = tmpDir('monorepo')
    writeFixturePackage(root, 'oidc-monorepo-root', '0.0.0', { private: true, workspaces: ['packages/*'] })
    const members = ['oidc-ws-alpha', 'oidc-ws-beta']
    for (const name of members) {
      writeFixturePackage(join(root, 'packages', name.slice(8)), name, '1.1.0', {
        repository: { type: 'git', url: REPO_URL, directory: `packages/${name.slice(8)}` },
      })
      await published(name)
    }
    writeFixturePackage(join(root, 'packages', 'internal'), 'oidc-ws-internal', '1.0.0', { private: true })
    await published('oidc-ws-internal')

    const before = tp.exchanges.length
    const idBefore = idp.requests.length
    const result = await run({ 'working-directory': root })
    expect(result.exitCode).toBe(0)
    const exchanged = tp.exchanges.slice(before).filter((e) => ACTION_UA.test(e.userAgent))
    expect(exchanged.map((e) => e.packageName).sort()).toEqual(members)
    expect(exchanged.every((e) => e.status === 201)).toBe(true)
    expect(JSON.parse(result.outputs.packages)).toEqual(expect.arrayContaining(members.map((name) => ({ name, ok: true, status: 201 }))))
    expect(JSON.parse(result.outputs.packages)).toHaveLength(2)
    // One ID token serves every package.
    expect(idp.requests.slice(idBefore)).toHaveLength(1)
    expect(readFileSync(result.outputs['npmrc-path'], 'utf8')).not.toContain('_authToken')
  })

  it('a registry under a path prefix: the exchange goes to the origin, the package lookup stays under the prefix', async () => {
    // The file's ID-token server, another registry: stop() leaves the ID-token server running.
    const prefixedFakes = await startTrustedPublishingRegistry({ idp, registry: { prefix: '/artifactory/api/npm/npm-local/' } })
    const { tp: prefixedTp, registry: prefixed } = prefixedFakes
    try {
      const name = 'oidc-prefixed'
      const missing = 'oidc-prefixed-missing'
      await prefixedTp.seedPackage(name)
      prefixedTp.publishers.set(name, PUBLISHER)
      const idBefore = idp.requests.length
      // An ACTIONS_ID_TOKEN_REQUEST_URL without a query: the audience goes after '?'.
      const result = await run(
        { 'registry-url': prefixed.url, packages: `${name}\n${missing}` },
        { env: { ACTIONS_ID_TOKEN_REQUEST_URL: idp.requestUrl.split('?')[0] } },
      )
      expect(idp.requests.slice(idBefore).map((r) => r.path)).toEqual([expect.stringMatching(/\/idtoken\?audience=npm%3A127\.0\.0\.1$/)])
      expect(prefixedTp.exchanges.map((e) => `${e.path} ${e.status}`).sort()).toEqual([
        `/-/npm/v1/oidc/token/exchange/package/${name} 201`,
        `/-/npm/v1/oidc/token/exchange/package/${missing} 404`,
      ])
      expect(prefixed.requests.some((r) => r.method === 'GET' && r.path === `/artifactory/api/npm/npm-local/${missing}`)).toBe(true)
      expect(result.exitCode).toBe(1)
      expect(JSON.parse(result.outputs.packages)).toEqual([
        { name, ok: true, status: 201 },
        { name: missing, ok: false, status: 404 },
      ])
      expect(titled(result, 'error', `Trusted publishing will fail for ${missing}`)?.message).toContain('first publish cannot use trusted publishing')
      assertNoSecretLeak(result, prefixedTp.issued)
    } finally {
      await prefixedFakes.stop()
    }
  })

  it('(f) packages input: names given explicitly are pre-flighted, matched to local package.json', async () => {
    const name = 'oidc-input-listed'
    await published(name)
    const result = await run({ packages: `${name}, oidc-input-unknown` })
    expect(result.exitCode).toBe(1)
    expect(JSON.parse(result.outputs.packages)).toEqual([
      { name, ok: true, status: 201 },
      { name: 'oidc-input-unknown', ok: false, status: 404 },
    ])
  })
})

describe('trusted publishing: when it cannot work', () => {
  it('(g) auth: oidc without id-token: write names the permission to add', async () => {
    const idBefore = idp.requests.length
    const result = await run({ auth: 'oidc', 'working-directory': pkgDir('oidc-no-permission') }, { oidc: false })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('error')
    const message = errors(result)[0]?.message ?? ''
    expect(message).toContain('auth is oidc but this job has no OIDC (ACTIONS_ID_TOKEN_REQUEST_URL is not set)')
    expect(message).toContain('permissions:\n  contents: read\n  id-token: write')
    expect(idp.requests.length).toBe(idBefore)
    expectNoNpmrc(result)
  })

  it('(g) auth: auto with neither OIDC nor a token names both remedies', async () => {
    const idBefore = idp.requests.length
    const result = await run({ 'working-directory': pkgDir('oidc-nothing') }, { oidc: false })
    expect(result.exitCode).toBe(1)
    const message = errors(result)[0]?.message ?? ''
    expect(message).toContain('No way to authenticate')
    expect(message).toContain('id-token: write')
    expect(message).toContain('token: ${{ secrets.NPM_TOKEN }}')
    expect(idp.requests.length).toBe(idBefore)
    expectNoNpmrc(result)
  })

  it('(h) self-hosted runner: auth: oidc fails naming it; auth: auto with a token falls back to the token with a warning', async () => {
    const selfHosted = { RUNNER_ENVIRONMENT: 'self-hosted' }
    idp.setClaims({ runner_environment: 'self-hosted' })
    const idBefore = idp.requests.length
    const exBefore = tp.exchanges.length
    const refused = await run({ auth: 'oidc', 'working-directory': pkgDir('oidc-self-hosted') }, { env: selfHosted })
    expect(refused.exitCode).toBe(1)
    expect(errors(refused)[0]?.message).toMatch(/self-hosted runner, and npm does not accept trusted publishing from self-hosted runners/)
    expectNoNpmrc(refused)

    const token = `npm_SelfHosted${Date.now()}abcdefgh`
    registry.addToken({ token, username: 'runner-bot', expiry: new Date(Date.now() + 60 * 864e5).toISOString() })
    const fallback = await run({ token, 'working-directory': pkgDir('oidc-self-hosted-token') }, { env: selfHosted })
    expect(fallback.exitCode).toBe(0)
    expect(fallback.outputs).toMatchObject({ 'auth-method': 'token', username: 'runner-bot', status: 'warning', packages: '' })
    expect(titled(fallback, 'warning', 'Trusted publishing unavailable on self-hosted runners')?.message).toContain('Using the token instead')
    expect(fallback.env.NODE_AUTH_TOKEN).toBe(token)
    expect(readFileSync(fallback.outputs['npmrc-path'], 'utf8')).toContain(`//127.0.0.1:${registry.port}/:_authToken=\${NODE_AUTH_TOKEN}`)
    // Neither run asked for an ID token nor exchanged one.
    expect(idp.requests.length).toBe(idBefore)
    expect(tp.exchanges.length).toBe(exBefore)
    assertNoSecretLeak(fallback, [token], { tokenEnv: 'NODE_AUTH_TOKEN' })
  })

  it('(l) the ID-token endpoint failing: its own message, never an exchange diagnosis', async () => {
    const name = 'oidc-idp-down'
    await published(name)
    const exBefore = tp.exchanges.length

    idp.fail(500, 500, 500)
    const idBefore = idp.requests.length
    const down = await run({ 'working-directory': pkgDir(name) })
    expect(down.exitCode).toBe(1)
    expect(idp.requests.slice(idBefore).map((r) => r.status)).toEqual([500, 500, 500])
    const downMsg = errors(down)
      .map((a) => a.message)
      .join('\n')
    expect(downMsg).toContain('ID token')
    expect(downMsg).toContain('HTTP 500')
    expect(downMsg).toMatch(/re-run the job/i)
    expect(downMsg).not.toMatch(/exchange|pre-flight failed|trusted publisher/i)
    expectNoNpmrc(down)

    idp.fail(403)
    const forbidden = await run({ 'working-directory': pkgDir(name) })
    expect(forbidden.exitCode).toBe(1)
    const forbiddenMsg = errors(forbidden)
      .map((a) => a.message)
      .join('\n')
    expect(forbiddenMsg).toContain('HTTP 403')
    expect(forbiddenMsg).toContain('id-token: write')
    expect(forbiddenMsg).not.toMatch(/exchange|pre-flight failed/i)
    expect(tp.exchanges.length).toBe(exBefore)
    expectNoNpmrc(forbidden)
  })

  it('(l) a wrong request token is refused by the endpoint (401)', async () => {
    const result = await run({ 'working-directory': pkgDir('oidc-bad-request-token') }, { env: { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-request-token' } })
    expect(result.exitCode).toBe(1)
    expect(idp.requests[idp.requests.length - 1]).toMatchObject({ authorized: false, status: 401 })
    expect(errors(result)[0]?.message).toContain('HTTP 401')
  })

  it('the registry refusing the ID token itself (audience for another host, expired token): HTTP 401 and why', async () => {
    const name = 'oidc-refused-jwt'
    await published(name)
    // localhost is this registry too, but the audience is npm:localhost, which the registry does not accept.
    const other = await run({ 'registry-url': registry.url.replace('127.0.0.1', 'localhost'), 'working-directory': pkgDir(name) })
    expect(other.exitCode).toBe(1)
    expect(actionExchanges(name).map((e) => [e.status, e.reason])).toEqual([[401, 'audience npm:localhost']])
    const msg = titled(other, 'error', `Trusted publishing will fail for ${name}`)!.message
    expect(msg).toContain('HTTP 401')
    expect(msg).toContain('The registry refused the ID token itself (HTTP 401). The token was minted for audience npm:localhost')

    idp.ttlSeconds = -120
    const expired = await run({ 'working-directory': pkgDir(name) })
    expect(expired.exitCode).toBe(1)
    expect(actionExchanges(name).map((e) => e.reason)).toEqual(['audience npm:localhost', 'expired'])
  })
})

describe('trusted publishing with an npm too old to exchange (i)', () => {
  let npmBin: string
  beforeAll(() => {
    if (!existsSync(NPM10_CLI)) throw new Error(`${NPM10_CLI} is missing: run npm install (its prepare script installs test-support/fixtures/npm10)`)
    npmBin = join(tmpRoot, 'npm10-bin')
    mkdirSync(npmBin, { recursive: true })
    symlinkSync(NPM10_CLI, join(npmBin, 'npm'))
  })
  const npm10Path = () => ({ PATH: `${npmBin}:${process.env.PATH}` })
  const npm10Version = () => (JSON.parse(readFileSync(join(NPM10_ROOT, 'package.json'), 'utf8')) as { version: string }).version

  it('one package: the exchanged token is exported (masked) behind an env-referenced .npmrc, and npm 10 publishes with it', async () => {
    const name = 'oidc-old-npm'
    await published(name)
    const dir = pkgDir(name)
    const version = npm10Version()
    expect(version).toMatch(/^10\./)
    const result = await run({ 'working-directory': dir }, { env: npm10Path(), tokenEnv: 'NODE_AUTH_TOKEN' })

    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ 'auth-method': 'oidc', status: 'ok' })
    const [exchange] = actionExchanges(name)
    expect(exchange?.status).toBe(201)
    expect(result.env.NODE_AUTH_TOKEN).toBe(exchange.token)
    expect(result.masks).toContain(exchange.token)
    expect(result.summary).toContain(`| npm on PATH | ${version} |`)
    const notice = titled(result, 'notice', 'Exchanged token exported')
    expect(notice?.message).toContain(`npm ${version} on PATH cannot exchange an ID token itself`)
    expect(notice?.message).toContain(`only for ${name}`)
    expect(notice?.message).toMatch(/valid until \d{4}-\d{2}-\d{2}T/) // the registry's `expires`
    const npmrc = readFileSync(result.outputs['npmrc-path'], 'utf8')
    expect(npmrc).toContain(`//127.0.0.1:${registry.port}/:_authToken=\${NODE_AUTH_TOKEN}`)
    expect(npmrc).toContain(`registry=${registry.url}`)
    expect(npmrc).not.toContain(exchange.token!)

    // npm 10, without the ID-token env (it could not exchange anyway): publishes with the exported token.
    const home = tmpDir('npm10-home')
    const before = registry.requests.length
    const pub = await runProcess(process.execPath, [NPM10_CLI, 'publish'], {
      cwd: dir,
      env: { ...npmStepEnv(home), GITHUB_ACTIONS: 'true', ...result.env },
    })
    expect({ code: pub.code, stderr: pub.stderr }).toMatchObject({ code: 0 })
    expect(npmExchanges(name)).toEqual([])
    expect(registry.requests.slice(before).find((r) => r.method === 'PUT')?.headers.authorization).toBe(`Bearer ${exchange.token}`)
    expect(tp.publishedByOidc()).toContainEqual(expect.objectContaining({ name, version: '1.1.0' }))
  })

  it('two packages: fails naming the npm found and both remedies, before any exchange', async () => {
    const root = tmpDir('old-npm-monorepo')
    writeFixturePackage(root, 'oidc-old-root', '0.0.0', { private: true, workspaces: ['packages/*'] })
    writeFixturePackage(join(root, 'packages', 'one'), 'oidc-old-one', '1.0.0', { repository: { type: 'git', url: REPO_URL } })
    writeFixturePackage(join(root, 'packages', 'two'), 'oidc-old-two', '1.0.0', { repository: { type: 'git', url: REPO_URL } })
    const exBefore = tp.exchanges.length
    const result = await run({ 'working-directory': root }, { env: npm10Path() })
    expect(result.exitCode).toBe(1)
    const message = errors(result)[0]?.message ?? ''
    expect(message).toContain(`the npm on PATH is ${npm10Version()}`)
    expect(message).toContain('upgrade-npm: true')
    expect(message).toContain('npm install -g npm@11')
    expect(tp.exchanges.length).toBe(exBefore)
    expectNoNpmrc(result)
  })
})

describe('trusted publishing with a token alongside (j) and stale env (k)', () => {
  it('(j) a token the registry rejects: only a warning, the step succeeds', async () => {
    const name = 'oidc-with-bad-token'
    await published(name)
    const token = `npm_Rejected${Date.now()}zzzzzzzz`
    const result = await run({ token, 'working-directory': pkgDir(name) })
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ 'auth-method': 'oidc', status: 'warning' })
    expect(errors(result)).toEqual([])
    const warning = titled(result, 'warning', 'The token input is rejected')
    expect(warning?.message).toContain('Publishing uses OIDC')
    expect(result.masks).toContain(token)
    // The dead token is neither exported nor referenced: npm's fallback would otherwise be that token.
    expect(result.env.NODE_AUTH_TOKEN).toBeUndefined()
    expect(readFileSync(result.outputs['npmrc-path'], 'utf8')).not.toContain('_authToken')
    assertNoSecretLeak(result, [token])
  })

  it('(j) a valid token and every exchange ok: the notice that the token secret may be unneeded', async () => {
    const name = 'oidc-with-good-token'
    await published(name)
    const token = `npm_GoodAlongside${Date.now()}yyyy`
    registry.addToken({ token, username: 'release-bot', expiry: new Date(Date.now() + 80 * 864e5).toISOString() })
    const result = await run({ token, 'working-directory': pkgDir(name) })
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ 'auth-method': 'oidc', status: 'ok', username: 'release-bot' })
    expect(titled(result, 'notice', 'The NPM_TOKEN secret may be unneeded')?.message).toContain('Every package passed the trusted-publishing pre-flight')
    assertNoSecretLeak(result, [token], { tokenEnv: 'NODE_AUTH_TOKEN' })
  })

  it('(k) the old setup-node placeholder in NODE_AUTH_TOKEN: a warning naming it', async () => {
    const name = 'oidc-placeholder'
    await published(name)
    const result = await run({ 'working-directory': pkgDir(name) }, { env: { NODE_AUTH_TOKEN: 'XXXXX-XXXXX-XXXXX-XXXXX' } })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('warning')
    const warning = titled(result, 'warning', 'NODE_AUTH_TOKEN holds no usable token')
    expect(warning?.message).toContain('NODE_AUTH_TOKEN is set to the old setup-node placeholder')
    expect(warning?.message).toContain('Remove NODE_AUTH_TOKEN from the job')
    expect(readFileSync(result.outputs['npmrc-path'], 'utf8')).not.toContain('_authToken')
  })
})
