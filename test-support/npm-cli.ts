// Runs the real clients the way a later workflow step would: with the env the action exported
// (NPM_CONFIG_USERCONFIG, the token env) and nothing of the developer's own npm config. npm 11 (on PATH,
// what Node 24 bundles), npm 12 (its own fixture project), pnpm 12 and Yarn 4 (root devDependencies).
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { makeOwnedTempDir, modernNode, repoRoot, runProcess, type ProcessResult, type RunOptions } from './process.ts'

/** The npm on PATH, as a later workflow step runs it (RunOptions.env goes over a sanitized env). */
export function runNpm(args: string[], opts: RunOptions = {}): Promise<ProcessResult> {
  return runProcess('npm', args, opts)
}

/**
 * The two npm majors users run: npm 11 (the one on PATH, what Node 24 bundles) and npm 12 (what
 * `npm i -g npm` gives), the latter from its own fixture project (the root `prepare` script), never on PATH.
 */
export type NpmClient = 'npm11' | 'npm12'
export const NPM_CLIENTS: readonly NpmClient[] = ['npm11', 'npm12']
export const NPM12_CLI = join(repoRoot, 'test-support', 'fixtures', 'npm12', 'node_modules', 'npm', 'bin', 'npm-cli.js')

/** `runNpm` with the chosen major: npm 12 runs under the same Node 24 as the tests. */
export function runNpmClient(client: NpmClient, args: string[], opts: RunOptions = {}): Promise<ProcessResult> {
  return client === 'npm12' ? runProcess(modernNode(22), [NPM12_CLI, ...args], opts) : runNpm(args, opts)
}

let npm12Bin: string | undefined
/**
 * The PATH of a job whose `npm` is `client` (pnpm12: the runner's npm 11), for the action itself (it reads the npm on PATH: its version
 * decides OIDC and staging, its default registry the registry) and for the steps after it: `{}` for npm 11
 * (already on PATH), for npm 12 a folder first on PATH with `npm` linked to npm 12's npm-cli.js (as a
 * global install links it) and `node` to the Node 24 it runs on (its shebang is `env node`).
 */
export function npmOnPath(client: NpmrcClient): Record<string, string> {
  if (client !== 'npm12') return {} // a pnpm job keeps the runner's npm 11
  if (!existsSync(NPM12_CLI)) throw new Error(`${NPM12_CLI} is missing: run npm ci (prepare installs test-support/fixtures/npm12)`)
  if (!npm12Bin) {
    const bin = join(makeOwnedTempDir('npm12-on-path-'), 'bin')
    mkdirSync(bin)
    symlinkSync(NPM12_CLI, join(bin, 'npm'))
    symlinkSync(modernNode(22), join(bin, 'node'))
    npm12Bin = bin
  }
  return { PATH: `${npm12Bin}${delimiter}${process.env.PATH ?? ''}` }
}

/**
 * pnpm 12 (a native binary: bin/pnpm.mjs finds the platform's @pnpm/exe.* package and runs it) and Yarn 4
 * (@yarnpkg/cli-dist), both from the root node_modules.
 */
export const PNPM_CLI = join(repoRoot, 'node_modules', 'pnpm', 'bin', 'pnpm.mjs')
export const YARN_CLI = join(repoRoot, 'node_modules', '@yarnpkg', 'cli-dist', 'bin', 'yarn.js')

/** pnpm 12 as a later step runs it (CI=true, as on a runner). */
export function runPnpm(args: string[], opts: RunOptions = {}): Promise<ProcessResult> {
  // Its store, cache and state under the step's HOME (the XDG and PNPM_HOME of the host would win).
  const isolated = { XDG_CACHE_HOME: undefined, XDG_DATA_HOME: undefined, XDG_STATE_HOME: undefined, XDG_CONFIG_HOME: undefined, PNPM_HOME: undefined }
  return runProcess(modernNode(22), [PNPM_CLI, ...args], {
    timeoutMs: 45_000,
    ...opts,
    env: { CI: 'true', npm_config_update_notifier: 'false', ...isolated, ...opts.env },
  })
}

