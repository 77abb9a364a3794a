// Trusted publishing (OIDC) stand-ins, loopback only:
//  - startIdTokenServer: the runner's ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN), minting
//    REAL RS256 JWTs with node:crypto, with GitHub's claims, configurable per test;
//  - mintGitLabIdToken / mintCircleCiIdToken: GitLab CI/CD's and CircleCI's ID tokens (their claim names
//    and formats), signed by the same key, for NPM_ID_TOKEN (npm uses it first on every provider);
//  - trustedPublishing: a `hook` for fake-npmjs serving npm's OIDC exchange
//    (POST <origin>/-/npm/v1/oidc/token/exchange/package/<escaped name>): verifies the JWT (signature,
//    issuer → provider, audience npm:<registry host>, expiry, no self-hosted runner) and matches its claims
//    against the package's one trusted publisher (GitHub, GitLab or CircleCI, on the claims npm matches),
//    then issues a package-scoped token the fake accepts for what the publisher allows: `npm publish`
//    (createPackage) and/or `npm stage publish` (createStagedPackage) of that package only. It also serves
//    npm's trust API as `npm trust github|gitlab|circleci|list|revoke` calls it (write access + 2FA);
//  - startTrustedPublishingRegistry: the two wired to a started fake-npmjs, as the tests and the bench use them.
import type http from 'node:http'
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, verify, type KeyObject } from 'node:crypto'
import { FAKE_OTP, OTP_REQUIRED, randomAlnum, sha512Hex, startFakeNpmjs, type FakeNpmjs, type FakeNpmjsOptions, type PublishedVersion } from './fake-npmjs.ts'
import { answerFault, FaultQueue } from './faults.ts'
import { listenOnLoopback, sendJson } from './loopback.ts'

// ---- ID token server ---------------------------------------------------------------------------

/** GitHub's claims, by their JWT names. `environment` undefined: the claim is left out (no environment). */
export interface GitHubClaims {
  iss: string
  sub?: string
  repository: string
  repository_owner: string
  workflow_ref: string
  job_workflow_ref: string
  environment?: string
  ref: string
  // `string & {}` keeps the known values as editor suggestions while any other string is allowed.
  runner_environment: 'github-hosted' | 'self-hosted' | (string & {})
  repository_visibility: 'public' | 'private' | 'internal' | (string & {})
  /** Anything else to put in the payload. */
  extra?: Record<string, unknown>
}

export interface IdTokenServerOptions {
  claims?: Partial<GitHubClaims>
  /** Lifetime of minted tokens, seconds (GitHub's are short). Negative: already expired. Default 600. */
  ttlSeconds?: number
  /** ACTIONS_ID_TOKEN_REQUEST_URL carries a query (`?api-version=2.0`), as GitHub's does, so the audience goes after `&`. Default true. */
  urlWithQuery?: boolean
}

export interface IdTokenRequest {
  method: string
  /** Path and query as received. */
  path: string
  /** The `audience` query parameter (undefined when absent). */
  audience: string | undefined
  authorized: boolean
  status: number
  userAgent: string
}

export interface IdTokenServer {
  /** The value for ACTIONS_ID_TOKEN_REQUEST_URL. */
  requestUrl: string
  /** The value for ACTIONS_ID_TOKEN_REQUEST_TOKEN (a secret too: the canary checks it). */
  requestToken: string
  /** Current claims (mutable; see setClaims / resetClaims). */
  claims: GitHubClaims
  ttlSeconds: number
  kid: string
  publicKey: KeyObject
  /** The key set as a JWKS document. */
  jwks(): { keys: Array<Record<string, unknown>> }
  /** Every request received. */
  requests: IdTokenRequest[]
  /** Every JWT minted (served or by mint()). */
  minted: string[]
  /** ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  env(): { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string }
  /** Merges claims (a key given as undefined removes that claim). */
  setClaims(claims: Partial<GitHubClaims>): void
  /** Back to the claims the server started with; clears queued faults. */
  resetClaims(): void
  /** Queue answers with these statuses for the next requests (one consumed per request). */
  fail(...statuses: number[]): void
  /** Mints a token for `audience` with the current claims (plus overrides) — what a request would get. */
  mint(audience: string, overrides?: Partial<GitHubClaims> & { ttlSeconds?: number }): string
  /** Signs any payload as an RS256 JWT with this server's key and kid (recorded in `minted`): any provider's ID token. */
  sign(payload: Record<string, unknown>): string
  stop(): Promise<void>
}

