/**
 * What the job's publish step should run, and what npm's publishing policy means for it: the
 * `publish-command` output, the npm 11.15 gate for `npm stage publish`, the January 2027 end of direct
 * publishing with tokens (npm's registry, token path), and the versions waiting in npm's staging area.
 */
import { ActionError } from '../errors.js'
import type { HttpClient } from '../http/client.js'
import type { Runner } from '../ports/runner.js'
import { assessPublishing, type PublishingAssessment } from '../publishing/assess.js'
import { MIN_NPM_FOR_STAGE } from '../publishing/policy.js'
import { findNpmOnPath } from '../registry/npm-config.js'
import type { Target } from '../registry/target.js'
import type { AuthMethod } from '../types.js'
import { versionAtLeast } from '../util/semver.js'
import type { StepReport } from './step-report.js'

export interface PublishStepInput {
  runner: Runner
  report: StepReport
  target: Target
  http: HttpClient
  method: AuthMethod
  tokenFor: (packageName: string) => string | undefined
  tokenStageOnly: boolean | undefined
  packages?: readonly string[]
  now: Date
}

/** Assesses publishing (publishing/assess.ts) and reports it: output, summary, findings. */
export async function runPublishStep(input: PublishStepInput): Promise<PublishingAssessment> {
  const { runner, report, target } = input
  const assessment = await assessPublishing({
    ...input,
    registry: target.registry,
    npmRegistry: target.profile.npmPolicies,
    isPublicRegistry: target.isPublicRegistry,
    settings: target.settings,
    env: runner.env,
    place: 'action',
  })
  report.set('publish-command', assessment.command)
  report.summary.publish = { command: assessment.command, reason: assessment.reason, note: assessment.note, migrationCommands: assessment.migrationCommands }
  runner.info(`Publish step: ${assessment.command} (${assessment.reason})`)
  if (assessment.staged) {
    report.set('staged', assessment.staged)
    report.summary.staged = assessment.staged
  } else if (assessment.stagedUnavailable) runner.debug(`Staged versions not listed: ${assessment.stagedUnavailable}`)
  report.add(...assessment.findings)
  return assessment
}

/** `npm stage publish` needs npm 11.15.0: checked (and with upgrade-npm, installed) before the job relies on it. */
export async function ensureNpmForStage(runner: Runner, upgradeNpm: boolean, installNpm: () => Promise<void>): Promise<void> {
  const found = findNpmOnPath(runner.env)?.version
  if (found && versionAtLeast(found, MIN_NPM_FOR_STAGE)) return
  if (upgradeNpm) {
    runner.info(`npm ${found ?? '(none)'} is older than ${MIN_NPM_FOR_STAGE}: installing npm 11 (upgrade-npm: true).`)
    await installNpm()
    const now = findNpmOnPath(runner.env)?.version
    if (now && versionAtLeast(now, MIN_NPM_FOR_STAGE)) return
    throw new ActionError(`upgrade-npm: installed npm 11, but the npm on PATH is still ${now ?? 'missing'}. Check that the global npm prefix is on PATH.`)
  }
  throw new ActionError(
    `publish: stage runs \`npm stage publish\`, which needs npm ${MIN_NPM_FOR_STAGE} or newer; the npm on PATH is ${found ?? 'missing'}. ` +
      'Set `upgrade-npm: true`, or install a current npm before this step (`npm install -g npm@11`).',
  )
}
