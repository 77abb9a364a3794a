/**
 * npm's token management API, called with the `npm login` session of the machine (a granular token cannot
 * use it on npm's registry): list every token of the user (`GET /-/npm/v1/tokens`, paged), create one
 * (`POST /-/npm/v1/tokens`), revoke one (`DELETE /-/npm/v1/tokens/token/{key}`). Create and revoke need a
 * one-time password (`npm-otp`); without one the registry answers 401 `www-authenticate: OTP`, with the
 * web flow's `authUrl`/`doneUrl` when the request said `npm-auth-type: web` (what npm sends).
 *
 * Why not npm's own client library (npm-profile 13): its `createToken` sends only the legacy
 * `password/readonly/cidr_whitelist` body (no packages, scopes, orgs, permission or expiry: it cannot make
 * a granular token), its `listTokens` follows `urls.next` without a bound or a deadline, its web-flow poll
 * has no bound (a `retry-after: 0` answer is a busy loop), and it brings npm-registry-fetch, a second HTTP
 * stack with its own retries, timeouts and proxy handling. These calls follow its wire format (and npm 12's
 * `npm token` command's body) with the one HttpClient: per-request timeout, one deadline, bounded retries.
 */
import { ActionError, ResponseError } from '../errors.js'
import { parseJsonBody, type HttpClient, type HttpResponse } from '../http/client.js'
import { escapeControls } from '../util/untrusted.js'
import { nextPage, registryEndpoint, toDate } from './token-api.js'

/** npm's permission for packages and scopes, as `npm token create --packages-and-scopes-permission` takes it. */
export type TokenPermission = 'read-only' | 'read-write' | 'read-write-stage-only' | 'no-access'

/** One token of the list, as far as the registry says (every field but key may be missing). */
export interface RegistryToken {
  /** npm's token id (a UUID on npm's registry; a hash elsewhere). */
  key: string
  name?: string
  description?: string
  /** The redacted form the registry shows (`npm_aBcD...7890`). */
  redacted?: string
  expiresAt?: Date
  createdAt?: Date
  lastUsedAt?: Date
  permission?: TokenPermission
  orgsPermission?: 'read-only' | 'read-write'
  /** Packages it covers; `allPackages` when it covers every package. */
  packages: string[]
  allPackages: boolean
  scopes: string[]
  orgs: string[]
  cidr: string[]
  bypass2fa?: boolean
  revoked: boolean
  /** Granular (has permissions/expiry fields) or a legacy/session-era token. */
  granular: boolean
}

export interface CreateTokenRequest {
  name: string
  description?: string
  /** Days (npm: at most 90 for a write token). */
  expiresDays: number
  packages: string[]
  allPackages?: boolean
  scopes: string[]
  orgs: string[]
  permission: TokenPermission
  orgsPermission?: 'read-only' | 'read-write'
  cidr: string[]
  bypass2fa: boolean
  /** npm sends the account password with every create (the registry may require it). */
  password?: string
}

export interface CreatedToken extends RegistryToken {
  /** The full token: the only time the registry shows it. */
  token: string
}

/** How a one-time password is got when the registry asks for one. */
export interface OtpSource {
  /** `web`: the registry's web flow, when it offered one. Returns the code, or undefined when there is no way to get one. */
  ask(challenge: { web?: { authUrl: URL; doneUrl: URL }; purpose: string }): Promise<string | undefined>
}

/** The registry refused the session (expired, revoked, or the configured credential is not a login session). */
export class SessionError extends ActionError {
  override name = 'SessionError'
}

/** A one-time password is needed and none can be got (no --otp, no terminal, no web flow). */
export class OtpRequiredError extends ActionError {
  override name = 'OtpRequiredError'
}

const MAX_PAGES = 50
const PER_PAGE = 100

export interface TokenAdminOptions {
  http: HttpClient
  registry: URL
  /** The npm login session token. */
  session: string
  /** Where the session came from (for errors): "//host/ in the user config ~/.npmrc". */
  sessionSource: string
  otp?: string
  otpSource?: OtpSource
}

