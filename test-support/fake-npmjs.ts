// A loopback HTTP server that speaks the parts of registry.npmjs.org's protocol Verdaccio does not
// (401 + npm-notice for dead tokens, the granular/legacy token list shapes with expiry, absolute
// pagination URLs), enough package support for the real npm CLI to publish and install, the ways
// npmjs refuses a publish (a token without write access to the package, a package that requires 2FA,
// a stage-only token, a restricted scoped first publish on a free plan), and fault injection for the
// network-failure paths. node:http only, no framework.
import http from 'node:http'
import { createHash, randomBytes } from 'node:crypto'
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
  /** false → this token gets 403 on the token list (a publish-scoped token that may not list). Default true. */
  listable?: boolean
  /** 'sha512' (default): key = hex sha512(token). 'none': key is random, so only the visible first/last characters can match. */
  keyAlgo?: 'sha512' | 'none'
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
  /** A stage-only token: a direct publish (PUT) is refused 403 E_STAGE_REQUIRED; only `npm stage publish` would do. */
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
  /** The list `key` of the token that published. */
  tokenKey: string
  tarball: Buffer
  tag: string
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
  /** Every version published through PUT. */
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
  /** The full (unpaginated) token list of a user, decoys included. */
  tokenList(username: string): TokenObject[]
  /** Queue faults for requests whose path (with query) contains the string / matches the RegExp; one is consumed per matching request. */
  fault(matcher: FaultMatcher, ...faults: Fault[]): void
  /** Faults still queued. */
  pendingFaults(): number
  stop(): Promise<void>
}

const NOTICE_EXPIRED = 'Access token expired or revoked. Please try logging in again.'
export const OTP_REQUIRED = 'This operation requires a one-time password.'
export const STAGE_REQUIRED = 'E_STAGE_REQUIRED: this token may only stage a publish. Run npm stage publish, then approve the staged version.'
export const PRIVATE_NEEDS_PLAN = 'You must sign up for private packages'
const DAY = 24 * 60 * 60 * 1000

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

interface StoredToken {
  spec: TokenSpec
  key: string
  object: TokenObject
}

