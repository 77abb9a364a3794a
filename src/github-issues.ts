/**
 * IssuesApi over Octokit (@actions/github: honours GITHUB_API_URL, so GitHub Enterprise Server works).
 * Loaded with a dynamic import, only by check mode with open-issue, so the setup path stays light.
 * Each call has a timeout; 5xx / 429 are retried a bounded number of times.
 */
import { ActionError } from './errors.js'
import { IssuesPermissionError, type IssueSummary, type IssuesApi } from './issue.js'

const REQUEST_TIMEOUT_MS = 10_000
const TRIES = 3

interface HttpishError {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | undefined> }
}

export async function createGitHubIssuesApi(token: string, repository: string | undefined): Promise<IssuesApi> {
  if (!token) {
    throw new ActionError('open-issue is true but github-token is empty. Leave github-token at its default (${{ github.token }}) and grant `permissions: issues: write`.')
  }
  const [owner, repo] = (repository ?? '').split('/')
  if (!owner || !repo) throw new ActionError(`open-issue needs GITHUB_REPOSITORY (owner/repo); it is ${JSON.stringify(repository ?? '')}.`)
  const { getOctokit } = await import('@actions/github')
  const octokit = getOctokit(token)
  // Every HTTP request gets a deadline: octokit.paginate passes only method, url and headers on to
  // its page requests, so a `request.signal` given to it never reaches them (a hung API would hang the step).
  octokit.hook.before('request', (options) => {
    options.request = { ...options.request, signal: options.request?.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) }
  })
  const apiHost = (() => {
    try {
      return new URL(process.env.GITHUB_API_URL || 'https://api.github.com').host
    } catch {
      return 'the GitHub API'
    }
  })()

  async function call<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(AbortSignal.timeout(REQUEST_TIMEOUT_MS))
      } catch (error) {
        const e = error as HttpishError
        // Octokit reports network failures and timeouts as status 500 with no response: only a real answer has a status.
        const status = typeof e.status === 'number' && e.response ? e.status : undefined
        if (status === 401 || status === 403 || status === 404) {
          throw new IssuesPermissionError(
            `GitHub refused to ${what} in ${owner}/${repo} (HTTP ${status} from ${apiHost}). The github-token needs write access to issues: add\npermissions:\n  issues: write\nto the job (and keep contents: read).`,
          )
        }
        if (status === 410) {
          throw new ActionError(`Issues are disabled in ${owner}/${repo} (HTTP 410 from ${apiHost}): enable them (Settings → General → Features → Issues) or set open-issue: false.`)
        }
        const retryable = status === undefined || status === 429 || status >= 500
        if (!retryable || attempt >= TRIES) {
          const cause = status ? `HTTP ${status}` : e.message?.includes('aborted') || (error as Error).name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : (e.message ?? String(error))
          throw new ActionError(`Could not ${what} on ${apiHost}: ${cause} (tried ${attempt} time${attempt === 1 ? '' : 's'}).`)
        }
        const retryAfter = Number(e.response?.headers?.['retry-after'])
        await new Promise((r) => setTimeout(r, Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 10) * 1000 : 500 * attempt))
      }
    }
  }

  return {
    listOpen: (label) =>
      call('list issues', async () => {
        // No `request.signal` here: paginate drops it; the hook above times each page out instead.
        const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: 'open', labels: label, per_page: 100 })
        return issues.filter((i) => !i.pull_request).map((i): IssueSummary => ({ number: i.number, title: i.title, body: i.body ?? '' }))
      }),
    create: (title, body, label) =>
      call('open an issue', async (signal) => (await octokit.rest.issues.create({ owner, repo, title, body, labels: [label], request: { signal } })).data.number),
    update: (number, title, body) =>
      call('update an issue', async (signal) => {
        await octokit.rest.issues.update({ owner, repo, issue_number: number, title, body, request: { signal } })
      }),
    comment: (number, body) =>
      call('comment on an issue', async (signal) => {
        await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body, request: { signal } })
      }),
    close: (number) =>
      call('close an issue', async (signal) => {
        await octokit.rest.issues.update({ owner, repo, issue_number: number, state: 'closed', state_reason: 'completed', request: { signal } })
      }),
  }
}
