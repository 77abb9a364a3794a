// The pure parts of "every registry users publish to": which kind a URL is, what each kind writes and
// asks, the Yarn 2+ config merge, and the package manager choice.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { InputError, TokenRejectedError, describeError } from '../../src/errors.js'
import { HttpClient } from '../../src/http/client.js'
import type { TransportRequest } from '../../src/http/transport.js'
import { checkToken } from '../../src/check/check-token.js'
import { parseSettings } from '../../src/settings/parse.js'
import { chooseAuthFor } from '../../src/auth/choose-auth.js'
import { restoreMarkedBlock } from '../../src/config-files/marked-block.js'
import { AZURE_EMAIL, mergeNpmrc, renderNpmrcLines, restoreNpmrc, type NpmrcContent } from '../../src/config-files/npmrc.js'
import { resolvePackageManager } from '../../src/project/package-manager.js'
import {
  azureCredentialKeys,
  azurePassword,
  azureUsername,
  defaultScope,
  detectRegistryKind,
  effectiveToken,
  registryProfile,
  whoamiRequest,
} from '../../src/registry/kind.js'
import { planTarget } from '../../src/registry/target.js'
import { mergeYarnrc, yarnrcEntries, yarnrcNeedsParser, yarnrcPath, YarnrcError, type YarnrcContent } from '../../src/config-files/yarnrc.js'

const u = (s: string) => new URL(s)
const kindOf = (s: string, isPublic = false) => detectRegistryKind(u(s), isPublic).kind
const OIDC_ENV = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token?x=1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req', RUNNER_ENVIRONMENT: 'github-hosted' }

describe('detectRegistryKind', () => {
  it.each([
    ['https://npm.pkg.github.com', 'github-packages'],
    ['https://npm.pkg.github.com/', 'github-packages'],
    ['https://NPM.PKG.GITHUB.COM/', 'github-packages'],
    ['https://Npm.Pkg.GitHub.com/Octo-Org', 'github-packages'],
    // Recognised by host only (issue #11, item 1): a GHES path on a host that is not GITHUB_SERVER_URL's is generic.
    ['https://ghes.example.test/_registry/npm/', 'generic'],
    ['https://pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/', 'azure'],
    ['https://pkgs.dev.azure.com/contoso/project/_packaging/feed/npm/registry/', 'azure'],
    ['https://contoso.pkgs.visualstudio.com/_packaging/feed/npm/registry/', 'azure'],
    ['https://tfs.example.test/DefaultCollection/_packaging/feed/npm/registry/', 'azure'],
    ['https://acme.jfrog.io/artifactory/api/npm/npm-local/', 'artifactory'],
    ['https://repo.example.test/artifactory/api/npm/npm-virtual/', 'artifactory'],
    ['https://acme.jfrog.io/api/npm/npm/', 'artifactory'],
    ['http://127.0.0.1:4873/', 'generic'],
    ['https://nexus.example.test/repository/npm-group/', 'generic'],
    ['https://pkg.github.com.example.test/', 'generic'],
  ])('%s → %s', (url, kind) => {
    expect(kindOf(url)).toBe(kind)
  })

  it("is npm when the URL is npm's own default registry (decided by the npm on PATH)", () => {
    expect(kindOf('https://registry.example.test/', true)).toBe('npm')
    // A known host wins over the flag (a stand-in npm whose default is GitHub Packages stays GitHub Packages).
    expect(kindOf('https://npm.pkg.github.com/', true)).toBe('github-packages')
  })
})

describe('registryProfile', () => {
  it('describes what each kind changes', () => {
    const gh = registryProfile(u('https://npm.pkg.github.com/'))
    expect(gh).toMatchObject({
      kind: 'github-packages',
      hasTokenList: false,
      trustedPublishing: false,
      credential: 'token',
      whoamiRejection: 'warning',
      whoamiOptional: true,
    })
    const az = registryProfile(u('https://pkgs.dev.azure.com/o/_packaging/f/npm/registry/'))
    expect(az).toMatchObject({
      kind: 'azure',
      hasTokenList: false,
      trustedPublishing: false,
      credential: 'password',
      whoamiRejection: 'error',
      whoamiOptional: true,
    })
    expect(registryProfile(u('https://a.jfrog.io/artifactory/api/npm/r/'))).toMatchObject({ kind: 'artifactory', hasTokenList: true, trustedPublishing: true })
    expect(registryProfile(u('http://127.0.0.1:1/'))).toMatchObject({ kind: 'generic', hasTokenList: true, trustedPublishing: true, whoamiOptional: false })
  })

  it('takes the registry-kind input over the URL', () => {
    expect(registryProfile(u('http://127.0.0.1:1/'), { choice: 'github-packages' })).toMatchObject({
      kind: 'github-packages',
      detectedBy: 'registry-kind input',
    })
    expect(registryProfile(u('https://npm.pkg.github.com/'), { choice: 'generic' }).kind).toBe('generic')
  })
})

