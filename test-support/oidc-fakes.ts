// Trusted publishing (OIDC) stand-ins, loopback only:
//  - startIdTokenServer: the runner's ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN), minting
//    REAL RS256 JWTs with node:crypto, with GitHub's claims, configurable per test;
//  - trustedPublishing: a `hook` for fake-npmjs serving npm's OIDC exchange
//    (POST <origin>/-/npm/v1/oidc/token/exchange/package/<escaped name>): verifies the JWT (signature,
//    audience npm:<registry host>, expiry) and matches its claims against a trusted publisher per package,
//    then issues a package-scoped token the fake accepts for `npm publish` of that package only;
//  - startTrustedPublishingRegistry: the two wired to a started fake-npmjs, as the tests and the bench use them.
import type http from 'node:http'
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, verify, type KeyObject } from 'node:crypto'
import { randomAlnum, sha512Hex, startFakeNpmjs, type FakeNpmjs, type FakeNpmjsOptions, type PublishedVersion } from './fake-npmjs.ts'
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

// ---- trusted publishing on the fake registry ---------------------------------------------------

export interface TrustedPublisher {
  /** owner/repo, case-sensitive. */
  repository: string
  /** The workflow FILE name (e.g. 'publish.yml'), matched against the file of the ID token's workflow_ref. */
  workflowFile: string
  /** When set, the ID token's environment must be exactly this. */
  environment?: string
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
  /** Trusted publisher per package name (mutable). */
  publishers: Map<string, TrustedPublisher>
  /** What GET /-/package/<name>/visibility answers (default public). */
  visibility: Map<string, boolean>
  /** Every exchange request, in order. */
  exchanges: ExchangeRecord[]
  /** Every token issued. */
  issued: string[]
  /** The package each issued token is scoped to. */
  scopeOf: Map<string, string>
  /** Publishes through the fake authenticated by an issued token. */
  publishedByOidc(): PublishedVersion[]
  /** Publishes `name@version` with a seed token (the "first publish with a token" npm requires). */
  seedPackage(name: string, version?: string): Promise<void>
  /** Whether the fake has the package (some version published). */
  exists(name: string): boolean
}

export const EXCHANGE_PATH = '/-/npm/v1/oidc/token/exchange/package/'
export const NOT_FOUND_MESSAGE = 'OIDC token exchange error - package not found'

/** `owner/repo/.github/workflows/publish.yml@refs/heads/main` → `publish.yml` */
const workflowFileOf = (ref: unknown): string | undefined =>
  typeof ref === 'string' ? (/\.github\/workflows\/([^/@]+)@/.exec(ref)?.[1] ?? /\.github\/workflows\/([^/@]+)$/.exec(ref)?.[1]) : undefined

export function trustedPublishing(idp: IdTokenServer, opts: TrustedPublishingOptions = {}): TrustedPublishing {
  let fake: FakeNpmjs | undefined
  let seedToken: string | undefined
  const publishers = new Map(Object.entries(opts.publishers ?? {}))
  const visibility = new Map<string, boolean>()
  const exchanges: ExchangeRecord[] = []
  const issued: string[] = []
  const scopeOf = new Map<string, string>()
  const username = opts.username ?? 'oidc-publisher'

  const exists = (name: string) => !!fake?.published.some((p) => p.name === name)

  function exchange(req: http.IncomingMessage, res: http.ServerResponse, rawPath: string): void {
    const escaped = rawPath.slice(EXCHANGE_PATH.length)
    let packageName: string
    try {
      packageName = decodeURIComponent(escaped)
    } catch {
      packageName = escaped
    }
    const record: ExchangeRecord = { path: rawPath, packageName, status: 0, reason: '', userAgent: String(req.headers['user-agent'] ?? '') }
    exchanges.push(record)
    const refuse = (status: number, reason: string, message: string) => {
      record.status = status
      record.reason = reason
      sendJson(res, status, { message })
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    if (!bearer) return refuse(401, 'no bearer', 'OIDC token exchange error - missing authorization')
    const checked = verifyJwt(bearer, idp.publicKey)
    if (!checked.ok) return refuse(401, checked.reason, 'OIDC token exchange error - invalid token')
    const claims = checked.payload
    record.claims = claims
    if (checked.header.kid !== idp.kid) return refuse(401, 'unknown kid', 'OIDC token exchange error - invalid token')
    if (claims.iss !== DEFAULT_CLAIMS.iss) return refuse(401, 'wrong issuer', 'OIDC token exchange error - invalid issuer')
    const host = new URL(fake!.url).hostname
    if (claims.aud !== `npm:${host}`) return refuse(401, `audience ${String(claims.aud)}`, 'OIDC token exchange error - invalid audience')
    const now = Date.now() / 1000
    if (typeof claims.exp !== 'number' || claims.exp <= now) return refuse(401, 'expired', 'OIDC token exchange error - token expired')
    if (typeof claims.nbf === 'number' && claims.nbf > now + 60) return refuse(401, 'not yet valid', 'OIDC token exchange error - token not yet valid')

    // npm: the package must exist and have a trusted publisher matching the claims; all else is "not found".
    const publisher = publishers.get(packageName)
    if (!exists(packageName)) return refuse(404, 'package does not exist', NOT_FOUND_MESSAGE)
    if (!publisher) return refuse(404, 'no trusted publisher', NOT_FOUND_MESSAGE)
    if (claims.repository !== publisher.repository) return refuse(404, 'repository mismatch', NOT_FOUND_MESSAGE)
    // For a reusable workflow npm checks the CALLING workflow: workflow_ref, not job_workflow_ref.
    if (workflowFileOf(claims.workflow_ref) !== publisher.workflowFile) return refuse(404, 'workflow mismatch', NOT_FOUND_MESSAGE)
    if (publisher.environment !== undefined && claims.environment !== publisher.environment) return refuse(404, 'environment mismatch', NOT_FOUND_MESSAGE)

    const token = `npm_${randomAlnum(36)}`
    const created = new Date()
    const expires = new Date(created.getTime() + (opts.tokenTtlMs ?? 60 * 60 * 1000))
    fake!.addToken({ token, username, expiry: expires.toISOString(), listable: false, decoys: false, name: `oidc-${packageName}` })
    issued.push(token)
    scopeOf.set(token, packageName)
    record.status = 201
    record.token = token
    sendJson(res, 201, { token_type: 'oidc', token, created: created.toISOString(), expires: expires.toISOString() })
  }

  const hook = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
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
    // An exchanged token is package-scoped: publishing anything else with it is refused.
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const scope = bearer ? scopeOf.get(bearer) : undefined
    if (scope !== undefined && method === 'PUT' && !rest.startsWith('-/')) {
      const target = decodeURIComponent(rest)
      if (target !== scope) {
        sendJson(res, 403, { error: `This token may only publish ${scope}.` })
        return true
      }
    }
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
    issued,
    scopeOf,
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
  const tp = trustedPublishing(idp)
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
