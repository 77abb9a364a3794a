/**
 * Mode setup's side effects: write (or merge into) the user config npm will read — and for Yarn 2+ the
 * user-level .yarnrc.yml — remember them for the post step, and export what later steps need.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { npmEnvConfig } from '../registry/npm-config.js'
import { mergeNpmrc, npmrcBlockKey, type NpmrcContent } from './npmrc.js'
import { ActionError, describeError } from '../errors.js'
import { fileMode, readExisting, writeFileAtomic } from './safe-file.js'
import { newRunNonce, withRunMarker } from './run-marker.js'
import { shownBlock } from './shown-lines.js'
import type { PackageManager } from '../types.js'
import { azureCredentialKeys, azurePassword, azureUsername, registryProfile, type RegistryProfile } from '../registry/kind.js'
import type { Runner } from '../ports/runner.js'
import { registryKey } from '../registry/url.js'
import { StateKey } from '../state-keys.js'
import { mergeYarnrc, yarnrcNeedsParser, yarnrcPath, YarnrcError, type YamlParse } from './yarnrc.js'

export interface NpmrcSetup {
  registry: URL
  scope: string
  tokenEnv: string
  isPublicRegistry: boolean
  /** The value to export into tokenEnv (the token, or an exchanged one); undefined: export nothing. */
  exportValue: string | undefined
  /** Write the credential line(s) at all. */
  authLine: boolean
  /** Default: from the registry URL. Azure Artifacts gets username/_password/email and a base64 export. */
  profile?: RegistryProfile
  /** `yarn`: also the user-level .yarnrc.yml. Default npm. */
  packageManager?: PackageManager
}

export interface SetupPaths {
  npmrcPath: string
  /** The .yarnrc.yml written or merged into; undefined when none was (not yarn, or it could not be merged). */
  yarnrcPath?: string
}

export async function writeConfigFiles(runner: Runner, setup: NpmrcSetup): Promise<SetupPaths> {
  const { env } = runner
  const profile = setup.profile ?? registryProfile(setup.registry, { isPublicRegistry: setup.isPublicRegistry })
  const configured = npmEnvConfig(env, 'userconfig')
  // RUNNER_TEMP resolved: a relative one must not become a relative NPM_CONFIG_USERCONFIG (each later step has its own cwd).
  const runnerTemp = env.RUNNER_TEMP ? resolve(env.RUNNER_TEMP) : undefined
  // Without RUNNER_TEMP, a folder of our own; its path is saved so the post step removes it.
  const tempDir = configured || runnerTemp ? undefined : mkdtempSync(join(tmpdir(), 'setup-npm-auth-'))
  const path = configured ? resolve(configured) : join(runnerTemp ?? tempDir ?? '', '.npmrc')
  warnIfInWorkspace(runner, path, 'Point NPM_CONFIG_USERCONFIG outside the workspace.', '.npmrc inside the workspace')
  const content: NpmrcContent = {
    registry: setup.registry,
    tokenEnv: setup.tokenEnv,
    scope: setup.scope,
    setDefaultRegistry: !setup.isPublicRegistry,
    authLine: setup.authLine,
    credential:
      profile.credential === 'password'
        ? { form: 'password', username: azureUsername(setup.registry), keys: azureCredentialKeys(setup.registry) }
        : { form: 'token' },
  }
  const existing = readExisting(path)
  const mode = existing === undefined ? '' : fileMode(path)
  // The nonce binds the file to this run: the post step touches only a file that carries it (run-marker.ts).
  const nonce = newRunNonce()
  const text = withRunMarker(mergeNpmrc(existing ?? '', content), nonce)
  // State first: a file written without the state the post step needs would outlive the job. When the
  // state cannot be saved (a full disk under the runner's command files), nothing is written.
  try {
    if (tempDir) runner.saveState(StateKey.NpmrcTempDir, tempDir)
    if (mode) runner.saveState(StateKey.NpmrcMode, mode)
    runner.saveState(StateKey.RunNonce, nonce)
    runner.saveState(StateKey.NpmrcPath, path)
    runner.saveState(StateKey.NpmrcCreated, existing === undefined ? 'true' : 'false')
    runner.saveState(StateKey.NpmrcBlock, npmrcBlockKey(content))
  } catch (error) {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true })
    throw new ActionError(`Could not save the state the post step needs to remove the .npmrc (${describeError(error)}); wrote nothing.`)
  }
  writeFileAtomic(path, text)
  // Only our block is shown: the user's own lines (other registries' credentials among them) stay out of the log.
  runner.info(`${existing === undefined ? 'Wrote' : 'Merged into'} ${path} (mode 0600); our lines:`)
  runner.info(shownBlock(text))

  const paths: SetupPaths = { npmrcPath: path }
  if (setup.packageManager === 'yarn') paths.yarnrcPath = await setUpYarnrc(runner, setup, profile, nonce)

  runner.exportVariable('NPM_CONFIG_USERCONFIG', path)
  // Azure's _password is the base64 of the PAT: that form is what the env carries, masked before it exists anywhere.
  const exported = setup.exportValue !== undefined && profile.credential === 'password' ? azurePassword(setup.exportValue) : setup.exportValue
  if (exported !== undefined) {
    runner.mask(exported)
    runner.exportVariable(setup.tokenEnv, exported)
    const form = profile.credential === 'password' ? "; the base64 of the PAT, as npm's _password wants it" : ''
    runner.info(`Exported NPM_CONFIG_USERCONFIG and ${setup.tokenEnv} (masked${form}) for later steps.`)
  } else if (setup.authLine) {
    const form = profile.credential === 'password' ? ' to the base64 of the PAT' : ''
    runner.info(`Exported NPM_CONFIG_USERCONFIG. export-token is false: set ${setup.tokenEnv}${form} in the env of the steps that publish.`)
  } else {
    runner.info('Exported NPM_CONFIG_USERCONFIG. No credential line: npm authenticates by its own OIDC exchange at publish time.')
  }
  return paths
}

