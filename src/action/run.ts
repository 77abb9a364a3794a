/**
 * The action's main step, start to end: inputs → registry → auth choice → token check or OIDC pre-flight
 * → config files → outputs and summary. Each phase lives in its own file; this one only sequences them.
 * Every failure is caught once, here, and reported without a stack trace.
 */
import { chooseAuthFor } from '../auth/choose-auth.js'
import { writeConfigFiles } from '../config-files/write.js'
import { chooseLogsDir } from '../diagnose/prepare.js'
import { HttpClient } from '../http/client.js'
import type { ActionRunner } from '../ports/runner.js'
import { resolvePackageManager } from '../project/package-manager.js'
import { derivedSecrets } from '../registry/kind.js'
import { chooseRegistry } from '../registry/resolve.js'
import { planTarget, type Target } from '../registry/target.js'
import { parseSettings } from '../settings/parse.js'
import type { Settings } from '../types.js'
import { runOidcPath } from './oidc-path.js'
import { StepReport } from './step-report.js'
import { installCurrentNpm } from './upgrade-npm.js'
import { runTokenPath } from './token-path.js'

export async function run(runner: ActionRunner): Promise<void> {
  const startedAt = Date.now()
  const report = new StepReport(runner)
  try {
    const settings = await readSettings(runner)
    report.recordMode(settings.mode)
    const target = await runner.group(
      'Registry',
      () => resolveTarget(runner, settings),
      (t) => `${t.registry.href} (${t.profile.label}, ${t.source})`,
    )
    report.recordTarget(target)

    const { profile, settings: effective } = target
    const auth = chooseAuthFor(profile, { auth: effective.auth, token: effective.token, env: runner.env, mode: effective.mode })
    report.recordAuth(auth)

    // One deadline for the whole step (timeout-seconds): every request of it, the issue's included.
    const deadline = Date.now() + effective.timeoutMs
    const http = new HttpClient({ deadline, logger: runner, env: runner.env, userAgent: userAgent() })
    const now = new Date()
    const path =
      auth.method === 'oidc'
        ? await runOidcPath({ runner, report, target, http, installNpm: () => installCurrentNpm(runner), now })
        : await runTokenPath({ runner, report, target, http, authFindings: auth.findings, installNpm: () => installCurrentNpm(runner), now, deadline })

    if (effective.mode === 'setup' && path.status !== 'error') {
      const paths = await runner.group(
        '.npmrc',
        () => writeConfigFiles(runner, { ...targetFiles(target), exportValue: path.exportValue, authLine: path.authLine }),
        (p) => `written, ${p.npmrcPath}${p.yarnrcPath ? ` and ${p.yarnrcPath}` : ''}`,
      )
      report.set('npmrc-path', paths.npmrcPath)
      prepareDiagnosis(runner, report, startedAt)
      report.summary.npmrcPath = paths.yarnrcPath ? `${paths.npmrcPath} (and ${paths.yarnrcPath} for Yarn)` : paths.npmrcPath
    }
    await report.finish(path.status)
  } catch (error) {
    // Findings already printed (e.g. a rejected token) stay; this adds the failure that stopped the step.
    await report.fail(error)
  }
}

/** The inputs, with the secrets among them masked before anything (even a parse error) can print them. */
async function readSettings(runner: ActionRunner): Promise<Settings> {
  runner.mask(runner.getInput('token'))
  runner.mask(runner.getInput('github-token'))
  return runner.group(
    'Inputs',
    () => parseSettings((name) => runner.getInput(name)),
    (s) => `mode ${s.mode}, auth ${s.auth}, warn-days ${s.warnDays}, fail-days ${s.failDays}`,
  )
}

/** Which registry, what kind, and the settings that kind implies; the token's derived forms masked. */
async function resolveTarget(runner: ActionRunner, settings: Settings): Promise<Target> {
  const registry = await chooseRegistry(runner, settings)
  const packageManager = resolvePackageManager(settings.packageManager, settings.workingDirectory)
  const target = planTarget({ settings, registry, env: runner.env, packageManager })
  target.notes.forEach((note) => runner.info(note))
  target.warnings.forEach((warning) => runner.warning(warning, 'github-token withheld'))
  // May be the github-token standing in for GitHub Packages; its derived forms (Azure) are secrets too.
  runner.mask(target.settings.token)
  derivedSecrets(target.profile, target.registry, target.settings.token).forEach((secret) => runner.mask(secret))
  return target
}

/** npm's debug logs of the later steps go where the post step reads them, to explain a failed publish. */
function prepareDiagnosis(runner: ActionRunner, report: StepReport, startedAt: number): void {
  const logs = chooseLogsDir(runner.env)
  if (logs.export) runner.exportVariable('NPM_CONFIG_LOGS_DIR', logs.dir)
  runner.info(
    `npm debug logs: ${logs.dir}${logs.export ? ' (exported as NPM_CONFIG_LOGS_DIR)' : " (the job's own logs-dir)"}; the post step explains a failed publish from them.`,
  )
  report.enableDiagnosis(logs.dir, startedAt, logs.temporary)
}

function targetFiles({ registry, isPublicRegistry, profile, packageManager, settings }: Target) {
  return { registry, isPublicRegistry, profile, packageManager, scope: settings.scope, tokenEnv: settings.tokenEnv }
}

function userAgent(): string {
  return `setup-npm-auth node/${process.version} ${process.platform} ${process.arch}`
}
