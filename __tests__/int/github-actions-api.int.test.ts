// The GitHub side of `token create|rotate` (src/github/actions-api.ts) against the loopback fake GitHub
// with real crypto: a secret is sealed by the client and opened by the fake with the repository's (or
// environment's) private key, so `secretValue` equal to what was stored proves the sealing end to end.
// Every refusal GitHub answers becomes a message that names the permission to grant and never holds the
// token or the secret value; requests go through the project's HttpClient (its retries, its deadline).
import { afterAll, describe, expect, it } from '@jest/globals'
import { NetworkError } from '../../src/errors.js'
import { GitHubActionsApi, GitHubApiError } from '../../src/github/actions-api.js'
import { GitHubNameError } from '../../src/github/names.js'
import { parseRepoSlug } from '../../src/github/repo.js'
import { HttpClient } from '../../src/http/client.js'
import { silentLogger } from '../../src/ports/logger.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../../test-support/fake-github.ts'

const REPO = 'octo-org/octo-repo'
const OTHER = 'octo-org/other-repo'
const ref = parseRepoSlug(REPO)
const rand = () => Math.random().toString(36).slice(2, 12)
const TOKEN = `ghp_main${rand()}${rand()}`
const READ_SECRETS = `github_pat_readsecrets${rand()}${rand()}`
const NO_VARIABLES = `github_pat_novars${rand()}${rand()}`
const OTHER_REPO_ONLY = `github_pat_otherrepo${rand()}${rand()}`
const READ_ONLY = `ghs_readonly${rand()}${rand()}`
const ALL_TOKENS = [TOKEN, READ_SECRETS, NO_VARIABLES, OTHER_REPO_ONLY, READ_ONLY]
const VALUE = `npm_SECRETvalue${rand()}${rand()}`

const servers: FakeGitHub[] = []
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()))
})

async function gitHub(opts: Partial<FakeGitHubOptions> = {}): Promise<FakeGitHub> {
  const gh = await startFakeGitHub({
    token: TOKEN,
    readOnlyToken: READ_ONLY,
    repos: [REPO, OTHER],
    environments: { [REPO]: ['production', 'release/eu'] },
    tokens: {
      [READ_SECRETS]: { secrets: 'read', variables: 'write' },
      [NO_VARIABLES]: { secrets: 'write', variables: 'none' },
      [OTHER_REPO_ONLY]: { secrets: 'write', variables: 'write', repos: [OTHER] },
    },
    ...opts,
  })
  servers.push(gh)
  return gh
}

function api(gh: FakeGitHub, over: { token?: string; deadline?: number; apiUrl?: string } = {}): GitHubActionsApi {
  const http = new HttpClient({ deadline: over.deadline ?? Date.now() + 20_000, retryBaseMs: 20, logger: silentLogger })
  return new GitHubActionsApi({ http, apiUrl: over.apiUrl ?? gh.url, token: over.token ?? TOKEN, tokenSource: 'GH_TOKEN' })
}

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<GitHubApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(GitHubApiError)
  return error as GitHubApiError
}

/** No message or request body ever holds a token or the secret's value in clear. */
function expectNoSecret(text: string): void {
  for (const secret of [...ALL_TOKENS, VALUE]) expect(text).not.toContain(secret)
}

describe('repository and environments', () => {
  it('repository(): the full name as GitHub spells it; the API headers are GitHub’s', async () => {
    const gh = await gitHub()
    await expect(api(gh).repository({ owner: 'OCTO-ORG', repo: 'Octo-Repo' })).resolves.toEqual({ fullName: REPO, private: false })
    const [request] = gh.requests
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(request.headers.accept).toBe('application/vnd.github+json')
    expect(request.headers['x-github-api-version']).toBe('2022-11-28')
    expect(request.headers['user-agent']).toMatch(/\S/)
  })

  it('repository(): 404 for a repository that does not exist or the token cannot see', async () => {
    const gh = await gitHub()
    for (const [repo, token] of [
      ['octo-org/nope', TOKEN],
      [REPO, OTHER_REPO_ONLY],
    ]) {
      const error = await failure(api(gh, { token }).repository(parseRepoSlug(repo)))
      expect(error.status).toBe(404)
      expect(error.message).toContain(`GitHub repository ${repo} not found, or the GitHub token cannot see it (the GitHub token from GH_TOKEN`)
      expectNoSecret(error.message)
    }
  })

  it('environmentExists(): true for one of the repository’s environments (any case, a slash encoded), false otherwise', async () => {
    const gh = await gitHub()
    const client = api(gh)
    await expect(client.environmentExists(ref, 'production')).resolves.toBe(true)
    await expect(client.environmentExists(ref, 'PRODUCTION')).resolves.toBe(true)
    await expect(client.environmentExists(ref, 'release/eu')).resolves.toBe(true)
    await expect(client.environmentExists(ref, 'staging')).resolves.toBe(false)
    await expect(client.environmentExists(parseRepoSlug(OTHER), 'production')).resolves.toBe(false)
    expect(gh.requests.map((r) => r.path)).toContain(`/repos/${REPO}/environments/release%2Feu`)
  })
})

