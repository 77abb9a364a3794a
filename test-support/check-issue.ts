// What the integration tests of check mode with open-issue share: one scheduled check run of the built
// action against a fake GitHub (GITHUB_API_URL), the issue marker it writes, its error annotations, and
// the canary over everything that fake GitHub received and holds.
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { assertNoSecretLeak, type CanaryInput } from './canary.ts'
import type { FakeGitHub } from './fake-github.ts'
import { runAction, type RunActionResult } from './run-action.ts'

/** The repository the runs are in (GITHUB_REPOSITORY), and so where the issues are. */
export const ISSUE_REPO = 'octo-org/octo-repo'

export interface IssueCheckRun {
  gh: FakeGitHub
  /** The npm token checked. */
  token: string
  registryUrl: string
  githubToken: string
  /** On top of (and overriding) mode check, open-issue, github-token and warn-days 14. */
  inputs?: Record<string, string>
  env?: Record<string, string | undefined>
}

/** One scheduled check run with open-issue; the caller checks the result (and runs the canary on it). */
export function runIssueCheck(run: IssueCheckRun): Promise<RunActionResult> {
  return runAction({
    inputs: {
      token: run.token,
      'registry-url': run.registryUrl,
      mode: 'check',
      'open-issue': 'true',
      'github-token': run.githubToken,
      'warn-days': '14',
      ...run.inputs,
    },
    env: { GITHUB_API_URL: run.gh.url, GITHUB_REPOSITORY: ISSUE_REPO, GITHUB_SERVER_URL: 'https://github.invalid', GITHUB_RUN_ID: '4242', ...run.env },
  })
}

/** The marker by which the action knows its own issue for a registry. */
export const markerOf = (reg: { url: string }) => `<!-- setup-npm-auth registry=${reg.url} -->`

/** The messages of a run's error annotations, one a line. */
export const errorOf = (r: RunActionResult) =>
  r.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n')

/** The canary over everything a fake GitHub received and holds: titles, bodies, comments, query strings. */
export function assertGitHubHoldsNoSecret(gh: FakeGitHub, secrets: string[]): void {
  const stored = gh
    .issues(ISSUE_REPO)
    .map((i) => [i.title, i.body ?? '', ...i.comments.map((c) => c.body)].join('\n'))
    .join('\n')
  const input: CanaryInput = {
    stdout: '',
    stderr: '',
    outputs: {},
    env: {},
    state: {},
    summary: `${gh.receivedText()}\n${stored}`,
    dirs: { root: join(tmpdir(), `no-such-dir-${process.pid}-${Math.random().toString(36).slice(2, 12)}`) } as CanaryInput['dirs'],
  }
  assertNoSecretLeak(input, secrets)
}
