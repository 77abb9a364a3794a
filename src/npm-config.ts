/**
 * Which registry npm itself would use, found the way npm finds it, so the action follows whatever the
 * runner's npm is set up for and never hard-codes a registry:
 *   npm_config_* environment → project .npmrc → user config → global config → npm's builtin npmrc →
 *   the default in the installed npm's own config definitions.
 * `npm config get registry` is spawned only when the installed npm cannot be read.
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, delimiter, dirname, join, resolve } from 'node:path'
import { RegistryConfigError } from './errors.js'
import { normaliseRegistryUrl } from './inputs.js'

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

/** Reads a value from npm's environment config: npm_config_KEY, case-insensitive, '' ignored. */
export function npmEnvConfig(env: NodeJS.ProcessEnv, key: string): string | undefined {
  const wanted = `npm_config_${key.replace(/-/g, '_')}`.toLowerCase()
  for (const [name, value] of Object.entries(env)) {
    if (name.toLowerCase() === wanted && value) return value
  }
  return undefined
}

/**
 * A minimal reader of npm's ini config: `key = value` lines, `#`/`;` comments, quoted values, `${VAR}`
 * from the environment (`${VAR?}` empty when unset), as npm reads them.
 */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv = {}): Map<string, string> {
  const values = new Map<string, string>()
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    const key = line.slice(0, eq).trim()
    let value = line.slice(eq + 1).trim()
    if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
      value = value.slice(1, -1)
    }
    values.set(key, expandEnv(value, env))
  }
  return values
}

function expandEnv(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/(\\*)\$\{([^${}?]+)(\?)?\}/g, (whole, escapes: string, name: string, optional: string | undefined) => {
    if (escapes.length % 2 === 1) return whole.slice(1)
    const found = env[name]
    if (found !== undefined) return escapes + found
    return optional ? escapes : whole
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
export function askNpmForRegistry(cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
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
    throw new RegistryConfigError(`The registry configured in ${source} is not a URL: ${JSON.stringify(value)}. Fix that setting or set the registry-url input.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RegistryConfigError(`The registry configured in ${source} is not http(s): ${JSON.stringify(value)}. Fix that setting or set the registry-url input.`)
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

/** The registry npm would use for the project (or for `scope`'s packages), and where that came from. */
export async function resolveNpmRegistry(opts: ResolveOptions): Promise<RegistrySource> {
  const keys = opts.scope ? [`${opts.scope}:registry`, 'registry'] : ['registry']
  const { env } = opts

  const localPrefix = findLocalPrefix(opts.cwd)
  const userConfig = npmEnvConfig(env, 'userconfig') ?? join(env.HOME || homedir(), '.npmrc')
  const globalPrefix = npmEnvConfig(env, 'prefix') ?? env.PREFIX ?? opts.npm?.prefix
  const globalConfig = npmEnvConfig(env, 'globalconfig') ?? (globalPrefix ? join(globalPrefix, 'etc', 'npmrc') : undefined)
  const layers: Array<{ source: string; read: () => Map<string, string> | undefined }> = [
    {
      source: 'the npm_config_* environment',
      read: () => {
        const map = new Map<string, string>()
        for (const key of keys) {
          const value = npmEnvConfig(env, key)
          if (value) map.set(key, value)
        }
        return map
      },
    },
    { source: `the project config ${join(localPrefix, '.npmrc')}`, read: () => fileLayer(join(localPrefix, '.npmrc'), env) },
    { source: `the user config ${userConfig}`, read: () => fileLayer(userConfig, env) },
    ...(globalConfig ? [{ source: `the global config ${globalConfig}`, read: () => fileLayer(globalConfig, env) }] : []),
    ...(opts.npm ? [{ source: `npm's builtin config ${join(opts.npm.root, 'npmrc')}`, read: () => fileLayer(join(opts.npm!.root, 'npmrc'), env) }] : []),
  ]
  for (const layer of layers) {
    const values = layer.read()
    if (!values) continue
    for (const key of keys) {
      const value = values.get(key)
      if (value) return { url: toUrl(value, `${layer.source} (${key})`), source: `${key} from ${layer.source}` }
    }
  }

  const builtIn = npmDefaultRegistry(opts.npm)
  if (builtIn) return { url: builtIn, source: `the default of npm ${opts.npm!.version} on PATH` }

  const asked = opts.askNpm ? await opts.askNpm() : undefined
  if (asked) return { url: toUrl(asked, '`npm config get registry`'), source: '`npm config get registry`' }

  throw new RegistryConfigError(
    'Could not tell which registry npm uses: no registry is configured and no readable npm was found on PATH. Set the registry-url input (or run actions/setup-node first).',
  )
}

function fileLayer(path: string, env: NodeJS.ProcessEnv): Map<string, string> | undefined {
  const text = readIfExists(path)
  return text === undefined ? undefined : parseNpmrc(text, env)
}