describe('registry-kind and package-manager inputs', () => {
  const settings = (inputs: Record<string, string>) => parseSettings((name) => inputs[name] ?? '')
  it('default to auto', () => {
    expect(settings({})).toMatchObject({ registryKind: 'auto', packageManager: 'auto' })
  })
  it.each([
    ['github', 'github-packages'],
    ['GitHub', 'github-packages'],
    ['github-packages', 'github-packages'],
    ['azure', 'azure'],
    ['artifactory', 'artifactory'],
    ['npm', 'npm'],
    ['generic', 'generic'],
    ['auto', 'auto'],
  ])('registry-kind %s → %s', (value, kind) => {
    expect(settings({ 'registry-kind': value }).registryKind).toBe(kind)
  })
  it.each(['gitlab', 'constructor', '__proto__', 'toString'])('refuses registry-kind %s naming the choices', (value) => {
    expect(() => settings({ 'registry-kind': value })).toThrow(InputError)
    expect(() => settings({ 'registry-kind': value })).toThrow(/'auto', 'npm', 'github', 'azure', 'artifactory', 'generic'/)
  })
  it('parses package-manager', () => {
    expect(settings({ 'package-manager': 'Yarn' }).packageManager).toBe('yarn')
    expect(settings({ 'package-manager': 'pnpm' }).packageManager).toBe('pnpm')
    expect(() => settings({ 'package-manager': 'bun' })).toThrow(/'auto', 'npm', 'pnpm', 'yarn'/)
  })
})