describe('secrets: sealed by the client, opened by the fake', () => {
  it('a repository secret: created (201), then updated (204); GitHub only ever sees ciphertext', async () => {
    const gh = await gitHub()
    const client = api(gh)
    await expect(client.putSecret(ref, 'NPM_TOKEN', VALUE)).resolves.toBe('created')
    expect(gh.secretValue(REPO, 'NPM_TOKEN')).toBe(VALUE)
    await expect(client.putSecret(ref, 'npm_token', `${VALUE}-2`)).resolves.toBe('updated')
    expect(gh.secretValue(REPO, 'NPM_TOKEN')).toBe(`${VALUE}-2`)
    const puts = gh.requests.filter((r) => r.method === 'PUT')
    expect(puts.map((r) => [r.path, r.status])).toEqual([
      [`/repos/${REPO}/actions/secrets/NPM_TOKEN`, 201],
      [`/repos/${REPO}/actions/secrets/NPM_TOKEN`, 204],
    ])
    expect(puts[0].json).toEqual({ encrypted_value: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/), key_id: gh.publicKey(REPO).key_id })
    expect(puts[0].headers['content-type']).toMatch(/^application\/json/)
    expectNoSecret(gh.receivedText().replaceAll(TOKEN, ''))
    expect(gh.receivedText()).not.toContain(VALUE)
  })

  it('an environment secret is sealed to the environment’s own key and stored there, not in the repository', async () => {
    const gh = await gitHub()
    await expect(api(gh).putSecret(ref, 'NPM_TOKEN', VALUE, 'production')).resolves.toBe('created')
    expect(gh.secretValue(REPO, 'NPM_TOKEN', 'production')).toBe(VALUE)
    expect(gh.secretValue(REPO, 'NPM_TOKEN')).toBeUndefined()
    expect(gh.publicKey(REPO, 'production').key).not.toBe(gh.publicKey(REPO).key)
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/${REPO}/environments/production/secrets/public-key`,
      `PUT /repos/${REPO}/environments/production/secrets/NPM_TOKEN`,
    ])
  })

  it('a public key rotated between reading it and storing: 422, a clear error; the next run succeeds', async () => {
    const gh = await gitHub()
    const client = api(gh)
    gh.fault(`PUT /repos/${REPO}/actions/secrets/NPM_TOKEN`, { delayMs: 400 })
    const pending = client.putSecret(ref, 'NPM_TOKEN', VALUE)
    while (!gh.requests.some((r) => r.method === 'PUT')) await new Promise((resolve) => setTimeout(resolve, 10))
    gh.rotatePublicKey(REPO)
    const error = await failure(pending)
    expect(error.status).toBe(422)
    expect(error.message).toContain(
      `Storing the secret NPM_TOKEN in ${REPO}: GitHub refused it (HTTP 422: "Bad request - validation failed due to an improperly encrypted secret")`,
    )
    expect(error.message).toContain('rotated the public key')
    expectNoSecret(error.message)
    expect(gh.secretValue(REPO, 'NPM_TOKEN')).toBeUndefined()
    await expect(client.putSecret(ref, 'NPM_TOKEN', VALUE)).resolves.toBe('created')
    expect(gh.secretValue(REPO, 'NPM_TOKEN')).toBe(VALUE)
  })

  it('names GitHub refuses, an empty or oversized value: refused before any request', async () => {
    const gh = await gitHub()
    const client = api(gh)
    await expect(client.putSecret(ref, 'GITHUB_NPM', VALUE)).rejects.toThrow(GitHubNameError)
    await expect(client.putSecret(ref, 'npm-token', VALUE)).rejects.toThrow(/secret name "npm-token" is not one GitHub accepts/)
    await expect(client.setVariable(ref, '1DAY', 'x')).rejects.toThrow(/variable name "1DAY".*must not start with a digit/)
    await expect(client.putSecret(ref, 'NPM_TOKEN', VALUE, '')).rejects.toThrow(/environment name "" .*empty/)
    await expect(client.putSecret(ref, 'NPM_TOKEN', '')).rejects.toThrow(/empty secret/)
    await expect(client.putSecret(ref, 'NPM_TOKEN', 'x'.repeat(48 * 1024 + 1))).rejects.toThrow(/at most 49152/)
    expect(gh.requests).toEqual([])
  })

  it('an environment that does not exist: 404 naming it', async () => {
    const gh = await gitHub()
    const error = await failure(api(gh).putSecret(ref, 'NPM_TOKEN', VALUE, 'staging'))
    expect(error.status).toBe(404)
    expect(error.message).toContain(`${REPO} (environment "staging") does not exist, or the GitHub token from GH_TOKEN cannot see it`)
  })
})

describe('variables', () => {
  it('getVariable: undefined when absent; setVariable creates (PATCH 404 → POST 201), then updates (PATCH 204)', async () => {
    const gh = await gitHub()
    const client = api(gh)
    await expect(client.getVariable(ref, 'NPM_TOKEN_EXPIRES')).resolves.toBeUndefined()
    await expect(client.setVariable(ref, 'NPM_TOKEN_EXPIRES', '2027-01-31T00:00:00.000Z')).resolves.toBe('created')
    expect(gh.variableValue(REPO, 'NPM_TOKEN_EXPIRES')).toBe('2027-01-31T00:00:00.000Z')
    await expect(client.getVariable(ref, 'npm_token_expires')).resolves.toBe('2027-01-31T00:00:00.000Z')
    await expect(client.setVariable(ref, 'npm_token_expires', '2027-03-01T00:00:00.000Z')).resolves.toBe('updated')
    expect(gh.variableValue(REPO, 'NPM_TOKEN_EXPIRES')).toBe('2027-03-01T00:00:00.000Z')
    expect(gh.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `GET /repos/${REPO}/actions/variables/NPM_TOKEN_EXPIRES 404`,
      `PATCH /repos/${REPO}/actions/variables/NPM_TOKEN_EXPIRES 404`,
      `POST /repos/${REPO}/actions/variables 201`,
      `GET /repos/${REPO}/actions/variables/NPM_TOKEN_EXPIRES 200`,
      `PATCH /repos/${REPO}/actions/variables/NPM_TOKEN_EXPIRES 204`,
    ])
    expect(gh.requests[2].json).toEqual({ name: 'NPM_TOKEN_EXPIRES', value: '2027-01-31T00:00:00.000Z' })
  })

  it('environment variables live in the environment', async () => {
    const gh = await gitHub()
    const client = api(gh)
    await expect(client.setVariable(ref, 'NPM_TOKEN_EXPIRES', 'in-prod', 'production')).resolves.toBe('created')
    expect(gh.variableValue(REPO, 'NPM_TOKEN_EXPIRES', 'production')).toBe('in-prod')
    expect(gh.variableValue(REPO, 'NPM_TOKEN_EXPIRES')).toBeUndefined()
    await expect(client.getVariable(ref, 'NPM_TOKEN_EXPIRES', 'production')).resolves.toBe('in-prod')
    await expect(client.getVariable(ref, 'NPM_TOKEN_EXPIRES')).resolves.toBeUndefined()
    expect(gh.requests.map((r) => r.path)).toContain(`/repos/${REPO}/environments/production/variables`)
  })

  it('deleteVariable: gone afterwards; one already absent is fine; a refusal is an error', async () => {
    const gh = await gitHub()
    gh.seedVariable(REPO, 'NPM_TOKEN_EXPIRES', 'x', 'production')
    const client = api(gh)
    await expect(client.deleteVariable(ref, 'npm_token_expires', 'production')).resolves.toBeUndefined()
    expect(gh.variableValue(REPO, 'NPM_TOKEN_EXPIRES', 'production')).toBeUndefined()
    await expect(client.deleteVariable(ref, 'NPM_TOKEN_EXPIRES', 'production')).resolves.toBeUndefined()
    expect(gh.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `DELETE /repos/${REPO}/environments/production/variables/NPM_TOKEN_EXPIRES 204`,
      `DELETE /repos/${REPO}/environments/production/variables/NPM_TOKEN_EXPIRES 404`,
    ])
    gh.seedVariable(REPO, 'NPM_TOKEN_EXPIRES', 'x')
    const error = await failure(api(gh, { token: READ_ONLY }).deleteVariable(ref, 'NPM_TOKEN_EXPIRES'))
    expect(error.message).toContain('GitHub asks for "variables=write"')
    expect(gh.variableValue(REPO, 'NPM_TOKEN_EXPIRES')).toBe('x')
  })

  it('created by someone else between PATCH and POST (409): PATCHed once more', async () => {
    const gh = await gitHub()
    gh.seedVariable(REPO, 'NPM_TOKEN_EXPIRES', 'old')
    gh.fault(`PATCH /repos/${REPO}/actions/variables/NPM_TOKEN_EXPIRES`, { status: 404, body: { message: 'Not Found' } })
    await expect(api(gh).setVariable(ref, 'NPM_TOKEN_EXPIRES', 'new')).resolves.toBe('updated')
    expect(gh.variableValue(REPO, 'NPM_TOKEN_EXPIRES')).toBe('new')
    expect(gh.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 404', 'POST 409', 'PATCH 204'])
  })
})

describe('refusals name what to change, never a secret', () => {
  it('401: the token named by where it came from', async () => {
    const gh = await gitHub()
    const wrong = `ghp_wrong${rand()}${rand()}`
    const error = await failure(api(gh, { token: wrong }).putSecret(ref, 'NPM_TOKEN', VALUE))
    expect(error.status).toBe(401)
    expect(error.message).toBe(
      `Storing the secret NPM_TOKEN in ${REPO}: GitHub rejected the GitHub token from GH_TOKEN (HTTP 401: "Bad credentials"): it is invalid, expired or revoked. Create a new token and set it again.`,
    )
    expect(error.message).not.toContain(wrong)
  })

  it('403 with x-accepted-github-permissions: GitHub’s ask quoted, and both kinds of token told what they need', async () => {
    const gh = await gitHub()
    const secrets = await failure(api(gh, { token: READ_SECRETS }).putSecret(ref, 'NPM_TOKEN', VALUE))
    expect(secrets.status).toBe(403)
    expect(secrets.message).toContain('HTTP 403: "Resource not accessible by personal access token"')
    expect(secrets.message).toContain('GitHub asks for "secrets=write"')
    expect(secrets.message).toContain(
      `A fine-grained token needs "Secrets: Read and write" with ${REPO} among its repositories; a classic token needs the \`repo\` scope`,
    )
    expect(secrets.message).toContain(`write (or admin) access to ${REPO}`)
    expectNoSecret(secrets.message)

    const variables = await failure(api(gh, { token: NO_VARIABLES }).setVariable(ref, 'NPM_TOKEN_EXPIRES', 'x'))
    expect(variables.message).toContain('GitHub asks for "variables=write"')
    expect(variables.message).toContain('"Variables: Read and write"')
    const inEnvironment = await failure(api(gh, { token: NO_VARIABLES }).setVariable(ref, 'NPM_TOKEN_EXPIRES', 'x', 'production'))
    expect(inEnvironment.message).toContain('"Environments: Read and write"')
    expectNoSecret(variables.message + inEnvironment.message)
    expect(gh.variableValue(REPO, 'NPM_TOKEN_EXPIRES')).toBeUndefined()
  })

  it('403 without the header: the permission named all the same', async () => {
    const gh = await gitHub()
    gh.fault(`GET /repos/${REPO}/actions/secrets/public-key`, { status: 403, body: { message: 'Resource not accessible by personal access token' } })
    const error = await failure(api(gh).putSecret(ref, 'NPM_TOKEN', VALUE))
    expect(error.status).toBe(403)
    expect(error.message).not.toContain('GitHub asks for')
    expect(error.message).toContain('lacks the permission. A fine-grained token needs "Secrets: Read and write"')
    expectNoSecret(error.message)
  })

  it('a workflow’s GITHUB_TOKEN ("by integration") is told it can never do this', async () => {
    const gh = await gitHub()
    const error = await failure(api(gh, { token: READ_ONLY }).setVariable(ref, 'NPM_TOKEN_EXPIRES', 'x'))
    expect(error.message).toContain('Resource not accessible by integration')
    expect(error.message).toContain("A workflow's GITHUB_TOKEN can never manage secrets or variables")
  })

  it('404 for a repository the token cannot see: not found, or no access, and the permission', async () => {
    const gh = await gitHub()
    const error = await failure(api(gh, { token: OTHER_REPO_ONLY }).putSecret(ref, 'NPM_TOKEN', VALUE))
    expect(error.status).toBe(404)
    expect(error.message).toContain(
      `GitHub answered 404 Not Found: ${REPO} does not exist, or the GitHub token from GH_TOKEN cannot see it or lacks the permission.`,
    )
    expect(error.message).toContain('"Secrets: Read and write"')
    expectNoSecret(error.message)
  })

  it('GitHub’s own words are quoted escaped, and scrubbed of the token and value should it echo them', async () => {
    const gh = await gitHub()
    gh.fault(`PUT /repos/${REPO}/actions/secrets/NPM_TOKEN`, {
      status: 422,
      body: { message: `Validation Failed\n::error::owned \u001b[31m${TOKEN} ${VALUE}`, errors: [{ resource: 'Secret', code: 'invalid', field: 'key_id' }] },
    })
    const error = await failure(api(gh).putSecret(ref, 'NPM_TOKEN', VALUE))
    expect(error.status).toBe(422)
    expect(error.message).toContain('"Validation Failed\\n::error::owned \\u001b[31m*** ***; key_id: invalid"')
    expect(error.message).not.toMatch(/[\n\u001b]/)
    expectNoSecret(error.message)
  })

  it('a rate limit is reported as one, with when it resets', async () => {
    const gh = await gitHub()
    gh.fault(`GET /repos/${REPO}`, {
      status: 403,
      body: { message: 'API rate limit exceeded for user ID 1.' },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1893456000' },
    })
    const error = await failure(api(gh).repository(ref))
    expect(error.message).toBe(
      `Reading the GitHub repository ${REPO}: GitHub's API rate limit for this token is used up until 2030-01-01T00:00:00.000Z (HTTP 403). Run again later.`,
    )
  })
})

