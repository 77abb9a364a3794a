import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { RegistryConfigError } from '../../src/errors.js'
import {
  findLocalPrefix,
  findNpmOnPath,
  npmDefaultRegistry,
  npmEnvConfig,
  parseNpmrc,
  readNpmDefaultRegistry,
  resolveNpmRegistry,
  type NpmInstall,
  type ResolveOptions,
} from '../../src/registry/npm-config.js'

// npm's own ini reader and env replacement, from the npm on PATH (wherever it is installed): the oracle.
const NPM_ROOT = findNpmOnPath(process.env)?.root
if (!NPM_ROOT) throw new Error('no npm on PATH: these tests compare with the installed npm')
const requireFromNpm = createRequire(join(NPM_ROOT, 'package.json'))
const ini = requireFromNpm('ini') as { decode(text: string): Record<string, unknown> }
const envReplace = requireFromNpm(join(NPM_ROOT, 'node_modules/@npmcli/config/lib/env-replace.js')) as (
  value: string,
  env: Record<string, string | undefined>,
) => string

/** What npm's config loader makes of a file: top-level string settings, env-replaced. */
function npmReads(text: string, env: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(ini.decode(text))) {
    if (typeof value === 'string') out.set(envReplace(key, env), envReplace(value.trim(), env))
  }
  return out
}

let root: string
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'npm-config-unit-')))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Writes files under a fresh folder of the temp root; returns that folder. */
let folders = 0
function tree(files: Record<string, string>): string {
  const base = join(root, `t${++folders}`)
  mkdirSync(base)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(base, path)), { recursive: true })
    writeFileSync(join(base, path), text)
  }
  return base
}

describe('parseNpmrc', () => {
  const env = { TOKEN: 'npm_fromEnv', EMPTY: '', HOST: 'registry.example.test' }

  it('reads settings, skipping comments and blank lines', () => {
    const text = '# comment\n; other comment\n\n  registry = https://registry.example.com/  \nfund=false\nstrict-ssl=true\n'
    expect([...parseNpmrc(text)]).toEqual([['registry', 'https://registry.example.com/']])
  })

  it('unquotes quoted values', () => {
    expect(parseNpmrc('a="https://a.example.com/"\nb=\'https://b.example.com/\'').get('a')).toBe('https://a.example.com/')
    expect(parseNpmrc("b='https://b.example.com/'").get('b')).toBe('https://b.example.com/')
  })

  it('expands ${VAR} and ${VAR?} from the given environment, leaving an unset ${VAR} as written', () => {
    const values = parseNpmrc(
      ['//${HOST}/:_authToken=${TOKEN}', 'a=${UNSET}', 'b=${UNSET?}', 'c=${EMPTY}', 'd=\\${TOKEN}', 'e=pre-${TOKEN?}-post'].join('\n'),
      env,
    )
    expect(Object.fromEntries(values)).toEqual({
      '//registry.example.test/:_authToken': 'npm_fromEnv',
      a: '${UNSET}',
      b: '',
      c: '',
      d: '${TOKEN}',
      e: 'pre-npm_fromEnv-post',
    })
  })

  it('stops a value at an inline comment, as npm does', () => {
    expect(parseNpmrc('registry=https://registry.example.com/ ; the mirror').get('registry')).toBe('https://registry.example.com/')
    expect(parseNpmrc('registry=https://registry.example.com/ # the mirror').get('registry')).toBe('https://registry.example.com/')
  })

  it('does not take settings under a [section] as top-level ones', () => {
    expect(parseNpmrc('registry=https://a.example.com/\n[other]\nregistry=https://b.example.com/').get('registry')).toBe('https://a.example.com/')
  })

  it.each([
    'registry=https://registry.example.com/\n',
    'registry = "https://registry.example.com/"\r\n@my-org:registry=https://npm.example.test/\r\n',
    "registry='https://registry.example.com/path/'",
    'registry=https://a.example.com/\nregistry=https://b.example.com/',
    'registry=https://registry.example.com/;comment',
    'registry=https://registry.example.com/ # comment',
    'registry=https://registry.example.com/a\\;b\\#c',
    'registry=https://registry.example.com/a\\b',
    'registry="https://registry.example.com/ ; not a comment"',
    'registry="unterminated\\qescape"',
    'registry="42"\nfund="true"',
    'registry=${HOST}\nb=${UNSET}\nc=${UNSET?}\nd=\\${TOKEN}\ne=\\\\${TOKEN}\nf=\\\\\\${TOKEN}\ng=\\\\${UNSET}',
    '//${HOST}/:_authToken=${TOKEN}',
    '  ; indented comment\n  registry = https://registry.example.com/\n',
    'a=1\n[section]\nregistry=https://b.example.com/\n[other]\nc=2',
    '=novalue\nnoequals\nregistry=',
    'key = "quoted key"\n"registry"=https://q.example.com/',
  ])('reads %j as npm does', (text) => {
    expect(parseNpmrc(text, env)).toEqual(npmReads(text, env))
  })
})

