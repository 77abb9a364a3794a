// A loopback stand-in for the slice of the GitHub REST API that check mode's issue talks to, so the
// real Octokit client in the built action runs against it (GITHUB_API_URL=http://127.0.0.1:PORT):
// in-memory issues (and pull requests, which GitHub returns from the same list) per repository,
// token auth with a configurable read-only token, Link-header pagination with a small configurable
// page size, fault injection, and a record of every request. node:http only, no framework.
// Hostile variants for attack tests: issues authored by someone else, a token with or without a user
// (GET /user), list pages whose `Link: rel="next"` points elsewhere (another host, the page itself), a list
// that ignores `page` or never ends; and startBystander(), a loopback host that records what reaches it.
// The Actions side `token create|rotate` talks to: repositories and their environments, Actions secrets
// sealed to a real Curve25519 key pair per repository and per environment (decrypted on PUT, so a test
// sees the plaintext a client really sent), Actions variables, and per-token permissions answered as
// GitHub answers them (403 with x-accepted-github-permissions, 404 for a repository a token cannot see);
// optionally under a path prefix, as GitHub Enterprise Server serves its API under /api/v3.
import type http from 'node:http'
import type sodiumModule from 'libsodium-wrappers'
import { answerFault, FaultQueue, type Fault, type FaultMatcher } from './faults.ts'
import { listenOnLoopback, readBody } from './loopback.ts'

export interface FakeComment {
  id: number
  body: string
  created_at: string
}

export interface FakeIssue {
  number: number
  title: string
  body: string | null
  state: 'open' | 'closed'
  state_reason: 'completed' | 'not_planned' | 'reopened' | 'duplicate' | null
  labels: string[]
  comments: FakeComment[]
  /** True for a pull request (GitHub lists those among issues, with a `pull_request` object). */
  pullRequest: boolean
  /** The author's login (default: `viewer`, else 'github-actions[bot]', the author of a GITHUB_TOKEN's issues). */
  author: string
  created_at: string
  updated_at: string
  closed_at: string | null
}

export interface GitHubRequest {
  method: string
  /** Path and query exactly as received. */
  path: string
  headers: http.IncomingHttpHeaders
  /** Body as UTF-8 text ('' when none). */
  body: string
  /** The body parsed as JSON (undefined when empty or not JSON). */
  json: unknown
  /** The HTTP status we answered with (undefined when we never answered: hang / reset). */
  status?: number
}

/** What a token may do with a repository's Actions secrets or variables. */
export type ActionsAccess = 'write' | 'read' | 'none'

export interface FakeTokenGrant {
  /** Actions secrets (repository and environment); default 'none'. */
  secrets?: ActionsAccess
  /** Actions variables (repository and environment); default 'none'. */
  variables?: ActionsAccess
  /** The only repositories ('owner/repo') it can see; every other answers 404. Default: every one. */
  repos?: string[]
  /** Issues; default 'read'. */
  issues?: ActionsAccess
}

export interface FakeGitHubOptions {
  /** The token with issues: write (and write on Actions secrets and variables). Required. */
  token: string
  /** A token that may read but whose writes answer 403 "Resource not accessible by integration". */
  readOnlyToken?: string
  /** Most items per list page whatever per_page asks (default 100, GitHub's maximum). */
  pageSize?: number
  /**
   * The login GET /user answers for `token` (a personal access token's user); issues it creates are that
   * user's. Default none: GET /user answers 403 "Resource not accessible by integration", as it does for
   * a job's GITHUB_TOKEN, and created issues are github-actions[bot]'s.
   */
  viewer?: string
  /** Hostile pagination of the issue list. */
  listing?: {
    /** The `rel="next"` URL of every list page, the last included (undefined: none); `pageUrl(p)` is page p's own URL here. */
    next?: (ctx: { page: number; pageUrl: (page: number) => string }) => string | undefined
    /** Ignore `page`: every page answers page 1 (with `next`, a list that loops). */
    samePage?: boolean
    /** Never end: pages past the real issues are filled with made-up open issues carrying the asked-for labels. */
    endless?: boolean
  }
  /** The repositories ('owner/repo', any case) that exist; every other answers 404. Default: any repository exists. */
  repos?: string[]
  /** The environments of each repository ('owner/repo' → names); default none. */
  environments?: Record<string, string[]>
  /**
   * More tokens (fine-grained personal access tokens) and what each may do; a refusal answers 403
   * "Resource not accessible by personal access token" with `x-accepted-github-permissions`.
   * `readOnlyToken` reads secrets and variables (a GITHUB_TOKEN-like "by integration" refusal for writes).
   */
  tokens?: Record<string, FakeTokenGrant>
  /** A path prefix the API is served under ('/api/v3', as GitHub Enterprise Server does); `url` includes it. Default none. */
  prefix?: string
}