describe('transport: GHES, retries, the deadline', () => {
  it('a GHES-style API root with a path prefix (http://HOST/api/v3): every request resolves below it', async () => {
    const gh = await gitHub({ prefix: '/api/v3' })
    expect(gh.url).toMatch(/\/api\/v3$/)
    const client = api(gh)
    await expect(client.repository(ref)).resolves.toEqual({ fullName: REPO, private: false })
    await expect(client.putSecret(ref, 'NPM_TOKEN', VALUE, 'production')).resolves.toBe('created')
    await expect(client.setVariable(ref, 'NPM_TOKEN_EXPIRES', 'x')).resolves.toBe('created')
    expect(gh.secretValue(REPO, 'NPM_TOKEN', 'production')).toBe(VALUE)
    expect(gh.variableValue(REPO, 'NPM_TOKEN_EXPIRES')).toBe('x')
    expect(gh.requests.every((r) => r.path.startsWith('/api/v3/repos/'))).toBe(true)
    // The root without its prefix is not the API.
    await expect(api(gh, { apiUrl: new URL(gh.url).origin }).repository(ref)).rejects.toThrow(/not found/)
  })

  it('a 5xx is retried by the HttpClient, then succeeds', async () => {
    const gh = await gitHub()
    gh.fault(`PUT /repos/${REPO}/actions/secrets/NPM_TOKEN`, { status: 502 })
    gh.fault(`PATCH /repos/${REPO}/actions/variables/NPM_TOKEN_EXPIRES`, { status: 503 })
    const client = api(gh)
    await expect(client.putSecret(ref, 'NPM_TOKEN', VALUE)).resolves.toBe('created')
    await expect(client.setVariable(ref, 'NPM_TOKEN_EXPIRES', 'x')).resolves.toBe('created')
    expect(gh.secretValue(REPO, 'NPM_TOKEN')).toBe(VALUE)
    expect(gh.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'PUT 502', 'PUT 201', 'PATCH 503', 'PATCH 404', 'POST 201'])
    expect(gh.pendingFaults()).toBe(0)
  })

  it('a 5xx that persists: an error saying so, after the HttpClient’s tries', async () => {
    const gh = await gitHub()
    gh.fault(`GET /repos/${REPO}/actions/variables/X`, { status: 500 }, { status: 500 }, { status: 500 })
    const error = await failure(api(gh).getVariable(ref, 'X'))
    expect(error.status).toBe(500)
    expect(error.message).toMatch(/HTTP 500.*try again later/)
    expect(gh.requests).toHaveLength(3)
  })

  it('every request shares the client’s deadline: a GitHub that never answers fails within it', async () => {
    const gh = await gitHub()
    gh.fault(`GET /repos/${REPO}/actions/secrets/public-key`, { hang: true })
    const started = Date.now()
    await expect(api(gh, { deadline: Date.now() + 1_500 }).putSecret(ref, 'NPM_TOKEN', VALUE)).rejects.toThrow(NetworkError)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(gh.secretValue(REPO, 'NPM_TOKEN')).toBeUndefined()
  })
})