export const DEFAULT_CLAIMS: GitHubClaims = {
  iss: 'https://token.actions.githubusercontent.com',
  repository: 'octo-org/octo-repo',
  repository_owner: 'octo-org',
  workflow_ref: 'octo-org/octo-repo/.github/workflows/publish.yml@refs/heads/main',
  job_workflow_ref: 'octo-org/octo-repo/.github/workflows/publish.yml@refs/heads/main',
  ref: 'refs/heads/main',
  runner_environment: 'github-hosted',
  repository_visibility: 'private',
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

export async function startIdTokenServer(opts: IdTokenServerOptions = {}): Promise<IdTokenServer> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16)
  const initialClaims: GitHubClaims = { ...DEFAULT_CLAIMS, ...opts.claims }
  const requestToken = `idreq_${randomBytes(24).toString('hex')}`
  const requests: IdTokenRequest[] = []
  const minted: string[] = []
  const faults = new FaultQueue()

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const audience = url.searchParams.get('audience') ?? undefined
    const authorized = req.headers.authorization === `Bearer ${requestToken}`
    const record = (status: number) =>
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', audience, authorized, status, userAgent: String(req.headers['user-agent'] ?? '') })
    const fault = faults.take(`${req.method ?? 'GET'} ${req.url ?? '/'}`)
    if (fault) {
      const status = await answerFault(fault, req, res, { defaultBody: (s) => ({ message: `injected ${s}` }) })
      if (status !== false) return void record(status ?? 0)
    }
    req.resume()
    if (req.method !== 'GET' || !url.pathname.endsWith('/idtoken')) {
      record(404)
      return sendJson(res, 404, { message: 'Not found' })
    }
    if (!authorized) {
      record(401)
      return sendJson(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' })
    }
    record(200)
    // GitHub's default audience (no audience asked for) is the owner's URL.
    sendJson(res, 200, { count: 1, value: self.mint(audience ?? `https://github.com/${self.claims.repository_owner}`) })
  }

  const loopback = await listenOnLoopback((req, res) => void handle(req, res).catch(() => res.destroy()))
  const path = `/_apis/distributedtask/hubs/Actions/plans/${randomUUID()}/jobs/${randomUUID()}/idtoken`
  const self: IdTokenServer = {
    requestUrl: `${loopback.origin}${path}${opts.urlWithQuery === false ? '' : '?api-version=2.0'}`,
    requestToken,
    claims: { ...initialClaims },
    ttlSeconds: opts.ttlSeconds ?? 600,
    kid,
    publicKey,
    jwks: () => ({ keys: [{ ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'RS256', use: 'sig' }] }),
    requests,
    minted,
    env: () => ({ ACTIONS_ID_TOKEN_REQUEST_URL: self.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }),
    setClaims(claims) {
      for (const [key, value] of Object.entries(claims)) {
        if (value === undefined) delete (self.claims as unknown as Record<string, unknown>)[key]
        else (self.claims as unknown as Record<string, unknown>)[key] = value
      }
    },
    resetClaims() {
      self.claims = { ...initialClaims }
      self.ttlSeconds = opts.ttlSeconds ?? 600
      faults.clear()
    },
    fail: (...statuses) => statuses.forEach((status) => faults.add('', { status })),
    mint(audience, overrides = {}) {
      const { ttlSeconds, ...claimOverrides } = overrides
      const c: GitHubClaims = { ...self.claims, ...claimOverrides }
      const now = Math.floor(Date.now() / 1000)
      const ttl = ttlSeconds ?? self.ttlSeconds
      const payload: Record<string, unknown> = {
        jti: randomUUID(),
        sub: c.sub ?? `repo:${c.repository}:${c.environment ? `environment:${c.environment}` : `ref:${c.ref}`}`,
        aud: audience,
        ref: c.ref,
        ref_type: 'branch',
        repository: c.repository,
        repository_owner: c.repository_owner,
        repository_visibility: c.repository_visibility,
        workflow: 'Publish',
        workflow_ref: c.workflow_ref,
        job_workflow_ref: c.job_workflow_ref,
        event_name: 'push',
        runner_environment: c.runner_environment,
        ...(c.environment !== undefined ? { environment: c.environment } : {}),
        ...(c.extra ?? {}),
        iss: c.iss,
        nbf: now - 5 + Math.min(0, ttl),
        iat: now + Math.min(0, ttl),
        exp: now + ttl,
      }
      return self.sign(payload)
    },
    sign(payload) {
      const signingInput = `${b64url({ alg: 'RS256', typ: 'JWT', kid })}.${b64url(payload)}`
      const jwt = `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`
      minted.push(jwt)
      return jwt
    },
    stop: () => loopback.stop(),
  }

  return self
}

/** Verifies an RS256 JWT against `publicKey`; returns header and payload, or a reason. */
export function verifyJwt(
  jwt: string,
  publicKey: KeyObject,
): { ok: true; header: Record<string, unknown>; payload: Record<string, unknown> } | { ok: false; reason: string } {
  const parts = jwt.split('.')
  if (parts.length !== 3) return { ok: false, reason: 'not a JWT' }
  let header: Record<string, unknown>
  let payload: Record<string, unknown>
  try {
    // Taken as objects without a check, as before: a JWT's header and payload are JSON objects.
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return { ok: false, reason: 'undecodable JWT' }
  }
  if (header.alg !== 'RS256') return { ok: false, reason: `unsupported alg ${String(header.alg)}` }
  const good = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2], 'base64url'))
  if (!good) return { ok: false, reason: 'bad signature' }
  return { ok: true, header, payload }
}

// ---- GitLab CI/CD and CircleCI ID tokens (NPM_ID_TOKEN) ------------------------------------------

/** The audience npm asks for and the exchange wants: `npm:<registry hostname>`. */
export const npmAudience = (registryUrl: string): string => `npm:${new URL(registryUrl).hostname}`

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
export const GITLAB_ISSUER = 'https://gitlab.com'
/** CircleCI's issuer names the organization: `https://oidc.circleci.com/org/<org id>`. */
export const circleciIssuer = (orgId: string): string => `https://oidc.circleci.com/org/${orgId}`

/**
 * GitLab CI/CD's ID-token claims (`id_tokens:` in .gitlab-ci.yml), by their JWT names, as GitLab.com mints
 * them (ids are strings, `ref` is the bare branch or tag name). Undefined `environment`: no environment
 * claims. `ci_config_ref_uri` defaults to `gitlab.com/<project_path>//.gitlab-ci.yml@refs/heads/<ref>`
 * (follows project_path and ref); null: the claim is null, as GitLab sends it when the pipeline definition
 * lives in another project.
 */
export interface GitLabClaims {
  iss: string
  /** `group/sub/project` */
  project_path: string
  /** Default: project_path without its last segment. */
  namespace_path?: string
  ci_config_ref_uri?: string | null
  /** `main` (not refs/heads/main). */
  ref: string
  ref_type: 'branch' | 'tag' | (string & {})
  environment?: string
  runner_environment: 'gitlab-hosted' | 'self-hosted' | (string & {})
  project_visibility: 'public' | 'internal' | 'private' | (string & {})
  pipeline_source: 'push' | 'web' | 'schedule' | 'merge_request_event' | 'api' | 'trigger' | (string & {})
  user_login: string
  /** Default `project_path:<project_path>:ref_type:<ref_type>:ref:<ref>`. */
  sub?: string
  /** Anything else to put in the payload (or to override a derived claim). */
  extra?: Record<string, unknown>
}

