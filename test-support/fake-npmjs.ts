// A loopback HTTP server that speaks the parts of registry.npmjs.org's protocol Verdaccio does not
// (401 + npm-notice for dead tokens, the granular/legacy token list shapes with expiry, absolute
// pagination URLs; by default, as npm's registry, a token list only `npm login` session tokens may read),
// npm's token management (`npm token create|revoke` with a session token, OTP or the web OTP flow),
// enough package support for the real npm CLI to publish and install, the ways
// npmjs refuses a publish (a token without write access to the package, a package that requires 2FA,
// a stage-only token, a restricted scoped first publish on a free plan), npm's staging area (staged
// publishing, as npm 11.19's `npm stage publish|list|view|approve|reject|download` call it), and fault
// injection for the network-failure paths. node:http only, no framework.
import type http from 'node:http'
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { isIPv4, isIPv6 } from 'node:net'
import { answerFault, FaultQueue, type Fault, type FaultMatcher } from './faults.ts'
import { listenOnLoopback, readBody, sendJson } from './loopback.ts'

export interface TokenSpec {
  /** The secret itself, as a client would send it (Bearer). */
  token: string
  username: string
  /** Default 'granular'. */
  type?: 'granular' | 'legacy'
  /** ISO date, or null/undefined for "no expiry". In the past → whoami answers 401 (expired). Granular only in the list. */
  expiry?: string | null
  /** ISO; default: now - 1 day. */
  created?: string
  readonly?: boolean
  cidr?: string[]
  bypass2fa?: boolean
  /** Revoked → whoami answers 401; still listed with revoked: true. */
  revoked?: boolean
  /** false → this token gets 403 on the token list (a publish-scoped token that may not list; `tokenList: 'any'` only). Default true. */
  listable?: boolean
  /**
   * The list `key`. 'uuid': a random UUID, as npm's registry keys a granular token (the default for a
   * granular token when `tokenList` is 'session-only'). 'sha512': hex sha512(token) (cnpmcore's key; the
   * default for a legacy token, and for any token when `tokenList` is 'any'). 'none': 128 random hex
   * characters, so only the visible first/last characters can match.
   */
  keyAlgo?: 'uuid' | 'sha512' | 'none'
  /** Granular token name (default 'token-N'). */
  name?: string
  /** Override the masked form shown in the list (default: see maskToken). */
  maskedAs?: string
  /** Add decoy entries for this token to its user's list (default true). */
  decoys?: boolean
  /**
   * The packages this token may publish: names, or `@scope/*` for a whole scope (a granular token's
   * "Packages and scopes"). Default: any. A PUT for another package is answered as npmjs answers a
   * credential that may not write it: 404 Not found.
   */
  packages?: string[]
  /**
   * A stage-only token (npm's `read-write-stage-only` permission, which its list entry shows): a direct
   * publish (PUT) is refused 403 E_STAGE_REQUIRED; `npm stage publish` works; approving or rejecting a
   * staged version is refused 403 (that takes a maintainer's own credential and 2FA).
   */
  stageOnly?: boolean
}

export type { Fault } from './faults.ts'

export interface RecordedRequest {
  method: string
  /** Path and query exactly as received (prefix included). */
  path: string
  headers: http.IncomingHttpHeaders
  /** Body as UTF-8 text ('' when none). */
  body: string
}

export interface PublishedVersion {
  name: string
  version: string
  username: string
  /** The list `key` of the token that published ('' for seedPackage). For an approved staged version: the token that staged it. */
  tokenKey: string
  tarball: Buffer
  tag: string
  /** The stage id, when the version was staged and then approved. */
  stageId?: string
}

/** A version in npm's staging area, as `GET /-/stage` and `GET /-/stage/<id>` answer it (npm's API reference). */
export interface StagedItem {
  /** A UUID (npm's stage commands refuse anything else). */
  id: string
  packageName: string
  version: string
  tag: string
  /** ISO 8601. */
  createdAt: string
  /** The user whose token staged it. */
  actor: string
  actorType: string
  /** The publish body's `access` (null when npm sent none). */
  access: string | null
  /** sha1 of the tarball, hex. */
  shasum: string
}

/** A staged version a test puts straight into the staging area (as if staged earlier). */
export interface StageSeed {
  name: string
  version: string
  /** Default 'latest'. */
  tag?: string
  /** When it was staged (ISO 8601 or a Date): "waited N days". Default now. */
  createdAt?: string | Date
  /** Default 'release-bot'. */
  actor?: string
  access?: string | null
}

export interface FakeNpmjsOptions {
  /** Path prefix the registry lives under, e.g. '/artifactory/api/npm/repo/'. Default '/'. */
  prefix?: string
  /** Token list page size (the server never returns more per page). Default 2, so pagination is always exercised. */
  pageSize?: number
  /** Custom handling, called after faults and before the built-in routes; return true if it answered. */
  hook?: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => boolean
  /**
   * The accounts are on npm's free plan: a scoped package's first publish that is not `access: public`
   * (npm's default for a scoped package is restricted, i.e. private) is refused 402, as npmjs refuses it.
   * Default false (restricted packages are accepted).
   */
  freePlan?: boolean
  /** The most staged versions `GET /-/stage` returns per page (it honours a smaller `perPage`). Default 100. */
  stagePageMax?: number
  /**
   * Who may read `GET /-/npm/v1/tokens`. 'session-only' (default; npm's registry): only a session token
   * (addSession); a granular or legacy token gets 401 LIST_NEEDS_SESSION. 'any': any live token lists its
   * user's tokens (registries such as cnpmcore), and a granular token's key defaults to sha512.
   */
  tokenList?: 'session-only' | 'any'
  /**
   * npm's web OTP flow for token management: a request with `npm-auth-type: web` and no `npm-otp` gets
   * 401 with `authUrl` and `doneUrl` (see pendingWebAuth / approveWebAuth). false → that header is
   * ignored (the plain OTP 401). Default true.
   */
  webAuth?: boolean
  /** The `retry-after` (seconds) of doneUrl's 202 while the web OTP is not approved. Default 1. */
  webAuthRetryAfterSeconds?: number
}

/** A session of addSession: what the fake knows of an `npm login`. */
export interface SessionOptions {
  /** Default now + 2 hours (npm's session lifetime). */
  expiresAt?: Date
  /** The one-time password this account's 2FA accepts in `npm-otp` (and the web flow yields). Default FAKE_OTP. */
  otp?: string
}

/** A web OTP flow in progress: open authUrl, poll doneUrl. */
export interface WebAuthPending {
  authUrl: string
  doneUrl: string
}