/** A variable as GitHub stores it. */
export interface FakeVariable {
  name: string
  value: string
  created_at: string
  updated_at: string
}

export interface FakeGitHub {
  /**
   * 'http://127.0.0.1:PORT' (plus `prefix`, if any) — what GITHUB_API_URL gets (a GHES-style API root without
   * /api/v3 is fine for Octokit).
   */
  url: string
  port: number
  /** Every request received, in order. */
  requests: GitHubRequest[]
  /** The requests that change something (anything but GET/HEAD). */
  writes(): GitHubRequest[]
  /** Issues and pull requests of 'owner/repo', by number. */
  issues(repo: string): FakeIssue[]
  issue(repo: string, number: number): FakeIssue | undefined
  /** Labels that exist in 'owner/repo'. */
  labels(repo: string): string[]
  /** Adds an issue (or, with pullRequest: true, a pull request) directly, as if made earlier. */
  seed(repo: string, issue: Partial<Omit<FakeIssue, 'number' | 'comments'>> & { comments?: string[] }): FakeIssue
  /** Queue faults for requests whose `METHOD /path?query` contains the string / matches the RegExp; one is consumed per matching request. */
  fault(matcher: FaultMatcher, ...faults: Fault[]): void
  pendingFaults(): number
  /** Every text the action sent to GitHub (request bodies and query strings), for leak checks. */
  receivedText(): string
  /** The decrypted value of an Actions secret of 'owner/repo' (or of its environment); undefined when there is none. */
  secretValue(repo: string, name: string, environment?: string): string | undefined
  /** The value of an Actions variable of 'owner/repo' (or of its environment); undefined when there is none. */
  variableValue(repo: string, name: string, environment?: string): string | undefined
  /** Sets a variable directly, as if made earlier. */
  seedVariable(repo: string, name: string, value: string, environment?: string): void
  /** The public key secrets are sealed to now: `{ key_id, key }` (base64), as GitHub serves it. */
  publicKey(repo: string, environment?: string): { key_id: string; key: string }
  /** A new key pair for 'owner/repo' (or its environment): a new key_id, so a client sealing to the old key gets 422. Returns the new key_id. */
  rotatePublicKey(repo: string, environment?: string): string
  stop(): Promise<void>
}

/** A repository's (or an environment's) Actions secrets and variables, and the key pair secrets are sealed to. */
interface ActionsStore {
  keyId: string
  publicKey: Uint8Array
  privateKey: Uint8Array
  secrets: Map<string, { value: string; created_at: string; updated_at: string }>
  variables: Map<string, FakeVariable>
}

type Sodium = typeof sodiumModule

/** GitHub's rules for a secret or variable name (case-insensitive, stored uppercase). */
const ACTIONS_NAME = /^(?!GITHUB_)[A-Z_][A-Z0-9_]*$/

interface RepoData {
  issues: Map<number, FakeIssue>
  labels: Set<string>
  next: number
  nextCommentId: number
}