/** Yarn 4 as a later step runs it (CI=true, no telemetry). */
export function runYarn(args: string[], opts: RunOptions = {}): Promise<ProcessResult> {
  return runProcess(modernNode(22), [YARN_CLI, ...args], { timeoutMs: 45_000, ...opts, env: { CI: 'true', YARN_ENABLE_TELEMETRY: '0', ...opts.env } })
}

/** The clients that read the .npmrc the action writes: both npm majors and pnpm 12 (Yarn 2+ reads only .yarnrc.yml). */
export type NpmrcClient = NpmClient | 'pnpm12'
export const NPMRC_CLIENTS: readonly NpmrcClient[] = [...NPM_CLIENTS, 'pnpm12']

/** `client` in a later step: npm 11, npm 12 or pnpm 12 with the same arguments. */
export function runNpmrcClient(client: NpmrcClient, args: string[], opts: RunOptions = {}): Promise<ProcessResult> {
  return client === 'pnpm12' ? runPnpm(args, opts) : runNpmClient(client, args, opts)
}

/** `<client> publish` of the package in `cwd` (pnpm without its git checks: fixtures are no repositories). */
export function publishWith(client: NpmrcClient, opts: RunOptions & { cwd: string }, extra: string[] = []): Promise<ProcessResult> {
  return runNpmrcClient(client, client === 'pnpm12' ? ['publish', '--no-git-checks', ...extra] : ['publish', ...extra], opts)
}

/** `<client> install` of the project in `cwd` (no lockfile yet; pnpm's CI default would freeze it). */
export function installWith(client: NpmrcClient, opts: RunOptions & { cwd: string }): Promise<ProcessResult> {
  return runNpmrcClient(
    client,
    client === 'pnpm12' ? ['install', '--no-frozen-lockfile', '--reporter=append-only'] : ['install', '--no-audit', '--no-fund'],
    opts,
  )
}

/**
 * The env of a later workflow step running npm, on a HOME of its own (npm's cache in `home/cache`) and
 * without npm's update, audit and funding chatter. Spread it first, then the action's env and the step's own.
 */
export function npmStepEnv(home: string): Record<string, string> {
  return { HOME: home, npm_config_cache: join(home, 'cache'), npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' }
}

/** A minimal publishable package in `dir`. */
export function writeFixturePackage(dir: string, name: string, version = '1.0.0', extra: Record<string, unknown> = {}): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, description: 'fixture', main: 'index.js', license: 'MIT', ...extra }, null, 2))
  writeFileSync(join(dir, 'index.js'), 'module.exports = 42\n')
  return dir
}

/**
 * A stand-in npm install on PATH whose built-in default registry is `registry`: the action reads the
 * default from npm's own config definitions, so this makes a loopback server "npm's public registry"
 * for the policy warnings, without any real hostname in the project.
 */
export function writeStandInNpm(root: string, registry: string, version = '11.6.0'): string {
  const pkg = join(root, 'lib', 'node_modules', 'npm')
  const defs = join(pkg, 'node_modules', '@npmcli', 'config', 'lib', 'definitions')
  mkdirSync(defs, { recursive: true })
  mkdirSync(join(pkg, 'bin'), { recursive: true })
  mkdirSync(join(root, 'bin'), { recursive: true })
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'npm', version }))
  writeFileSync(
    join(defs, 'definitions.js'),
    `const definitions = {\n  registry: new Definition('registry', {\n    default: '${registry}',\n    type: url,\n  }),\n}\n`,
  )
  writeFileSync(join(pkg, 'bin', 'npm-cli.js'), '#!/usr/bin/env node\nprocess.exit(1)\n', { mode: 0o755 })
  // bin/npm → ../lib/node_modules/npm/bin/npm-cli.js, as a global npm install lays it out.
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'bin', 'npm'))
  return join(root, 'bin')
}