export type GranularTokenObject = {
  name: string
  description: string
  key: string
  token: string
  expiry: string | null
  cidr: string[] | null
  bypass_2fa: boolean
  revoked: boolean
  created: string
  updated: string
  accessed: string | null
  permissions: Array<{ name: string; action: string }>
  scopes: Array<{ name: string; type: string }>
}

export type LegacyTokenObject = {
  token: string
  key: string
  cidr_whitelist: string[] | null
  created: string
  updated: string
  readonly: boolean
}

export type TokenObject = GranularTokenObject | LegacyTokenObject

export interface FakeNpmjs {
  /** origin + prefix, always ending with '/'. */
  url: string
  /** 'http://127.0.0.1:PORT' */
  origin: string
  /** Normalised prefix: starts and ends with '/'. */
  prefix: string
  port: number
  /** Every request received, in order. */
  requests: RecordedRequest[]
  /** Every version published: through PUT, by approving a staged version, or by seedPackage. */
  published: PublishedVersion[]
  /** Registers a token; returns the list object it shows up as. */
  addToken(spec: TokenSpec): TokenObject
  /** Revokes a registered token (as `npm token revoke` or the website does): from now on it gets 401 + npm-notice; the list shows it revoked. */
  revokeToken(token: string): void
  /**
   * The package setting "Require two-factor authentication or a granular access token with bypass 2FA":
   * a PUT with a token without bypass2fa gets 401 with `www-authenticate: OTP` (npm's EOTP).
   */
  requireTwoFactor(name: string): void
  /** The full (unpaginated) token list of a user, decoys included (never a session). */
  tokenList(username: string): TokenObject[]
  /**
   * Logs `username` in (as `npm login`): returns a new session token ('npm_' + 36 alphanumerics). It
   * answers whoami, lists, creates and deletes its user's tokens (with the OTP); it never appears in a
   * list, and publishing, staging and hooks (credentialOf) do not accept it.
   */
  addSession(username: string, opts?: SessionOptions): string
  /** Ends a session: from now on it gets 401 + npm-notice, as an expired token. */
  expireSession(token: string): void
  /** Web OTP flows started and not yet approved, oldest first. */
  pendingWebAuth(): WebAuthPending[]
  /** Approves a pending web OTP flow by its authUrl (as the user would in the browser): its doneUrl then yields the OTP once. */
  approveWebAuth(authUrl: string): void
  /** Publishes `name@version` straight into the store (no request): a package that exists, as staged publishing requires. */
  seedPackage(name: string, version?: string, username?: string): PublishedVersion
  /** What the staging area holds now, oldest first (copies). */
  staged(): StagedItem[]
  /** Puts a version straight into the staging area (a package that does not exist yet is allowed here). */
  stageVersion(seed: StageSeed): StagedItem
  /** A maintainer approves a staged version (as on the website, 2FA done): published, and gone from staging. */
  approveStaged(id: string): PublishedVersion
  /** Queue faults for requests whose path (with query) contains the string / matches the RegExp; one is consumed per matching request. */
  fault(matcher: FaultMatcher, ...faults: Fault[]): void
  /** Faults still queued. */
  pendingFaults(): number
  /**
   * The registered token a request's Authorization header carries (Bearer, or Basic's password), for hooks
   * serving more of npm's API: `missing` (no header), `invalid` (unknown, revoked or expired, or a session), else its spec.
   */
  credentialOf(req: http.IncomingMessage): { kind: 'missing' } | { kind: 'invalid' } | { kind: 'ok'; spec: TokenSpec; key: string }
  /** Whether a token's package list lets it write `name` (`@scope/*` covers the scope; no list: any). */
  mayWrite(spec: TokenSpec, name: string): boolean
  stop(): Promise<void>
}

const NOTICE_EXPIRED = 'Access token expired or revoked. Please try logging in again.'
export const OTP_REQUIRED = 'This operation requires a one-time password.'
export const STAGE_REQUIRED = 'E_STAGE_REQUIRED: this token may only stage a publish. Run npm stage publish, then approve the staged version.'
export const PRIVATE_NEEDS_PLAN = 'You must sign up for private packages'
/** The one-time password the fake accepts in `npm-otp` (approving or rejecting a staged version). */
export const FAKE_OTP = '123456'
/** The fake's answer to staging a version of a package that does not exist (npm: "the package must already exist"; wording unconfirmed). */
export const STAGE_NEEDS_PACKAGE = 'Staged publishing requires an existing package: publish its first version with npm publish.'
export const STAGE_NOT_FOUND = 'Staged package not found'
const DAY = 24 * 60 * 60 * 1000

// Token management (wording the fake's own unless said otherwise; nothing here names a secret).
/** `GET /-/npm/v1/tokens` with a granular or legacy token when `tokenList` is 'session-only' (401). */
export const LIST_NEEDS_SESSION = 'This endpoint requires a session token: log in with npm login.'
/** Creating or deleting a token with anything but a session token (403). */
export const MANAGE_NEEDS_SESSION = 'Token management requires a session token: log in with npm login.'
/** A session used where the fake does not take one (publish, stage) (403). */
export const SESSION_NOT_ACCEPTED = 'A session token cannot be used here: use a granular access token.'
export const TOKEN_NAME_REQUIRED = 'Token name is required'
/** A write (read-write or read-write-stage-only) token asked for more than 90 days (400). */
export const WRITE_TOKEN_MAX_90_DAYS = 'Tokens with write access can have a maximum expiration of 90 days'
export const TOKEN_EXPIRES_POSITIVE = 'Token expiration must be a positive number of days or a date in the future'
export const TOKEN_EXPIRES_INVALID = 'Token expiration must be a number of days or an ISO 8601 date'
export const TOKEN_NOT_FOUND = 'Token not found'
export const INVALID_JSON_BODY = 'Invalid JSON body'
/** npm CLI's wording (lib/commands/token.js validateCIDRList). */
export const invalidCidrEntry = (entry: string): string => `CIDR whitelist contains invalid CIDR entry: ${entry}`
/** npm CLI's wording for an IPv6 entry. */
export const cidrIsIpv6 = (entry: string): string => `CIDR whitelist can only contain IPv4 addresses, ${entry} is IPv6`
export const invalidPermission = (field: string, value: unknown): string => `Invalid ${field}: ${JSON.stringify(value)}`
export const invalidField = (field: string): string => `Invalid ${field}`
/** The web OTP page (authUrl) says only this: approval happens in the test (approveWebAuth). */
export const WEB_AUTH_PAGE = 'approve in the test'
const PACKAGE_PERMISSIONS = ['read-only', 'read-write', 'read-write-stage-only', 'no-access'] as const
const ORG_PERMISSIONS = ['read-only', 'read-write', 'no-access'] as const
type PackagePermission = (typeof PACKAGE_PERMISSIONS)[number]
type OrgPermission = (typeof ORG_PERMISSIONS)[number]

