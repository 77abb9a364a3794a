// Runs the real npm CLI (the one on PATH) the way a later workflow step would: with the env the action
// exported (NPM_CONFIG_USERCONFIG, the token env) and nothing of the developer's own npm config.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { modernNode, repoRoot, runProcess, type ProcessResult, type RunOptions } from './process.ts'

/** The npm on PATH, as a later workflow step runs it (RunOptions.env goes over a sanitized env). */
export function runNpm(args: string[], opts: RunOptions = {}): Promise<ProcessResult> {
  return runProcess('npm', args, opts)
}

/**
 * The two npm majors users run: npm 11 (the one on PATH, what Node 24 bundles) and npm 12 (what
 * `npm i -g npm` gives), the latter from its own fixture project (root postinstall), never on PATH.
 */
export type NpmClient = 'npm11' | 'npm12'
export const NPM_CLIENTS: readonly NpmClient[] = ['npm11', 'npm12']
export const NPM12_CLI = join(repoRoot, 'test-support', 'fixtures', 'npm12', 'node_modules', 'npm', 'bin', 'npm-cli.js')

/** `runNpm` with the chosen major: npm 12 runs under the same Node 24 as the tests. */
export function runNpmClient(client: NpmClient, args: string[], opts: RunOptions = {}): Promise<ProcessResult> {
  return client === 'npm12' ? runProcess(modernNode(22), [NPM12_CLI, ...args], opts) : runNpm(args, opts)
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
