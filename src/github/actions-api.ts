/**
 * The slice of GitHub's REST API that `token create|rotate` needs: a repository's existence, its
 * environments, Actions secrets (sealed to the repository's or environment's public key) and Actions
 * variables. Every request goes through the caller's HttpClient (its per-request timeout, its one
 * deadline, its retries of 429/5xx; nothing retried here), to URLs built relative to the API root, so a
 * GitHub Enterprise Server root (`https://HOST/api/v3`) works as api.github.com does. Every refusal
 * becomes one GitHubApiError that says what to change; no message ever holds the token or a secret value,
 * and GitHub's own words are quoted escaped (and with both scrubbed, should an answer echo them).
 */
import { ActionError, InputError } from '../errors.js'
import { parseJsonBody, type HttpClient, type HttpResponse } from '../http/client.js'
import { Redactor } from '../util/redactor.js'
import { escapeControls } from '../util/untrusted.js'
import { environmentName, secretName, variableName } from './names.js'
import type { RepoRef } from './repo.js'
import { sealForGitHub } from './sealed-box.js'

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com'

/** GitHub's limit on a secret's and a variable's value. */
export const MAX_VALUE_BYTES = 48 * 1024

/** Most characters of GitHub's own message quoted in ours. */
const MAX_QUOTED = 300

/** GitHub answered with a refusal or something unexpected; `status` is its HTTP status (0: refused here, before asking GitHub). */
export class GitHubApiError extends ActionError {
  override name = 'GitHubApiError'
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

export interface GitHubActionsApiOptions {
  /** The caller's client: its deadline bounds every request made here. */
  http: HttpClient
  /** GITHUB_API_URL; default https://api.github.com. A GHES root with a path (`https://HOST/api/v3`) works. */
  apiUrl?: string
  token: string
  /** Where the token came from, named in messages about it: 'GH_TOKEN', '--github-token-env FOO'… */
  tokenSource?: string
  /** Sent as User-Agent; default the HttpClient's own. */
  userAgent?: string
}

export interface GitHubRepository {
  /** 'owner/repo' as GitHub spells it (it may differ in case from what was asked, or name the new home of a renamed repository). */
  fullName: string
  private?: boolean
}

type Area = 'secrets' | 'variables'

interface Context {
  /** What we were doing, for the message: 'Storing the secret NPM_TOKEN in octo-org/octo-repo'. */
  action: string
  repo: RepoRef
  environment?: string
  /** The permission the request needs, when it touches secrets or variables. */
  area?: Area
}

const slug = (repo: RepoRef) => `${repo.owner}/${repo.repo}`
const where = (repo: RepoRef, environment: string | undefined) =>
  environment === undefined ? slug(repo) : `${slug(repo)} (environment ${escapeControls(JSON.stringify(environment), true)})`

export class GitHubActionsApi {
  private readonly http: HttpClient
  private readonly base: URL
  private readonly token: string
  private readonly tokenSource: string
  private readonly userAgent: string | undefined

  constructor(opts: GitHubActionsApiOptions) {
    if (!opts.token) throw new InputError(opts.tokenSource ?? 'GitHub token', 'the GitHub token is empty.')
    this.http = opts.http
    this.base = apiBase(opts.apiUrl)
    this.token = opts.token
    this.tokenSource = opts.tokenSource ? `the GitHub token from ${opts.tokenSource}` : 'the GitHub token'
    this.userAgent = opts.userAgent
  }

  /** GET /repos/{o}/{r}: the repository as the token sees it. */
  async repository(repo: RepoRef): Promise<GitHubRepository> {
    const ctx: Context = { action: `Reading the GitHub repository ${slug(repo)}`, repo }
    const response = await this.request('GET', ['repos', repo.owner, repo.repo], undefined, 'GitHub repository')
    if (response.status === 404) {
      throw new GitHubApiError(
        `GitHub repository ${slug(repo)} not found, or the GitHub token cannot see it (${this.tokenSource}: a fine-grained token must have ${slug(repo)} among its repositories; a classic token needs the \`repo\` scope for a private repository).`,
        404,
      )
    }
    if (response.status !== 200) throw this.failure(response, ctx)
    const body = this.json(response, ctx) as { full_name?: unknown; private?: unknown } | undefined
    if (!body || typeof body.full_name !== 'string' || !/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/.test(body.full_name)) {
      throw this.unexpected(response, ctx, 'no owner/repo full_name')
    }
    return { fullName: body.full_name, ...(typeof body.private === 'boolean' ? { private: body.private } : {}) }
  }