export class NpmTokenAdmin {
  private otp: string | undefined

  constructor(private readonly opts: TokenAdminOptions) {
    this.otp = opts.otp
  }

  /** Every token of the user, following `urls.next` on the registry's own origin, at most MAX_PAGES pages. */
  async list(): Promise<RegistryToken[]> {
    const { http, registry } = this.opts
    let url: URL | undefined = registryEndpoint(registry, `-/npm/v1/tokens?perPage=${PER_PAGE}&page=0`)
    const seen = new Set<string>()
    const tokens: RegistryToken[] = []
    for (let page = 0; url && !seen.has(url.href); page++) {
      if (page >= MAX_PAGES) throw new ResponseError(`token list: more than ${MAX_PAGES} pages; stopped reading.`, 200)
      seen.add(url.href)
      const response = await http.send(url, { purpose: 'token list', headers: this.headers() })
      if (response.status !== 200) throw this.failure(response, 'token list')
      const body = parseJsonBody(response, 'token list') as { objects?: unknown; urls?: { next?: unknown } }
      if (!body || typeof body !== 'object' || !Array.isArray(body.objects)) throw new ResponseError('token list: the answer has no `objects` array.', 200)
      for (const entry of body.objects as unknown[]) {
        const token = parseTokenEntry(entry)
        if (token) tokens.push(token)
      }
      url = nextPage(body.urls?.next, url, registry)
    }
    return tokens
  }

