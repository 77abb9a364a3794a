/**
 * Which registry npm itself would use, found the way npm finds it, so the action follows whatever the
 * runner's npm is set up for and never hard-codes a registry:
 *   npm_config_* environment → project .npmrc → user config → global config → npm's builtin npmrc →
 *   the default in the installed npm's own config definitions.
 * `npm config get registry` is spawned only when the installed npm cannot be read.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, delimiter, dirname, join, resolve } from 'node:path'
import { RegistryConfigError } from '../errors.js'
import { normaliseRegistryUrl } from './url.js'

export interface NpmInstall {
  /** Folder of the npm package (…/node_modules/npm). */
  root: string
  version: string
  /** The global prefix this npm uses by default (…/lib/node_modules/npm → …). */
  prefix: string
}

export interface RegistrySource {
  url: URL
  /** Where the value came from, for the log and the summary. */
  source: string
  /** Set when it came from the project .npmrc (repository content, not the workflow): that file. */
  repositoryFile?: string
}

export interface ResolveOptions {
  env: NodeJS.ProcessEnv
  /** The project directory (working-directory), from which npm's local prefix is found. */
  cwd: string
  /** '' or '@scope': a scope's own registry setting wins over `registry`. */
  scope: string
  npm: NpmInstall | undefined
  /** Fallback when the installed npm cannot be read; spawns npm. */
  askNpm?: () => Promise<string | undefined>
}

/**
 * Reads a value from npm's environment config as npm maps it: `npm_config_` (any case) stripped, then
 * '_' → '-' and lower case (so `NPM_CONFIG_STRICT_SSL` is `strict-ssl` and `npm_config_@my-org:registry`
 * is `@my-org:registry`); '' ignored; the last of several spellings wins, as in npm.
 */
export function npmEnvConfig(env: NodeJS.ProcessEnv, key: string): string | undefined {
  let found: string | undefined
  for (const [name, value] of Object.entries(env)) {
    if (!/^npm_config_/i.test(name) || !value) continue
    const rest = name.slice('npm_config_'.length)
    if ((rest.startsWith('//') ? rest : rest.replace(/(?!^)_/g, '-').toLowerCase()) === key) found = value
  }
  return found
}

/**
 * A minimal reader of npm's ini config, as npm reads it (the `ini` package, then npm's env replacement):
 * `key = value` lines, `#`/`;` comment lines, an unescaped `;` or `#` inside an unquoted value starts a
 * comment, quoted values are JSON-decoded, keys under a `[section]` are not top-level settings, and
 * `${VAR}` comes from the environment (`${VAR?}` empty when unset; `\${VAR}` literal).
 */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv = {}): Map<string, string> {
  const values = new Map<string, string>()
  for (const line of text.split(/[\r\n]+/)) {
    if (/^\s*([;#]|$)/.test(line)) continue
    if (/^\[[^\]]*\]\s*$/.test(line)) break // everything after a section header belongs to that section
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    const key = iniUnsafe(line.slice(0, eq))
    const value = iniUnsafe(line.slice(eq + 1))
    // ini turns these into booleans/null: never a usable string setting.
    if (!key || value === undefined || value === 'true' || value === 'false' || value === 'null') continue
    values.set(expandEnv(key, env), expandEnv(value.trim(), env))
  }
  return values
}

/** ini's `unsafe`: undefined for a quoted value that JSON-decodes to something other than a string. */
function iniUnsafe(raw: string): string | undefined {
  const value = raw.trim()
  if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
    const inner = value.startsWith("'") ? value.slice(1, -1) : value
    try {
      const parsed: unknown = JSON.parse(inner)
      return typeof parsed === 'string' ? parsed : undefined
    } catch {
      return inner
    }
  }
  let out = ''
  let escaped = false
  for (const c of value) {
    if (escaped) {
      out += '\\;#'.includes(c) ? c : `\\${c}`
      escaped = false
    } else if (c === ';' || c === '#') break
    else if (c === '\\') escaped = true
    else out += c
  }
  return (escaped ? `${out}\\` : out).trim()
}

/** npm's env-replace: an odd number of backslashes escapes the `${`, an even number is halved. */
function expandEnv(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/(?<!\\)(\\*)\$\{([^${}?]+)(\?)?\}/g, (whole: string, escapes: string, name: string, optional: string | undefined) => {
    if (escapes.length % 2 === 1) return whole.slice((escapes.length + 1) / 2)
    const found = env[name]
    return escapes.slice(escapes.length / 2) + (found !== undefined ? found : optional ? '' : `\${${name}}`)
  })
}