export const sha512Hex = (s: string): string => createHash('sha512').update(s).digest('hex')

/**
 * The masked form the list shows. npmjs shows granular tokens as "npm_NYn6...jCq0" (the npm_ prefix
 * plus 4 characters, then the last 4; from a real `npm token list --json`, npm/cli#9443) and legacy
 * tokens as "abcd...wxyz" (first 4, last 4).
 */
export function maskToken(token: string): string {
  const head = token.startsWith('npm_') ? 8 : 4
  return `${token.slice(0, head)}...${token.slice(-4)}`
}

export const randomAlnum = (n: number): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  const bytes = randomBytes(n)
  let s = ''
  for (let i = 0; i < n; i++) s += alphabet[bytes[i] % alphabet.length]
  return s
}

/** A different 4-character string than `avoid`. */
const other4 = (avoid: string): string => {
  for (;;) {
    const s = randomAlnum(4)
    if (s !== avoid) return s
  }
}

function normalisePrefix(prefix: string | undefined): string {
  let p = prefix ?? '/'
  if (!p.startsWith('/')) p = `/${p}`
  if (!p.endsWith('/')) p = `${p}/`
  return p
}

/** A version's manifest as npm sends it in a publish (only `dist` is touched here). */
type Manifest = Record<string, unknown> & { dist?: Record<string, unknown> }

/** A package document as the registry serves it. */
interface Packument {
  _id: string
  name: string
  'dist-tags': Record<string, string>
  versions: Record<string, Manifest>
  time: Record<string, string>
}

/** The body of a publish (PUT /<name>), as far as the fake reads it. */
interface PublishBody {
  name?: unknown
  access?: unknown
  versions?: Record<string, Manifest>
  'dist-tags'?: Record<string, string>
  _attachments?: Record<string, { data: string }>
}

interface StoredToken {
  spec: TokenSpec
  key: string
  object: TokenObject
}

interface Session {
  username: string
  expiresAt: number
  otp: string
  dead: boolean
}

interface WebAuthFlow {
  id: string
  authUrl: string
  doneUrl: string
  otp: string
  state: 'pending' | 'approved' | 'done'
}

/** A `POST /-/npm/v1/tokens` body validated: what the new token is. */
interface TokenRequest {
  name: string
  description: string
  packages: string[]
  packagesAll: boolean
  scopes: string[]
  orgs: string[]
  permission: PackagePermission
  orgsPermission: OrgPermission
  expiry: string
  cidr: string[] | null
  bypass2fa: boolean
}

/** An IPv4 CIDR (a.b.c.d/n, n 0..32), as npm's CLI (is-cidr v4) accepts it. */
function cidrKind(entry: string): 'v4' | 'v6' | 'invalid' {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(entry)
  if (!m) return 'invalid'
  const bits = Number(m[2])
  if (isIPv4(m[1]) && bits <= 32) return 'v4'
  if (isIPv6(m[1]) && bits <= 128) return 'v6'
  return 'invalid'
}

/** A staged version with what approving it publishes. */
interface StagedRecord {
  item: StagedItem
  manifest: Manifest
  tarball: Buffer
  tokenKey: string
}

/** One version of a publish-style body: its manifest, tarball and dist-tag. */
interface BodyVersion {
  version: string
  manifest: Manifest
  tarball: Buffer
  tag: string
}

/** A publish-style body (PUT or stage) read, or why it is not one. */
type ParsedPublish = { ok: true; doc: PublishBody; versions: BodyVersion[] } | { ok: false; error: string }

