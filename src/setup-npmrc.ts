/**
 * Mode setup's side effects: write (or merge into) the user config npm will read, remember it for the
 * post step, and export what later steps need.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { npmEnvConfig } from './npm-config.js'
import { mergeNpmrc, readExisting, writeFileAtomic } from './npmrc.js'
import type { Runner } from './runner.js'
import { StateKey } from './state.js'

export interface NpmrcSetup {
  registry: URL
  scope: string
  tokenEnv: string
  isPublicRegistry: boolean
  /** The value to export into tokenEnv (the token, or an exchanged one); undefined: export nothing. */
  exportValue: string | undefined
  /** Write the `_authToken=${tokenEnv}` line at all. */
  authLine: boolean
}

/** Returns the path written. */
export function setUpNpmrc(runner: Runner, setup: NpmrcSetup): string {
  const { env } = runner
  const configured = npmEnvConfig(env, 'userconfig')
  const path = configured ? resolve(configured) : join(env.RUNNER_TEMP || mkdtempSync(join(tmpdir(), 'setup-npm-auth-')), '.npmrc')
  const workspace = env.GITHUB_WORKSPACE
  if (workspace && isInside(path, resolve(workspace))) {
    runner.warning(
      `${path} is inside the workspace: a later step could commit or upload it. Point NPM_CONFIG_USERCONFIG outside the workspace.`,
      '.npmrc inside the workspace',
    )
  }
  const existing = readExisting(path)
  const text = mergeNpmrc(existing ?? '', {
    registry: setup.registry,
    tokenEnv: setup.tokenEnv,
    scope: setup.scope,
    setDefaultRegistry: !setup.isPublicRegistry,
    authLine: setup.authLine,
  })
  writeFileAtomic(path, text)
  runner.saveState(StateKey.NpmrcPath, path)
  runner.saveState(StateKey.NpmrcCreated, existing === undefined ? 'true' : 'false')
  runner.info(`${existing === undefined ? 'Wrote' : 'Merged into'} ${path} (mode 0600):`)
  runner.info(text.replace(/\n$/, ''))
  runner.exportVariable('NPM_CONFIG_USERCONFIG', path)
  if (setup.exportValue !== undefined) {
    runner.exportVariable(setup.tokenEnv, setup.exportValue)
    runner.info(`Exported NPM_CONFIG_USERCONFIG and ${setup.tokenEnv} (masked) for later steps.`)
  } else if (setup.authLine) {
    runner.info(`Exported NPM_CONFIG_USERCONFIG. export-token is false: set ${setup.tokenEnv} in the env of the steps that publish.`)
  } else {
    runner.info('Exported NPM_CONFIG_USERCONFIG. No credential line: npm authenticates by its own OIDC exchange at publish time.')
  }
  return path
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}