export async function startFakeNpmjs(opts: FakeNpmjsOptions = {}): Promise<FakeNpmjs> {
  const prefix = normalisePrefix(opts.prefix)
  const pageSize = Math.max(1, opts.pageSize ?? 2)
  const requests: RecordedRequest[] = []
  const published: PublishedVersion[] = []
  const tokens = new Map<string, StoredToken>() // by secret
  const lists = new Map<string, TokenObject[]>() // by username, decoys included, in list order
  const packuments = new Map<string, Record<string, any>>() // by package name
  const tarballs = new Map<string, Buffer>() // by path after the prefix, decoded ('@s/p/-/p-1.0.0.tgz')
  const faults = new FaultQueue()
  const twoFactor = new Set<string>() // package names whose publish requires 2FA (or a bypass token)
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
      permissions: [{ name: 'package', action: spec.readonly ? 'read' : 'write' }],
      scopes: [{ name: '*', type: 'package' }],
    }
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
    const key = spec.keyAlgo === 'none' ? randomBytes(64).toString('hex') : sha512Hex(spec.token)
    const object = listObject(spec, key, spec.token, spec.maskedAs)
    tokens.set(spec.token, { spec, key, object })
    const list = userList(spec.username)
    const withDecoys = spec.decoys ?? true
    if (withDecoys && list.length === 0) {
      // One legacy token per user, listed first, never expiring: picking it gives "no expiry".
      const t = randomAlnum(36)
      list.push(listObject({ token: t, username: spec.username, type: 'legacy' }, sha512Hex(t), t))
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
      list.push(
        listObject(
          { token: sameHead, username: spec.username, type: decoyType, expiry: new Date(Date.now() + 365 * DAY).toISOString(), name: 'decoy-same-head' },
          sha512Hex(sameHead),
          sameHead,
        ),
      )
      list.push(object)
      list.push(
        listObject(
          { token: sameTail, username: spec.username, type: decoyType, expiry: new Date(Date.now() - 3 * DAY).toISOString(), name: 'decoy-same-tail' },
          sha512Hex(sameTail),
          sameTail,
        ),
      )
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

  type AuthResult = { kind: 'missing' } | { kind: 'invalid' } | { kind: 'ok'; stored: StoredToken }

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
    const stored = secret === undefined ? undefined : tokens.get(secret)
    if (!stored) return { kind: 'invalid' }
    const { spec } = stored
    if (spec.revoked) return { kind: 'invalid' }
    if (spec.expiry && Date.parse(spec.expiry) <= Date.now()) return { kind: 'invalid' }
    return { kind: 'ok', stored }
  }

  // ---- responses -----------------------------------------------------------------------------

  function sendUnauthorized(res: http.ServerResponse, auth: AuthResult): void {
    if (auth.kind === 'missing') {
      sendJson(res, 401, { error: 'You must be logged in to do that.' }, { 'www-authenticate': 'Bearer' })
    } else {
      sendJson(res, 401, { error: NOTICE_EXPIRED }, { 'npm-notice': NOTICE_EXPIRED, 'www-authenticate': 'Bearer' })
    }
  }

  // ---- routes --------------------------------------------------------------------------------

  function handleTokenList(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): void {
    const auth = authenticate(req)
    if (auth.kind !== 'ok') return sendUnauthorized(res, auth)
    if (auth.stored.spec.listable === false) {
      return sendJson(res, 403, { error: 'This token does not have permission to list tokens.' })
    }
    const all = userList(auth.stored.spec.username)
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
    let doc: Record<string, any>
    try {
      doc = JSON.parse(body.toString('utf8'))
    } catch {
      return sendJson(res, 400, { error: 'Invalid JSON body' })
    }
    if (doc.name !== name) return sendJson(res, 400, { error: `Package name mismatch: ${doc.name} vs ${name}` })
    if (opts.freePlan && name.startsWith('@') && !packuments.has(name) && doc.access !== 'public') {
      return sendJson(res, 402, { error: PRIVATE_NEEDS_PLAN })
    }
    const existing = packuments.get(name) ?? { _id: name, name, 'dist-tags': {}, versions: {}, time: {} }
    const versions = Object.entries((doc.versions ?? {}) as Record<string, any>)
    if (versions.length === 0) return sendJson(res, 400, { error: 'No versions in publish body' })
    const attachments = Object.entries((doc._attachments ?? {}) as Record<string, { data: string }>)
    const unscoped = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name
    for (const [version] of versions) {
      if (existing.versions[version]) {
        return sendJson(res, 403, { error: `You cannot publish over the previously published versions: ${version}.` })
      }
    }
    const now = new Date().toISOString()
    for (const [version, manifest] of versions) {
      const attachment = attachments.find(([file]) => file.endsWith(`-${version}.tgz`)) ?? attachments[0]
      if (!attachment) return sendJson(res, 400, { error: `No tarball attached for ${version}` })
      const tarball = Buffer.from(attachment[1].data, 'base64')
      const tarballPath = `${name}/-/${unscoped}-${version}.tgz`
      tarballs.set(tarballPath, tarball)
      manifest.dist = { ...(manifest.dist ?? {}), tarball: `${url}${tarballPath}` }
      existing.versions[version] = manifest
      existing.time[version] = now
      const tags = Object.entries((doc['dist-tags'] ?? {}) as Record<string, string>).filter(([, v]) => v === version)
      for (const [tag] of tags) existing['dist-tags'][tag] = version
      published.push({
        name,
        version,
        username: auth.stored.spec.username,
        tokenKey: auth.stored.key,
        tarball,
        tag: tags[0]?.[0] ?? 'latest',
      })
    }
    existing.time.modified = now
    existing.time.created ??= now
    packuments.set(name, existing)
    sendJson(res, 200, { success: true })
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
      if (auth.kind !== 'ok') return sendUnauthorized(res, auth)
      return sendJson(res, 200, { username: auth.stored.spec.username })
    }
    if (rest === '-/npm/v1/tokens' && method === 'GET') return handleTokenList(req, res, parsed.searchParams)
    if (rest.startsWith('-/npm/v1/security/') && method === 'POST') return sendJson(res, 200, {}) // npm install's audit
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
    fault(matcher, ...queued) {
      for (const f of queued) faults.add(matcher, f)
    },
    pendingFaults: () => faults.pending(),
    stop: loopback.stop,
  }
}