  async create(request: CreateTokenRequest): Promise<CreatedToken> {
    const body: Record<string, unknown> = { name: request.name, expires: request.expiresDays }
    if (request.password) body.password = request.password
    if (request.description) body.description = request.description
    if (request.allPackages) body.packages_all = true
    if (request.packages.length > 0) body.packages = request.packages
    if (request.scopes.length > 0) body.scopes = request.scopes
    if (request.orgs.length > 0) body.orgs = request.orgs
    body.packages_and_scopes_permission = request.permission
    if (request.orgs.length > 0) body.orgs_permission = request.orgsPermission ?? (request.permission === 'read-only' ? 'read-only' : 'read-write')
    if (request.cidr.length > 0) body.cidr_whitelist = request.cidr
    if (request.bypass2fa) body.bypass_2fa = true
    const response = await this.withOtp('token create', (headers) =>
      this.opts.http.send(registryEndpoint(this.opts.registry, '-/npm/v1/tokens'), {
        method: 'POST',
        purpose: 'token create',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    )
    if (response.status !== 200 && response.status !== 201) throw this.failure(response, 'token create')
    const answer = parseJsonBody(response, 'token create') as Record<string, unknown>
    const parsed = parseTokenEntry({ ...answer, token: undefined })
    const token = typeof answer?.token === 'string' ? answer.token : ''
    if (!parsed || !/^[\x21-\x7e]{8,}$/.test(token))
      throw new ResponseError('token create: the registry answered without a usable token or id.', response.status)
    return { ...parsed, token, redacted: undefined }
  }

  /** Revokes the token with this key (npm's id). */
  async remove(key: string): Promise<void> {
    const url = registryEndpoint(this.opts.registry, `-/npm/v1/tokens/token/${encodeURIComponent(key)}`)
    const response = await this.withOtp('token revoke', (headers) => this.opts.http.send(url, { method: 'DELETE', purpose: 'token revoke', headers }))
    if (response.status === 404) throw new ResponseError(`token revoke: the registry has no token ${key} (already revoked?).`, 404)
    if (response.status < 200 || response.status >= 300) throw this.failure(response, 'token revoke')
  }

  private headers(otp?: string): Record<string, string> {
    return {
      authorization: `Bearer ${this.opts.session}`,
      accept: 'application/json',
      'npm-auth-type': 'web',
      'npm-command': 'token',
      ...(otp ? { 'npm-otp': otp } : {}),
    }
  }

  /**
   * Sends with the OTP held (if any); when the registry asks for one, gets one from the OtpSource and
   * sends once more. A code the registry refuses twice is an error: never guessed, never looped.
   */
  private async withOtp(purpose: string, send: (headers: Record<string, string>) => Promise<HttpResponse>): Promise<HttpResponse> {
    const first = await send(this.headers(this.otp))
    if (!wantsOtp(first)) return first
    const code = await this.opts.otpSource?.ask({ web: webChallenge(first), purpose })
    if (!code) {
      throw new OtpRequiredError(
        `${purpose}: the registry asks for a one-time password (two-factor authentication)${this.otp ? ' and did not accept the one given' : ''}. ` +
          'Pass it with --otp CODE (from your authenticator app, or the code npm e-mailed you), or run in a terminal to be asked for it.',
      )
    }
    this.otp = code
    const second = await send(this.headers(code))
    if (wantsOtp(second)) throw new OtpRequiredError(`${purpose}: the registry did not accept the one-time password. Run again with a fresh code (--otp CODE).`)
    return second
  }

  private failure(response: HttpResponse, purpose: string): ActionError {
    const message = registryMessage(response)
    if (response.status === 401) {
      return new SessionError(
        `${purpose}: ${this.opts.registry.host} refused the npm session from ${this.opts.sessionSource} (HTTP 401${message ? `: "${message}"` : ''}). ` +
          "It has expired (npm login sessions last 2 hours) or is not a login session (a granular access token cannot manage tokens on npm's registry). " +
          `Run \`npm login --registry ${this.opts.registry.href}\` and try again.`,
      )
    }
    if (response.status === 403) {
      return new SessionError(
        `${purpose}: ${this.opts.registry.host} refused (HTTP 403${message ? `: "${message}"` : ''}). ` +
          'Token management needs your own login session (npm login) — tokens with bypass-2FA can no longer manage tokens.',
      )
    }
    return new ResponseError(
      `${purpose}: ${this.opts.registry.host} answered HTTP ${response.status}${message ? `: "${message}"` : ''}.` +
        (response.status === 429 || response.status >= 500 ? ' The registry is busy or down: try again later.' : ''),
      response.status,
    )
  }
}

function wantsOtp(response: HttpResponse): boolean {
  return response.status === 401 && /otp/i.test(response.headers['www-authenticate'] ?? '')
}

/** The web flow's URLs, when offered and plausible (http(s); doneUrl on the registry's origin or npm's canonical host rewritten to it). */
function webChallenge(response: HttpResponse): { authUrl: URL; doneUrl: URL } | undefined {
  let body: unknown
  try {
    body = JSON.parse(response.text)
  } catch {
    return undefined
  }
  const { authUrl, doneUrl } = (body ?? {}) as { authUrl?: unknown; doneUrl?: unknown }
  if (typeof authUrl !== 'string' || typeof doneUrl !== 'string') return undefined
  try {
    const auth = new URL(authUrl)
    const done = new URL(doneUrl)
    if (!/^https?:$/.test(auth.protocol) || !/^https?:$/.test(done.protocol)) return undefined
    return { authUrl: auth, doneUrl: done }
  } catch {
    return undefined
  }
}

/** The registry's own words (`error` / `message`), escaped and shortened, or ''. */
export function registryMessage(response: HttpResponse): string {
  try {
    const body = JSON.parse(response.text) as { error?: unknown; message?: unknown; detail?: unknown }
    const text = [body.error, body.message, body.detail].find((v): v is string => typeof v === 'string' && v !== '')
    return text ? escapeControls(text, true).slice(0, 300) : ''
  } catch {
    return ''
  }
}

/**
 * Waits for the web flow: polls `doneUrl` (202 + retry-after, at least 1 s and at most 10 s apart) until it
 * answers 200 `{ token }` (the one-time password), until `deadline`. The session goes only to the
 * registry's origin.
 */
export async function pollWebAuth(
  http: HttpClient,
  done: { doneUrl: URL; registry: URL; session: string; deadline: number },
  sleep: (ms: number) => Promise<void>,
): Promise<string> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (done.doneUrl.origin === done.registry.origin) headers.authorization = `Bearer ${done.session}`
  for (;;) {
    if (Date.now() >= done.deadline) throw new OtpRequiredError('Timed out waiting for the web login to be approved. Run again, or pass --otp CODE.')
    const response = await http.send(done.doneUrl, { purpose: 'web login', headers })
    if (response.status === 200) {
      const body = parseJsonBody(response, 'web login') as { token?: unknown }
      if (typeof body?.token === 'string' && body.token !== '') return body.token
      throw new ResponseError('web login: the registry answered without a code.', 200)
    }
    if (response.status !== 202)
      throw new ResponseError(
        `web login: the registry answered HTTP ${response.status}${registryMessage(response) ? `: "${registryMessage(response)}"` : ''}.`,
        response.status,
      )
    const retry = Number(response.headers['retry-after'])
    await sleep(Math.min(10_000, Math.max(1_000, Number.isFinite(retry) ? retry * 1000 : 1_000)))
  }
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])

