// "Every registry users publish to": the built action against loopback registries shaped like GitHub
// Packages, Azure Artifacts and JFrog Artifactory (their paths and credential forms), each proven by the
// real clients a later step would run — npm 11 and 12, pnpm 12 and Yarn 4 — sending the right credential. Every
// registry here refuses anything (packument, tarball, whoami, publish) without a credential it accepts,
// so a client that did not send one fails the test.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import type http from 'node:http'
import { join } from 'node:path'
import type { ProcessResult } from '../../test-support/process.ts'
import { cleanupRunDirs, runAction, type RunActionResult } from '../../test-support/run-action.ts'
import { assertNoSecretLeak } from '../../test-support/canary.ts'
import { startFakeNpmjs, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'
import {
  installWith,
  NPMRC_CLIENTS,
  npmOnPath,
  publishWith,
  runNpmrcClient,
  runYarn,
  writeFixturePackage,
  type NpmrcClient,
} from '../../test-support/npm-cli.ts'

const alnum = (n: number) =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n)
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

/**
 * A fake registry that answers nothing without an accepted Authorization header (the built-in routes
 * of fake-npmjs serve packuments and tarballs to anyone): a private feed, as these registries are.
 */
async function privateRegistry(prefix: string): Promise<FakeNpmjs & { accept(header: string): void }> {
  const accepted = new Set<string>()
  const registry = await startFakeNpmjs({
    prefix,
    hook(req: http.IncomingMessage, res: http.ServerResponse) {
      const header = req.headers.authorization
      if (header && accepted.has(header)) return false
      const body = JSON.stringify({ error: 'authentication required' })
      res.writeHead(401, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'www-authenticate': 'Basic realm="feed"' })
      res.end(body)
      return true
    },
  })
  return Object.assign(registry, { accept: (header: string) => void accepted.add(header) })
}

/** The env of a later step: what the action exported (GITHUB_ENV), on the same HOME. */
const stepEnv = (result: RunActionResult, extra: Record<string, string> = {}) => ({ ...result.env, HOME: result.dirs.home, ...extra })

/** A project in `dir` depending on `deps` (name → version). */
function appDir(dir: string, deps: Record<string, string>): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: deps }))
  return dir
}

/** A later step's exit code with its output when it failed (the output shows in the test's failure). */
const outcome = (r: ProcessResult) => ({ code: r.code, out: r.code === 0 ? '' : `${r.stdout}\n${r.stderr}` })

/**
 * `client` publishes `name@version` and installs it in a fresh project through what the action wrote,
 * and every request it made carried `authorization` (the registry refuses anything else anyway).
 */
async function publishAndInstall(
  client: NpmrcClient,
  registry: FakeNpmjs,
  opts: { workspace: string; env: Record<string, string>; name: string; version: string; authorization: string },
): Promise<void> {
  const before = registry.requests.length
  const pkg = writeFixturePackage(join(opts.workspace, `pkg-${client}`), opts.name, opts.version)
  expect(outcome(await publishWith(client, { cwd: pkg, env: opts.env }))).toEqual({ code: 0, out: '' })
  expect(registry.published.map((p) => `${p.name}@${p.version}`)).toContain(`${opts.name}@${opts.version}`)
  // The install on a HOME of its own: npm keeps what it published in its cache and would not fetch the tarball.
  const app = appDir(join(opts.workspace, `app-${client}`), { [opts.name]: opts.version })
  const home = join(opts.workspace, `home-${client}`)
  const install = await installWith(client, { cwd: app, env: { ...opts.env, HOME: home, npm_config_cache: join(home, 'cache') } })
  expect(outcome(install)).toEqual({ code: 0, out: '' })
  expect(existsSync(join(app, 'node_modules', ...opts.name.split('/'), 'package.json'))).toBe(true)
  const requests = registry.requests.slice(before)
  // The publish, the packument and the tarball under the registry's path (the scope's slash escaped or not, as the client sends it).
  const doc = `${registry.url.slice(registry.origin.length)}${opts.name}`
  const seen = requests.map((r) => `${r.method} ${decodeURIComponent(r.path)}`)
  const tarball = `${doc}/-/${opts.name.split('/').pop()}-${opts.version}.tgz`
  expect(seen).toEqual(expect.arrayContaining([`PUT ${doc}`, `GET ${doc}`, `GET ${tarball}`]))
  for (const r of requests) expect({ path: r.path, authorization: r.headers.authorization }).toEqual({ path: r.path, authorization: opts.authorization })
}

