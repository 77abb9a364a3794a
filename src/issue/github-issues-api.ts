/**
 * IssuesApi over Octokit (@actions/github: honours GITHUB_API_URL, so GitHub Enterprise Server works).
 * Loaded with a dynamic import, only by check mode with open-issue, so the setup path stays light.
 * Octokit's requests go through our HttpClient (given to it as its `fetch`): the same per-request
 * timeout, overall deadline (timeout-seconds), bounded retries for 429/5xx, body cap, and refusal to
 * follow a redirect to another host as every other request of the step.
 */
import { ActionError, describeError } from '../errors.js'
import { HttpClient, parseJsonBody } from '../http/client.js'
import { IssuesPermissionError, type IssueSummary, type IssuesApi } from './sync-issue.js'
import type { Logger } from '../ports/logger.js'

const DEFAULT_API_URL = 'https://api.github.com'

/** Room for a page of 100 issues with long bodies; a larger answer is refused, not buffered. */
const MAX_BODY_BYTES = 4 * 1024 * 1024

interface HttpishError {
  status?: number
  message?: string
  response?: unknown
  cause?: unknown
}

/** A `fetch` for Octokit backed by our client. 2xx answers must be JSON (or empty), as the API's are. */
export function fetchThrough(http: HttpClient): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const method = (init?.method ?? 'GET').toUpperCase() as 'GET'
    const headers: Record<string, string> = {}
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value))
    // Octokit sends JSON text; any other body form is refused rather than sent as "[object …]".
    if (init?.body != null && typeof init.body !== 'string') throw new ActionError(`GitHub API ${method} ${url.pathname}: unexpected request body type.`)
    const body = init?.body ?? undefined
    const response = await http.send(url, { method, headers, body, purpose: `GitHub API ${method} ${url.pathname}` })
    if (response.status >= 200 && response.status < 300 && response.text.trim() !== '') parseJsonBody(response, `GitHub API ${method} ${url.pathname}`)
    const nullBody = [101, 204, 205, 304].includes(response.status)
    return new Response(nullBody ? null : response.text, { status: response.status, headers: response.headers })
  }
}

export interface GitHubIssuesOptions {
  token: string
  repository: string | undefined
  /** GITHUB_API_URL (GitHub Enterprise Server); default GitHub's public API. */
  apiUrl: string | undefined
  /** Whose proxy settings apply. */
  env: NodeJS.ProcessEnv
  /** Overall deadline of these calls (the step's timeout-seconds). */
  timeoutMs: number
  logger: Logger
}

export async function createGitHubIssuesApi({ token, repository, apiUrl, env, timeoutMs, logger }: GitHubIssuesOptions): Promise<IssuesApi> {
  if (!token) {
    throw new ActionError(
      'open-issue is true but github-token is empty. Leave github-token at its default (${{ github.token }}) and grant `permissions: issues: write`.',
    )
  }
  const [owner, repo] = (repository ?? '').split('/')
  if (!owner || !repo) throw new ActionError(`open-issue needs GITHUB_REPOSITORY (owner/repo); it is ${JSON.stringify(repository ?? '')}.`)
  const http = new HttpClient({ deadline: Date.now() + timeoutMs, logger, env, maxBodyBytes: MAX_BODY_BYTES, userAgent: 'setup-npm-auth' })
  const { getOctokit } = await import('@actions/github')
  const baseUrl = (apiUrl || DEFAULT_API_URL).replace(/\/+$/, '')
  const octokit = getOctokit(token, { baseUrl, request: { fetch: fetchThrough(http) } })
  const apiHost = (() => {
    try {
      return new URL(baseUrl).host
    } catch {
      return 'the GitHub API'
    }
  })()

  /** Maps Octokit's errors to ours: the API's refusals by status, our client's failures as they are. */
  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      const e = error as HttpishError
      // Our client's own failure (timeout, deadline, reset, cap, redirect): Octokit wraps it as a 500.
      if (e.cause instanceof ActionError) throw new ActionError(`Could not ${what}: ${e.cause.message}`)
      const status = typeof e.status === 'number' && e.response ? e.status : undefined
      if (status === 401 || status === 403 || status === 404) {
        throw new IssuesPermissionError(
          `GitHub refused to ${what} in ${owner}/${repo} (HTTP ${status} from ${apiHost}). The github-token needs write access to issues: add\npermissions:\n  issues: write\nto the job (and keep contents: read).`,
        )
      }
      if (status === 410) {
        throw new ActionError(
          `Issues are disabled in ${owner}/${repo} (HTTP 410 from ${apiHost}): enable them (Settings → General → Features → Issues) or set open-issue: false.`,
        )
      }
      const retried = status !== undefined && (status === 429 || status >= 500) ? ' after 3 tries; GitHub may be having trouble, re-run later' : ''
      throw new ActionError(`Could not ${what} on ${apiHost}: ${status ? `HTTP ${status}${retried}` : describeError(error)}.`)
    }
  }

  return {
    listOpen: (label) =>
      call('list issues', async () => {
        const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: 'open', labels: label, per_page: 100 })
        return issues.filter((i) => !i.pull_request).map((i): IssueSummary => ({ number: i.number, title: i.title, body: i.body ?? '' }))
      }),
    create: (title, body, label) =>
      call('open an issue', async () => (await octokit.rest.issues.create({ owner, repo, title, body, labels: [label] })).data.number),
    update: (number, title, body) =>
      call('update an issue', async () => {
        await octokit.rest.issues.update({ owner, repo, issue_number: number, title, body })
      }),
    comment: (number, body) =>
      call('comment on an issue', async () => {
        await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body })
      }),
    close: (number) =>
      call('close an issue', async () => {
        await octokit.rest.issues.update({ owner, repo, issue_number: number, state: 'closed', state_reason: 'completed' })
      }),
  }
}
