/**
 * The two requests of trusted publishing, as npm makes them at publish time: an ID token from the
 * runner (audience `npm:<registry host>`), then the registry's exchange of it for a package token.
 */
import { ActionError } from '../errors.js'
import { parseJsonBody, type HttpClient } from '../http/client.js'
import { MIN_SECRET_LENGTH, plausibleCredential } from '../util/redactor.js'
import { escapePackageName as escapeName } from '../project/package-name.js'

export interface OidcEnvironment {
  /** NPM_ID_TOKEN: npm uses it first, on every provider (GitLab's `id_tokens:`, CircleCI's `circleci run oidc get`). */
  npmIdToken: string | undefined
  /** GitHub Actions' request URL and token (`permissions: id-token: write`). */
  requestUrl: string | undefined
  requestToken: string | undefined
}

export function oidcEnvironment(env: NodeJS.ProcessEnv): OidcEnvironment {
  return {
    npmIdToken: env.NPM_ID_TOKEN?.trim() || undefined,
    requestUrl: env.ACTIONS_ID_TOKEN_REQUEST_URL || undefined,
    requestToken: env.ACTIONS_ID_TOKEN_REQUEST_TOKEN || undefined,
  }
}

/** An ID token can be had the way npm gets one: NPM_ID_TOKEN, or GitHub's request URL and token. */
export function oidcAvailable(env: NodeJS.ProcessEnv): boolean {
  const { npmIdToken, requestUrl, requestToken } = oidcEnvironment(env)
  return !!npmIdToken || (!!requestUrl && !!requestToken)
}

export class IdTokenError extends ActionError {
  override name = 'IdTokenError'
}

/** npm's audience: `npm:` + the registry URL's hostname. */
export function npmAudience(registry: URL): string {
  return `npm:${registry.hostname}`
}

export interface IdTokenRequest {
  http: HttpClient
  env: OidcEnvironment
  audience: string
  /** Called with every secret (the ID token, an exchanged token) before anything else sees it. */
  onSecret: (secret: string) => void
}

/** The ID token npm would use: NPM_ID_TOKEN first (as npm does), else one asked of GitHub's runner. */
export async function fetchIdToken({ http, env, audience, onSecret }: IdTokenRequest): Promise<string> {
  if (env.npmIdToken) {
    onSecret(env.npmIdToken)
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(env.npmIdToken)) {
      throw new IdTokenError(
        'NPM_ID_TOKEN is not a JWT (three base64url parts separated by dots; value not shown). Set it to the ID token your CI minted for the audience ' +
          `${audience}.`,
      )
    }
    return env.npmIdToken
  }
  if (!env.requestUrl || !env.requestToken) {
    throw new IdTokenError('No ID token can be requested: the job lacks `permissions: id-token: write`.')
  }
  let url: URL
  try {
    url = new URL(env.requestUrl)
  } catch {
    throw new IdTokenError('ACTIONS_ID_TOKEN_REQUEST_URL is not a URL; the runner environment is broken. Re-run the job.')
  }
  url.searchParams.append('audience', audience)
  const response = await http.send(url, {
    purpose: 'ID token request',
    headers: { authorization: `Bearer ${env.requestToken}`, accept: 'application/json' },
  })
  if (response.status !== 200) {
    throw new IdTokenError(
      `The runner refused an ID token for audience ${audience} (HTTP ${response.status} from ${url.host}). ` +
        (response.status === 401 || response.status === 403
          ? 'The job needs `permissions: id-token: write`; for a pull request from a fork GitHub does not grant it.'
          : 'GitHub may be having trouble; re-run the job.'),
    )
  }
  const body = parseJsonBody(response, 'ID token request') as { value?: unknown } | undefined
  const value = body && typeof body === 'object' ? body.value : undefined
  if (typeof value !== 'string' || value.split('.').length !== 3 || !plausibleCredential(value)) {
    throw new IdTokenError(`The runner's ID token answer (from ${url.host}) holds no token. Re-run the job.`)
  }
  onSecret(value)
  return value
}

/**
 * `@scope/pkg` → `@scope%2fpkg`, as npm escapes package names in registry paths. A name npm would not
 * accept throws (PackageNameError): `../../-/whoami?x=` never becomes part of a request path.
 */
export function escapePackageName(name: string): string {
  return escapeName(name)
}

export type ExchangeResult = { ok: true; status: number; expiresAt?: Date; token: string } | { ok: false; status: number; message: string }

/** `POST /-/npm/v1/oidc/token/exchange/package/<name>` at the registry's origin (npm drops the path prefix). */
export function exchangeUrl(registry: URL, packageName: string): URL {
  return new URL(`/-/npm/v1/oidc/token/exchange/package/${escapePackageName(packageName)}`, registry)
}

export interface ExchangeRequest {
  http: HttpClient
  registry: URL
  packageName: string
  idToken: string
  onSecret: (secret: string) => void
}

export async function exchangeIdToken({ http, registry, packageName, idToken, onSecret }: ExchangeRequest): Promise<ExchangeResult> {
  const response = await http.send(exchangeUrl(registry, packageName), {
    method: 'POST',
    purpose: `OIDC token exchange for ${packageName}`,
    headers: { authorization: `Bearer ${idToken}`, accept: 'application/json' },
  })
  let body: unknown
  try {
    body = parseJsonBody(response, `OIDC token exchange for ${packageName}`)
  } catch (error) {
    if (response.status < 400) throw error
    body = undefined
  }
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {}
  if (response.status < 400 && typeof fields.token === 'string' && fields.token !== '' && !plausibleCredential(fields.token)) {
    // Not a secret to mask (masking "1" would blank every 1 of every output): a failed exchange. Value not shown.
    return {
      ok: false,
      status: response.status,
      message: `the registry answered a token that cannot be one (shorter than ${MIN_SECRET_LENGTH} characters, or with spaces or control characters); not used`,
    }
  }
  if (response.status < 400 && typeof fields.token === 'string' && fields.token !== '') {
    onSecret(fields.token)
    const expires = typeof fields.expires === 'string' || typeof fields.expires === 'number' ? new Date(fields.expires) : undefined
    return { ok: true, status: response.status, token: fields.token, expiresAt: expires && !Number.isNaN(expires.getTime()) ? expires : undefined }
  }
  const message =
    typeof fields.message === 'string'
      ? fields.message
      : typeof fields.error === 'string'
        ? fields.error
        : response.status < 400
          ? 'the answer holds no token'
          : `HTTP ${response.status}`
  return { ok: false, status: response.status, message }
}