  /** GET /repos/{o}/{r}/environments/{env}: whether the environment exists (checked before anything is created in it). */
  async environmentExists(repo: RepoRef, environment: string): Promise<boolean> {
    const env = environmentName(environment)
    const ctx: Context = { action: `Reading the environment of ${where(repo, env)}`, repo, environment: env }
    const response = await this.request('GET', ['repos', repo.owner, repo.repo, 'environments', env], undefined, 'GitHub environment')
    if (response.status === 404) return false
    if (response.status !== 200) throw this.failure(response, ctx)
    this.json(response, ctx)
    return true
  }

  /**
   * Stores `value` as the Actions secret `name` of the repository (or of its `environment`): GitHub's
   * public key for it, the value sealed to it, PUT. 'created' (201) or 'updated' (204).
   */
  async putSecret(repo: RepoRef, name: string, value: string, environment?: string): Promise<'created' | 'updated'> {
    const secret = secretName(name)
    const env = environment === undefined ? undefined : environmentName(environment)
    const ctx: Context = { action: `Storing the secret ${secret} in ${where(repo, env)}`, repo, environment: env, area: 'secrets' }
    if (value === '') throw new GitHubApiError(`${ctx.action}: the value is empty; refusing to store an empty secret.`, 0)
    const bytes = Buffer.byteLength(value)
    if (bytes > MAX_VALUE_BYTES) throw new GitHubApiError(`${ctx.action}: the value is ${bytes} bytes; GitHub stores at most ${MAX_VALUE_BYTES}.`, 0)
    const scope = this.scope(repo, env)

    const keyResponse = await this.request('GET', [...scope, 'secrets', 'public-key'], undefined, 'GitHub secrets public key')
    if (keyResponse.status !== 200) throw this.failure(keyResponse, ctx, value)
    const key = this.json(keyResponse, ctx) as { key_id?: unknown; key?: unknown } | undefined
    if (!key || typeof key.key_id !== 'string' || key.key_id === '' || typeof key.key !== 'string') {
      throw this.unexpected(keyResponse, ctx, 'a public key without key_id or key')
    }
    const encrypted = await sealForGitHub(key.key, value)
    const body = JSON.stringify({ encrypted_value: encrypted, key_id: key.key_id })
    const response = await this.request('PUT', [...scope, 'secrets', secret], body, 'GitHub secret')
    if (response.status === 201) return 'created'
    if (response.status === 204 || response.status === 200) return 'updated'
    throw this.failure(response, ctx, value)
  }

  /** The value of the Actions variable `name` of the repository (or of its `environment`); undefined when there is none. */
  async getVariable(repo: RepoRef, name: string, environment?: string): Promise<string | undefined> {
    const variable = variableName(name)
    const env = environment === undefined ? undefined : environmentName(environment)
    const ctx: Context = { action: `Reading the variable ${variable} of ${where(repo, env)}`, repo, environment: env, area: 'variables' }
    const response = await this.request('GET', [...this.scope(repo, env), 'variables', variable], undefined, 'GitHub variable')
    if (response.status === 404) return undefined
    if (response.status !== 200) throw this.failure(response, ctx)
    const body = this.json(response, ctx) as { value?: unknown } | undefined
    if (!body || typeof body.value !== 'string') throw this.unexpected(response, ctx, 'a variable without a value')
    return body.value
  }

