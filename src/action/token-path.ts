/** The token path of the step: check the token, report it, and in check mode keep the issue in line. */
import { assessToken, type TokenAssessment } from '../check/check-token.js'
import { isoDay, worst, worstOf } from '../check/grade.js'
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
  const assessment = await runner.group(
    'Token',
    async () => {
      const checked = await assessToken({ http, registry, profile, settings, env: runner.env, now, defaultRegistry: target.isPublicRegistry, place: 'action' })
      checked.notes.forEach((note) => runner.info(note))
      if (checked.report) report.recordToken(checked.report)
      return checked
    },
    tokenResult,
  )
  // Annotated now, so a rejected token stays annotated even if the issue step below fails too.
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
    const issue = await runner.group(
      'Issue',
      () => manageIssue({ runner, settings, registry, summary: report.summary, status, assessment, findings, now, deadline }),
      (outcome) => outcome.done,
    )
    report.set('issue-number', issue.number)
  }
  return { status, exportValue: settings.exportToken && settings.token ? settings.token : undefined, authLine: true }
}

/** `ok — alice, expires 2027-01-05 (36 days)`, `warning — alice, expiry unknown; 2 findings`, `rejected by the registry`. */
export function tokenResult(assessment: TokenAssessment): string {
  const { report, status, findings } = assessment
  if (!report) return 'rejected by the registry'
  const who = report.username || 'user not stated'
  const expiry = !report.expiresAt
    ? 'expiry unknown'
    : report.daysLeft !== undefined && report.daysLeft < 0
      ? `expired ${isoDay(report.expiresAt)}`
      : `expires ${isoDay(report.expiresAt)} (${report.daysLeft} day${report.daysLeft === 1 ? '' : 's'})`
  const problems = findings.filter((f) => f.level !== 'notice').length
  return `${status} — ${who}, ${expiry}${problems > 0 ? `; ${problems} finding${problems === 1 ? '' : 's'}` : ''}`
}
