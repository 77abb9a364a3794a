// Issue #11, items 1, 3, 8 and 9 against the pure parts: what a hostile repository (its .npmrc, its
// package.json) or a crafted registry URL can make the action send or write. Each case is the attack;
// the assertion is that the credential stays home, the request path stays put, the file stays one line.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { RegistryConfigError } from '../../src/errors.js'
import { ConfigValueError } from '../../src/config-files/line-values.js'
import { mergeNpmrc, renderNpmrcLines, type NpmrcContent } from '../../src/config-files/npmrc.js'
import { yarnrcEntries } from '../../src/config-files/yarnrc.js'
import { escapePackageName, exchangeUrl } from '../../src/oidc/exchange.js'
import { isValidPackageName, packageNameProblem, PackageNameError } from '../../src/project/package-name.js'
import { findLocalPackages, packagesToCheck } from '../../src/project/local-packages.js'
import { azureBasicIdent, azureUsername, detectRegistryKind, effectiveToken, isGitHubPackagesHost, registryProfile } from '../../src/registry/kind.js'
import { resolveNpmRegistry } from '../../src/registry/npm-config.js'
import { listStaged } from '../../src/registry/stage-api.js'
import { planTarget } from '../../src/registry/target.js'
import { parsePackages, parseSettings } from '../../src/settings/parse.js'
import { InputError } from '../../src/errors.js'
import type { HttpClient } from '../../src/http/client.js'

const u = (s: string) => new URL(s)
const roots: string[] = []
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })))
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'hostile-repo-'))
  roots.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