describe('npmEnvConfig', () => {
  it('reads npm_config_KEY in any case, with dashes as underscores', () => {
    expect(npmEnvConfig({ npm_config_registry: 'http://127.0.0.1:1/' }, 'registry')).toBe('http://127.0.0.1:1/')
    expect(npmEnvConfig({ NPM_CONFIG_REGISTRY: 'http://127.0.0.1:2/' }, 'registry')).toBe('http://127.0.0.1:2/')
    expect(npmEnvConfig({ Npm_Config_UserConfig: '/tmp/x' }, 'userconfig')).toBe('/tmp/x')
    expect(npmEnvConfig({ NPM_CONFIG_STRICT_SSL: 'false' }, 'strict-ssl')).toBe('false')
    expect(npmEnvConfig({ 'npm_config_@my-org:registry': 'http://127.0.0.1:3/' }, '@my-org:registry')).toBe('http://127.0.0.1:3/')
    expect(npmEnvConfig({ 'NPM_CONFIG_@MY_ORG:REGISTRY': 'http://127.0.0.1:4/' }, '@my-org:registry')).toBe('http://127.0.0.1:4/')
  })

  it('takes the last of several spellings, as npm does', () => {
    expect(npmEnvConfig({ NPM_CONFIG_REGISTRY: 'http://127.0.0.1:1/', npm_config_registry: 'http://127.0.0.1:2/' }, 'registry')).toBe('http://127.0.0.1:2/')
  })

  it('ignores empty values and other names', () => {
    expect(npmEnvConfig({ npm_config_registry: '' }, 'registry')).toBeUndefined()
    expect(npmEnvConfig({ npm_config_registry_x: 'a', NPM_REGISTRY: 'b', registry: 'c' }, 'registry')).toBeUndefined()
  })
})

describe('findLocalPrefix', () => {
  it('finds the nearest folder with a package.json', () => {
    const base = tree({ 'package.json': '{}', 'packages/app/src/.keep': '' })
    expect(findLocalPrefix(join(base, 'packages/app/src'))).toBe(base)
    writeFileSync(join(base, 'packages/app/package.json'), '{}')
    expect(findLocalPrefix(join(base, 'packages/app/src'))).toBe(join(base, 'packages/app'))
  })

  it('counts a node_modules folder, but not a node_modules file', () => {
    const base = tree({ 'node_modules/.keep': '', 'a/node_modules': 'not a folder', 'a/b/.keep': '' })
    expect(findLocalPrefix(join(base, 'a/b'))).toBe(base)
  })

  it('falls back to the folder itself when nothing above qualifies', () => {
    const base = tree({ 'x/y/.keep': '' })
    const ancestors: string[] = []
    for (let dir = base; dirname(dir) !== dir; dir = dirname(dir)) ancestors.push(dir)
    ancestors.push('/')
    const marked = ancestors.some((d) => existsSync(join(d, 'package.json')) || existsSync(join(d, 'node_modules')))
    expect(findLocalPrefix(join(base, 'x/y'))).toBe(marked ? findLocalPrefix(base) : join(base, 'x/y'))
  })
})