/** One list entry (npm's shape: permissions [{name, action}], scopes [{type, name}]; Verdaccio's and legacy shapes too). */
export function parseTokenEntry(entry: unknown): RegistryToken | undefined {
  if (!entry || typeof entry !== 'object') return undefined
  const e = entry as Record<string, unknown>
  if (typeof e.key !== 'string' || e.key === '') return undefined
  const permissions = (Array.isArray(e.permissions) ? (e.permissions as unknown[]) : []).filter(
    (p): p is { name?: unknown; action?: unknown } => !!p && typeof p === 'object',
  )
  const scopeEntries = (Array.isArray(e.scopes) ? (e.scopes as unknown[]) : []).filter(
    (p): p is { type?: unknown; name?: unknown } => !!p && typeof p === 'object',
  )
  const named = (type: string) => scopeEntries.filter((s) => s.type === type && typeof s.name === 'string').map((s) => s.name as string)
  const packageNames = named('package')
  const packageAction = permissions.find((p) => p.name === 'package' || p.name === 'packages')?.action
  const orgAction = permissions.find((p) => p.name === 'org' || p.name === 'orgs')?.action
  const granular = 'expiry' in e || permissions.length > 0 || scopeEntries.length > 0 || 'bypass_2fa' in e
  const readonly = typeof e.readonly === 'boolean' ? e.readonly : undefined
  return {
    key: e.key,
    name: typeof e.name === 'string' ? e.name : undefined,
    description: typeof e.description === 'string' && e.description !== '' ? e.description : undefined,
    redacted: typeof e.token === 'string' ? e.token : undefined,
    expiresAt: toDate(e.expiry ?? e.expires),
    createdAt: toDate(e.created),
    lastUsedAt: toDate(e.accessed),
    permission: permissionOf(packageAction) ?? (readonly === true ? 'read-only' : readonly === false ? 'read-write' : undefined),
    orgsPermission: orgAction === 'read' ? 'read-only' : orgAction === 'write' ? 'read-write' : undefined,
    packages: packageNames.filter((n) => n !== '*'),
    allPackages: packageNames.includes('*') || e.packages_all === true,
    scopes: named('scope'),
    orgs: named('org'),
    cidr: [...strings(e.cidr), ...strings(e.cidr_whitelist)],
    bypass2fa: typeof e.bypass_2fa === 'boolean' ? e.bypass_2fa : undefined,
    revoked: e.revoked === true,
    granular,
  }
}

function permissionOf(action: unknown): TokenPermission | undefined {
  if (action === 'read' || action === 'read-only') return 'read-only'
  if (action === 'write' || action === 'read-write') return 'read-write'
  if (typeof action === 'string' && /stage/i.test(action)) return 'read-write-stage-only'
  if (action === 'no-access' || action === 'none') return 'no-access'
  return undefined
}