describe('item 1: GitHub Packages by host only; the github-token never goes elsewhere', () => {
  const GHES = 'https://ghes.example.test'
  it.each([
    ['https://npm.pkg.github.com/', undefined, true],
    ['https://NPM.PKG.GITHUB.COM/octo-org', undefined, true],
    ['https://ghes.example.test/_registry/npm/', GHES, true],
    ['https://npm.ghes.example.test/', GHES, true],
    ['https://GHES.example.test/_registry/npm/', `${GHES}/`, true],
    // The attacks: a GHES-shaped path anywhere else, look-alike hosts, the server's host without the path.
    ['https://evil.example.test/_registry/npm/', undefined, false],
    ['https://evil.example.test/_registry/npm/', GHES, false],
    ['https://ghes.example.test.evil.test/_registry/npm/', GHES, false],
    ['https://ghes.example.test/other/', GHES, false],
    ['https://ghes.example.test:8443/_registry/npm/', GHES, false],
    ['https://npm.pkg.github.com.evil.test/', undefined, false],
    ['https://evil.test/npm.pkg.github.com/', undefined, false],
    ['https://github.com/_registry/npm/', 'https://github.com', false],
    ['https://npm.github.com/', 'https://github.com', false],
    ['https://evil.test/_registry/npm/', 'not a url', false],
  ])('%s with GITHUB_SERVER_URL=%s → %s', (url, server, expected) => {
    expect(isGitHubPackagesHost(u(url), server)).toBe(expected)
    expect(detectRegistryKind(u(url), false, server).kind === 'github-packages').toBe(expected)
  })

  const settings = (inputs: Record<string, string>) => parseSettings((name) => ({ 'github-token': 'ghs_jobtoken', ...inputs })[name] ?? '')
  const plan = (registry: string, inputs: Record<string, string>, repositoryFile?: string, env: NodeJS.ProcessEnv = {}) =>
    planTarget({
      settings: settings(inputs),
      registry: {
        registry: u(registry),
        source: repositoryFile ? `registry from ${repositoryFile}` : 'the registry-url input',
        isPublicRegistry: false,
        repositoryFile,
      },
      env,
      packageManager: { manager: 'npm', reason: 'test' },
    })

  it('a /_registry/npm/ registry from the project .npmrc gets no github-token (and no token at all)', () => {
    const target = plan('https://evil.example.test/_registry/npm/', {}, '/repo/.npmrc', { GITHUB_SERVER_URL: 'https://github.com' })
    expect(target.profile.kind).toBe('generic')
    expect(target.settings.token).toBe('')
    expect(target.notes.join('\n')).toMatch(/not GitHub Packages' host/)
  })

  it('registry-kind: github on a registry a repository file chose: github-token withheld, with a warning naming the file', () => {
    const target = plan('https://evil.example.test/', { 'registry-kind': 'github' }, '/repo/.npmrc')
    expect(target.profile.kind).toBe('github-packages')
    expect(target.settings.token).toBe('')
    expect(target.warnings.join('\n')).toMatch(/github-token is not sent to evil\.example\.test[^]*\/repo\/\.npmrc/)
    expect(JSON.stringify([target.notes, target.warnings, target.settings.token])).not.toContain('ghs_jobtoken')
  })

  it('registry-kind: github on a registry-url the workflow named: the github-token goes there (the workflow said so)', () => {
    expect(plan('http://127.0.0.1:9/', { 'registry-kind': 'github' }).settings.token).toBe('ghs_jobtoken')
  })

  it("GitHub's own hosts get the github-token, from a repository file too", () => {
    expect(plan('https://npm.pkg.github.com/', {}, '/repo/.npmrc').settings.token).toBe('ghs_jobtoken')
    expect(plan('https://ghes.example.test/_registry/npm/', {}, undefined, { GITHUB_SERVER_URL: 'https://ghes.example.test' }).settings.token).toBe(
      'ghs_jobtoken',
    )
  })

  it('effectiveToken: the fallback needs a GitHub host, or the kind declared for a registry the workflow named', () => {
    const declared = registryProfile(u('https://evil.test/'), { choice: 'github-packages' })
    expect(effectiveToken(declared, '', 'ghs_x', { registry: u('https://evil.test/') }).token).toBe('ghs_x')
    expect(effectiveToken(declared, '', 'ghs_x', { registry: u('https://evil.test/'), repositoryFile: '/r/.npmrc' }).token).toBe('')
    expect(effectiveToken(declared, 'pat', 'ghs_x', { registry: u('https://evil.test/'), repositoryFile: '/r/.npmrc' }).token).toBe('pat')
  })

  it('resolveNpmRegistry marks a registry taken from the project .npmrc with that file; the environment and user config are not', async () => {
    const base = tree({ 'project/package.json': '{}', 'project/.npmrc': 'registry=https://evil.example.test/_registry/npm/\n', 'user.npmrc': '' })
    const options = (env: NodeJS.ProcessEnv = {}) => ({
      env: { HOME: base, NPM_CONFIG_USERCONFIG: join(base, 'user.npmrc'), NPM_CONFIG_GLOBALCONFIG: join(base, 'none'), ...env },
      cwd: join(base, 'project'),
      scope: '',
      npm: undefined,
    })
    const found = await resolveNpmRegistry(options())
    expect(found.repositoryFile).toBe(join(base, 'project', '.npmrc'))
    expect((await resolveNpmRegistry(options({ npm_config_registry: 'http://127.0.0.1:9/' }))).repositoryFile).toBeUndefined()
  })
})

describe('item 3: a scope with no registry of its own is refused, naming what is configured', () => {
  const base = tree({
    'project/package.json': '{}',
    'project/.npmrc': '@acme:registry=https://npm.pkg.github.com/\n',
    'user.npmrc': 'registry=https://registry.example.test/\n//registry.example.test/:_authToken=SECRETVALUE\n',
  })
  let asked = 0
  const options = (scope: string, env: NodeJS.ProcessEnv = {}) => ({
    env: { HOME: base, NPM_CONFIG_USERCONFIG: join(base, 'user.npmrc'), NPM_CONFIG_GLOBALCONFIG: join(base, 'none'), ...env },
    cwd: join(base, 'project'),
    scope,
    npm: undefined,
    askNpm: () => {
      asked++
      return Promise.resolve('https://registry.npmjs.org/')
    },
  })

  it('a mistyped scope (@acmee for @acme): RegistryConfigError naming the scope, each configured registry with its scope and source, and the fix', async () => {
    const error = (await resolveNpmRegistry(options('@acmee')).catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(RegistryConfigError)
    expect(error.message).toContain('scope @acmee')
    expect(error.message).toContain(`@acme:registry=https://npm.pkg.github.com/ (the project config ${join(base, 'project', '.npmrc')})`)
    expect(error.message).toContain(`registry=https://registry.example.test/ (the user config ${join(base, 'user.npmrc')})`)
    expect(error.message).toMatch(/set registry-url[^]*"@acmee:registry=https:\/\/…"/)
    expect(error.message).toContain('nothing was sent')
    // Other settings of those files (a credential) are never quoted.
    expect(error.message).not.toContain('SECRETVALUE')
    expect(asked).toBe(0)
  })

  it('a scope set only in the environment for ANOTHER scope, or `registry` alone, does not count', async () => {
    const error = (await resolveNpmRegistry(
      options('@acmee', { 'npm_config_@other:registry': 'https://other.test/', npm_config_registry: 'https://env.test/' }),
    ).catch((e: unknown) => e)) as Error
    expect(error.message).toContain('@other:registry=https://other.test/ (the npm_config_* environment)')
    expect(error.message).toContain('registry=https://env.test/ (the npm_config_* environment)')
  })

  it('a registry value with credentials in it is shown without them', async () => {
    const error = (await resolveNpmRegistry(options('@acmee', { npm_config_registry: 'https://user:pa55word@env.test/' })).catch((e: unknown) => e)) as Error
    expect(error.message).toContain('registry=https://env.test/')
    expect(error.message).not.toContain('pa55word')
  })

  it("the scope's own registry is still found; no scope still falls back to the default", async () => {
    expect((await resolveNpmRegistry(options('@acme'))).url.href).toBe('https://npm.pkg.github.com/')
    expect((await resolveNpmRegistry(options(''))).url.href).toBe('https://registry.example.test/')
  })
})

describe('item 8: package names npm would refuse never reach a request', () => {
  const HOSTILE = [
    '../../-/whoami?x=',
    '..',
    '.',
    '-',
    '-/whoami',
    '@scope/../../x',
    '@scope/a/b',
    'a/b',
    '@/x',
    'x?y=1',
    'x#frag',
    'x%2f..%2f-',
    'x%00',
    'café',
    'a b',
    ' x',
    'x\n::error::forged',
    'X',
    '_private',
    '.hidden',
    'node_modules',
    'favicon.ico',
    'http',
    'fs',
    'a~b',
    "it's",
    'a!',
    'a(b)',
    'a*',
    'a'.repeat(215),
    '',
  ]
  it.each(HOSTILE.map((n) => [n]))('%j is refused everywhere', (name) => {
    expect(isValidPackageName(name)).toBe(false)
    expect(packageNameProblem(name)).toEqual(expect.any(String))
    expect(() => escapePackageName(name)).toThrow(PackageNameError)
    expect(() => exchangeUrl(u('https://registry.example.test/'), name)).toThrow(PackageNameError)
    // (The input trims around each name and splits at commas and line breaks.)
    if (name.trim() === name && name !== '' && !/[\n,]/.test(name)) expect(() => parsePackages(name)).toThrow(InputError)
  })

  it.each([['my-pkg'], ['@my-org/my-pkg'], ['a.b_c-d'], ['@scope~x/pkg'], ['a'.repeat(214)], ['@types/node'], ['node-fetch']])('%s is accepted', (name) => {
    expect(packageNameProblem(name)).toBeUndefined()
    expect(parsePackages(name)).toEqual([name])
  })

  it('escapes a valid name as npm does, one path segment', () => {
    expect(escapePackageName('@my-org/my-pkg')).toBe('@my-org%2fmy-pkg')
    expect(exchangeUrl(u('https://registry.example.test/prefix/'), '@my-org/pkg').pathname).toBe('/-/npm/v1/oidc/token/exchange/package/@my-org%2fpkg')
  })

  it('the packages input error quotes the bad name escaped (no raw line break)', () => {
    const error = (() => {
      try {
        parsePackages('ok-pkg,../../-/whoami?x=')
      } catch (e) {
        return e as Error
      }
      return undefined
    })()
    expect(error?.message).toContain('"../../-/whoami?x="')
  })

  it('a package.json name is validated (single package, private too; workspace members), naming the file', () => {
    const single = tree({ 'package.json': JSON.stringify({ name: '../../-/whoami?x=', version: '1.0.0' }) })
    expect(() => findLocalPackages(single)).toThrow(PackageNameError)
    expect(() => findLocalPackages(single)).toThrow(/"\.\.\/\.\.\/-\/whoami\?x=" \(the name in .*package\.json\)/)
    const injected = tree({ 'package.json': JSON.stringify({ name: 'x\n::error::forged' }) })
    const message = (() => {
      try {
        findLocalPackages(injected)
      } catch (e) {
        return (e as Error).message
      }
      return ''
    })()
    expect(message).toContain('"x\\n::error::forged"')
    expect(message).not.toContain('\n')
    const workspace = tree({
      'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
      'packages/good/package.json': JSON.stringify({ name: '@org/good' }),
      'packages/bad/package.json': JSON.stringify({ name: '@org/../../-/npm/v1/tokens' }),
    })
    expect(() => findLocalPackages(workspace)).toThrow(/@org\/\.\.\/\.\.\/-\/npm\/v1\/tokens[^]*packages\/bad\/package\.json/)
    expect(() => packagesToCheck([], workspace)).toThrow(PackageNameError)
    // A private workspace root is never sent anywhere: its name is not held to npm's rules.
    const privateRoot = tree({
      'package.json': JSON.stringify({ name: 'My Monorepo', private: true, workspaces: ['packages/*'] }),
      'packages/good/package.json': JSON.stringify({ name: '@org/good' }),
    })
    expect(findLocalPackages(privateRoot).map((p) => p.name)).toEqual(['@org/good'])
  })

  it('packagesToCheck refuses a bad name handed to it directly', () => {
    const dir = tree({ 'package.json': JSON.stringify({ name: 'fine' }) })
    expect(() => packagesToCheck(['../x'], dir)).toThrow(PackageNameError)
  })

  it('listStaged sends nothing for a bad name', async () => {
    const sent: string[] = []
    const http = {
      send: (url: URL) => {
        sent.push(url.href)
        return Promise.resolve({ status: 404, headers: {}, body: '' })
      },
    } as unknown as HttpClient
    await expect(listStaged({ http, registry: u('https://registry.example.test/'), token: () => 't', packages: ['../../-/whoami?x='] })).rejects.toThrow(
      PackageNameError,
    )
    expect(sent).toEqual([])
  })
})

describe('item 9: every value written into .npmrc / .yarnrc.yml is one line of plain characters', () => {
  const azure = (org: string) => u(`https://pkgs.dev.azure.com/${org}/_packaging/feed/npm/registry/`)

  it.each([
    ['%0a_authToken=stolen', /decodes to "\\n_authToken=stolen"/],
    ['x%0d%0aregistry=https:%2f%2fevil.test%2f', /decodes to "x\\r\\nregistry=https:\/\/evil.test\/"/],
    ['x%0A%2f%2fevil.test%2f:_authToken=t', /not an organisation name/],
    ['a%20b', /not an organisation name/],
    ['a%3Bcomment', /not an organisation name/],
    ['%24%7BHOME%7D', /not an organisation name/],
    ['%E2%80%AE', /not an organisation name/],
  ])('an Azure URL whose first segment is %s is a RegistryConfigError, not a username', (org, message) => {
    expect(() => azureUsername(azure(org))).toThrow(RegistryConfigError)
    expect(() => azureUsername(azure(org))).toThrow(message)
    // whoami's Basic credential is built from it: nothing is sent either.
    expect(() => azureBasicIdent(azure(org), 'pat')).toThrow(RegistryConfigError)
  })

  it.each([['%'], ['%E0%A4%A'], ['%zz'], ['%C3']])('a malformed escape (%s) is a clear input error, not URIError', (org) => {
    let caught: unknown
    try {
      azureUsername(azure(org))
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(RegistryConfigError)
    expect(caught).not.toBeInstanceOf(URIError)
    expect((caught as Error).message).toMatch(/malformed percent-escape/)
  })

  it('a plain organisation still works', () => {
    expect(azureUsername(azure('contoso'))).toBe('contoso')
    expect(azureUsername(azure('con-toso.1'))).toBe('con-toso.1')
  })

  const content = (over: Partial<NpmrcContent>): NpmrcContent => ({
    registry: u('https://registry.example.test/npm/'),
    tokenEnv: 'NODE_AUTH_TOKEN',
    scope: '',
    setDefaultRegistry: true,
    ...over,
  })

  it.each([
    ['a username with a line break', { credential: { form: 'password' as const, username: 'x\n//evil.test/:_authToken=t', keys: ['//r.test/npm/'] } }],
    ['a username with a carriage return', { credential: { form: 'password' as const, username: 'x\rregistry=https://evil.test/', keys: ['//r.test/npm/'] } }],
    ['a username with a comment char', { credential: { form: 'password' as const, username: 'x;y', keys: ['//r.test/npm/'] } }],
    ['a username with ${}', { credential: { form: 'password' as const, username: '${GITHUB_TOKEN}', keys: ['//r.test/npm/'] } }],
    ['a key with a line break', { credential: { form: 'password' as const, username: 'ok', keys: ['//r.test/\nregistry=https://evil.test/'] } }],
    ['a key with =', { credential: { form: 'password' as const, username: 'ok', keys: ['//r.test/a=b/'] } }],
    ['a registry path with ;', { registry: u('https://registry.example.test/a;b/') }],
    ["a registry path with '", { registry: u("https://registry.example.test/a'b/") }],
    ['a token env that is not a name', { tokenEnv: 'X}\nregistry=https://evil.test/' }],
    ['a scope with a line break', { scope: '@x\nregistry' }],
  ])('renderNpmrcLines refuses %s (ConfigValueError)', (_label, over) => {
    expect(() => renderNpmrcLines(content(over))).toThrow(ConfigValueError)
    expect(() => mergeNpmrc('registry=https://mine.test/\n', content(over))).toThrow(/Refusing to write .* into \.npmrc/)
  })

  it('an ordinary registry still renders, one line per setting', () => {
    const lines = renderNpmrcLines(content({ scope: '@my-org' }))
    expect(lines).toEqual(['//registry.example.test/npm/:_authToken=${NODE_AUTH_TOKEN}', '@my-org:registry=https://registry.example.test/npm/'])
    expect(renderNpmrcLines(content({ registry: u('http://[::1]:4873/') }))).toEqual([
      '//[::1]:4873/:_authToken=${NODE_AUTH_TOKEN}',
      'registry=http://[::1]:4873/',
    ])
  })

  it('yarnrcEntries refuses the same values', () => {
    const yarn = {
      registry: u('https://registry.example.test/npm/'),
      tokenEnv: 'NODE_AUTH_TOKEN',
      scope: '',
      setDefaultRegistry: true,
      authLine: true,
      tokenExported: true,
    }
    expect(() => yarnrcEntries({ ...yarn, registry: u('https://registry.example.test/a;b/') })).toThrow(ConfigValueError)
    expect(() => yarnrcEntries({ ...yarn, tokenEnv: 'X}\nnpmRegistryServer: evil' })).toThrow(ConfigValueError)
    expect(() => yarnrcEntries({ ...yarn, scope: '@x\ny' })).toThrow(ConfigValueError)
    expect(yarnrcEntries(yarn).npmRegistryServer).toBe('https://registry.example.test/npm/')
  })
})
