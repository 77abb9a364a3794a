/**
 * Check mode's issue step: brings the repository's one self-managing issue in line with the token's
 * state (issue/sync-issue.ts decides; issue/github-issues-api.ts talks to GitHub, loaded only here).
 */
import type { TokenAssessment } from '../check/check-token.js'
import { severityOf, syncIssue, type TokenState } from '../issue/sync-issue.js'
import type { Runner } from '../ports/runner.js'
import { renderSummary, type SummaryData } from '../report/summary.js'
import type { Finding, Settings, Status } from '../types.js'

export interface IssueStepInput {
  runner: Runner
  settings: Settings
  registry: URL
  /** The summary so far: the issue body is this report. */
  summary: SummaryData
  status: Status
  assessment: TokenAssessment
  /** Everything the check found about the token and its publishing (the issue's title names the leading cause). */
  findings: readonly Finding[]
  now: Date
  /** The step's one overall deadline (epoch ms): the issue's requests get what the registry's left, not a fresh timeout-seconds. */
  deadline: number
}

/** What the issue step did: the issue's number (null: none, or not asked for here), and that in words for the log. */
export interface IssueOutcome {
  number: number | null
  done: string
}

/** Opens, updates or closes the issue. */
export async function manageIssue({ runner, settings, registry, summary, status, assessment, findings, now, deadline }: IssueStepInput): Promise<IssueOutcome> {
  if (settings.mode !== 'check') {
    runner.warning('open-issue only acts in mode: check (a scheduled check job); ignored in mode: setup.', 'open-issue ignored')
    return { number: null, done: 'ignored in mode: setup' }
  }
  const tokenReport = assessment.report
  const isExpiry = (title: string) => title.startsWith('npm token expire')
  const state: TokenState = {
    registry,
    severity: severityOf(status, assessment.rejected, tokenReport?.expiresAt, now),
    daysLeft: tokenReport?.daysLeft,
    expiresAt: tokenReport?.expiresAt,
    cause: findings.find((f) => f.level !== 'notice' && !isExpiry(f.title))?.title,
    expiryIsTheCause: findings.some((f) => f.level !== 'notice' && isExpiry(f.title)),
    report: runner.redact(renderSummary({ ...summary, status, failure: undefined })),
  }
  const { env } = runner
  const { createGitHubIssuesApi } = await import('../issue/github-issues-api.js')
  const api = await createGitHubIssuesApi({
    token: settings.githubToken,
    repository: env.GITHUB_REPOSITORY,
    apiUrl: env.GITHUB_API_URL,
    env,
    deadline,
    logger: runner,
  })
  const runUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined
  const action = await syncIssue(api, settings.issueLabel, state, runUrl)
  switch (action.kind) {
    case 'none':
      return { number: null, done: 'token healthy and no open issue, nothing to do' }
    case 'opened':
      return { number: action.number, done: `opened #${action.number}` }
    case 'updated':
      return {
        number: action.number,
        done: `updated #${action.number}${action.commented ? ' and commented (worse than before)' : ' (no comment: not worse than before)'}`,
      }
    case 'closed':
      return { number: action.number, done: `closed #${action.number}, the token is healthy again` }
  }
}