export const DEFAULT_GITLAB_CLAIMS: GitLabClaims = {
  iss: GITLAB_ISSUER,
  project_path: 'group/sub/project',
  ref: 'main',
  ref_type: 'branch',
  runner_environment: 'gitlab-hosted',
  project_visibility: 'private',
  pipeline_source: 'push',
  user_login: 'gitlab-user',
}

/** `gitlab.com/group/sub/project//.gitlab-ci.yml@refs/heads/main`: GitLab's ref URI of the top-level CI file. */
export const gitlabCiConfigRefUri = (projectPath: string, file = '.gitlab-ci.yml', ref = 'refs/heads/main', host = 'gitlab.com'): string =>
  `${host}/${projectPath}//${file}@${ref}`

/** The file part of a ci_config_ref_uri (what npm matches a GitLab publisher's file on); undefined if none. */
export function gitlabCiFileOf(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return undefined
  const at = uri.lastIndexOf('@')
  const path = at > 0 ? uri.slice(0, at) : uri
  const split = path.indexOf('//')
  return split >= 0 && split + 2 < path.length ? path.slice(split + 2) : undefined
}

/** A deterministic numeric string id (GitLab's ids are decimal strings) from a seed. */
const numericId = (seed: string, digits = 6): string => String(parseInt(createHash('sha256').update(seed).digest('hex').slice(0, 12), 16) % 10 ** digits)

/** Start and end of a token's validity: `ttlSeconds` from now, or (negative) expired that long ago after a full lifetime. */
function lifetime(ttlSeconds: number, fullSeconds = 3600): { iat: number; exp: number } {
  const now = Math.floor(Date.now() / 1000)
  return ttlSeconds >= 0 ? { iat: now, exp: now + ttlSeconds } : { iat: now + ttlSeconds - fullSeconds, exp: now + ttlSeconds }
}

/**
 * A GitLab CI/CD ID token for `audience`, signed by `idp`'s key (so the fake's exchange verifies it):
 * DEFAULT_GITLAB_CLAIMS plus `overrides`. `ttlSeconds` (default 3600, GitLab's default job timeout)
 * negative gives an expired token. Set it as NPM_ID_TOKEN with GITLAB_CI=true.
 */
export function mintGitLabIdToken(idp: Pick<IdTokenServer, 'sign'>, audience: string, overrides: Partial<GitLabClaims> & { ttlSeconds?: number } = {}): string {
  const { ttlSeconds = 3600, ...claimOverrides } = overrides
  const c: GitLabClaims = { ...DEFAULT_GITLAB_CLAIMS, ...claimOverrides }
  const { iat, exp } = lifetime(ttlSeconds)
  const namespace = c.namespace_path ?? c.project_path.split('/').slice(0, -1).join('/')
  const refPath = c.ref_type === 'tag' ? `refs/tags/${c.ref}` : `refs/heads/${c.ref}`
  const ciConfigRefUri = c.ci_config_ref_uri === undefined ? gitlabCiConfigRefUri(c.project_path, '.gitlab-ci.yml', refPath) : c.ci_config_ref_uri
  const sha = createHash('sha1').update(`${c.project_path}@${c.ref}`).digest('hex')
  const environment =
    c.environment !== undefined
      ? {
          environment: c.environment,
          environment_protected: 'false',
          deployment_tier: c.environment === 'production' ? 'production' : 'other',
          environment_action: 'start',
        }
      : {}
  const payload: Record<string, unknown> = {
    namespace_id: numericId(`ns:${namespace}`, 4),
    namespace_path: namespace,
    project_id: numericId(`project:${c.project_path}`),
    project_path: c.project_path,
    user_id: numericId(`user:${c.user_login}`, 5),
    user_login: c.user_login,
    user_email: `${c.user_login}@example.com`,
    user_access_level: 'maintainer',
    pipeline_id: numericId(`pipeline:${c.project_path}:${iat}`, 9),
    pipeline_source: c.pipeline_source,
    job_id: numericId(`job:${c.project_path}:${iat}`, 10),
    ref: c.ref,
    ref_type: c.ref_type,
    ref_path: refPath,
    ref_protected: 'true',
    ...environment,
    runner_id: 12270807,
    runner_environment: c.runner_environment,
    sha,
    project_visibility: c.project_visibility,
    ci_config_ref_uri: ciConfigRefUri,
    ci_config_sha: sha,
    jti: randomUUID(),
    iss: c.iss,
    iat,
    nbf: iat - 5,
    exp,
    sub: c.sub ?? `project_path:${c.project_path}:ref_type:${c.ref_type}:ref:${c.ref}`,
    aud: audience,
    ...(c.extra ?? {}),
  }
  return idp.sign(payload)
}

/**
 * CircleCI's ID-token claims, by meaning; in the JWT they are `oidc.circleci.com/<kebab-case name>`
 * (orgId → `oidc.circleci.com/org-id`, contextIds → `oidc.circleci.com/context-ids`, …). The ids are
 * UUIDs; `vcsOrigin` is `github.com/owner/repo`, `vcsRef` `refs/heads/main`.
 */
export interface CircleCiClaims {
  orgId: string
  projectId: string
  pipelineDefinitionId: string
  vcsOrigin: string
  vcsRef: string
  /** The job's contexts (an empty list when none). */
  contextIds: string[]
  sshRerun: boolean
  userId: string
  pipelineId: string
  workflowId: string
  /** Default circleciIssuer(orgId). */
  iss?: string
  /** Default `org/<orgId>/project/<projectId>/user/<userId>`. */
  sub?: string
  /** Anything else to put in the payload (or to override a claim by its JWT name). */
  extra?: Record<string, unknown>
}