/**
 * Yarn 2+: the npmRegistries (and npmScopes) entry in the user-level .yarnrc.yml. A file that cannot be
 * merged safely is left alone with a warning: the .npmrc (npm, pnpm) is still in place.
 */
async function setUpYarnrc(runner: Runner, setup: NpmrcSetup, profile: RegistryProfile, nonce: string): Promise<string | undefined> {
  const path = yarnrcPath(runner.env)
  if (profile.credential === 'password' && setup.authLine) {
    runner.warning(
      `Yarn 2+ with ${profile.label} is not configured: Yarn sends the PAT as npmAuthIdent ("user:PAT"), which cannot reference the base64 form npm needs. ` +
        `Add npmRegistries → "${setup.registry.href}" → npmAuthIdent to your .yarnrc.yml, or publish with npm (configured).`,
      'Yarn not configured',
    )
    return undefined
  }
  warnIfInWorkspace(runner, path, 'Yarn reads it from HOME: run with HOME outside the workspace.', '.yarnrc.yml inside the workspace')
  try {
    const existing = readExisting(path)
    const mode = existing === undefined ? '' : fileMode(path)
    let parse: YamlParse | undefined
    const block = registryKey(setup.registry)
    if (existing !== undefined && yarnrcNeedsParser(existing, block)) {
      const yaml = await import('yaml')
      parse = (text) => yaml.parse(text, { schema: 'failsafe', uniqueKeys: false })
    }
    const merged = mergeYarnrc(
      existing ?? '',
      {
        registry: setup.registry,
        tokenEnv: setup.tokenEnv,
        scope: setup.scope,
        setDefaultRegistry: !setup.isPublicRegistry,
        authLine: setup.authLine,
        tokenExported: setup.exportValue !== undefined,
      },
      parse,
      block,
    )
    const text = withRunMarker(merged, nonce)
    // State first, as for the .npmrc.
    if (mode) runner.saveState(StateKey.YarnrcMode, mode)
    runner.saveState(StateKey.YarnrcPath, path)
    runner.saveState(StateKey.YarnrcCreated, existing === undefined ? 'true' : 'false')
    runner.saveState(StateKey.YarnrcBlock, block)
    writeFileAtomic(path, text)
    // Our block only, and in it the user's other registries' credentials (merged into it) shown as ***.
    runner.info(`${existing === undefined ? 'Wrote' : 'Merged into'} ${path} for Yarn 2+ (mode 0600); our lines:`)
    runner.info(shownBlock(text))
    return path
  } catch (error) {
    if (!(error instanceof YarnrcError)) throw error
    runner.warning(`${error.message} (${path})`, 'Yarn not configured')
    return undefined
  }
}

function warnIfInWorkspace(runner: Runner, path: string, advice: string, title: string): void {
  const workspace = runner.env.GITHUB_WORKSPACE
  if (workspace && isInside(path, resolve(workspace))) {
    runner.warning(`${path} is inside the workspace: a later step could commit or upload it. ${advice}`, title)
  }
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}