const DOCS = 'https://docs.github.com/rest'
const GITHUB_HEADERS = { 'x-github-media-type': 'github.v3; format=json', 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999' }

/** Label names from a request's `labels`: each a name, or an object with one (GitHub accepts both). */
function labelNames(labels: unknown[]): string[] {
  return labels.map((l) => (typeof l === 'string' ? l : (l as { name: string }).name))
}

export async function startFakeGitHub(opts: FakeGitHubOptions): Promise<FakeGitHub> {
  if (!opts.token) throw new Error('startFakeGitHub: token is required')
  const pageSize = Math.max(1, opts.pageSize ?? 100)
  const repos = new Map<string, RepoData>()
  const requests: GitHubRequest[] = []
  const faults = new FaultQueue()
  const prefix = (opts.prefix ?? '').replace(/\/+$/, '')
  if (prefix !== '' && !prefix.startsWith('/')) throw new Error('startFakeGitHub: prefix must start with /')
  let apiRoot = ''
  const sodium: Sodium = (await import('libsodium-wrappers')).default
  await sodium.ready
  let clock = Date.parse('2020-01-01T00:00:00Z')
  // Strictly increasing timestamps, so "created" order is well defined even within one millisecond.
  const stamp = () => new Date((clock = Math.max(clock + 1000, Date.now()))).toISOString()

  function repoData(fullName: string): RepoData {
    let data = repos.get(fullName)
    if (!data) {
      data = { issues: new Map(), labels: new Set(), next: 1, nextCommentId: 1 }
      repos.set(fullName, data)
    }
    return data
  }

  const defaultAuthor = opts.viewer ?? 'github-actions[bot]'

  function issueJson(fullName: string, issue: FakeIssue): Record<string, unknown> {
    const html = `https://github.invalid/${fullName}/${issue.pullRequest ? 'pull' : 'issues'}/${issue.number}`
    return {
      id: 1000 + issue.number,
      node_id: `I_${issue.number}`,
      url: `${apiRoot}/repos/${fullName}/issues/${issue.number}`,
      html_url: html,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      state_reason: issue.state_reason,
      locked: false,
      user: {
        login: issue.author,
        id: issue.author === 'github-actions[bot]' ? 41898282 : 7000 + issue.author.length,
        type: issue.author.endsWith('[bot]') ? 'Bot' : 'User',
      },
      labels: issue.labels.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false, description: null })),
      assignees: [],
      comments: issue.comments.length,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      ...(issue.pullRequest ? { pull_request: { url: `${apiRoot}/repos/${fullName}/pulls/${issue.number}`, html_url: html } } : {}),
    }
  }

  function seed(fullName: string, partial: Partial<Omit<FakeIssue, 'number' | 'comments'>> & { comments?: string[] }): FakeIssue {
    const data = repoData(fullName)
    const created = partial.created_at ?? stamp()
    const issue: FakeIssue = {
      number: data.next++,
      title: partial.title ?? 'Seeded issue',
      body: partial.body === undefined ? '' : partial.body,
      state: partial.state ?? 'open',
      state_reason: partial.state_reason ?? null,
      labels: partial.labels ?? [],
      comments: (partial.comments ?? []).map((body) => ({ id: data.nextCommentId++, body, created_at: created })),
      pullRequest: partial.pullRequest ?? false,
      author: partial.author ?? defaultAuthor,
      created_at: created,
      updated_at: partial.updated_at ?? created,
      closed_at: partial.closed_at ?? (partial.state === 'closed' ? created : null),
    }
    for (const label of issue.labels) data.labels.add(label)
    data.issues.set(issue.number, issue)
    return issue
  }

  // ---- responses -----------------------------------------------------------------------------

  function send(res: http.ServerResponse, record: GitHubRequest, status: number, body: unknown, headers: Record<string, string> = {}): void {
    record.status = status
    const text = body === undefined ? '' : JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...GITHUB_HEADERS, ...headers })
    res.end(text)
  }

  const error = (res: http.ServerResponse, record: GitHubRequest, status: number, message: string, extra: object = {}, headers: Record<string, string> = {}) =>
    send(res, record, status, { message, documentation_url: DOCS, status: String(status), ...extra }, headers)

  type Access = ActionsAccess
  interface Grant {
    issues: Access
    secrets: Access
    variables: Access
    /** Lowercase 'owner/repo' it can see; undefined: every one. */
    repos?: Set<string>
    /** A GITHUB_TOKEN-like token: refusals say "by integration", not "by personal access token". */
    integration: boolean
  }
  /** What the request's token may do; undefined for no token or an unknown one (401). */
  function grantOf(req: http.IncomingMessage): Grant | undefined {
    const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
    if (!m) return undefined
    if (m[1] === opts.token) return { issues: 'write', secrets: 'write', variables: 'write', integration: false }
    if (opts.readOnlyToken && m[1] === opts.readOnlyToken) return { issues: 'read', secrets: 'read', variables: 'read', integration: true }
    const extra = opts.tokens && Object.hasOwn(opts.tokens, m[1]) ? opts.tokens[m[1]] : undefined
    if (!extra) return undefined
    return {
      issues: extra.issues ?? 'read',
      secrets: extra.secrets ?? 'none',
      variables: extra.variables ?? 'none',
      repos: extra.repos ? new Set(extra.repos.map((r) => r.toLowerCase())) : undefined,
      integration: false,
    }
  }

  // ---- Actions: repositories, environments, secrets, variables ------------------------------

  /** Lowercase 'owner/repo' → its spelling in `repos` (when given). */
  const knownRepos = opts.repos ? new Map(opts.repos.map((r) => [r.toLowerCase(), r])) : undefined
  /** Lowercase 'owner/repo' → lowercase environment name → its spelling. */
  const knownEnvironments = new Map<string, Map<string, string>>()
  for (const [repo, names] of Object.entries(opts.environments ?? {})) {
    knownEnvironments.set(repo.toLowerCase(), new Map(names.map((n) => [n.toLowerCase(), n])))
  }
  const repoExists = (fullName: string) => !knownRepos || knownRepos.has(fullName.toLowerCase())
  const repoSpelling = (fullName: string) => knownRepos?.get(fullName.toLowerCase()) ?? fullName
  const environmentSpelling = (fullName: string, env: string) => knownEnvironments.get(fullName.toLowerCase())?.get(env.toLowerCase())

  const stores = new Map<string, ActionsStore>()
  let nextKeyId = 3380204578043523366n
  function newKeyPair(): Pick<ActionsStore, 'keyId' | 'publicKey' | 'privateKey'> {
    const pair = sodium.crypto_box_keypair()
    return { keyId: String(nextKeyId++), publicKey: pair.publicKey, privateKey: pair.privateKey }
  }
  function store(fullName: string, environment?: string): ActionsStore {
    const key = environment === undefined ? fullName.toLowerCase() : `${fullName.toLowerCase()}\n${environment.toLowerCase()}`
    let data = stores.get(key)
    if (!data) {
      data = { ...newKeyPair(), secrets: new Map(), variables: new Map() }
      stores.set(key, data)
    }
    return data
  }

  const INVALID_ENCRYPTION = 'Bad request - validation failed due to an improperly encrypted secret'
  const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

  /** The plaintext of a sealed box for `data`'s key pair, or undefined when it does not open. */
  function unseal(data: ActionsStore, encrypted: string): string | undefined {
    try {
      const opened = sodium.crypto_box_seal_open(sodium.from_base64(encrypted, sodium.base64_variants.ORIGINAL), data.publicKey, data.privateKey)
      return new TextDecoder('utf-8', { fatal: true }).decode(opened)
    } catch {
      return undefined
    }
  }

  function repoJson(fullName: string): Record<string, unknown> {
    const [owner, name] = fullName.split('/')
    return {
      id: 4000 + fullName.length,
      node_id: `R_${fullName.length}`,
      name,
      full_name: fullName,
      private: false,
      owner: { login: owner, id: 5000 + owner.length, type: 'Organization' },
      html_url: `https://github.invalid/${fullName}`,
      url: `${apiRoot}/repos/${fullName}`,
    }
  }

  /** Everything under /repos/{owner}/{repo} but issues: `rest` is the path after it ('' for the repository itself). */
  function actionsRoute(req: http.IncomingMessage, res: http.ServerResponse, record: GitHubRequest, grant: Grant, fullName: string, rest: string): void {
    const method = req.method ?? 'GET'
    if (rest === '' || rest === '/') {
      if (method !== 'GET') return error(res, record, 404, 'Not Found')
      return send(res, record, 200, repoJson(fullName))
    }
    const envOnly = /^\/environments\/([^/]+)\/?$/.exec(rest)
    if (envOnly) {
      const env = environmentSpelling(fullName, decodeURIComponent(envOnly[1]))
      if (method !== 'GET' || env === undefined) return error(res, record, 404, 'Not Found')
      return send(res, record, 200, {
        id: 9000 + env.length,
        name: env,
        url: `${apiRoot}/repos/${fullName}/environments/${encodeURIComponent(env)}`,
        protection_rules: [],
      })
    }
    const m = /^(?:\/actions|\/environments\/([^/]+))\/(secrets|variables)(?:\/([^/]+))?\/?$/.exec(rest)
    if (!m) return error(res, record, 404, 'Not Found')
    let environment: string | undefined
    if (m[1] !== undefined) {
      environment = environmentSpelling(fullName, decodeURIComponent(m[1]))
      if (environment === undefined) return error(res, record, 404, 'Not Found')
    }
    const area = m[2] as 'secrets' | 'variables'
    const item = m[3] === undefined ? undefined : decodeURIComponent(m[3])
    const need: Access = method === 'GET' || method === 'HEAD' ? 'read' : 'write'
    const have = grant[area]
    if (!(have === 'write' || (have === 'read' && need === 'read'))) {
      return error(
        res,
        record,
        403,
        `Resource not accessible by ${grant.integration ? 'integration' : 'personal access token'}`,
        {},
        {
          'x-accepted-github-permissions': `${area}=${need}`,
        },
      )
    }
    const data = store(fullName, environment)
    const writing = need === 'write'
    const payload = (record.json ?? {}) as Record<string, unknown>
    if (writing && method !== 'DELETE' && (typeof record.json !== 'object' || record.json === null || Array.isArray(record.json))) {
      return error(res, record, 400, 'Problems parsing JSON')
    }
    const page = (all: unknown[]) => {
      const params = new URL(record.path, 'http://placeholder').searchParams
      const perPage = Math.min(Math.max(1, Number(params.get('per_page')) || 30), 100)
      const p = Math.max(1, Number(params.get('page')) || 1)
      return all.slice((p - 1) * perPage, p * perPage)
    }

    if (area === 'secrets') {
      if (item === undefined) {
        if (method !== 'GET') return error(res, record, 404, 'Not Found')
        const all = [...data.secrets.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, s]) => ({ name, created_at: s.created_at, updated_at: s.updated_at }))
        return send(res, record, 200, { total_count: all.length, secrets: page(all) })
      }
      if (item === 'public-key' && method === 'GET') {
        return send(res, record, 200, { key_id: data.keyId, key: sodium.to_base64(data.publicKey, sodium.base64_variants.ORIGINAL) })
      }
      const name = item.toUpperCase()
      const existing = data.secrets.get(name)
      if (method === 'GET')
        return existing
          ? send(res, record, 200, { name, created_at: existing.created_at, updated_at: existing.updated_at })
          : error(res, record, 404, 'Not Found')
      if (method === 'DELETE') {
        if (!existing) return error(res, record, 404, 'Not Found')
        data.secrets.delete(name)
        return send(res, record, 204, undefined)
      }
      if (method !== 'PUT') return error(res, record, 404, 'Not Found')
      if (!ACTIONS_NAME.test(name)) {
        return error(
          res,
          record,
          422,
          'Invalid request.\n\nSecret names can only contain alphanumeric characters or underscores, and must not start with a number or GITHUB_.',
        )
      }
      if (typeof payload.key_id !== 'string' || payload.key_id === '') return error(res, record, 422, 'Invalid request.\n\n"key_id" wasn\'t supplied.')
      if (typeof payload.encrypted_value !== 'string') return error(res, record, 422, 'Invalid request.\n\n"encrypted_value" wasn\'t supplied.')
      if (!BASE64.test(payload.encrypted_value)) return error(res, record, 422, 'Invalid request.\n\nencrypted_value is not base64.')
      if (payload.key_id !== data.keyId) return error(res, record, 422, INVALID_ENCRYPTION)
      const value = unseal(data, payload.encrypted_value)
      if (value === undefined) return error(res, record, 422, INVALID_ENCRYPTION)
      const now = stamp()
      data.secrets.set(name, { value, created_at: existing?.created_at ?? now, updated_at: now })
      return existing ? send(res, record, 204, undefined) : send(res, record, 201, {})
    }

    // variables
    if (item === undefined) {
      if (method === 'GET') {
        const all = [...data.variables.values()].sort((a, b) => a.name.localeCompare(b.name))
        return send(res, record, 200, { total_count: all.length, variables: page(all) })
      }
      if (method !== 'POST') return error(res, record, 404, 'Not Found')
      if (typeof payload.name !== 'string' || typeof payload.value !== 'string') {
        return error(res, record, 422, 'Invalid request.\n\n"name" and "value" are required.')
      }
      const name = payload.name.toUpperCase()
      if (!ACTIONS_NAME.test(name)) {
        return error(
          res,
          record,
          422,
          'Invalid request.\n\nVariable names can only contain alphanumeric characters or underscores, and must not start with a number or GITHUB_.',
        )
      }
      if (data.variables.has(name)) return error(res, record, 409, 'Already exists - Variable already exists')
      const now = stamp()
      data.variables.set(name, { name, value: payload.value, created_at: now, updated_at: now })
      return send(res, record, 201, {})
    }
    const name = item.toUpperCase()
    const existing = data.variables.get(name)
    if (!existing) return error(res, record, 404, 'Not Found')
    if (method === 'GET') return send(res, record, 200, existing)
    if (method === 'DELETE') {
      data.variables.delete(name)
      return send(res, record, 204, undefined)
    }
    if (method !== 'PATCH') return error(res, record, 404, 'Not Found')
    if ('value' in payload && typeof payload.value !== 'string') return error(res, record, 422, 'Invalid request.\n\n"value" must be a string.')
    let target = name
    if ('name' in payload) {
      if (typeof payload.name !== 'string' || !ACTIONS_NAME.test(payload.name.toUpperCase()))
        return error(res, record, 422, 'Invalid request.\n\nInvalid variable name.')
      target = payload.name.toUpperCase()
      if (target !== name && data.variables.has(target)) return error(res, record, 409, 'Already exists - Variable already exists')
    }
    const updated: FakeVariable = { ...existing, name: target, value: typeof payload.value === 'string' ? payload.value : existing.value, updated_at: stamp() }
    data.variables.delete(name)
    data.variables.set(target, updated)
    return send(res, record, 204, undefined)
  }

  // ---- routes --------------------------------------------------------------------------------

  function list(res: http.ServerResponse, record: GitHubRequest, fullName: string, params: URLSearchParams): void {
    const state = params.get('state') ?? 'open'
    const wanted = (params.get('labels') ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean)
    const direction = params.get('direction') ?? 'desc'
    const all = [...repoData(fullName).issues.values()]
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w.toLowerCase())))
      // GitHub's default: sort=created, direction=desc (newest first).
      .sort((a, b) => (direction === 'asc' ? 1 : -1) * (a.created_at.localeCompare(b.created_at) || a.number - b.number))
    const perPage = Math.min(Math.max(1, Number(params.get('per_page')) || 30), pageSize)
    const listing = opts.listing ?? {}
    const page = listing.samePage ? 1 : Math.max(1, Number(params.get('page')) || 1)
    const last = Math.max(1, Math.ceil(all.length / perPage))
    let items: Array<Record<string, unknown>> = all.slice((page - 1) * perPage, page * perPage).map((i) => issueJson(fullName, i))
    if (listing.endless && items.length < perPage) {
      // Made up, never stored: numbers no real issue has, a full page every time.
      const filler = Array.from({ length: perPage - items.length }, (_, k) => issueJson(fullName, fillerIssue(page * 1000 + k, wanted, stamp())))
      items = [...items, ...filler]
    }
    const pageUrl = (p: number) => {
      const q = new URLSearchParams(params)
      q.set('page', String(p))
      return `${apiRoot}/repos/${fullName}/issues?${q.toString()}`
    }
    const links: string[] = []
    if (listing.next) {
      const next = listing.next({ page, pageUrl })
      if (next !== undefined) links.push(`<${next}>; rel="next"`)
    } else if (page < last || listing.endless) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`)
    if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`)
    send(res, record, 200, items, links.length ? { link: links.join(', ') } : {})
  }

  /** A made-up open issue (endless lists). */
  function fillerIssue(number: number, labels: string[], created: string): FakeIssue {
    return {
      number,
      title: `Filler ${number}`,
      body: `filler ${number}`,
      state: 'open',
      state_reason: null,
      labels,
      comments: [],
      pullRequest: false,
      author: 'someone-else',
      created_at: created,
      updated_at: created,
      closed_at: null,
    }
  }

  function handleRoute(req: http.IncomingMessage, res: http.ServerResponse, record: GitHubRequest): void {
    const method = req.method ?? 'GET'
    const parsed = new URL(record.path, 'http://placeholder')
    let pathname = parsed.pathname
    if (prefix !== '') {
      if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return error(res, record, 404, 'Not Found')
      pathname = pathname.slice(prefix.length) || '/'
    }
    const grant = grantOf(req)
    if (!grant) return error(res, record, 401, 'Bad credentials')
    const who = grant.issues
    if (pathname === '/user' && method === 'GET') {
      if (opts.viewer === undefined || who !== 'write') return error(res, record, 403, 'Resource not accessible by integration')
      return send(res, record, 200, { login: opts.viewer, id: 7000 + opts.viewer.length, type: 'User' })
    }
    const inRepo = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(pathname)
    if (inRepo) {
      const asked = `${decodeURIComponent(inRepo[1])}/${decodeURIComponent(inRepo[2])}`
      if (!repoExists(asked) || (grant.repos && !grant.repos.has(asked.toLowerCase()))) return error(res, record, 404, 'Not Found')
      const rest = inRepo[3] ?? ''
      if (!/^\/issues(?:\/|$)/.test(rest)) return actionsRoute(req, res, record, grant, repoSpelling(asked), rest)
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)\/issues(?:\/(\d+)(\/comments)?)?\/?$/.exec(pathname)
    if (!m) return error(res, record, 404, 'Not Found')
    const fullName = `${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}`
    const number = m[3] === undefined ? undefined : Number(m[3])
    const isComments = m[4] !== undefined
    const writing = method !== 'GET' && method !== 'HEAD'
    if (who === 'none' || (writing && who !== 'write')) return error(res, record, 403, 'Resource not accessible by integration')
    const data = repoData(fullName)
    const json = record.json
    if (writing && (json === undefined || typeof json !== 'object' || json === null)) {
      return error(res, record, 400, 'Problems parsing JSON')
    }
    // Only writes read the payload, and for those it is a non-null object (checked just above).
    const payload = (json ?? {}) as Record<string, unknown>

    if (number === undefined) {
      if (method === 'GET') return list(res, record, fullName, parsed.searchParams)
      if (method === 'POST') {
        if (typeof payload.title !== 'string' || payload.title === '') {
          return error(res, record, 422, 'Validation Failed', { errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }] })
        }
        const labels = Array.isArray(payload.labels) ? labelNames(payload.labels) : []
        // Labels that do not exist yet are created with the issue (GitHub does this for writers).
        const issue = seed(fullName, { title: payload.title, body: typeof payload.body === 'string' ? payload.body : null, labels })
        return send(res, record, 201, issueJson(fullName, issue), { location: `${apiRoot}/repos/${fullName}/issues/${issue.number}` })
      }
      return error(res, record, 404, 'Not Found')
    }

    const issue = data.issues.get(number)
    if (!issue) return error(res, record, 404, 'Not Found')
    if (isComments) {
      if (method === 'GET') return send(res, record, 200, issue.comments)
      if (method === 'POST') {
        if (typeof payload.body !== 'string' || payload.body === '') {
          return error(res, record, 422, 'Validation Failed', { errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }] })
        }
        const comment: FakeComment = { id: data.nextCommentId++, body: payload.body, created_at: stamp() }
        issue.comments.push(comment)
        issue.updated_at = comment.created_at
        return send(res, record, 201, { ...comment, html_url: `https://github.invalid/${fullName}/issues/${number}#issuecomment-${comment.id}` })
      }
      return error(res, record, 404, 'Not Found')
    }
    if (method === 'GET') return send(res, record, 200, issueJson(fullName, issue))
    if (method === 'PATCH') {
      if ('title' in payload) {
        if (typeof payload.title !== 'string' || payload.title === '') {
          return error(res, record, 422, 'Validation Failed', { errors: [{ resource: 'Issue', code: 'invalid', field: 'title' }] })
        }
        issue.title = payload.title
      }
      if ('body' in payload) issue.body = payload.body as FakeIssue['body'] // stored as sent, unchecked
      if ('labels' in payload && Array.isArray(payload.labels)) {
        issue.labels = labelNames(payload.labels)
        for (const label of issue.labels) data.labels.add(label)
      }
      if ('state' in payload) {
        if (payload.state !== 'open' && payload.state !== 'closed') {
          return error(res, record, 422, 'Validation Failed', { errors: [{ resource: 'Issue', code: 'invalid', field: 'state' }] })
        }
        if (payload.state === 'closed' && issue.state !== 'closed') {
          issue.state = 'closed'
          issue.state_reason = (payload.state_reason as FakeIssue['state_reason'] | undefined) ?? 'completed' // as sent, unchecked
          issue.closed_at = stamp()
        } else if (payload.state === 'open' && issue.state !== 'open') {
          issue.state = 'open'
          issue.state_reason = 'reopened'
          issue.closed_at = null
        }
      }
      issue.updated_at = stamp()
      return send(res, record, 200, issueJson(fullName, issue))
    }
    return error(res, record, 404, 'Not Found')
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = (await readBody(req)).toString('utf8')
    let json: unknown
    try {
      json = body ? JSON.parse(body) : undefined
    } catch {
      json = undefined
    }
    const record: GitHubRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, json }
    requests.push(record)
    const fault = faults.take(`${record.method} ${record.path}`)
    if (fault) {
      const status = await answerFault(fault, req, res, {
        defaultBody: (status) => ({ message: `injected ${status}`, documentation_url: DOCS }),
        headers: GITHUB_HEADERS,
      })
      if (status !== false) {
        if (status !== null) record.status = status
        return
      }
    }
    handleRoute(req, res, record)
  }

  const loopback = await listenOnLoopback((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ message: String(err) }))
      } else res.destroy()
    })
  })
  const port = loopback.port
  apiRoot = `${loopback.origin}${prefix}`

  return {
    url: apiRoot,
    port,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'),
    issues: (repo) => [...repoData(repo).issues.values()].sort((a, b) => a.number - b.number),
    issue: (repo, number) => repoData(repo).issues.get(number),
    labels: (repo) => [...repoData(repo).labels],
    seed,
    fault(matcher, ...queued) {
      for (const f of queued) faults.add(matcher, f)
    },
    pendingFaults: () => faults.pending(),
    receivedText: () => requests.map((r) => `${r.path}\n${r.body}`).join('\n'),
    secretValue: (repo, name, environment) => store(repo, environment).secrets.get(name.toUpperCase())?.value,
    variableValue: (repo, name, environment) => store(repo, environment).variables.get(name.toUpperCase())?.value,
    seedVariable(repo, name, value, environment) {
      const now = stamp()
      store(repo, environment).variables.set(name.toUpperCase(), { name: name.toUpperCase(), value, created_at: now, updated_at: now })
    },
    publicKey(repo, environment) {
      const data = store(repo, environment)
      return { key_id: data.keyId, key: sodium.to_base64(data.publicKey, sodium.base64_variants.ORIGINAL) }
    },
    rotatePublicKey(repo, environment) {
      const data = store(repo, environment)
      Object.assign(data, newKeyPair())
      return data.keyId
    },
    stop: loopback.stop,
  }
}

export interface BystanderRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
}

export interface Bystander {
  /** 'http://127.0.0.1:PORT' */
  url: string
  /** Every request that reached it. */
  requests: BystanderRequest[]
  stop(): Promise<void>
}

/**
 * Another loopback host, where a hostile API points its pagination links: it records every request that
 * reaches it (with its headers, to prove no Authorization came) and answers an empty JSON list.
 */
export async function startBystander(): Promise<Bystander> {
  const requests: BystanderRequest[] = []
  const loopback = await listenOnLoopback((req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers })
    req.resume()
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': 2 })
    res.end('[]')
  })
  return { url: loopback.origin, requests, stop: loopback.stop }
}