export const DEFAULT_CIRCLECI_CLAIMS: CircleCiClaims = {
  orgId: '3c7b1e52-6a0d-4f8e-9b21-5d4c8a7e0f13',
  projectId: '8e2d4f60-1b3a-4c5d-8e7f-9a0b1c2d3e4f',
  pipelineDefinitionId: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
  vcsOrigin: 'github.com/octo-org/octo-repo',
  vcsRef: 'refs/heads/main',
  contextIds: [],
  sshRerun: false,
  userId: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
  pipelineId: '0d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f3a',
  workflowId: '7f8e9d0c-1b2a-4938-8475-6a5b4c3d2e1f',
}

const CIRCLE = 'oidc.circleci.com/'

/**
 * A CircleCI ID token for `audience` (what `circleci run oidc get --claims '{"aud":"npm:<host>"}'` gives),
 * signed by `idp`'s key: DEFAULT_CIRCLECI_CLAIMS plus `overrides`. `ttlSeconds` default 3600 (CircleCI's
 * hour); negative: expired. Set it as NPM_ID_TOKEN with CIRCLECI=true.
 */
export function mintCircleCiIdToken(
  idp: Pick<IdTokenServer, 'sign'>,
  audience: string,
  overrides: Partial<CircleCiClaims> & { ttlSeconds?: number } = {},
): string {
  const { ttlSeconds = 3600, ...claimOverrides } = overrides
  const c: CircleCiClaims = { ...DEFAULT_CIRCLECI_CLAIMS, ...claimOverrides }
  const { iat, exp } = lifetime(ttlSeconds)
  const payload: Record<string, unknown> = {
    iss: c.iss ?? circleciIssuer(c.orgId),
    sub: c.sub ?? `org/${c.orgId}/project/${c.projectId}/user/${c.userId}`,
    aud: audience,
    iat,
    exp,
    [`${CIRCLE}org-id`]: c.orgId,
    [`${CIRCLE}project-id`]: c.projectId,
    [`${CIRCLE}pipeline-definition-id`]: c.pipelineDefinitionId,
    [`${CIRCLE}pipeline-id`]: c.pipelineId,
    [`${CIRCLE}workflow-id`]: c.workflowId,
    [`${CIRCLE}context-ids`]: [...c.contextIds],
    [`${CIRCLE}vcs-origin`]: c.vcsOrigin,
    [`${CIRCLE}vcs-ref`]: c.vcsRef,
    [`${CIRCLE}ssh-rerun`]: c.sshRerun,
    ...(c.extra ?? {}),
  }
  return idp.sign(payload)
}

// ---- trusted publishing on the fake registry ---------------------------------------------------

export type TrustProvider = 'github' | 'gitlab' | 'circleci'
/** What a trusted publisher allows: `npm publish` (createPackage) and/or `npm stage publish` (createStagedPackage). */
export type TrustAction = 'createPackage' | 'createStagedPackage'
export const TRUST_ACTIONS: readonly TrustAction[] = ['createPackage', 'createStagedPackage']

interface PublisherCommon {
  /** The id npm's trust API shows (a UUID); given on first listing when unset. */
  id?: string
  /** Default ['createPackage'] (npm: configurations made before 2026-05-20 allow publish only). */
  actions?: TrustAction[]
}

/** A GitHub Actions publisher; `type` may be left out (the publishers of the first edition). */
export interface GitHubPublisher extends PublisherCommon {
  type?: 'github'
  /** owner/repo, case-sensitive. */
  repository: string
  /** The workflow FILE name (e.g. 'publish.yml'), matched against the file of the ID token's workflow_ref. */
  workflowFile: string
  /** When set, the ID token's environment must be exactly this. */
  environment?: string
}

/** A GitLab CI/CD publisher. */
export interface GitLabPublisher extends PublisherCommon {
  type: 'gitlab'
  /** `group/sub/project`, matched against project_path. */
  projectPath: string
  /** The top-level CI file (e.g. '.gitlab-ci.yml'), matched against the file part of ci_config_ref_uri. */
  ciConfigFile: string
  environment?: string
}

/** A CircleCI publisher. */
export interface CircleCiPublisher extends PublisherCommon {
  type: 'circleci'
  orgId: string
  projectId: string
  pipelineDefinitionId: string
  /** `github.com/owner/repo` */
  vcsOrigin: string
  /** When set, each of these must be among the token's context-ids (npm's exact rule: unconfirmed). */
  contextIds?: string[]
}

export type TrustedPublisher = GitHubPublisher | GitLabPublisher | CircleCiPublisher

/** A publisher as npm's trust API shows it (and `npm trust …` sends it, without `id`). */
export interface TrustConfig {
  id?: string
  type: TrustProvider
  claims: Record<string, unknown>
  permissions: TrustAction[]
}

export const publisherType = (p: TrustedPublisher): TrustProvider => p.type ?? 'github'
export const allowedActions = (p: TrustedPublisher): TrustAction[] => p.actions ?? ['createPackage']

/** The publisher in the trust API's shape (assigns its id if it has none). */
export function trustConfigOf(p: TrustedPublisher): TrustConfig {
  p.id ??= randomUUID()
  const env = (e: string | undefined) => (e ? { environment: e } : {})
  const claims: Record<string, unknown> =
    p.type === 'gitlab'
      ? { project_path: p.projectPath, ci_config_ref_uri: { file: p.ciConfigFile }, ...env(p.environment) }
      : p.type === 'circleci'
        ? {
            [`${CIRCLE}org-id`]: p.orgId,
            [`${CIRCLE}project-id`]: p.projectId,
            [`${CIRCLE}pipeline-definition-id`]: p.pipelineDefinitionId,
            [`${CIRCLE}vcs-origin`]: p.vcsOrigin,
            ...(p.contextIds?.length ? { [`${CIRCLE}context-ids`]: [...p.contextIds] } : {}),
          }
        : { repository: p.repository, workflow_ref: { file: p.workflowFile }, ...env(p.environment) }
  return { id: p.id, type: publisherType(p), claims, permissions: [...allowedActions(p)] }
}