  /**
   * Sets the Actions variable `name` of the repository (or of its `environment`) to `value`: PATCH, and on
   * 404 POST; a POST that finds it created meanwhile (409) PATCHes once more. 'created' or 'updated'.
   */
  async setVariable(repo: RepoRef, name: string, value: string, environment?: string): Promise<'created' | 'updated'> {
    const variable = variableName(name)
    const env = environment === undefined ? undefined : environmentName(environment)
    const ctx: Context = { action: `Setting the variable ${variable} of ${where(repo, env)}`, repo, environment: env, area: 'variables' }
    const bytes = Buffer.byteLength(value)
    if (bytes > MAX_VALUE_BYTES) throw new GitHubApiError(`${ctx.action}: the value is ${bytes} bytes; GitHub stores at most ${MAX_VALUE_BYTES}.`, 0)
    const scope = this.scope(repo, env)
    const body = JSON.stringify({ name: variable, value })
    const patch = () => this.request('PATCH', [...scope, 'variables', variable], body, 'GitHub variable')

    const patched = await patch()
    if (patched.status === 204 || patched.status === 200) return 'updated'
    if (patched.status !== 404) throw this.failure(patched, ctx)
    const posted = await this.request('POST', [...scope, 'variables'], body, 'GitHub variable')
    if (posted.status === 201 || posted.status === 200) return 'created'
    if (posted.status !== 409) throw this.failure(posted, ctx)
    const again = await patch()
    if (again.status === 204 || again.status === 200) return 'updated'
    throw this.failure(again, ctx)
  }

  /** Deletes the Actions variable `name` of the repository (or of its `environment`); one already absent (404) is fine. */
  async deleteVariable(repo: RepoRef, name: string, environment?: string): Promise<void> {
    const variable = variableName(name)
    const env = environment === undefined ? undefined : environmentName(environment)
    const ctx: Context = { action: `Deleting the variable ${variable} of ${where(repo, env)}`, repo, environment: env, area: 'variables' }
    const response = await this.request('DELETE', [...this.scope(repo, env), 'variables', variable], undefined, 'GitHub variable')
    if (response.status === 204 || response.status === 200 || response.status === 404) return
    throw this.failure(response, ctx)
  }

  // ---- plumbing ------------------------------------------------------------------------------

  /** The path segments of the repository's (or environment's) secrets and variables, up to `secrets|variables`. */
  private scope(repo: RepoRef, environment: string | undefined): string[] {
    return environment === undefined ? ['repos', repo.owner, repo.repo, 'actions'] : ['repos', repo.owner, repo.repo, 'environments', environment]
  }

  private async request(
    method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE',
    segments: string[],
    body: string | undefined,
    purpose: string,
  ): Promise<HttpResponse> {
    const url = new URL(segments.map((s) => encodeURIComponent(s)).join('/'), this.base)
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      ...(this.userAgent ? { 'user-agent': this.userAgent } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    }
    return this.http.send(url, { method, headers, body, purpose })
  }

  private json(response: HttpResponse, ctx: Context): unknown {
    return parseJsonBody(response, ctx.action)
  }

  private unexpected(response: HttpResponse, ctx: Context, what: string): GitHubApiError {
    return new GitHubApiError(
      `${ctx.action}: GitHub answered HTTP ${response.status} with ${what}. Is the GitHub API URL (${this.base.href}) right?`,
      response.status,
    )
  }

  /** GitHub's message (and its `errors`), scrubbed of the token and `secretValue`, escaped, capped, quoted; '' when none. */
  private quoted(response: HttpResponse, secretValue?: string): string {
    let body: { message?: unknown; errors?: unknown } | undefined
    try {
      body = JSON.parse(response.text) as typeof body
    } catch {
      return ''
    }
    if (!body || typeof body !== 'object') return ''
    const parts: string[] = []
    if (typeof body.message === 'string' && body.message !== '') parts.push(body.message)
    if (Array.isArray(body.errors)) {
      for (const e of body.errors.slice(0, 3)) {
        if (typeof e === 'string') parts.push(e)
        else if (e && typeof e === 'object') {
          const { message, code, field } = e as Record<string, unknown>
          if (typeof message === 'string') parts.push(message)
          else if (typeof code === 'string') parts.push(typeof field === 'string' ? `${field}: ${code}` : code)
        }
      }
    }
    if (parts.length === 0) return ''
    const redactor = new Redactor()
    redactor.add(this.token)
    if (secretValue) redactor.add(secretValue)
    let text = redactor.redact(parts.join('; '))
    if (text.length > MAX_QUOTED) text = `${text.slice(0, MAX_QUOTED)}…`
    return escapeControls(JSON.stringify(text), true)
  }