describe('GitHub Packages defaults', () => {
  const gh = registryProfile(u('https://npm.pkg.github.com/'))
  const generic = registryProfile(u('http://127.0.0.1:1/'))
  it('scope defaults to the repository owner, lower-cased and @-prefixed, as setup-node does', () => {
    expect(defaultScope(gh, '', { GITHUB_REPOSITORY_OWNER: 'Octo-Org' }).scope).toBe('@octo-org')
    expect(defaultScope(gh, '', { GITHUB_REPOSITORY: 'Octo-Org/repo' }).scope).toBe('@octo-org')
    expect(defaultScope(gh, '@mine', { GITHUB_REPOSITORY_OWNER: 'Octo-Org' })).toEqual({ scope: '@mine' })
    expect(defaultScope(gh, '', {})).toEqual({ scope: '' })
    expect(defaultScope(generic, '', { GITHUB_REPOSITORY_OWNER: 'Octo-Org' })).toEqual({ scope: '' })
  })
  it('the token falls back to github-token on GitHub Packages only', () => {
    expect(effectiveToken(gh, '', 'ghs_x').token).toBe('ghs_x')
    expect(effectiveToken(gh, 'pat', 'ghs_x').token).toBe('pat')
    expect(effectiveToken(generic, '', 'ghs_x').token).toBe('')
  })
  it('planTarget applies both and says so', () => {
    const settings = parseSettings((name) => ({ 'registry-url': 'https://npm.pkg.github.com', 'github-token': 'ghs_x' })[name] ?? '')
    const target = planTarget({
      settings,
      registry: { registry: settings.registryUrl!, source: 'the registry-url input', isPublicRegistry: false },
      env: { GITHUB_REPOSITORY_OWNER: 'Octo-Org' },
      packageManager: { manager: 'npm', reason: 'test' },
    })
    expect(target.profile.kind).toBe('github-packages')
    expect(target.settings).toMatchObject({ scope: '@octo-org', token: 'ghs_x' })
    expect(target.notes.join('\n')).toMatch(/scope: @octo-org \(the repository owner/)
    expect(target.notes.join('\n')).not.toContain('ghs_x')
  })
})

describe('chooseAuthFor', () => {
  it('auto is the token on registries without trusted publishing, even with id-token: write', () => {
    const gh = registryProfile(u('https://npm.pkg.github.com/'))
    expect(chooseAuthFor(gh, { auth: 'auto', token: 'tok', env: OIDC_ENV, mode: 'setup' })).toMatchObject({ method: 'token' })
    expect(() => chooseAuthFor(gh, { auth: 'oidc', token: 'tok', env: OIDC_ENV, mode: 'setup' })).toThrow(/GitHub Packages has no npm trusted publishing/)
    expect(() => chooseAuthFor(gh, { auth: 'auto', token: '', env: OIDC_ENV, mode: 'setup' })).toThrow(/secrets\.GITHUB_TOKEN/)
    const az = registryProfile(u('https://pkgs.dev.azure.com/o/_packaging/f/npm/registry/'))
    expect(() => chooseAuthFor(az, { auth: 'auto', token: '', env: {}, mode: 'setup' })).toThrow(/personal access token/)
  })
  it('leaves npm-protocol registries to chooseAuth (OIDC with id-token: write)', () => {
    expect(chooseAuthFor(registryProfile(u('http://127.0.0.1:1/')), { auth: 'auto', token: '', env: OIDC_ENV, mode: 'setup' }).method).toBe('oidc')
  })
})

describe('Azure Artifacts', () => {
  const dev = u('https://pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/')
  const legacy = u('https://contoso.pkgs.visualstudio.com/_packaging/feed/npm/registry/')
  const project = u('https://pkgs.dev.azure.com/contoso/proj/_packaging/feed/npm/registry/')

  it('username from the organisation, credential keys for /npm/registry/ and /npm/', () => {
    expect(azureUsername(dev)).toBe('contoso')
    expect(azureUsername(legacy)).toBe('contoso')
    expect(azureUsername(project)).toBe('contoso')
    expect(azureCredentialKeys(dev)).toEqual([
      '//pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/',
      '//pkgs.dev.azure.com/contoso/_packaging/feed/npm/',
    ])
    expect(azureCredentialKeys(legacy)).toEqual([
      '//contoso.pkgs.visualstudio.com/_packaging/feed/npm/registry/',
      '//contoso.pkgs.visualstudio.com/_packaging/feed/npm/',
    ])
    // Given without registry/, both keys all the same.
    expect(azureCredentialKeys(u('https://pkgs.dev.azure.com/contoso/_packaging/feed/npm/'))).toEqual(azureCredentialKeys(dev))
    expect(azureCredentialKeys(u('http://127.0.0.1:9/x/'))).toEqual(['//127.0.0.1:9/x/'])
  })

  it("_password is the base64 of the PAT; whoami sends Basic base64(ORG:PAT) at the registry's own path", () => {
    expect(azurePassword('my-pat')).toBe(Buffer.from('my-pat').toString('base64'))
    const request = whoamiRequest(registryProfile(dev), dev, 'my-pat')
    expect(request.url.href).toBe('https://pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/-/whoami')
    expect(request.authorization).toBe(`Basic ${Buffer.from('contoso:my-pat').toString('base64')}`)
  })

  it('renders the username / _password / email form under both keys, and merges and restores exactly', () => {
    const content: NpmrcContent = {
      registry: dev,
      tokenEnv: 'NODE_AUTH_TOKEN',
      scope: '',
      setDefaultRegistry: true,
      credential: { form: 'password', username: 'contoso', keys: azureCredentialKeys(dev) },
    }
    expect(renderNpmrcLines(content)).toEqual([
      '//pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/:username=contoso',
      '//pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/:_password=${NODE_AUTH_TOKEN}',
      `//pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/:email=${AZURE_EMAIL}`,
      '//pkgs.dev.azure.com/contoso/_packaging/feed/npm/:username=contoso',
      '//pkgs.dev.azure.com/contoso/_packaging/feed/npm/:_password=${NODE_AUTH_TOKEN}',
      `//pkgs.dev.azure.com/contoso/_packaging/feed/npm/:email=${AZURE_EMAIL}`,
      'registry=https://pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/',
    ])
    const user = [
      'always-auth=true',
      '//pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/:username=me',
      '//pkgs.dev.azure.com/contoso/_packaging/feed/npm/:_password=b2xk',
      '//pkgs.dev.azure.com/contoso/_packaging/feed/npm/:email=me@example.test',
      '//pkgs.dev.azure.com/contoso/_packaging/other/npm/registry/:_password=a2VlcA==',
      '',
    ].join('\n')
    const merged = mergeNpmrc(user, content)
    expect(merged).toMatch(/^# setup-npm-auth displaced for \S+: \/\/pkgs.dev.azure.com\/contoso\/_packaging\/feed\/npm\/registry\/:username=me$/m)
    expect(merged).toMatch(/^# setup-npm-auth displaced for \S+: \/\/pkgs.dev.azure.com\/contoso\/_packaging\/feed\/npm\/:email=me@example.test$/m)
    expect(merged).toMatch(/^\/\/pkgs.dev.azure.com\/contoso\/_packaging\/other\/npm\/registry\/:_password=a2VlcA==$/m) // another feed: kept
    expect(merged).not.toContain('my-pat')
    expect(restoreNpmrc(merged)).toBe(user)
  })

  it('the token form is unchanged for every other kind', () => {
    expect(renderNpmrcLines({ registry: u('https://a.jfrog.io/artifactory/api/npm/npm-local/'), tokenEnv: 'T', scope: '', setDefaultRegistry: true })).toEqual([
      '//a.jfrog.io/artifactory/api/npm/npm-local/:_authToken=${T}',
      'registry=https://a.jfrog.io/artifactory/api/npm/npm-local/',
    ])
  })
})

describe('whoamiRequest', () => {
  it('GitHub Packages is asked at the root of npm.pkg.github.com (a URL with the owner path 404s there)', () => {
    const registry = u('https://npm.pkg.github.com/octo-org/')
    const request = whoamiRequest(registryProfile(registry), registry, 'ghs_x')
    expect(request).toEqual({ url: u('https://npm.pkg.github.com/-/whoami'), authorization: 'Bearer ghs_x' })
  })
  it('everything else under its own path with a Bearer token', () => {
    const registry = u('https://a.jfrog.io/artifactory/api/npm/npm-local/')
    expect(whoamiRequest(registryProfile(registry), registry, 't').url.href).toBe('https://a.jfrog.io/artifactory/api/npm/npm-local/-/whoami')
    const ghes = u('https://ghes.example.test/_registry/npm/')
    expect(whoamiRequest(registryProfile(ghes), ghes, 't').url.href).toBe('https://ghes.example.test/_registry/npm/-/whoami')
  })
})

describe('Yarn 2+ config', () => {
  const parse = (text: string) => parseYaml(text, { schema: 'failsafe', uniqueKeys: false }) as Record<string, unknown>
  const base: YarnrcContent = {
    registry: u('http://127.0.0.1:4873/prefix/'),
    tokenEnv: 'NODE_AUTH_TOKEN',
    scope: '@octo-org',
    setDefaultRegistry: true,
    authLine: true,
    tokenExported: true,
  }

  it('yarnrcPath: $HOME/.yarnrc.yml, renamed by YARN_RC_FILENAME as Yarn does', () => {
    expect(yarnrcPath({ HOME: '/home/runner' })).toBe('/home/runner/.yarnrc.yml')
    expect(yarnrcPath({ HOME: '/home/runner', YARN_RC_FILENAME: '.yarnrc.ci.yml' })).toBe('/home/runner/.yarnrc.ci.yml')
  })

  it('entries: npmRegistries keyed like the .npmrc, npmScopes with publish registry too, or npmRegistryServer', () => {
    expect(yarnrcEntries(base)).toEqual({
      npmRegistries: { '//127.0.0.1:4873/prefix/': { npmAlwaysAuth: true, npmAuthToken: '${NODE_AUTH_TOKEN}' } },
      npmScopes: { 'octo-org': { npmRegistryServer: 'http://127.0.0.1:4873/prefix/', npmPublishRegistry: 'http://127.0.0.1:4873/prefix/' } },
      unsafeHttpWhitelist: ['127.0.0.1'], // Yarn refuses http:// registries not named there (YN0081)
    })
    expect(yarnrcEntries({ ...base, registry: u('https://npm.pkg.github.com/') })).not.toHaveProperty('unsafeHttpWhitelist')
    expect(yarnrcEntries({ ...base, scope: '' })).toMatchObject({ npmRegistryServer: 'http://127.0.0.1:4873/prefix/' })
    expect(yarnrcEntries({ ...base, scope: '', setDefaultRegistry: false })).not.toHaveProperty('npmRegistryServer')
    // Not exported: Yarn must not refuse to start in steps without the variable.
    expect(JSON.stringify(yarnrcEntries({ ...base, tokenExported: false }))).toContain('${NODE_AUTH_TOKEN:-}')
    expect(yarnrcEntries({ ...base, authLine: false })).not.toHaveProperty('npmRegistries')
  })

  it('writes a fresh file without a parser, and restores it to nothing', () => {
    expect(yarnrcNeedsParser('')).toBe(false)
    expect(yarnrcNeedsParser('# just a comment\n\n')).toBe(false)
    const text = mergeYarnrc('', base)
    expect(parse(text)).toEqual({
      npmRegistries: { '//127.0.0.1:4873/prefix/': { npmAlwaysAuth: 'true', npmAuthToken: '${NODE_AUTH_TOKEN}' } },
      npmScopes: { 'octo-org': { npmRegistryServer: 'http://127.0.0.1:4873/prefix/', npmPublishRegistry: 'http://127.0.0.1:4873/prefix/' } },
      unsafeHttpWhitelist: ['127.0.0.1'],
    })
    expect(restoreMarkedBlock(text)).toBe('')
  })

  it("keeps the user's other registries and scopes, replaces the same registry's entry, and restores byte for byte", () => {
    const user = [
      '# my settings',
      'enableTelemetry: false',
      'npmRegistries:',
      '  "https://other.example.test":',
      '    npmAuthToken: keep-me',
      '  # a comment inside',
      '  "http://127.0.0.1:4873/prefix":',
      '    npmAuthToken: stale',
      'npmScopes:',
      '  other:',
      '    npmRegistryServer: "https://other.example.test"',
      '  octo-org:',
      '    npmRegistryServer: "https://wrong.example.test"',
      'unsafeHttpWhitelist:',
      '  - "*.example.test"',
      'nodeLinker: node-modules',
    ].join('\n') // no final line break
    expect(yarnrcNeedsParser(user)).toBe(true)
    expect(() => mergeYarnrc(user, base)).toThrow(YarnrcError)
    const text = mergeYarnrc(user, base, parse)
    expect(parse(text)).toEqual({
      enableTelemetry: 'false',
      nodeLinker: 'node-modules',
      npmRegistries: {
        'https://other.example.test': { npmAuthToken: 'keep-me' },
        '//127.0.0.1:4873/prefix/': { npmAlwaysAuth: 'true', npmAuthToken: '${NODE_AUTH_TOKEN}' },
      },
      npmScopes: {
        other: { npmRegistryServer: 'https://other.example.test' },
        'octo-org': { npmRegistryServer: 'http://127.0.0.1:4873/prefix/', npmPublishRegistry: 'http://127.0.0.1:4873/prefix/' },
      },
      unsafeHttpWhitelist: ['*.example.test', '127.0.0.1'],
    })
    expect(text).toContain('# setup-npm-auth displaced: npmRegistries:')
    expect(restoreMarkedBlock(text)).toBe(user)
    // A second run over the first run's file gives the same file.
    expect(mergeYarnrc(text, base, parse)).toBe(text)
  })

  it('appends to a file without our keys', () => {
    const user = 'nodeLinker: pnp\r\nenableGlobalCache: false\r\n'
    const text = mergeYarnrc(user, { ...base, scope: '' }, parse)
    expect(text.startsWith(user)).toBe(true)
    expect(parse(text)).toMatchObject({ nodeLinker: 'pnp', npmRegistryServer: 'http://127.0.0.1:4873/prefix/' })
    expect(restoreMarkedBlock(text)).toBe(user)
  })

  it('refuses, changing nothing, what it cannot take apart safely', () => {
    // A flow mapping spread over lines whose closing brace sits at column 0.
    const flow = 'npmRegistries: {\n  "//x.example.test": {npmAuthToken: a}\n}\nnodeLinker: pnp\n'
    expect(() => mergeYarnrc(flow, base, parse)).toThrow(/Could not merge into the existing Yarn config safely/)
    expect(() => mergeYarnrc('- a\n- b\n', base, parse)).toThrow(/not a mapping/)
    expect(() => mergeYarnrc('npmScopes: [unclosed\n', base, parse)).toThrow(/not valid YAML/)
  })
})

describe('resolvePackageManager', () => {
  const root = mkdtempSync(join(tmpdir(), 'pm-unit-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const project = (name: string, files: Record<string, string>) => {
    const dir = join(root, name)
    mkdirSync(dir, { recursive: true })
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text)
    return dir
  }
  it('auto: yarn with a .yarnrc.yml or packageManager yarn@2+, pnpm from packageManager, else npm', () => {
    expect(resolvePackageManager('auto', project('berry', { '.yarnrc.yml': 'nodeLinker: pnp\n' })).manager).toBe('yarn')
    expect(resolvePackageManager('auto', project('pm4', { 'package.json': '{"packageManager":"yarn@4.5.0"}' })).manager).toBe('yarn')
    expect(resolvePackageManager('auto', project('classic', { 'package.json': '{"packageManager":"yarn@1.22.22"}' })).manager).toBe('npm')
    expect(resolvePackageManager('auto', project('pnpm', { 'package.json': '{"packageManager":"pnpm@10.0.0"}' })).manager).toBe('pnpm')
    expect(resolvePackageManager('auto', project('plain', { 'package.json': '{' })).manager).toBe('npm')
    expect(resolvePackageManager('auto', join(root, 'missing')).manager).toBe('npm')
    expect(resolvePackageManager('yarn', join(root, 'missing'))).toEqual({ manager: 'yarn', reason: 'the package-manager input' })
  })
})

describe('checkToken per registry kind', () => {
  /** An HttpClient over a stub transport: `answer` decides each response; every request is recorded. */
  function client(answer: (r: TransportRequest) => { status: number; body?: unknown }) {
    const seen: TransportRequest[] = []
    const http = new HttpClient({
      deadline: Date.now() + 5000,
      maxTries: 1,
      transport: (r) => {
        seen.push(r)
        const { status, body } = answer(r)
        return Promise.resolve({ status, headers: { 'content-type': 'application/json' }, text: body === undefined ? '' : JSON.stringify(body) })
      },
    })
    return { http, seen }
  }
  const check = (http: HttpClient, registry: string, profile = registryProfile(u(registry))) =>
    checkToken({
      http,
      registry: u(registry),
      token: 'the-pat',
      mode: 'setup',
      warnDays: 14,
      failDays: 0,
      expiresOn: undefined,
      isPublicRegistry: false,
      runnerEnvironment: 'github-hosted',
      now: new Date(),
      profile,
    })

  it('GitHub Packages: no token list request, expiry unknown as a note only', async () => {
    const { http, seen } = client(() => ({ status: 200, body: { username: 'octocat' } }))
    const report = await check(http, 'https://npm.pkg.github.com/octo-org/')
    expect(seen.map((r) => r.url.href)).toEqual(['https://npm.pkg.github.com/-/whoami'])
    expect(report).toMatchObject({ username: 'octocat', status: 'ok', findings: [] })
    expect(report.notes.join('\n')).toMatch(/Expiry unknown\. GitHub Packages has no token list/)
    expect(report.notes.join('\n')).toMatch(/GITHUB_TOKEN.*expires with the job/)
  })

  it('GitHub Packages: 401 on whoami is a warning; 404 is "unverified"', async () => {
    const refused = await check(client(() => ({ status: 401, body: {} })).http, 'https://npm.pkg.github.com/')
    expect(refused.status).toBe('warning')
    expect(refused.findings.map((f) => f.title)).toEqual(['GitHub Packages did not accept the token for whoami'])
    const missing = await check(client(() => ({ status: 404, body: {} })).http, 'https://npm.pkg.github.com/')
    expect(missing).toMatchObject({ username: '', status: 'ok', findings: [] })
    expect(missing.notes.join('\n')).toMatch(/not verified/)
  })

  it('Azure: Basic ORG:PAT at the feed path; a 401 rejects with Azure advice', async () => {
    const feed = 'https://pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/'
    const { http, seen } = client(() => ({ status: 200, body: { username: 'mona' } }))
    expect((await check(http, feed)).username).toBe('mona')
    expect(seen).toHaveLength(1)
    expect(seen[0].headers.authorization).toBe(`Basic ${Buffer.from('contoso:the-pat').toString('base64')}`)
    const rejected = check(client(() => ({ status: 401, body: {} })).http, feed)
    await expect(rejected).rejects.toThrow(TokenRejectedError)
    // The advice rides on the error as its hint: describeError (the log, the CLI) shows it after the facts.
    const error = await check(client(() => ({ status: 401, body: {} })).http, feed).catch((e: unknown) => e)
    expect(describeError(error)).toMatch(/rejected the token \(HTTP 401\).*Azure DevOps.*Packaging/)
    expect(describeError(error)).not.toMatch(/npmjs|granular|90 days/)
  })

  it('Artifactory and generic registries keep the strict npm behaviour (token list asked, 200 {} rejects)', async () => {
    const { http, seen } = client((r) => (r.url.pathname.endsWith('/-/whoami') ? { status: 200, body: {} } : { status: 404, body: {} }))
    await expect(check(http, 'https://acme.jfrog.io/artifactory/api/npm/npm-local/')).rejects.toThrow(/HTTP 200 without a username/)
    expect(seen.some((r) => r.url.pathname.includes('/-/npm/v1/tokens'))).toBe(true)
  })
})