/** What the action reported back beyond the token itself: no annotation mentions an unknown expiry. */
function expectQuietExpiry(result: RunActionResult) {
  expect(result.annotations.filter((a) => a.level === 'notice')).toEqual([])
  expect(result.annotations.map((a) => `${a.title} ${a.message}`).join('\n')).not.toMatch(/expir/i)
  expect(result.summary).not.toContain('### Findings')
  expect(result.outputs).toMatchObject({ 'expires-at': '', 'days-left': '', 'expiry-source': '' })
}

afterAll(() => cleanupRunDirs())

describe('GitHub Packages', () => {
  let registry: Awaited<ReturnType<typeof privateRegistry>>
  beforeAll(async () => {
    registry = await privateRegistry('/')
  })
  afterAll(() => registry?.stop())

  it.each(NPMRC_CLIENTS)(
    "uses the job's GITHUB_TOKEN, scopes to the repository owner, skips the token list quietly; %s publishes and installs through it",
    async (client) => {
      const githubToken = `ghs_${alnum(36)}`
      registry.addToken({ token: githubToken, username: 'github-actions[bot]' })
      registry.accept(`Bearer ${githubToken}`)
      const result = await runAction({
        // The registry-kind input stands for the host (npm.pkg.github.com) this loopback server cannot be.
        inputs: { 'registry-url': registry.url, 'registry-kind': 'github', 'github-token': githubToken },
        // The job may mint ID tokens: GitHub Packages has no trusted publishing, so auto still means the token.
        env: {
          GITHUB_REPOSITORY_OWNER: 'Octo-Org',
          ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/id?api-version=2.0',
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req-token',
          ...npmOnPath(client),
        },
      })
      expect(result.exitCode).toBe(0)
      expect(result.outputs).toMatchObject({ 'auth-method': 'token', username: 'github-actions[bot]', status: 'ok', 'token-type': 'unknown' })
      const npmrc = readFileSync(result.outputs['npmrc-path'], 'utf8')
      expect(npmrc).toContain(`//127.0.0.1:${registry.port}/:_authToken=\${NODE_AUTH_TOKEN}`)
      expect(npmrc).toContain(`@octo-org:registry=${registry.url}`)
      expect(npmrc).not.toMatch(/^registry=/m)
      expect(result.env.NODE_AUTH_TOKEN).toBe(githubToken)
      // No token list on GitHub Packages: not asked, and expiry "unknown" is an info line only.
      expect(registry.requests.some((r) => r.path.includes('/-/npm/v1/tokens'))).toBe(false)
      expect(result.stdout).toMatch(/Expiry unknown\W+GitHub Packages has no token list/)
      expect(result.stdout).toContain('scope: @octo-org (the repository owner')
      expect(result.stdout).toMatch(client === 'npm12' ? /; npm 12\.\d+\.\d+ on PATH/ : /; npm 11\.\d+\.\d+ on PATH/) // the job's npm
      expectQuietExpiry(result)
      assertNoSecretLeak(result, [githubToken], { tokenEnv: 'NODE_AUTH_TOKEN' })

      // A later step publishes @octo-org/widget-<client> and installs it, every request with the job's token.
      await publishAndInstall(client, registry, {
        workspace: result.dirs.workspace,
        env: stepEnv(result),
        name: `@octo-org/widget-${client}`,
        version: '1.0.0',
        authorization: `Bearer ${githubToken}`,
      })
      expect(registry.published.map((p) => `${p.name} by ${p.username}`)).toContain(`@octo-org/widget-${client} by github-actions[bot]`)

      const post = await runAction({ step: 'post', dirs: result.dirs })
      expect(post.exitCode).toBe(0)
      expect(existsSync(result.outputs['npmrc-path'])).toBe(false)
    },
  )

  it('a token the registry refuses on whoami is a warning there, not a failure (GITHUB_TOKEN on whoami is unconfirmed)', async () => {
    const refused = `ghp_${alnum(36)}`
    const result = await runAction({
      inputs: { 'registry-url': registry.url, 'registry-kind': 'github', token: refused, scope: '@octo-org' },
      env: { GITHUB_REPOSITORY_OWNER: 'octo-org' },
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('warning')
    const warning = result.annotations.find((a) => a.level === 'warning')
    expect(warning?.title).toBe('GitHub Packages did not accept the token for whoami')
    expect(warning?.message).toMatch(/GITHUB_TOKEN/)
    expect(existsSync(result.outputs['npmrc-path'])).toBe(true)
    assertNoSecretLeak(result, [refused], { tokenEnv: 'NODE_AUTH_TOKEN' })
  })
})

describe('Azure Artifacts', () => {
  const org = 'octo-org'
  let registry: Awaited<ReturnType<typeof privateRegistry>>
  beforeAll(async () => {
    // Recognised by its path (…/_packaging/FEED/npm/registry/) with no registry-kind input.
    registry = await privateRegistry(`/${org}/_packaging/feed/npm/registry/`)
  })
  afterAll(() => registry?.stop())

  it.each(NPMRC_CLIENTS)(
    'writes username / _password / email for /npm/registry/ and /npm/, exports base64(PAT) masked, and %s publish / install send Basic ORG:PAT',
    async (client) => {
      const pat = alnum(52).toLowerCase()
      registry.addToken({ token: pat, username: 'mona@contoso.example' })
      registry.accept(basic(org, pat))
      const first = registry.requests.length
      const result = await runAction({ inputs: { 'registry-url': registry.url, token: pat }, env: npmOnPath(client) })
      expect(result.exitCode).toBe(0)
      expect(result.outputs).toMatchObject({ 'auth-method': 'token', username: 'mona@contoso.example', status: 'ok' })
      expect(result.stdout).toContain('Registry kind: azure (Azure Artifacts; by path)')

      const host = `//127.0.0.1:${registry.port}/${org}/_packaging/feed/npm/`
      const email = "npm requires email to be set but doesn't use the value"
      const npmrc = readFileSync(result.outputs['npmrc-path'], 'utf8')
      for (const key of [`${host}registry/`, host]) {
        expect(npmrc).toContain(`${key}:username=${org}\n`)
        expect(npmrc).toContain(`${key}:_password=\${NODE_AUTH_TOKEN}\n`)
        expect(npmrc).toContain(`${key}:email=${email}\n`)
      }
      expect(npmrc).not.toContain('_authToken')
      expect(npmrc).toContain(`registry=${registry.url}`)
      const encoded = Buffer.from(pat).toString('base64')
      expect(result.env.NODE_AUTH_TOKEN).toBe(encoded)
      // The PAT, its base64 form and the Basic ident (ORG:PAT) whoami sends are all masked.
      const ident = Buffer.from(`${org}:${pat}`).toString('base64')
      expect(result.masks).toEqual(expect.arrayContaining([pat, encoded, ident]))
      expect(result.stdout.indexOf(`::add-mask::${ident}`)).toBeLessThan(result.stdout.indexOf('::group::Token'))
      // The base64 form is masked before it is exported.
      const maskAt = result.stdout.indexOf(`::add-mask::${encoded}`)
      expect(maskAt).toBeGreaterThan(-1)
      expect(maskAt).toBeLessThan(result.stdout.indexOf('Exported NPM_CONFIG_USERCONFIG and NODE_AUTH_TOKEN'))

      const whoami = registry.requests.slice(first).find((r) => r.path.endsWith('/-/whoami'))
      expect(whoami?.path).toBe(`/${org}/_packaging/feed/npm/registry/-/whoami`)
      expect(whoami?.headers.authorization).toBe(basic(org, pat))
      expect(registry.requests.slice(first).some((r) => r.path.includes('/-/npm/v1/tokens'))).toBe(false)
      expect(result.stdout).toMatch(/Expiry unknown\W+Azure Artifacts has no (npm )?token list/)
      expectQuietExpiry(result)
      assertNoSecretLeak(result, [pat], { tokenEnv: 'NODE_AUTH_TOKEN' })

      const env = stepEnv(result)
      // With username/_password npm's whoami answers the configured username without asking (npm's get-identity);
      // pnpm 12 asks the registry (which answers only Basic ORG:PAT) and prints its answer.
      const whoamiStep = await runNpmrcClient(client, ['whoami'], { cwd: result.dirs.workspace, env })
      expect(whoamiStep.stdout.trim()).toBe(client === 'pnpm12' ? 'mona@contoso.example' : org)
      await publishAndInstall(client, registry, {
        workspace: result.dirs.workspace,
        env,
        name: `azure-fixture-${client}`,
        version: '2.0.0',
        authorization: basic(org, pat),
      })

      const post = await runAction({ step: 'post', dirs: result.dirs })
      expect(post.exitCode).toBe(0)
      expect(existsSync(result.outputs['npmrc-path'])).toBe(false)
      assertNoSecretLeak(post, [pat], { tokenEnv: 'NODE_AUTH_TOKEN' }) // main's GITHUB_ENV file is under the same root
    },
  )

  it('a PAT Azure refuses fails the step with Azure advice', async () => {
    const bad = alnum(52).toLowerCase()
    const result = await runAction({ inputs: { 'registry-url': registry.url, token: bad } })
    expect(result.exitCode).toBe(1)
    const error = result.annotations.find((a) => a.level === 'error')
    expect(error?.message).toMatch(/rejected the token \(HTTP 401\)/)
    expect(error?.message).toMatch(/Azure DevOps/)
    expect(result.outputs['npmrc-path']).toBe('')
    assertNoSecretLeak(result, [bad])
  })
})

describe('JFrog Artifactory, proven by npm and pnpm', () => {
  it.each(NPMRC_CLIENTS)(
    'token form under the repository path; %s publishes and installs through the .npmrc, and gets nothing once post removed it',
    async (client) => {
      const registry = await privateRegistry('/artifactory/api/npm/npm-local/')
      try {
        const token = `cmVmdGtuOjAxOj${alnum(40)}`
        registry.addToken({ token, username: 'ci-publisher' })
        registry.accept(`Bearer ${token}`)
        const result = await runAction({
          inputs: { 'registry-url': registry.url, token, 'package-manager': client === 'pnpm12' ? 'pnpm' : 'npm' },
          env: npmOnPath(client),
        })
        expect(result.exitCode).toBe(0)
        expect(result.outputs).toMatchObject({ username: 'ci-publisher', status: 'ok' })
        expect(result.stdout).toContain('Registry kind: artifactory (JFrog Artifactory; by path)')
        const npmrc = readFileSync(result.outputs['npmrc-path'], 'utf8')
        expect(npmrc).toContain(`//127.0.0.1:${registry.port}/artifactory/api/npm/npm-local/:_authToken=\${NODE_AUTH_TOKEN}`)
        expect(npmrc).toContain(`registry=${registry.url}`)
        expect(registry.requests.find((r) => r.path.endsWith('/-/whoami'))?.path).toBe('/artifactory/api/npm/npm-local/-/whoami')
        assertNoSecretLeak(result, [token], { tokenEnv: 'NODE_AUTH_TOKEN' })

        // The client reads the .npmrc the action wrote (NPM_CONFIG_USERCONFIG): registry and token, for packument and tarball.
        const env = stepEnv(result)
        expect((await runNpmrcClient(client, ['whoami'], { cwd: result.dirs.workspace, env })).stdout.trim()).toBe('ci-publisher')
        await publishAndInstall(client, registry, {
          workspace: result.dirs.workspace,
          env,
          name: 'jfrog-fixture',
          version: '1.2.3',
          authorization: `Bearer ${token}`,
        })

        // Without the action's config, the client gets nothing from this registry.
        const post = await runAction({ step: 'post', dirs: result.dirs })
        expect(post.exitCode).toBe(0)
        const freshHome = join(result.dirs.root, 'fresh-home') // no store or metadata cache from the install above
        mkdirSync(freshHome)
        const again = appDir(join(result.dirs.workspace, 'again'), { 'jfrog-fixture': '1.2.3' })
        const denied = await runNpmrcClient(
          client,
          client === 'pnpm12'
            ? ['install', '--no-frozen-lockfile', '--reporter=append-only', `--registry=${registry.url}`]
            : ['install', '--no-audit', '--no-fund', `--registry=${registry.url}`],
          { cwd: again, env: { ...env, HOME: freshHome, npm_config_cache: join(freshHome, 'cache') } },
        )
        expect(denied.code).not.toBe(0)
        expect(denied.stdout + denied.stderr).toMatch(/401/)
      } finally {
        await registry.stop()
      }
    },
  )
})

describe('Yarn 2+ (reads .yarnrc.yml, never .npmrc)', () => {
  it('detects the Yarn project, writes npmRegistries / npmScopes to $HOME/.yarnrc.yml; Yarn 4 publishes, whoami and installs the scoped package through it; post restores the file', async () => {
    const registry = await privateRegistry('/npm/')
    try {
      const token = `npm_${alnum(36)}`
      registry.addToken({ token, username: 'berry' })
      registry.accept(`Bearer ${token}`)
      // A Yarn project (its .yarnrc.yml makes package-manager auto pick yarn) and a HOME with a Yarn config of its own.
      const first = await runAction({ inputs: { 'registry-url': registry.url, token, mode: 'check' } })
      const project = join(first.dirs.root, 'project')
      mkdirSync(project)
      // The fixture is seconds old: Yarn 4.10+ holds back versions younger than npmMinimalAgeGate (1 day, also
      // the default of every npmScopes entry, so the top-level setting cannot lift it for a scope); preapprove it.
      writeFileSync(join(project, '.yarnrc.yml'), 'nodeLinker: node-modules\nenableTelemetry: false\nnpmPreapprovedPackages: ["@octo-org/*"]\n')
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: { '@octo-org/berry-fixture': '1.0.0' } }),
      )
      const homeYarnrc = join(first.dirs.home, '.yarnrc.yml')
      const original = 'npmRegistries:\n  "https://other.example.test":\n    npmAuthToken: "${OTHER_TOKEN:-}"\nenableGlobalCache: false\n'
      writeFileSync(homeYarnrc, original)

      const result = await runAction({ inputs: { 'registry-url': registry.url, token, scope: '@octo-org', 'working-directory': project }, dirs: first.dirs })
      expect(result.exitCode).toBe(0)
      expect(result.stdout).toContain(`Package manager: yarn (${join(project, '.yarnrc.yml')} exists (Yarn 2+))`)
      expect(result.state).toMatchObject({ 'yarnrc-path': homeYarnrc, 'yarnrc-created': 'false' })
      const yarnrc = readFileSync(homeYarnrc, 'utf8')
      expect(yarnrc).toContain(`"//127.0.0.1:${registry.port}/npm/":\n    npmAlwaysAuth: true\n    npmAuthToken: "\${NODE_AUTH_TOKEN}"`)
      expect(yarnrc).toContain(`npmScopes:\n  octo-org:\n    npmRegistryServer: "${registry.url}"`)
      expect(yarnrc).toContain('npmRegistries:\n  "https://other.example.test":\n    npmAuthToken: "${OTHER_TOKEN:-}"\n  "//127.0.0.1') // the user's registry, kept
      expect(yarnrc).toMatch(/^# setup-npm-auth displaced for \/\/127\.0\.0\.1:\d+\/npm\/: npmRegistries:$/m) // keyed by the registry (two uses in one job)
      expect(yarnrc).not.toContain(token)
      assertNoSecretLeak(result, [token], { tokenEnv: 'NODE_AUTH_TOKEN' })

      // Yarn reads only the home .yarnrc.yml: it publishes the fixture (a Yarn project of its own) through the scope's registry.
      const env = stepEnv(result, { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' })
      const pkg = writeFixturePackage(join(result.dirs.workspace, 'pkg'), '@octo-org/berry-fixture', '1.0.0')
      writeFileSync(join(pkg, 'yarn.lock'), '')
      expect(outcome(await runYarn(['install'], { cwd: pkg, env }))).toEqual({ code: 0, out: '' }) // no dependencies: its lockfile only
      const publishFrom = registry.requests.length
      const published = await runYarn(['npm', 'publish'], { cwd: pkg, env })
      expect(outcome(published)).toEqual({ code: 0, out: '' })
      expect(registry.published.map((p) => `${p.name}@${p.version} by ${p.username}`)).toContain('@octo-org/berry-fixture@1.0.0 by berry')
      expect(registry.requests.slice(publishFrom).find((r) => r.method === 'PUT')?.headers.authorization).toBe(`Bearer ${token}`)

      const before = registry.requests.length
      const whoami = await runYarn(['npm', 'whoami', '--scope', 'octo-org'], { cwd: project, env })
      expect({ code: whoami.code, out: whoami.stdout.trim() }).toMatchObject({ code: 0, out: expect.stringContaining('berry') })
      const install = await runYarn(['install'], { cwd: project, env })
      if (install.code !== 0) throw new Error(`yarn install failed:\n${install.stdout}\n${install.stderr}`)
      expect(existsSync(join(project, 'node_modules', '@octo-org', 'berry-fixture', 'package.json'))).toBe(true)
      const yarnRequests = registry.requests.slice(before)
      expect(yarnRequests.map((r) => r.path)).toEqual(
        expect.arrayContaining(['/npm/-/whoami', '/npm/@octo-org%2fberry-fixture', '/npm/@octo-org%2fberry-fixture/-/berry-fixture-1.0.0.tgz']),
      )
      for (const r of yarnRequests) expect(r.headers.authorization).toBe(`Bearer ${token}`)

      const post = await runAction({ step: 'post', dirs: result.dirs })
      expect(post.exitCode).toBe(0)
      expect(readFileSync(homeYarnrc, 'utf8')).toBe(original)
      expect(existsSync(result.outputs['npmrc-path'])).toBe(false)
      // Yarn has no credential for the registry any more.
      const after = await runYarn(['npm', 'whoami', '--scope', 'octo-org'], { cwd: project, env })
      expect(after.code).not.toBe(0)
      assertNoSecretLeak(post, [token], { tokenEnv: 'NODE_AUTH_TOKEN' })
    } finally {
      await registry.stop()
    }
  })

  it('package-manager yarn creates the home file when there is none, and post removes it', async () => {
    const registry = await privateRegistry('/')
    try {
      const token = `npm_${alnum(36)}`
      registry.addToken({ token, username: 'berry2' })
      registry.accept(`Bearer ${token}`)
      const result = await runAction({ inputs: { 'registry-url': registry.url, token, 'package-manager': 'yarn', 'export-token': 'false' } })
      expect(result.exitCode).toBe(0)
      const path = join(result.dirs.home, '.yarnrc.yml')
      expect(result.state).toMatchObject({ 'yarnrc-path': path, 'yarnrc-created': 'true' })
      const yarnrc = readFileSync(path, 'utf8')
      // Not exported: `${VAR:-}`, or Yarn would refuse to run at all in steps without the variable.
      expect(yarnrc).toContain('npmAuthToken: "${NODE_AUTH_TOKEN:-}"')
      expect(yarnrc).toContain(`npmRegistryServer: "${registry.url}"`)
      const project = join(result.dirs.workspace, 'p')
      mkdirSync(project)
      writeFileSync(join(project, 'package.json'), '{"name":"p","version":"1.0.0","private":true}')
      writeFileSync(join(project, 'yarn.lock'), '')
      const env = stepEnv(result, { NODE_AUTH_TOKEN: token })
      const whoami = await runYarn(['npm', 'whoami'], { cwd: project, env })
      expect({ code: whoami.code, out: whoami.stdout.trim() }).toMatchObject({ code: 0, out: expect.stringContaining('berry2') })
      assertNoSecretLeak(result, [token])
      const post = await runAction({ step: 'post', dirs: result.dirs })
      expect(post.exitCode).toBe(0)
      expect(existsSync(path)).toBe(false)
    } finally {
      await registry.stop()
    }
  })
})