  /** The permission a secrets or variables request needs, in words: GitHub's own header first, then both token kinds. */
  private permissionHint(response: HttpResponse, ctx: Context): string {
    const target = slug(ctx.repo)
    const area = ctx.area!
    const fineGrained =
      ctx.environment === undefined
        ? area === 'secrets'
          ? '"Secrets: Read and write"'
          : '"Variables: Read and write"'
        : area === 'secrets'
          ? '"Secrets: Read and write" and "Environments: Read and write"'
          : '"Environments: Read and write"'
    const accepted = response.headers['x-accepted-github-permissions']
    const asked = accepted ? ` GitHub asks for ${escapeControls(JSON.stringify(accepted.slice(0, 200)), true)}.` : ''
    return (
      `${asked} A fine-grained token needs ${fineGrained} with ${target} among its repositories; a classic token needs the \`repo\` scope;` +
      ` and the token's user needs write (or admin) access to ${target}.`
    )
  }

  private failure(response: HttpResponse, ctx: Context, secretValue?: string): GitHubApiError {
    const status = response.status
    const said = this.quoted(response, secretValue)
    const github = said ? `: ${said}` : ''
    if (status === 401) {
      return new GitHubApiError(
        `${ctx.action}: GitHub rejected ${this.tokenSource} (HTTP 401${github}): it is invalid, expired or revoked. Create a new token and set it again.`,
        401,
      )
    }
    const headers = response.headers
    if ((status === 403 || status === 429) && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(said))) {
      const reset = Number(headers['x-ratelimit-reset'])
      const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : ''
      return new GitHubApiError(`${ctx.action}: GitHub's API rate limit for this token is used up${when} (HTTP ${status}). Run again later.`, status)
    }
    if (status === 403 && headers['x-github-sso']) {
      return new GitHubApiError(
        `${ctx.action}: GitHub refused (HTTP 403${github}): ${slug(ctx.repo)}'s organization enforces SAML single sign-on; authorize ${this.tokenSource} for it (token settings → Configure SSO).`,
        403,
      )
    }
    if ((status === 403 || status === 404) && ctx.area) {
      const integration = /by integration/i.test(said) ? " A workflow's GITHUB_TOKEN can never manage secrets or variables: use a personal access token." : ''
      const lead =
        status === 403
          ? `${ctx.action}: GitHub refused (HTTP 403${github}): ${this.tokenSource} lacks the permission.`
          : `${ctx.action}: GitHub answered 404 Not Found: ${where(ctx.repo, ctx.environment)} does not exist, or ${this.tokenSource} cannot see it or lacks the permission.`
      return new GitHubApiError(`${lead}${this.permissionHint(response, ctx)}${integration}`, status)
    }
    if (status === 422) {
      const stale = ctx.area === 'secrets' ? ' If GitHub rotated the public key for secrets meanwhile, run again.' : ''
      return new GitHubApiError(`${ctx.action}: GitHub refused it (HTTP 422${github}).${stale}`, 422)
    }
    const later = status >= 500 ? ' GitHub may be having trouble; try again later (https://www.githubstatus.com).' : ''
    return new GitHubApiError(`${ctx.action}: GitHub answered HTTP ${status}${github}.${later}`, status)
  }
}

/** The API root as a base URL ending in '/', so every path resolves below it (GHES: https://HOST/api/v3/). */
export function apiBase(apiUrl: string | undefined): URL {
  const text = (apiUrl ?? '').trim() || DEFAULT_GITHUB_API_URL
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InputError(
      'GITHUB_API_URL',
      `${escapeControls(JSON.stringify(text.slice(0, 200)), true)} is not a URL; expected https://api.github.com or https://HOST/api/v3.`,
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(
      'GITHUB_API_URL',
      `${escapeControls(JSON.stringify(url.protocol), true)} is not http(s); expected https://api.github.com or https://HOST/api/v3.`,
    )
  }
  if (url.username || url.password) throw new InputError('GITHUB_API_URL', 'the URL holds credentials; give the token separately.')
  url.search = ''
  url.hash = ''
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url
}