/** A publisher from the body `npm trust github|gitlab|circleci` sends (one element of its array), or why not. */
export function publisherFromTrustConfig(config: unknown): { ok: true; publisher: TrustedPublisher } | { ok: false; error: string } {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return { ok: false, error: 'A trust configuration must be an object' }
  const { type, claims, permissions } = config as Record<string, unknown>
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return { ok: false, error: 'claims must be an object' }
  const c = claims as Record<string, unknown>
  if (!Array.isArray(permissions) || permissions.length === 0 || !permissions.every((a) => TRUST_ACTIONS.includes(a as TrustAction))) {
    return { ok: false, error: `permissions must be a non-empty list of ${TRUST_ACTIONS.join(', ')}` }
  }
  const actions = [...new Set(permissions as TrustAction[])]
  const str = (v: unknown): v is string => typeof v === 'string' && v !== ''
  const fileOf = (v: unknown): unknown => (v && typeof v === 'object' ? (v as Record<string, unknown>).file : undefined)
  const environment = c.environment === undefined ? undefined : c.environment
  if (environment !== undefined && !str(environment)) return { ok: false, error: 'claims.environment must be a string' }
  if (type === 'github') {
    const file = fileOf(c.workflow_ref)
    if (!str(c.repository) || c.repository.split('/').length !== 2) return { ok: false, error: 'claims.repository must be owner/repo' }
    if (!str(file)) return { ok: false, error: 'claims.workflow_ref.file is required' }
    return { ok: true, publisher: { type: 'github', repository: c.repository, workflowFile: file, ...(environment ? { environment } : {}), actions } }
  }
  if (type === 'gitlab') {
    const file = fileOf(c.ci_config_ref_uri)
    if (!str(c.project_path) || c.project_path.split('/').length < 2) return { ok: false, error: 'claims.project_path must be group/project' }
    if (!str(file)) return { ok: false, error: 'claims.ci_config_ref_uri.file is required' }
    return { ok: true, publisher: { type: 'gitlab', projectPath: c.project_path, ciConfigFile: file, ...(environment ? { environment } : {}), actions } }
  }
  if (type === 'circleci') {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
    const field = (name: string) => c[`${CIRCLE}${name}`]
    for (const name of ['org-id', 'project-id', 'pipeline-definition-id']) {
      const v = field(name)
      if (!str(v) || !uuid.test(v)) return { ok: false, error: `claims["${CIRCLE}${name}"] must be a UUID` }
    }
    const vcsOrigin = field('vcs-origin')
    if (!str(vcsOrigin) || vcsOrigin.split('/').length < 3) return { ok: false, error: `claims["${CIRCLE}vcs-origin"] must be provider/owner/repo` }
    const contexts = field('context-ids')
    if (contexts !== undefined && !(Array.isArray(contexts) && contexts.every((x) => str(x) && uuid.test(x)))) {
      return { ok: false, error: `claims["${CIRCLE}context-ids"] must be a list of UUIDs` }
    }
    return {
      ok: true,
      publisher: {
        type: 'circleci',
        orgId: field('org-id') as string,
        projectId: field('project-id') as string,
        pipelineDefinitionId: field('pipeline-definition-id') as string,
        vcsOrigin,
        ...(Array.isArray(contexts) && contexts.length > 0 ? { contextIds: contexts as string[] } : {}),
        actions,
      },
    }
  }
  return { ok: false, error: `Unknown trusted publisher type ${JSON.stringify(type)}` }
}

/** Which provider minted a token, by its issuer; undefined for an issuer npm does not trust. */
export function providerOfIssuer(iss: unknown): TrustProvider | undefined {
  if (iss === GITHUB_ISSUER) return 'github'
  if (iss === GITLAB_ISSUER) return 'gitlab'
  if (typeof iss === 'string' && /^https:\/\/oidc\.circleci\.com\/org\/[0-9a-f-]{36}$/i.test(iss)) return 'circleci'
  return undefined
}

/** `owner/repo/.github/workflows/publish.yml@refs/heads/main` → `publish.yml` */
const workflowFileOf = (ref: unknown): string | undefined =>
  typeof ref === 'string' ? (/\.github\/workflows\/([^/@]+)@/.exec(ref)?.[1] ?? /\.github\/workflows\/([^/@]+)$/.exec(ref)?.[1]) : undefined

/** Why an ID token's claims do not match `p` (on exactly the claims npm matches), or '' when they do. */
export function publisherMismatch(p: TrustedPublisher, provider: TrustProvider, claims: Record<string, unknown>): string {
  const type = publisherType(p)
  if (type !== provider) return `provider mismatch (publisher ${type}, token from ${provider})`
  const envMismatch = (e: string | undefined) => e !== undefined && claims.environment !== e
  if (p.type === 'gitlab') {
    if (claims.project_path !== p.projectPath) return 'project mismatch'
    if (gitlabCiFileOf(claims.ci_config_ref_uri) !== p.ciConfigFile) return 'ci config file mismatch'
    if (envMismatch(p.environment)) return 'environment mismatch'
    return ''
  }
  if (p.type === 'circleci') {
    const pairs: Array<[string, string]> = [
      ['org-id', p.orgId],
      ['project-id', p.projectId],
      ['pipeline-definition-id', p.pipelineDefinitionId],
      ['vcs-origin', p.vcsOrigin],
    ]
    for (const [name, want] of pairs) if (claims[`${CIRCLE}${name}`] !== want) return `${name} mismatch`
    const have = claims[`${CIRCLE}context-ids`]
    if (p.contextIds?.some((id) => !(Array.isArray(have) && have.includes(id)))) return 'context-ids mismatch'
    return ''
  }
  if (claims.repository !== p.repository) return 'repository mismatch'
  // For a reusable workflow npm checks the CALLING workflow: workflow_ref, not job_workflow_ref.
  if (workflowFileOf(claims.workflow_ref) !== p.workflowFile) return 'workflow mismatch'
  if (envMismatch(p.environment)) return 'environment mismatch'
  return ''
}