/** npm's local prefix: the nearest folder (from cwd up) with a package.json or node_modules. */
export function findLocalPrefix(cwd: string): string {
  let dir = resolve(cwd)
  for (;;) {
    if (existsSync(join(dir, 'package.json')) || isDirectory(join(dir, 'node_modules'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return resolve(cwd)
    dir = parent
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

/** The npm that `npm` on PATH runs, found by reading the file system, without spawning it. */
export function findNpmOnPath(env: NodeJS.ProcessEnv): NpmInstall | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, 'npm')
    let real: string
    try {
      if (!statSync(candidate).isFile()) continue
      real = realpathSync(candidate)
    } catch {
      continue
    }
    // …/node_modules/npm/bin/npm-cli.js (a symlink) or a shim next to …/node_modules/npm.
    const roots = [dirname(dirname(real)), join(dirname(real), 'node_modules', 'npm'), join(dirname(dirname(real)), 'lib', 'node_modules', 'npm')]
    for (const root of roots) {
      const manifest = readIfExists(join(root, 'package.json'))
      if (!manifest) continue
      try {
        const pkg = JSON.parse(manifest) as { name?: string; version?: string }
        if (pkg.name !== 'npm' || typeof pkg.version !== 'string') continue
        // <prefix>/lib/node_modules/npm on POSIX, <prefix>/node_modules/npm on Windows.
        const parent = dirname(dirname(root))
        const prefix = basename(parent) === 'lib' ? dirname(parent) : parent
        return { root, version: pkg.version, prefix }
      } catch {
        continue
      }
    }
    return undefined // the first npm on PATH is the one that runs; do not look past it
  }
  return undefined
}

/** The `registry` default from the installed npm's own config definitions. */
export function readNpmDefaultRegistry(npm: NpmInstall): string | undefined {
  const candidates = [
    join(npm.root, 'node_modules', '@npmcli', 'config', 'lib', 'definitions', 'definitions.js'),
    join(npm.root, 'lib', 'utils', 'config', 'definitions.js'), // npm 7 and 8
  ]
  for (const file of candidates) {
    const source = readIfExists(file)
    if (!source) continue
    const match = /\bregistry:\s*new Definition\(\s*['"]registry['"]\s*,\s*\{\s*default:\s*['"]([^'"]+)['"]/.exec(source)
    if (match) return match[1]
  }
  return undefined
}

/** Spawns `npm config get registry` (bounded); only used when the installed npm cannot be read. */
export async function askNpmForRegistry(cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const { execFile } = await import('node:child_process') // only on this fallback: nothing else spawns
  return new Promise((resolvePromise) => {
    execFile('npm', ['config', 'get', 'registry'], { cwd, env, timeout: 15_000, windowsHide: true }, (error, stdout) => {
      const value = String(stdout ?? '').trim()
      resolvePromise(error || !/^https?:\/\//.test(value) ? undefined : value)
    })
  })
}

function toUrl(value: string, source: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new RegistryConfigError(
      `The registry configured in ${source} is not a URL: ${JSON.stringify(value)}. Fix that setting or set the registry-url input.`,
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RegistryConfigError(
      `The registry configured in ${source} is not http(s): ${JSON.stringify(value)}. Fix that setting or set the registry-url input.`,
    )
  }
  url.username = ''
  url.password = ''
  return normaliseRegistryUrl(url)
}

/** npm's built-in default registry (undefined when the installed npm cannot be read). */
export function npmDefaultRegistry(npm: NpmInstall | undefined): URL | undefined {
  const value = npm && readNpmDefaultRegistry(npm)
  return value ? toUrl(value, `npm ${npm.version}'s config definitions`) : undefined
}

/** `registry` and every `@scope:registry` key set in npm's environment config, by the key npm reads. */
function envRegistryKeys(env: NodeJS.ProcessEnv): Map<string, string> {
  const map = new Map<string, string>()
  for (const name of Object.keys(env)) {
    if (!/^npm_config_/i.test(name)) continue
    const key = name
      .slice('npm_config_'.length)
      .replace(/(?!^)_/g, '-')
      .toLowerCase()
    if (key !== 'registry' && !/^@[^:]+:registry$/.test(key)) continue
    const value = npmEnvConfig(env, key)
    if (value) map.set(key, value)
  }
  return map
}

/** A configured registry value as it may be shown: a URL without credentials, else only that it is not one. */
function shownRegistry(value: string): string {
  try {
    const url = new URL(value)
    url.username = ''
    url.password = ''
    return url.href
  } catch {
    return '(not a URL)'
  }
}

/**
 * The registry npm would use for the project (or for `scope`'s packages), and where that came from.
 * A scope with no registry of its own is refused (RegistryConfigError) rather than sent to the default
 * registry: `@acmee` mistyped for `@acme` must not send the scope's credential anywhere.
 */
interface ConfigLayer {
  source: string
  repositoryFile?: string
  read: () => Map<string, string> | undefined
}

/** npm's config layers, highest priority first: environment, project, user, global, npm's builtin npmrc. */
function configLayers(opts: Pick<ResolveOptions, 'env' | 'cwd' | 'npm'>): ConfigLayer[] {
  const { env } = opts
  const localPrefix = findLocalPrefix(opts.cwd)
  const userConfig = npmEnvConfig(env, 'userconfig') ?? join(env.HOME || homedir(), '.npmrc')
  const globalPrefix = npmEnvConfig(env, 'prefix') ?? env.PREFIX ?? opts.npm?.prefix
  const globalConfig = npmEnvConfig(env, 'globalconfig') ?? (globalPrefix ? join(globalPrefix, 'etc', 'npmrc') : undefined)
  const projectConfig = join(localPrefix, '.npmrc')
  return [
    { source: 'the npm_config_* environment', read: () => envRegistryKeys(env) },
    { source: `the project config ${projectConfig}`, repositoryFile: projectConfig, read: () => fileLayer(projectConfig, env) },
    { source: `the user config ${userConfig}`, read: () => fileLayer(userConfig, env) },
    ...(globalConfig ? [{ source: `the global config ${globalConfig}`, read: () => fileLayer(globalConfig, env) }] : []),
    ...(opts.npm ? [{ source: `npm's builtin config ${join(opts.npm.root, 'npmrc')}`, read: () => fileLayer(join(opts.npm!.root, 'npmrc'), env) }] : []),
  ]
}

/**
 * The `_authToken` npm would send to `registry` (what `npm login` stored), found as npm-registry-fetch
 * finds it: the key `//host[:port]/path/:_authToken` for the registry's own path, then each shorter path
 * down to `//host/`, in every config layer (the environment and npm's files, highest priority first).
 */
export function findRegistryAuthToken(opts: Pick<ResolveOptions, 'env' | 'cwd' | 'npm'> & { registry: URL }): { token: string; source: string } | undefined {
  const layers = configLayers(opts).map((layer) => ({ source: layer.source, values: layer.read() }))
  const segments = opts.registry.pathname.split('/').filter(Boolean)
  for (let n = segments.length; n >= 0; n--) {
    const key = `//${opts.registry.host}/${segments
      .slice(0, n)
      .map((s) => `${s}/`)
      .join('')}:_authToken`
    for (const { source, values } of layers) {
      const value = values?.get(key) ?? (source.includes('environment') ? npmEnvConfig(opts.env, key) : undefined)
      if (value && !value.includes('${')) return { token: value, source: `${key.replace(/:_authToken$/, '')} in ${source}` }
    }
  }
  return undefined
}

export async function resolveNpmRegistry(opts: ResolveOptions): Promise<RegistrySource> {
  const keys = opts.scope ? [`${opts.scope}:registry`] : ['registry']

  const layers = configLayers(opts)
  // As npm picks a registry: `@scope:registry` from ANY layer beats `registry` from every layer.
  const read = layers.map((layer) => ({ source: layer.source, repositoryFile: layer.repositoryFile, values: layer.read() }))
  for (const key of keys) {
    for (const { source, repositoryFile, values } of read) {
      const value = values?.get(key)
      if (value) return { url: toUrl(value, `${source} (${key})`), source: `${key} from ${source}`, ...(repositoryFile ? { repositoryFile } : {}) }
    }
  }

  const builtIn = npmDefaultRegistry(opts.npm)
  if (opts.scope) throw noRegistryForScope(opts.scope, read, builtIn)
  if (builtIn) return { url: builtIn, source: `the default of npm ${opts.npm!.version} on PATH` }

  const asked = opts.askNpm ? await opts.askNpm() : undefined
  if (asked) return { url: toUrl(asked, '`npm config get registry`'), source: '`npm config get registry`' }

  throw new RegistryConfigError(
    'Could not tell which registry npm uses: no registry is configured and no readable npm was found on PATH. Set the registry-url input (or run actions/setup-node first).',
  )
}

/** The refusal of a scope no layer has a registry for: what IS configured, and how to configure the scope. */
function noRegistryForScope(
  scope: string,
  layers: Array<{ source: string; values: Map<string, string> | undefined }>,
  npmDefault: URL | undefined,
): RegistryConfigError {
  const configured: string[] = []
  for (const { source, values } of layers) {
    for (const [key, value] of values ?? []) {
      if (key === 'registry' || /^@[^:]+:registry$/.test(key)) configured.push(`${key}=${shownRegistry(value)} (${source})`)
    }
  }
  if (npmDefault) configured.push(`registry=${npmDefault.href} (the default of npm on PATH)`)
  return new RegistryConfigError(
    `No registry is configured for the scope ${scope}, and registry-url is not set: nothing was sent. ` +
      `The registries configured are: ${configured.length > 0 ? configured.join('; ') : 'none'}. ` +
      `If ${scope} is not a typo, set registry-url (CLI: --registry) to the registry of ${scope}, or add "${scope}:registry=https://…" to the project .npmrc; ` +
      'otherwise correct the scope (or leave it empty to use the default registry).',
  )
}

function fileLayer(path: string, env: NodeJS.ProcessEnv): Map<string, string> | undefined {
  const text = readIfExists(path)
  return text === undefined ? undefined : parseNpmrc(text, env)
}