describe('findNpmOnPath', () => {
  it('finds the npm that runs on this machine, with its version', () => {
    const npm = findNpmOnPath(process.env)
    expect(npm).toBeDefined()
    const version = execFileSync('npm', ['--version'], { env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    expect(npm?.version).toBe(version)
    expect(existsSync(join(npm!.root, 'bin', 'npm-cli.js'))).toBe(true)
  })

  it('reads a POSIX install: PREFIX/bin/npm linked to PREFIX/lib/node_modules/npm', () => {
    const prefix = tree({ 'lib/node_modules/npm/package.json': '{"name":"npm","version":"10.9.9"}', 'lib/node_modules/npm/bin/npm-cli.js': '' })
    mkdirSync(join(prefix, 'bin'))
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(prefix, 'bin', 'npm'))
    expect(findNpmOnPath({ PATH: `${join(root, 'nothing-here')}:${join(prefix, 'bin')}` })).toEqual({
      root: join(prefix, 'lib/node_modules/npm'),
      version: '10.9.9',
      prefix,
    })
  })

  it('reads a shim next to node_modules/npm (Windows layout) and a shim in PREFIX/bin', () => {
    const win = tree({ npm: '#!/bin/sh\n', 'node_modules/npm/package.json': '{"name":"npm","version":"11.0.0"}' })
    expect(findNpmOnPath({ PATH: win })).toEqual({ root: join(win, 'node_modules/npm'), version: '11.0.0', prefix: win })
    const shim = tree({ 'bin/npm': '#!/bin/sh\n', 'lib/node_modules/npm/package.json': '{"name":"npm","version":"9.8.1"}' })
    expect(findNpmOnPath({ PATH: join(shim, 'bin') })).toEqual({ root: join(shim, 'lib/node_modules/npm'), version: '9.8.1', prefix: shim })
  })

  it('skips a folder named npm, and does not look past the first npm file on PATH', () => {
    const folder = tree({ 'npm/.keep': '' })
    const good = tree({ npm: '', 'node_modules/npm/package.json': '{"name":"npm","version":"11.0.0"}' })
    expect(findNpmOnPath({ PATH: `${folder}:${good}` })?.version).toBe('11.0.0')
    const unknown = tree({ npm: '', 'node_modules/npm/package.json': '{"name":"not-npm","version":"1.0.0"}' })
    expect(findNpmOnPath({ PATH: `${unknown}:${good}` })).toBeUndefined()
    expect(findNpmOnPath({})).toBeUndefined()
  })
})

describe("npm's default registry", () => {
  it('is read from the installed npm definitions: an https URL ending in /', () => {
    const npm = findNpmOnPath(process.env)!
    const value = readNpmDefaultRegistry(npm)
    const definitions = createRequire(join(npm.root, 'package.json'))(join(npm.root, 'node_modules/@npmcli/config/lib/definitions/index.js')) as {
      definitions: { registry: { default: string } }
    }
    expect(value).toBe(definitions.definitions.registry.default)
    expect(value).toMatch(/^https:\/\/[^/]+\/$/)
    expect(npmDefaultRegistry(npm)?.href).toBe(value)
  })

  it('is read from an npm 7/8 layout, and is undefined when npm cannot be read', () => {
    const old = tree({ 'lib/utils/config/definitions.js': "  registry: new Definition('registry', {\n    default: 'http://127.0.0.1:9/',\n" })
    expect(readNpmDefaultRegistry({ root: old, version: '8.0.0', prefix: root })).toBe('http://127.0.0.1:9/')
    expect(readNpmDefaultRegistry({ root: join(root, 'missing'), version: '1.0.0', prefix: root })).toBeUndefined()
    expect(npmDefaultRegistry(undefined)).toBeUndefined()
  })
})

describe('resolveNpmRegistry', () => {
  const ENV_REG = 'http://127.0.0.1:1001/'
  const PROJECT_REG = 'http://127.0.0.1:1002/'
  const USER_REG = 'http://127.0.0.1:1003/'
  const GLOBAL_REG = 'http://127.0.0.1:1004/'
  const BUILTIN_REG = 'http://127.0.0.1:1005/'
  const DEFAULT_REG = 'http://127.0.0.1:1006/npm'

  /** A project, a home, user and global configs, and a fake npm install, each with its own registry. */
  function setup(which: { project?: string; user?: string; global?: string; builtin?: string } = {}) {
    const base = tree({
      'project/package.json': '{}',
      'project/packages/app/.keep': '',
      ...(which.project ? { 'project/.npmrc': which.project } : {}),
      ...(which.user ? { 'user.npmrc': which.user } : {}),
      ...(which.global ? { 'global.npmrc': which.global } : {}),
      'home/.keep': '',
      ...(which.builtin ? { 'npm/npmrc': which.builtin } : {}),
      'npm/node_modules/@npmcli/config/lib/definitions/definitions.js': `registry: new Definition('registry', { default: '${DEFAULT_REG}',`,
    })
    const npm: NpmInstall = { root: join(base, 'npm'), version: '11.99.0', prefix: join(base, 'prefix') }
    const options = (env: NodeJS.ProcessEnv = {}, overrides: Partial<ResolveOptions> = {}): ResolveOptions => ({
      env: { HOME: join(base, 'home'), NPM_CONFIG_USERCONFIG: join(base, 'user.npmrc'), NPM_CONFIG_GLOBALCONFIG: join(base, 'global.npmrc'), ...env },
      cwd: join(base, 'project/packages/app'),
      scope: '',
      npm,
      ...overrides,
    })
    return { base, npm, options }
  }

  const all = { project: `registry=${PROJECT_REG}`, user: `registry=${USER_REG}`, global: `registry=${GLOBAL_REG}`, builtin: `registry=${BUILTIN_REG}` }

  it('takes the environment over every file', async () => {
    const { options } = setup(all)
    const found = await resolveNpmRegistry(options({ npm_config_registry: ENV_REG }))
    expect(found.url.href).toBe(ENV_REG)
    expect(found.source).toMatch(/environment/)
  })

  it('takes the project .npmrc (found from a sub-folder) over the user config', async () => {
    const { base, options } = setup(all)
    const found = await resolveNpmRegistry(options())
    expect(found.url.href).toBe(PROJECT_REG)
    expect(found.source).toContain(join(base, 'project/.npmrc'))
  })

  it('takes the user config (NPM_CONFIG_USERCONFIG) over the global one', async () => {
    const { base, options } = setup({ ...all, project: 'fund=false' })
    const found = await resolveNpmRegistry(options())
    expect(found.url.href).toBe(USER_REG)
    expect(found.source).toContain(join(base, 'user.npmrc'))
  })

  it('reads ~/.npmrc when NPM_CONFIG_USERCONFIG is not set', async () => {
    const { base, options } = setup({ global: `registry=${GLOBAL_REG}` })
    writeFileSync(join(base, 'home/.npmrc'), `registry=${USER_REG}`)
    const opts = options()
    delete opts.env.NPM_CONFIG_USERCONFIG
    expect((await resolveNpmRegistry(opts)).url.href).toBe(USER_REG)
  })

  it('takes the global config over the builtin one and the default', async () => {
    const { options } = setup({ global: all.global, builtin: all.builtin })
    expect((await resolveNpmRegistry(options())).url.href).toBe(GLOBAL_REG)
  })

  it('finds the global config under the npm prefix, or under PREFIX', async () => {
    const { base, options } = setup({})
    mkdirSync(join(base, 'prefix/etc'), { recursive: true })
    writeFileSync(join(base, 'prefix/etc/npmrc'), `registry=${GLOBAL_REG}`)
    const opts = options()
    delete opts.env.NPM_CONFIG_GLOBALCONFIG
    expect((await resolveNpmRegistry(opts)).url.href).toBe(GLOBAL_REG)
    mkdirSync(join(base, 'other/etc'), { recursive: true })
    writeFileSync(join(base, 'other/etc/npmrc'), `registry=${ENV_REG}`)
    opts.env.PREFIX = join(base, 'other')
    expect((await resolveNpmRegistry(opts)).url.href).toBe(ENV_REG)
  })

  it("uses npm's builtin npmrc, then the default from npm's definitions (normalised)", async () => {
    const builtin = setup({ builtin: all.builtin })
    expect((await resolveNpmRegistry(builtin.options())).url.href).toBe(BUILTIN_REG)
    const { options } = setup({})
    const found = await resolveNpmRegistry(options())
    expect(found.url.href).toBe(`${DEFAULT_REG}/`)
    expect(found.source).toContain('11.99.0')
  })

  it("takes the scope's own registry from any layer over `registry` from every layer", async () => {
    const { options } = setup({ ...all, user: `registry=${USER_REG}\n@my-org:registry=http://127.0.0.1:2001/` })
    const found = await resolveNpmRegistry(options({ npm_config_registry: ENV_REG }, { scope: '@my-org' }))
    expect(found.url.href).toBe('http://127.0.0.1:2001/')
    expect(found.source).toMatch(/^@my-org:registry from the user config/)
    // Another scope's setting does not count, nor does `registry`: a scope without a registry is refused (issue #11, item 3).
    await expect(resolveNpmRegistry(options({ npm_config_registry: ENV_REG }, { scope: '@other' }))).rejects.toThrow(/scope @other/)
    // Without a scope, `registry` is what counts.
    expect((await resolveNpmRegistry(options({ npm_config_registry: ENV_REG }))).url.href).toBe(ENV_REG)
  })

  it('takes a scope registry from the environment over one in a file', async () => {
    const { options } = setup({ user: '@my-org:registry=http://127.0.0.1:2001/' })
    const found = await resolveNpmRegistry(options({ 'NPM_CONFIG_@my-org:registry': 'http://127.0.0.1:2002/' }, { scope: '@my-org' }))
    expect(found.url.href).toBe('http://127.0.0.1:2002/')
  })

  it('expands ${VAR} in a config file and strips credentials from the URL', async () => {
    const { options } = setup({ project: 'registry=http://someone:pw@127.0.0.1:${REG_PORT}/npm' })
    expect((await resolveNpmRegistry(options({ REG_PORT: '3003' }))).url.href).toBe('http://127.0.0.1:3003/npm/')
  })

  it('refuses a configured registry that is not an http(s) URL, naming where it came from', async () => {
    const { base, options } = setup({ user: 'registry=ftp://127.0.0.1/' })
    const error = await resolveNpmRegistry(options()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RegistryConfigError)
    expect((error as Error).message).toContain(join(base, 'user.npmrc'))
    await expect(resolveNpmRegistry(setup({ user: 'registry=not a url' }).options())).rejects.toThrow(/is not a URL/)
  })

  it('asks npm only when no npm install can be read, and fails with RegistryConfigError when that gives nothing', async () => {
    const { options } = setup({})
    let asked = 0
    const askNpm = () => {
      asked++
      return Promise.resolve('http://127.0.0.1:4873')
    }
    expect((await resolveNpmRegistry(options({}, { askNpm }))).url.href).toBe(`${DEFAULT_REG}/`)
    expect(asked).toBe(0)
    const found = await resolveNpmRegistry(options({}, { npm: undefined, askNpm }))
    expect(found.url.href).toBe('http://127.0.0.1:4873/')
    expect(asked).toBe(1)
    await expect(resolveNpmRegistry(options({}, { npm: undefined, askNpm: () => Promise.resolve(undefined) }))).rejects.toBeInstanceOf(RegistryConfigError)
    await expect(resolveNpmRegistry(options({}, { npm: undefined }))).rejects.toThrow(/registry-url/)
  })
})