export interface ExchangeRecord {
  /** Path as received (e.g. '/-/npm/v1/oidc/token/exchange/package/@octo-org%2fpkg'). */
  path: string
  packageName: string
  status: number
  /** Why it was refused ('' on success). */
  reason: string
  userAgent: string
  /** The token issued (success only). */
  token?: string
  /** Decoded claims of the ID token presented (when it decoded). */
  claims?: Record<string, unknown>
  /** The provider its issuer names (when known). */
  provider?: TrustProvider
}

/** A request to npm's trust API (`/-/package/<name>/trust[/<id>]`), as answered. */
export interface TrustRequestRecord {
  method: string
  path: string
  packageName: string
  status: number
  /** Why it was refused ('' on success). */
  reason: string
  /** The `npm-otp` header was sent. */
  otp: boolean
  /** The user whose token it carried (when it authenticated). */
  username?: string
  /** The JSON body (POST). */
  body?: unknown
}

export interface TrustedPublishingOptions {
  publishers?: Record<string, TrustedPublisher>
  /** Lifetime of issued tokens, ms. Default 1 h. */
  tokenTtlMs?: number
  /** The npm user issued tokens publish as. Default 'oidc-publisher'. */
  username?: string
}

export interface TrustedPublishing {
  /** Pass as startFakeNpmjs({ hook }). */
  hook: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => boolean
  /** Must be called once the fake is started (the hook needs its store and host). */
  attach(fake: FakeNpmjs): void
  /** The one trusted publisher per package name (mutable; the trust API sets, replaces and deletes here). */
  publishers: Map<string, TrustedPublisher>
  /** What GET /-/package/<name>/visibility answers (default public). */
  visibility: Map<string, boolean>
  /** Every exchange request, in order. */
  exchanges: ExchangeRecord[]
  /** Every trust API request, in order. */
  trustRequests: TrustRequestRecord[]
  /** Every token issued. */
  issued: string[]
  /** The package each issued token is scoped to. */
  scopeOf: Map<string, string>
  /** What each issued token may do (the publisher's allowed actions when it was issued). */
  actionsOf: Map<string, TrustAction[]>
  /** Publishes through the fake authenticated by an issued token. */
  publishedByOidc(): PublishedVersion[]
  /** Publishes `name@version` with a seed token (the "first publish with a token" npm requires). */
  seedPackage(name: string, version?: string): Promise<void>
  /** Whether the fake has the package (some version published). */
  exists(name: string): boolean
  /**
   * Also accept the audience `npm:<host:port>` (default false). Yarn 4 asks for `npm:` + the registry URL's
   * host, npm for its hostname: the same on npm's registry (no port), not on a loopback one.
   */
  hostAudience: boolean
}

export const EXCHANGE_PATH = '/-/npm/v1/oidc/token/exchange/package/'
export const NOT_FOUND_MESSAGE = 'OIDC token exchange error - package not found'
/** The fake's answer to an ID token from a self-hosted runner (npm: not supported; its wording unconfirmed). */
export const SELF_HOSTED_MESSAGE = 'OIDC token exchange error - self-hosted runners are not supported'
/** The fake's refusal of an exchanged token for an action its publisher does not allow (wording unconfirmed). */
export const ACTION_NOT_ALLOWED = (name: string, action: TrustAction): string =>
  `The trusted publisher of ${name} does not allow ${action === 'createPackage' ? 'npm publish' : 'npm stage publish'} (${action}).`

