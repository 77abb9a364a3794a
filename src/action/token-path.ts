/** The token path of the step: check the token, report it, and in check mode keep the issue in line. */
import { assessToken } from '../check/check-token.js'
import { worst, worstOf } from '../check/grade.js'
import type { HttpClient } from '../http/client.js'
import type { Runner } from '../ports/runner.js'
import type { Target } from '../registry/target.js'
import type { Finding } from '../types.js'
import { manageIssue } from './issue-step.js'
import type { PathOutcome } from './oidc-path.js'
import { ensureNpmForStage, runPublishStep } from './publish-step.js'
import type { StepReport } from './step-report.js'

export interface TokenPathInput {
  runner: Runner
  report: StepReport
  target: Target
  http: HttpClient
  /** Findings of the auth choice: they count towards the status. */
  authFindings: readonly Finding[]
  /** Installs a current npm 11 globally (upgrade-npm). */
  installNpm: () => Promise<void>
  now: Date
  /** The step's one overall deadline (epoch ms), the one `http` has: the issue step shares it. */
  deadline: number
}

export async function runTokenPath({ runner, report, target, http, authFindings, installNpm, now, deadline }: TokenPathInput): Promise<PathOutcome> {
  const { settings, profile, registry } = target
  const assessment = await runner.group('Token', () =>
    assessToken({ http, registry, profile, settings, env: runner.env, now, defaultRegistry: target.isPublicRegistry, place: 'action' }),
  )
  // Reported now, so a rejected token stays annotated even if the issue step below fails too.
  assessment.notes.forEach((note) => runner.info(note))
  if (assessment.report) report.recordToken(assessment.report)
  report.add(...assessment.findings)
  const publishing = assessment.rejected
    ? undefined
    : await runPublishStep({
        runner,
        report,
        target,
        http,
        method: 'token',
        tokenFor: () => settings.token,
        tokenStageOnly: assessment.report?.details?.stageOnly,
        now,
      })
  if (publishing?.mode === 'stage' && settings.mode === 'setup') await ensureNpmForStage(runner, settings.upgradeNpm, installNpm)
  const status = worst(assessment.status, worstOf(authFindings), publishing?.status ?? 'ok')
  if (settings.openIssue) {
    const findings = [...assessment.findings, ...(publishing?.findings ?? [])]
    const issue = await runner.group('Issue', () =>
      manageIssue({ runner, settings, registry, summary: report.summary, status, assessment, findings, now, deadline }),
    )
    report.set('issue-number', issue)
  }
  return { status, exportValue: settings.exportToken && settings.token ? settings.token : undefined, authLine: true }
}