export async function startFakeNpmjs(opts: FakeNpmjsOptions = {}): Promise<FakeNpmjs> {
  const prefix = normalisePrefix(opts.prefix)
  const pageSize = Math.max(1, opts.pageSize ?? 2)
  const requests: RecordedRequest[] = []
  const published: PublishedVersion[] = []
  const tokens = new Map<string, StoredToken>() // by secret
  const lists = new Map<string, TokenObject[]>() // by username, decoys included, in list order
  const packuments = new Map<string, Packument>() // by package name
  const tarballs = new Map<string, Buffer>() // by path after the prefix, decoded ('@s/p/-/p-1.0.0.tgz')
  const faults = new FaultQueue()
  const twoFactor = new Set<string>() // package names whose publish requires 2FA (or a bypass token)
  const stagePageMax = Math.max(1, opts.stagePageMax ?? 100)
  const staging = new Map<string, StagedRecord>() // by stage id, in staging order
  const sessionOnly = (opts.tokenList ?? 'session-only') === 'session-only'
  const webAuthOn = opts.webAuth ?? true
  const retryAfter = Math.max(0, opts.webAuthRetryAfterSeconds ?? 1)
  const sessions = new Map<string, Session>() // by secret
  const webAuths = new Map<string, WebAuthFlow>() // by id, in start order
  let tokenCounter = 0
  let origin = ''
  let url = ''

  // ---- tokens --------------------------------------------------------------------------------

  function listObject(spec: TokenSpec, key: string, token: string, masked?: string): TokenObject {
    const created = spec.created ?? new Date(Date.now() - DAY).toISOString()
    if ((spec.type ?? 'granular') === 'legacy') {
      return {
        token: masked ?? maskToken(token),
        key,
        cidr_whitelist: spec.cidr ?? null,
        created,
        updated: created,
        readonly: spec.readonly ?? false,
      }
    }
    return {
      name: spec.name ?? `token-${++tokenCounter}`,
      description: '',
      key,
      token: masked ?? maskToken(token),
      expiry: spec.expiry ?? null,
      cidr: spec.cidr ?? null,
      bypass_2fa: spec.bypass2fa ?? false,
      revoked: spec.revoked ?? false,
      created,
      updated: created,
      accessed: null,
      permissions: [{ name: 'package', action: spec.readonly ? 'read' : spec.stageOnly ? 'read-write-stage-only' : 'write' }],
      scopes: [{ name: '*', type: 'package' }],
    }
  }

  /** The list key of a token (see TokenSpec.keyAlgo for the defaults). */
  function keyOf(spec: TokenSpec): string {
    const granular = (spec.type ?? 'granular') === 'granular'
    const algo = spec.keyAlgo ?? (granular && sessionOnly ? 'uuid' : 'sha512')
    if (algo === 'uuid') return randomUUID()
    if (algo === 'none') return randomBytes(64).toString('hex')
    return sha512Hex(spec.token)
  }

  function userList(username: string): TokenObject[] {
    let list = lists.get(username)
    if (!list) {
      list = []
      lists.set(username, list)
    }
    return list
  }

  function addToken(spec: TokenSpec): TokenObject {
    if (!spec.token || !spec.username) throw new Error('addToken: token and username are required')
    if (tokens.has(spec.token)) throw new Error('addToken: token already registered')
    const key = keyOf(spec)
    const object = listObject(spec, key, spec.token, spec.maskedAs)
    tokens.set(spec.token, { spec, key, object })
    const list = userList(spec.username)
    const withDecoys = spec.decoys ?? true
    if (withDecoys && list.length === 0) {
      // One legacy token per user, listed first, never expiring: picking it gives "no expiry".
      const t = randomAlnum(36)
      const legacy: TokenSpec = { token: t, username: spec.username, type: 'legacy' }
      list.push(listObject(legacy, keyOf(legacy), t))
    }
    if (withDecoys) {
      // Decoys share the real token's visible head (resp. tail), so matching on one side alone,
      // or on an assumed key algorithm, picks the wrong entry — and they carry different expiries.
      const head = spec.token.startsWith('npm_') ? 8 : 4
      const visibleHead = spec.token.slice(0, head)
      const tail4 = spec.token.slice(-4)
      const sameHead = visibleHead + randomAlnum(Math.max(8, spec.token.length - head - 4)) + other4(tail4)
      const sameTail = (spec.token.startsWith('npm_') ? 'npm_' : '') + other4(spec.token.slice(head - 4, head)) + randomAlnum(28) + tail4
      const decoyType = spec.type ?? 'granular'
      // The decoys are keyed as the real entry is (a UUID beside a UUID, a hash beside a hash).
      const decoyKeyAlgo = spec.keyAlgo === 'none' ? undefined : spec.keyAlgo
      const headDecoy: TokenSpec = {
        token: sameHead,
        username: spec.username,
        type: decoyType,
        keyAlgo: decoyKeyAlgo,
        expiry: new Date(Date.now() + 365 * DAY).toISOString(),
        name: 'decoy-same-head',
      }
      const tailDecoy: TokenSpec = {
        token: sameTail,
        username: spec.username,
        type: decoyType,
        keyAlgo: decoyKeyAlgo,
        expiry: new Date(Date.now() - 3 * DAY).toISOString(),
        name: 'decoy-same-tail',
      }
      list.push(listObject(headDecoy, keyOf(headDecoy), sameHead))
      list.push(object)
      list.push(listObject(tailDecoy, keyOf(tailDecoy), sameTail))
    } else {
      list.push(object)
    }
    return object
  }

  function revokeToken(token: string): void {
    const stored = tokens.get(token)
    if (!stored) throw new Error('revokeToken: no such token')
    stored.spec.revoked = true
    if ('revoked' in stored.object) stored.object.revoked = true
  }

  /** `@scope/*` covers the scope; anything else is an exact name. */
  const mayWrite = (spec: TokenSpec, name: string): boolean =>
    spec.packages === undefined || spec.packages.some((p) => (p.endsWith('/*') ? name.startsWith(p.slice(0, -1)) : p === name))

  type AuthResult = { kind: 'missing' } | { kind: 'invalid' } | { kind: 'ok'; stored: StoredToken } | { kind: 'session'; session: Session }

  const sessionLive = (session: Session): boolean => !session.dead && session.expiresAt > Date.now()

  /** The credential a request carries: a registered token, or (`kind: 'session'`) a live session. */
  function authenticate(req: http.IncomingMessage): AuthResult {
    const header = req.headers.authorization
    if (!header) return { kind: 'missing' }
    let secret: string | undefined
    const bearer = /^Bearer\s+(.+)$/i.exec(header)
    const basic = /^Basic\s+(.+)$/i.exec(header)
    if (bearer) secret = bearer[1].trim()
    else if (basic) {
      // Azure-style username/_password config sends Basic user:password; treat the password as the token.
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8')
      secret = decoded.slice(decoded.indexOf(':') + 1)
    }
    const session = secret === undefined ? undefined : sessions.get(secret)
    if (session) return sessionLive(session) ? { kind: 'session', session } : { kind: 'invalid' }
    const stored = secret === undefined ? undefined : tokens.get(secret)
    if (!stored) return { kind: 'invalid' }
    const { spec } = stored
    if (spec.revoked) return { kind: 'invalid' }
    if (spec.expiry && Date.parse(spec.expiry) <= Date.now()) return { kind: 'invalid' }
    return { kind: 'ok', stored }
  }

  // ---- responses -----------------------------------------------------------------------------

  /** The answer to a credential a route does not take: missing, dead, or a session where none is taken. */
  function sendUnauthorized(res: http.ServerResponse, auth: AuthResult): void {
    if (auth.kind === 'session') {
      sendJson(res, 403, { error: SESSION_NOT_ACCEPTED })
    } else if (auth.kind === 'missing') {
      sendJson(res, 401, { error: 'You must be logged in to do that.' }, { 'www-authenticate': 'Bearer' })
    } else {
      sendJson(res, 401, { error: NOTICE_EXPIRED }, { 'npm-notice': NOTICE_EXPIRED, 'www-authenticate': 'Bearer' })
    }
  }

  // ---- routes --------------------------------------------------------------------------------

  function handleTokenList(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): void {
    const auth = authenticate(req)
    let username: string
    if (auth.kind === 'session') username = auth.session.username
    else if (auth.kind !== 'ok') return sendUnauthorized(res, auth)
    else if (sessionOnly) return sendJson(res, 401, { error: LIST_NEEDS_SESSION })
    else if (auth.stored.spec.listable === false) {
      return sendJson(res, 403, { error: 'This token does not have permission to list tokens.' })
    } else username = auth.stored.spec.username
    const all = userList(username)
    const requested = Number(query.get('perPage'))
    const perPage = Number.isInteger(requested) && requested > 0 ? Math.min(requested, pageSize) : pageSize
    const pageParam = Number(query.get('page') ?? '0') // npm-profile starts without page: 0-based
    const page = Number.isInteger(pageParam) && pageParam >= 0 ? pageParam : 0
    const objects = all.slice(page * perPage, (page + 1) * perPage)
    const pageUrl = (p: number) => `${origin}${prefix}-/npm/v1/tokens?perPage=${perPage}&page=${p}`
    sendJson(res, 200, {
      total: all.length,
      objects,
      urls: {
        next: (page + 1) * perPage < all.length ? pageUrl(page + 1) : null,
        prev: page > 0 ? pageUrl(page - 1) : null,
      },
    })
  }

  // ---- token management (npm token create / revoke) ------------------------------------------

  /**
   * The credential and second factor token management wants: a live session (else 401 for a dead or
   * missing credential, 403 MANAGE_NEEDS_SESSION for a token), and `npm-otp` equal to its OTP (else 401
   * `www-authenticate: OTP`, with a web flow's authUrl/doneUrl when asked for by `npm-auth-type: web`).
   * Returns the session, or undefined when it answered.
   */
  function managementSession(req: http.IncomingMessage, res: http.ServerResponse): Session | undefined {
    const auth = authenticate(req)
    if (auth.kind === 'ok') {
      sendJson(res, 403, { error: MANAGE_NEEDS_SESSION })
      return undefined
    }
    if (auth.kind !== 'session') {
      sendUnauthorized(res, auth)
      return undefined
    }
    const otp = req.headers['npm-otp']
    if (otp === auth.session.otp) return auth.session
    if (otp === undefined && webAuthOn && req.headers['npm-auth-type'] === 'web') {
      const id = randomUUID()
      const flow: WebAuthFlow = { id, authUrl: `${url}-/fake-web-auth/${id}`, doneUrl: `${url}-/v1/done?authId=${id}`, otp: auth.session.otp, state: 'pending' }
      webAuths.set(id, flow)
      sendJson(res, 401, { error: OTP_REQUIRED, authUrl: flow.authUrl, doneUrl: flow.doneUrl }, { 'www-authenticate': 'OTP' })
      return undefined
    }
    sendJson(res, 401, { error: OTP_REQUIRED }, { 'www-authenticate': 'OTP' })
    return undefined
  }

  const stringList = (value: unknown): string[] | undefined =>
    value === undefined || value === null ? [] : Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined

  /** A `POST /-/npm/v1/tokens` body as npm 12's `npm token create` sends it, validated; or the 400's error. */
  function readTokenRequest(body: Buffer): TokenRequest | { error: string } {
    let doc: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'))
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: INVALID_JSON_BODY }
      doc = parsed as Record<string, unknown>
    } catch {
      return { error: INVALID_JSON_BODY }
    }
    // `password` is accepted and ignored (npm always sends one).
    if (typeof doc.name !== 'string' || doc.name.trim() === '') return { error: TOKEN_NAME_REQUIRED }
    if (doc.description !== undefined && typeof doc.description !== 'string') return { error: invalidField('description') }
    const packages = stringList(doc.packages)
    if (!packages) return { error: invalidField('packages') }
    const scopes = stringList(doc.scopes)
    if (!scopes) return { error: invalidField('scopes') }
    const orgs = stringList(doc.orgs)
    if (!orgs) return { error: invalidField('orgs') }
    const permissionRaw = doc.packages_and_scopes_permission ?? 'read-only'
    const permission = PACKAGE_PERMISSIONS.find((p) => p === permissionRaw)
    if (!permission) return { error: invalidPermission('packages_and_scopes_permission', permissionRaw) }
    const orgsRaw = doc.orgs_permission ?? 'read-only'
    const orgsPermission = ORG_PERMISSIONS.find((p) => p === orgsRaw)
    if (!orgsPermission) return { error: invalidPermission('orgs_permission', orgsRaw) }
    const cidr = stringList(doc.cidr_whitelist)
    if (!cidr) return { error: invalidField('cidr_whitelist') }
    for (const entry of cidr) {
      const kind = cidrKind(entry)
      if (kind === 'v6') return { error: cidrIsIpv6(entry) }
      if (kind === 'invalid') return { error: invalidCidrEntry(entry) }
    }
    const write = permission === 'read-write' || permission === 'read-write-stage-only' || (orgs.length > 0 && orgsPermission === 'read-write')
    const now = Date.now()
    let expiresAt: number
    if (doc.expires === undefined || doc.expires === null) expiresAt = now + (write ? 7 : 30) * DAY
    else if (typeof doc.expires === 'number') {
      if (!Number.isInteger(doc.expires)) return { error: TOKEN_EXPIRES_INVALID }
      expiresAt = now + doc.expires * DAY
    } else if (typeof doc.expires === 'string' && /^\d{4}-\d{2}-\d{2}/.test(doc.expires) && !Number.isNaN(Date.parse(doc.expires))) {
      expiresAt = Date.parse(doc.expires)
    } else return { error: TOKEN_EXPIRES_INVALID }
    if (expiresAt <= now) return { error: TOKEN_EXPIRES_POSITIVE }
    if (write && expiresAt - now > 90 * DAY) return { error: WRITE_TOKEN_MAX_90_DAYS }
    if (doc.bypass_2fa !== undefined && typeof doc.bypass_2fa !== 'boolean') return { error: invalidField('bypass_2fa') }
    return {
      name: doc.name,
      description: typeof doc.description === 'string' ? doc.description : '',
      packages,
      packagesAll: doc.packages_all === true,
      scopes: scopes.map((s) => (s.startsWith('@') ? s : `@${s}`)),
      orgs,
      permission,
      orgsPermission,
      expiry: new Date(expiresAt).toISOString(),
      cidr: cidr.length > 0 ? cidr : null,
      bypass2fa: doc.bypass_2fa === true,
    }
  }

  /** `POST /-/npm/v1/tokens` → 201: the new token's list object with the full token (the only time it is shown). */
  function handleTokenCreate(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const session = managementSession(req, res)
    if (!session) return
    const wanted = readTokenRequest(body)
    if ('error' in wanted) return sendJson(res, 400, { error: wanted.error })
    const token = `npm_${randomAlnum(36)}`
    const now = new Date().toISOString()
    const object = addToken({
      token,
      username: session.username,
      type: 'granular',
      keyAlgo: 'uuid',
      name: wanted.name,
      created: now,
      expiry: wanted.expiry,
      readonly: wanted.permission === 'read-only' || wanted.permission === 'no-access',
      stageOnly: wanted.permission === 'read-write-stage-only',
      cidr: wanted.cidr ?? undefined,
      bypass2fa: wanted.bypass2fa,
      packages: wanted.packagesAll ? undefined : [...wanted.packages, ...wanted.scopes.map((s) => `${s}/*`)],
      decoys: false,
    }) as GranularTokenObject
    const action = { 'read-only': 'read', 'read-write': 'write', 'read-write-stage-only': 'read-write-stage-only', 'no-access': undefined }[wanted.permission]
    const orgAction = { 'read-only': 'read', 'read-write': 'write', 'no-access': undefined }[wanted.orgsPermission]
    object.description = wanted.description
    object.permissions = [
      ...(action ? [{ name: 'package', action }] : []),
      ...(wanted.orgs.length > 0 && orgAction ? [{ name: 'org', action: orgAction }] : []),
    ]
    object.scopes = [
      ...(wanted.packagesAll ? ['*'] : wanted.packages).map((name) => ({ type: 'package', name })),
      ...wanted.scopes.map((name) => ({ type: 'scope', name })),
      ...wanted.orgs.map((name) => ({ type: 'org', name })),
    ]
    sendJson(res, 201, { ...object, token })
  }

  /** `DELETE /-/npm/v1/tokens/token/<key or full token>` → 204; the token is revoked and leaves the list. */
  function handleTokenDelete(req: http.IncomingMessage, res: http.ServerResponse, id: string): void {
    const session = managementSession(req, res)
    if (!session) return
    const list = userList(session.username)
    const bySecret = tokens.get(id)
    const index = list.findIndex((o) => o.key === id || (bySecret !== undefined && o === bySecret.object))
    if (index < 0) return sendJson(res, 404, { error: TOKEN_NOT_FOUND })
    const [removed] = list.splice(index, 1)
    const stored = [...tokens.values()].find((t) => t.object === removed)
    if (stored) {
      stored.spec.revoked = true
      if ('revoked' in stored.object) stored.object.revoked = true
    }
    res.writeHead(204)
    res.end()
  }

  /** authUrl (a page) and doneUrl (polled: 202 + retry-after until approved, then 200 `{ token: otp }` once). */
  function handleWebAuth(res: http.ServerResponse, rest: string, query: URLSearchParams, method: string): boolean {
    const page = /^-\/fake-web-auth\/([^/]+)$/.exec(rest)
    if (page && method === 'GET' && webAuths.has(page[1])) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(WEB_AUTH_PAGE)
      return true
    }
    if (rest !== '-/v1/done' || method !== 'GET') return false
    const flow = webAuths.get(query.get('authId') ?? '')
    if (!flow || flow.state === 'done') {
      sendJson(res, 404, { error: 'Not found' })
    } else if (flow.state === 'pending') {
      sendJson(res, 202, {}, { 'retry-after': String(retryAfter) })
    } else {
      flow.state = 'done'
      sendJson(res, 200, { token: flow.otp })
    }
    return true
  }

  /** Reads a publish-style body (npm publish and npm stage publish send the same): one tarball per version. */
  function readPublishBody(name: string, body: Buffer): ParsedPublish {
    let doc: PublishBody
    try {
      doc = JSON.parse(body.toString('utf8')) as PublishBody
    } catch {
      return { ok: false, error: 'Invalid JSON body' }
    }
    if (doc.name !== name) return { ok: false, error: `Package name mismatch: ${String(doc.name)} vs ${name}` }
    const versions = Object.entries(doc.versions ?? {})
    if (versions.length === 0) return { ok: false, error: 'No versions in publish body' }
    const attachments = Object.entries(doc._attachments ?? {})
    const out: BodyVersion[] = []
    for (const [version, manifest] of versions) {
      const attachment = attachments.find(([file]) => file.endsWith(`-${version}.tgz`)) ?? attachments[0]
      if (!attachment) return { ok: false, error: `No tarball attached for ${version}` }
      const tag = Object.entries(doc['dist-tags'] ?? {}).find(([, v]) => v === version)?.[0] ?? 'latest'
      out.push({ version, manifest, tarball: Buffer.from(attachment[1].data, 'base64'), tag })
    }
    return { ok: true, doc, versions: out }
  }

  const publishedOver = (name: string, version: string): boolean => Boolean(packuments.get(name)?.versions[version])

  /** Puts one version into the packument (its tarball served under the prefix) and records it. */
  function publishVersion(
    name: string,
    { version, manifest, tarball, tag }: BodyVersion,
    by: Pick<PublishedVersion, 'username' | 'tokenKey' | 'stageId'>,
  ): PublishedVersion {
    const existing: Packument = packuments.get(name) ?? { _id: name, name, 'dist-tags': {}, versions: {}, time: {} }
    const unscoped = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name
    const tarballPath = `${name}/-/${unscoped}-${version}.tgz`
    tarballs.set(tarballPath, tarball)
    const now = new Date().toISOString()
    existing.versions[version] = { ...manifest, dist: { ...(manifest.dist ?? {}), tarball: `${url}${tarballPath}` } }
    existing.time[version] = now
    existing['dist-tags'][tag] = version
    existing.time.modified = now
    existing.time.created ??= now
    packuments.set(name, existing)
    const record: PublishedVersion = { name, version, tarball, tag, ...by }
    published.push(record)
    return record
  }

  function handlePublish(req: http.IncomingMessage, res: http.ServerResponse, name: string, body: Buffer): void {
    const auth = authenticate(req)
    if (auth.kind !== 'ok') return sendUnauthorized(res, auth)
    const { spec } = auth.stored
    if (spec.readonly) {
      return sendJson(res, 403, { error: 'You do not have permission to publish. Read-only token.' })
    }
    if (!mayWrite(spec, name)) return sendJson(res, 404, { error: 'Not found' })
    if (spec.stageOnly) return sendJson(res, 403, { error: STAGE_REQUIRED, code: 'E_STAGE_REQUIRED' })
    if (twoFactor.has(name) && !spec.bypass2fa) return sendJson(res, 401, { error: OTP_REQUIRED }, { 'www-authenticate': 'OTP' })
    const parsed = readPublishBody(name, body)
    if (!parsed.ok) return sendJson(res, 400, { error: parsed.error })
    if (opts.freePlan && name.startsWith('@') && !packuments.has(name) && parsed.doc.access !== 'public') {
      return sendJson(res, 402, { error: PRIVATE_NEEDS_PLAN })
    }
    for (const { version } of parsed.versions) {
      if (publishedOver(name, version)) {
        return sendJson(res, 403, { error: `You cannot publish over the previously published versions: ${version}.` })
      }
    }
    for (const version of parsed.versions) publishVersion(name, version, { username: spec.username, tokenKey: auth.stored.key })
    sendJson(res, 200, { success: true })
  }

  // ---- staging (npm stage …) -----------------------------------------------------------------

  /** The staged versions a token may see: those of packages it may write (stage-only counts). */
  const visibleTo = (spec: TokenSpec, record: StagedRecord): boolean => mayWrite(spec, record.item.packageName)

  function addStaged(item: Omit<StagedItem, 'id'>, manifest: Manifest, tarball: Buffer, tokenKey: string): StagedItem {
    const record: StagedRecord = { item: { id: randomUUID(), ...item }, manifest, tarball, tokenKey }
    staging.set(record.item.id, record)
    return { ...record.item }
  }

  function approve(record: StagedRecord): PublishedVersion {
    const { item } = record
    staging.delete(item.id)
    const who = [...tokens.values()].find((t) => t.key === record.tokenKey)?.spec.username ?? item.actor
    const version = { version: item.version, manifest: record.manifest, tarball: record.tarball, tag: item.tag }
    return publishVersion(item.packageName, version, { username: who, tokenKey: record.tokenKey, stageId: item.id })
  }

  /** `POST /-/stage/package/<escaped name>`: the publish body of `npm stage publish` → 201 `{ stageId }`. No 2FA: that is deferred to approval. */
  function handleStagePublish(req: http.IncomingMessage, res: http.ServerResponse, name: string, body: Buffer): void {
    const auth = authenticate(req)
    if (auth.kind !== 'ok') return sendUnauthorized(res, auth)
    const { spec } = auth.stored
    if (spec.readonly) return sendJson(res, 403, { error: 'You do not have permission to publish. Read-only token.' })
    if (!mayWrite(spec, name)) return sendJson(res, 404, { error: 'Not found' })
    const parsed = readPublishBody(name, body)
    if (!parsed.ok) return sendJson(res, 400, { error: parsed.error })
    if (!packuments.has(name)) return sendJson(res, 404, { error: STAGE_NEEDS_PACKAGE })
    if (parsed.versions.length !== 1) return sendJson(res, 400, { error: 'Stage one version at a time' })
    const { version, manifest, tarball, tag } = parsed.versions[0]
    if (publishedOver(name, version)) return sendJson(res, 403, { error: `You cannot publish over the previously published versions: ${version}.` })
    if ([...staging.values()].some((r) => r.item.packageName === name && r.item.version === version)) {
      return sendJson(res, 409, { error: `${name}@${version} is already staged.` })
    }
    const shasum = typeof manifest.dist?.shasum === 'string' ? manifest.dist.shasum : createHash('sha1').update(tarball).digest('hex')
    const access = typeof parsed.doc.access === 'string' ? parsed.doc.access : null
    const item = addStaged(
      { packageName: name, version, tag, createdAt: new Date().toISOString(), actor: spec.username, actorType: 'user', access, shasum },
      manifest,
      tarball,
      auth.stored.key,
    )
    sendJson(res, 201, { stageId: item.id })
  }

  /** `GET /-/stage?package=&page=&perPage=` (page 0-based, as `npm stage list` pages it) → `{ items, page, perPage, total }`. */
  function handleStageList(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): void {
    const auth = authenticate(req)
    if (auth.kind !== 'ok') return sendUnauthorized(res, auth)
    const wanted = query.get('package')
    const all = [...staging.values()].filter((r) => visibleTo(auth.stored.spec, r) && (wanted === null || r.item.packageName === wanted))
    const requested = Number(query.get('perPage'))
    const perPage = Number.isInteger(requested) && requested > 0 ? Math.min(requested, stagePageMax) : stagePageMax
    const pageParam = Number(query.get('page') ?? '0')
    const page = Number.isInteger(pageParam) && pageParam >= 0 ? pageParam : 0
    const items = all.slice(page * perPage, (page + 1) * perPage).map((r) => ({ ...r.item }))
    sendJson(res, 200, { items, page, perPage, total: all.length })
  }

  /** `GET /-/stage/<id>`, `GET /-/stage/<id>/tarball`, `POST /-/stage/<id>/approve`, `DELETE /-/stage/<id>`. */
  function handleStageItem(req: http.IncomingMessage, res: http.ServerResponse, id: string, action: string | undefined, method: string): void {
    const auth = authenticate(req)
    if (auth.kind !== 'ok') return sendUnauthorized(res, auth)
    const { spec } = auth.stored
    const record = staging.get(id)
    if (!record || !visibleTo(spec, record)) return sendJson(res, 404, { error: STAGE_NOT_FOUND })
    if (method === 'GET' && action === undefined) return sendJson(res, 200, { ...record.item })
    if (method === 'GET' && action === 'tarball') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': record.tarball.length })
      res.end(record.tarball)
      return
    }
    const approving = method === 'POST' && action === 'approve'
    const rejecting = method === 'DELETE' && action === undefined
    if (!approving && !rejecting) return sendJson(res, 405, { error: 'Method not allowed' })
    // A maintainer's decision: proof of presence (2FA), and a credential that may publish the package itself.
    if (spec.readonly || spec.stageOnly) {
      return sendJson(res, 403, { error: `This token may not ${approving ? 'approve' : 'reject'} staged versions of ${record.item.packageName}.` })
    }
    if (req.headers['npm-otp'] !== FAKE_OTP) return sendJson(res, 401, { error: OTP_REQUIRED }, { 'www-authenticate': 'OTP' })
    if (rejecting) {
      staging.delete(id)
      res.writeHead(204)
      res.end()
      return
    }
    if (publishedOver(record.item.packageName, record.item.version)) {
      return sendJson(res, 403, { error: `You cannot publish over the previously published versions: ${record.item.version}.` })
    }
    approve(record)
    sendJson(res, 200, { success: true })
  }

  /** The staging routes (path after the prefix); false when `rest` is not one of them. */
  function routeStage(req: http.IncomingMessage, res: http.ServerResponse, rest: string, query: URLSearchParams, method: string, body: Buffer): boolean {
    if (rest === '-/stage') {
      if (method === 'GET') handleStageList(req, res, query)
      else sendJson(res, 405, { error: 'Method not allowed' })
      return true
    }
    const publish = /^-\/stage\/package\/(.+)$/.exec(rest)
    if (publish) {
      let name: string
      try {
        name = decodeURIComponent(publish[1])
      } catch {
        sendJson(res, 400, { error: 'Bad escape in path' })
        return true
      }
      if (method === 'POST') handleStagePublish(req, res, name, body)
      else sendJson(res, 405, { error: 'Method not allowed' })
      return true
    }
    const item = /^-\/stage\/([^/]+)(?:\/(approve|tarball))?$/.exec(rest)
    if (item) {
      handleStageItem(req, res, item[1], item[2], method)
      return true
    }
    return false
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req)
    const rawPath = req.url ?? '/'
    requests.push({ method: req.method ?? 'GET', path: rawPath, headers: req.headers, body: body.toString('utf8') })

    const fault = faults.take(rawPath)
    if (fault && (await answerFault(fault, req, res)) !== false) return
    if (opts.hook?.(req, res, body)) return

    const parsed = new URL(rawPath, 'http://placeholder')
    if (!parsed.pathname.startsWith(prefix)) return sendJson(res, 404, { error: 'Not found' })
    const rest = parsed.pathname.slice(prefix.length)
    const method = req.method ?? 'GET'

    if (rest === '-/ping' && method === 'GET') return sendJson(res, 200, {})
    if (rest === '-/whoami' && method === 'GET') {
      const auth = authenticate(req)
      if (auth.kind === 'session') return sendJson(res, 200, { username: auth.session.username })
      if (auth.kind !== 'ok') return sendUnauthorized(res, auth)
      return sendJson(res, 200, { username: auth.stored.spec.username })
    }
    if (rest === '-/npm/v1/tokens' && method === 'GET') return handleTokenList(req, res, parsed.searchParams)
    if (rest === '-/npm/v1/tokens' && method === 'POST') return handleTokenCreate(req, res, body)
    const tokenDelete = /^-\/npm\/v1\/tokens\/token\/([^/]+)$/.exec(rest)
    if (tokenDelete && method === 'DELETE') {
      let id: string
      try {
        id = decodeURIComponent(tokenDelete[1])
      } catch {
        return sendJson(res, 400, { error: 'Bad escape in path' })
      }
      return handleTokenDelete(req, res, id)
    }
    if (handleWebAuth(res, rest, parsed.searchParams, method)) return
    if (rest.startsWith('-/npm/v1/security/') && method === 'POST') return sendJson(res, 200, {}) // npm install's audit
    if ((rest === '-/stage' || rest.startsWith('-/stage/')) && routeStage(req, res, rest, parsed.searchParams, method, body)) return
    if (rest.startsWith('-/')) return sendJson(res, 404, { error: 'Not found' })

    let decoded: string
    try {
      decoded = decodeURIComponent(rest)
    } catch {
      return sendJson(res, 400, { error: 'Bad escape in path' })
    }
    if (decoded.includes('/-/')) {
      const tarball = tarballs.get(decoded)
      if (!tarball || method !== 'GET') return sendJson(res, 404, { error: 'Not found' })
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tarball.length })
      res.end(tarball)
      return
    }
    if (method === 'PUT') return handlePublish(req, res, decoded, body)
    if (method === 'GET') {
      const doc = packuments.get(decoded)
      return doc ? sendJson(res, 200, doc) : sendJson(res, 404, { error: 'Not found' })
    }
    sendJson(res, 405, { error: 'Method not allowed' })
  }

  const loopback = await listenOnLoopback((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(err) })
      else res.destroy()
    })
  })
  const port = loopback.port
  origin = loopback.origin
  url = `${origin}${prefix}`

  return {
    url,
    origin,
    prefix,
    port,
    requests,
    published,
    addToken,
    revokeToken,
    requireTwoFactor: (name) => void twoFactor.add(name),
    tokenList: (username) => [...userList(username)],
    addSession(username, sessionOpts = {}) {
      if (!username) throw new Error('addSession: username is required')
      const token = `npm_${randomAlnum(36)}`
      const expiresAt = sessionOpts.expiresAt?.getTime() ?? Date.now() + 2 * 60 * 60 * 1000
      sessions.set(token, { username, expiresAt, otp: sessionOpts.otp ?? FAKE_OTP, dead: false })
      return token
    },
    expireSession(token) {
      const session = sessions.get(token)
      if (!session) throw new Error('expireSession: no such session')
      session.dead = true
    },
    pendingWebAuth: () => [...webAuths.values()].filter((f) => f.state === 'pending').map(({ authUrl, doneUrl }) => ({ authUrl, doneUrl })),
    approveWebAuth(authUrl) {
      const flow = [...webAuths.values()].find((f) => f.authUrl === authUrl && f.state === 'pending')
      if (!flow) throw new Error('approveWebAuth: no pending web authentication at that URL')
      flow.state = 'approved'
    },
    seedPackage(name, version = '1.0.0', username = 'seed-user') {
      if (publishedOver(name, version)) throw new Error(`seedPackage: ${name}@${version} exists already`)
      const manifest = { _id: `${name}@${version}`, name, version, description: 'seed' }
      return publishVersion(name, { version, manifest, tarball: Buffer.from(`seed tarball of ${name}@${version}`), tag: 'latest' }, { username, tokenKey: '' })
    },
    staged: () => [...staging.values()].map((r) => ({ ...r.item })),
    stageVersion(seed) {
      const tarball = Buffer.from(`staged tarball of ${seed.name}@${seed.version}`)
      const createdAt = seed.createdAt === undefined ? new Date() : new Date(seed.createdAt)
      if (Number.isNaN(createdAt.getTime())) throw new Error(`stageVersion: bad createdAt ${String(seed.createdAt)}`)
      const manifest = { _id: `${seed.name}@${seed.version}`, name: seed.name, version: seed.version, description: 'staged' }
      const item = {
        packageName: seed.name,
        version: seed.version,
        tag: seed.tag ?? 'latest',
        createdAt: createdAt.toISOString(),
        actor: seed.actor ?? 'release-bot',
        actorType: 'user',
        access: seed.access ?? null,
        shasum: createHash('sha1').update(tarball).digest('hex'),
      }
      return addStaged(item, manifest, tarball, '')
    },
    approveStaged(id) {
      const record = staging.get(id)
      if (!record) throw new Error(`approveStaged: no staged version ${id}`)
      if (publishedOver(record.item.packageName, record.item.version))
        throw new Error(`approveStaged: ${record.item.packageName}@${record.item.version} exists already`)
      return approve(record)
    },
    fault(matcher, ...queued) {
      for (const f of queued) faults.add(matcher, f)
    },
    pendingFaults: () => faults.pending(),
    credentialOf(req) {
      const auth = authenticate(req)
      if (auth.kind === 'session') return { kind: 'invalid' }
      return auth.kind === 'ok' ? { kind: 'ok', spec: auth.stored.spec, key: auth.stored.key } : auth
    },
    mayWrite,
    stop: loopback.stop,
  }
}