export function trustedPublishing(idp: IdTokenServer, opts: TrustedPublishingOptions = {}): TrustedPublishing {
  let fake: FakeNpmjs | undefined
  let seedToken: string | undefined
  const publishers = new Map(Object.entries(opts.publishers ?? {}))
  const visibility = new Map<string, boolean>()
  const exchanges: ExchangeRecord[] = []
  let hostAudience = false
  const trustRequests: TrustRequestRecord[] = []
  const issued: string[] = []
  const scopeOf = new Map<string, string>()
  const actionsOf = new Map<string, TrustAction[]>()
  const username = opts.username ?? 'oidc-publisher'

  const exists = (name: string) => !!fake?.published.some((p) => p.name === name)
  const bearerOf = (req: http.IncomingMessage) => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
  const decode = (escaped: string): string => {
    try {
      return decodeURIComponent(escaped)
    } catch {
      return escaped
    }
  }

  function exchange(req: http.IncomingMessage, res: http.ServerResponse, rawPath: string): void {
    const packageName = decode(rawPath.slice(EXCHANGE_PATH.length))
    const record: ExchangeRecord = { path: rawPath, packageName, status: 0, reason: '', userAgent: String(req.headers['user-agent'] ?? '') }
    exchanges.push(record)
    const refuse = (status: number, reason: string, message: string) => {
      record.status = status
      record.reason = reason
      sendJson(res, status, { message })
    }
    const bearer = bearerOf(req)
    if (!bearer) return refuse(401, 'no bearer', 'OIDC token exchange error - missing authorization')
    const checked = verifyJwt(bearer, idp.publicKey)
    if (!checked.ok) return refuse(401, checked.reason, 'OIDC token exchange error - invalid token')
    const claims = checked.payload
    record.claims = claims
    if (checked.header.kid !== idp.kid) return refuse(401, 'unknown kid', 'OIDC token exchange error - invalid token')
    const provider = providerOfIssuer(claims.iss)
    if (!provider) return refuse(401, 'wrong issuer', 'OIDC token exchange error - invalid issuer')
    record.provider = provider
    if (provider === 'circleci' && claims.iss !== circleciIssuer(String(claims[`${CIRCLE}org-id`]))) {
      return refuse(401, 'issuer names another org', 'OIDC token exchange error - invalid issuer')
    }
    const { hostname, host } = new URL(fake!.url)
    if (claims.aud !== `npm:${hostname}` && !(hostAudience && claims.aud === `npm:${host}`)) {
      return refuse(401, `audience ${String(claims.aud)}`, 'OIDC token exchange error - invalid audience')
    }
    const now = Date.now() / 1000
    if (typeof claims.exp !== 'number' || claims.exp <= now) return refuse(401, 'expired', 'OIDC token exchange error - token expired')
    if (typeof claims.nbf === 'number' && claims.nbf > now + 60) return refuse(401, 'not yet valid', 'OIDC token exchange error - token not yet valid')
    if (claims.runner_environment === 'self-hosted') return refuse(400, 'self-hosted runner', SELF_HOSTED_MESSAGE)

    // npm: the package must exist and have a trusted publisher matching the claims; all else is "not found".
    const publisher = publishers.get(packageName)
    if (!exists(packageName)) return refuse(404, 'package does not exist', NOT_FOUND_MESSAGE)
    if (!publisher) return refuse(404, 'no trusted publisher', NOT_FOUND_MESSAGE)
    const mismatch = publisherMismatch(publisher, provider, claims)
    if (mismatch) return refuse(404, mismatch, NOT_FOUND_MESSAGE)

    const token = `npm_${randomAlnum(36)}`
    const created = new Date()
    const expires = new Date(created.getTime() + (opts.tokenTtlMs ?? 60 * 60 * 1000))
    fake!.addToken({ token, username, expiry: expires.toISOString(), listable: false, decoys: false, name: `oidc-${packageName}` })
    issued.push(token)
    scopeOf.set(token, packageName)
    actionsOf.set(token, [...allowedActions(publisher)])
    record.status = 201
    record.token = token
    sendJson(res, 201, { token_type: 'oidc', token, created: created.toISOString(), expires: expires.toISOString() })
  }

  /**
   * npm's trust API: GET (list) and POST (create or replace: one publisher per package) on
   * `/-/package/<name>/trust`, DELETE on `/-/package/<name>/trust/<id>`. A user's token that may write the
   * package (not read-only, stage-only, bypass-2FA or an exchanged one), and 2FA: `npm-otp: FAKE_OTP`, else
   * 401 with `www-authenticate: OTP` (npm's EOTP; `npm trust … --otp=CODE` sends it on the first request).
   */
  function trustApi(req: http.IncomingMessage, res: http.ServerResponse, packageName: string, id: string | undefined, method: string, body: Buffer): void {
    const record: TrustRequestRecord = { method, path: req.url ?? '/', packageName, status: 0, reason: '', otp: req.headers['npm-otp'] !== undefined }
    trustRequests.push(record)
    const answer = (status: number, reason: string, payload?: unknown, headers: Record<string, string> = {}) => {
      record.status = status
      record.reason = reason
      if (payload === undefined) {
        res.writeHead(status)
        res.end()
      } else sendJson(res, status, payload, headers)
    }
    const allowed = id === undefined ? ['GET', 'POST'] : ['DELETE']
    if (!allowed.includes(method)) return answer(405, 'method', { error: 'Method not allowed' })
    const cred = fake!.credentialOf(req)
    if (cred.kind === 'missing') return answer(401, 'no credential', { error: 'You must be logged in to do that.' }, { 'www-authenticate': 'Bearer' })
    if (cred.kind === 'invalid') return answer(401, 'invalid credential', { error: 'Access token expired or revoked.' }, { 'www-authenticate': 'Bearer' })
    record.username = cred.spec.username
    const bearer = bearerOf(req)
    if (bearer && scopeOf.has(bearer)) return answer(403, 'exchanged token', { error: 'A trusted-publishing token cannot manage trusted publishers.' })
    if (!exists(packageName)) return answer(404, 'package does not exist', { error: 'Not found' })
    const { spec } = cred
    if (spec.readonly || spec.stageOnly || !fake!.mayWrite(spec, packageName)) {
      return answer(403, 'no write access', { error: `You do not have permission to manage trusted publishers of ${packageName}.` })
    }
    if (spec.bypass2fa) return answer(403, 'bypass-2fa token', { error: 'Tokens that bypass two-factor authentication cannot manage trusted publishers.' })
    if (req.headers['npm-otp'] !== FAKE_OTP)
      return answer(401, record.otp ? 'wrong otp' : 'otp required', { error: OTP_REQUIRED }, { 'www-authenticate': 'OTP' })

    const current = publishers.get(packageName)
    if (method === 'GET') return answer(200, '', current ? [trustConfigOf(current)] : [])
    if (method === 'DELETE') {
      if (!current || trustConfigOf(current).id !== id) return answer(404, 'no such publisher', { error: 'Trusted publisher not found' })
      publishers.delete(packageName)
      return answer(204, '')
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(body.toString('utf8'))
    } catch {
      return answer(400, 'bad json', { error: 'Invalid JSON body' })
    }
    record.body = parsed
    const configs = Array.isArray(parsed) ? parsed : [parsed]
    if (configs.length !== 1) return answer(400, 'not one publisher', { error: 'A package has one trusted publisher: send exactly one configuration.' })
    const made = publisherFromTrustConfig(configs[0])
    if (!made.ok) return answer(400, made.error, { error: made.error })
    made.publisher.id = randomUUID()
    publishers.set(packageName, made.publisher) // one per package: replaces any other
    answer(201, '', [trustConfigOf(made.publisher)])
  }

  /** An exchanged token is package-scoped and limited to its publisher's actions: true when it refused. */
  function refusedForScope(res: http.ServerResponse, bearer: string | undefined, target: string, action: TrustAction): boolean {
    const scope = bearer ? scopeOf.get(bearer) : undefined
    if (scope === undefined) return false
    if (target !== scope) {
      sendJson(res, 403, { error: `This token may only publish ${scope}.` })
      return true
    }
    if (!(actionsOf.get(bearer!) ?? []).includes(action)) {
      sendJson(res, 403, { error: ACTION_NOT_ALLOWED(scope, action) })
      return true
    }
    return false
  }

  const hook = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): boolean => {
    if (!fake) throw new Error('trustedPublishing: attach(fake) was not called')
    const rawPath = req.url ?? '/'
    const pathname = rawPath.split('?')[0]
    const method = req.method ?? 'GET'
    // The exchange lives at the ORIGIN: a registry path prefix is not part of it.
    if (pathname.startsWith(EXCHANGE_PATH) && method === 'POST') {
      exchange(req, res, pathname)
      return true
    }
    if (!pathname.startsWith(fake.prefix)) return false
    const rest = pathname.slice(fake.prefix.length)
    const vis = /^-\/package\/(.+)\/visibility$/.exec(rest)
    if (vis && method === 'GET') {
      const name = decodeURIComponent(vis[1])
      if (!exists(name)) sendJson(res, 404, { error: 'Not found' })
      else sendJson(res, 200, { public: visibility.get(name) ?? true })
      return true
    }
    const trust = /^-\/package\/(.+?)\/trust(?:\/([^/]+))?$/.exec(rest)
    if (trust) {
      trustApi(req, res, decode(trust[1]), trust[2] === undefined ? undefined : decode(trust[2]), method, body)
      return true
    }
    const bearer = bearerOf(req)
    if (method === 'PUT' && !rest.startsWith('-/')) return refusedForScope(res, bearer, decode(rest), 'createPackage')
    const stage = /^-\/stage\/package\/(.+)$/.exec(rest)
    if (stage && method === 'POST') return refusedForScope(res, bearer, decode(stage[1]), 'createStagedPackage')
    return false
  }

  return {
    hook,
    attach(f) {
      fake = f
    },
    publishers,
    visibility,
    exchanges,
    trustRequests,
    issued,
    scopeOf,
    actionsOf,
    get hostAudience() {
      return hostAudience
    },
    set hostAudience(on: boolean) {
      hostAudience = on
    },
    publishedByOidc() {
      const keys = new Set(issued.map(sha512Hex))
      return (fake?.published ?? []).filter((p) => keys.has(p.tokenKey))
    },
    async seedPackage(name, version = '1.0.0') {
      if (!fake) throw new Error('trustedPublishing: attach(fake) first')
      if (!seedToken) {
        seedToken = `npm_seed${randomAlnum(32)}`
        fake.addToken({ token: seedToken, username: 'seed-user', decoys: false })
      }
      const unscoped = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name
      const tarball = Buffer.from(`seed tarball of ${name}@${version}`)
      const doc = {
        _id: name,
        name,
        'dist-tags': { latest: version },
        access: 'public',
        versions: { [version]: { _id: `${name}@${version}`, name, version, description: 'seed', dist: {} } },
        _attachments: {
          [`${unscoped}-${version}.tgz`]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length },
        },
      }
      const response = await fetch(`${fake.url}${name.replace('/', '%2f')}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${seedToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(doc),
      })
      if (response.status !== 200) throw new Error(`seedPackage ${name}: HTTP ${response.status} ${await response.text()}`)
    },
    exists,
  }
}

// ---- the ID-token server, trusted publishing and the npmjs fake together ------------------------

type RegistryHook = NonNullable<FakeNpmjsOptions['hook']>

export interface TrustedPublishingRegistryOptions {
  /** The npmjs fake's options; its hook is trusted publishing's (after `hook`). */
  registry?: Omit<FakeNpmjsOptions, 'hook'>
  /** A hook of the caller's own, tried before trusted publishing's; return true if it answered. */
  hook?: RegistryHook
  /** An ID-token server to use instead of starting one; stop() leaves it running. */
  idp?: IdTokenServer
  /** Trusted publishing's own options (publishers to start with, token lifetime, user). */
  trustedPublishing?: TrustedPublishingOptions
}

export interface TrustedPublishingRegistry {
  idp: IdTokenServer
  tp: TrustedPublishing
  registry: FakeNpmjs
  /** Stops the registry, and the ID-token server unless it was given (an arrow: may be destructured). */
  stop: () => Promise<void>
}

/** An ID-token server and an npmjs fake serving trusted publishing for its tokens (`tp` attached). */
export async function startTrustedPublishingRegistry(opts: TrustedPublishingRegistryOptions = {}): Promise<TrustedPublishingRegistry> {
  const idp = opts.idp ?? (await startIdTokenServer())
  const stopIdp = () => (opts.idp ? Promise.resolve() : idp.stop())
  const tp = trustedPublishing(idp, opts.trustedPublishing)
  const own = opts.hook
  const hook: RegistryHook = own ? (req, res, body) => own(req, res, body) || tp.hook(req, res, body) : tp.hook
  let registry: FakeNpmjs
  try {
    registry = await startFakeNpmjs({ ...opts.registry, hook })
  } catch (error) {
    await stopIdp()
    throw error
  }
  tp.attach(registry)
  return {
    idp,
    tp,
    registry,
    stop: async () => {
      await Promise.all([registry.stop(), stopIdp()])
    },
  }
}
