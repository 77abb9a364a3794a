/**
 * The registry's token endpoints: who the token belongs to (`/-/whoami`) and what the registry says about
 * it (`/-/npm/v1/tokens`: kind, expiry, read-only, CIDR, bypass-2FA).
 */
import { createHash } from 'node:crypto'
import { ResponseError, TokenRejectedError } from '../errors.js'
import { parseJsonBody, type HttpClient } from '../http/client.js'
import type { TokenType } from '../types.js'
import { matchesRedacted } from './token-record.js'

/** What the token list says about one token. Every field is optional: registries differ. */
export interface TokenDetails {
  type: TokenType
  matchedBy: 'key' | 'visible-characters'
  name?: string
  expiresAt?: Date
  createdAt?: Date
  readonly?: boolean
  /** Its write permissions are stage-only (`read-write-stage-only`): it can `npm stage publish`, not publish. */
  stageOnly?: boolean
  cidr: string[]
  bypass2fa?: boolean
  revoked?: boolean
}

export type TokenListResult =
  | { kind: 'found'; details: TokenDetails }
  /** The list was read but this token is not in it (npm login session tokens never are). */
  | { kind: 'not-listed'; listed: number }
  /** The registry refused or lacks the list (401/403/404/405, or an answer that is not a list). */
  | { kind: 'unavailable'; reason: string }

/** Endpoint URLs are relative to the registry URL, so registries under a path (Artifactory…) work. */
export function registryEndpoint(registry: URL, path: string): URL {
  return new URL(path.replace(/^\//, ''), registry)
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}

export interface WhoamiOptions {
  /** Where to ask (default: `-/whoami` under the registry URL). */
  url?: URL
  /** The Authorization header (default: `Bearer <token>`). Azure Artifacts wants Basic. */
  authorization?: string
  /**
   * The registry may not implement whoami (GitHub Packages, Azure Artifacts): 404/405/501, or 200
   * without a username, then answer '' (unverified) instead of failing. 401/403 still reject.
   */
  optional?: boolean
  /** What to do about a rejected token (registry/advice.ts, for the registry's kind and the place); none: the facts only. */
  advice?: string
}

/**
 * `GET /-/whoami`. 401/403, or 200 without a username (Verdaccio's answer to a bad token), mean the
 * registry does not accept the token. Returns the username ('' only when `optional` and unanswered).
 */
export async function whoami(http: HttpClient, registry: URL, token: string, opts: WhoamiOptions = {}): Promise<string> {
  const url = opts.url ?? registryEndpoint(registry, '-/whoami')
  const authorization = opts.authorization ?? bearer(token).authorization
  const response = await http.send(url, { purpose: 'whoami', headers: { authorization, accept: 'application/json' } })
  const notice = response.headers['npm-notice']
  if (response.status === 401 || response.status === 403) {
    throw rejected(registry, `HTTP ${response.status}`, notice, opts.advice)
  }
  if (opts.optional && [400, 404, 405, 501].includes(response.status)) return ''
  if (response.status !== 200) {
    const failing = response.status === 429 || response.status >= 500
    throw new ResponseError(
      `whoami (${url.origin}${url.pathname}): the registry answered HTTP ${response.status}${notice ? ` (npm-notice: ${notice})` : ''}` +
        (failing ? ', and kept failing after retries.' : '.'),
      response.status,
      failing ? undefined : 'not-a-registry',
      failing ? 'The registry may be down or rate limiting: try again later.' : `Is ${registry.href} an npm registry (check the registry URL and its path)?`,
    )
  }
  let body: unknown
  try {
    body = parseJsonBody(response, 'whoami')
  } catch (error) {
    if (opts.optional) return ''
    throw error
  }
  const username = body && typeof body === 'object' ? (body as { username?: unknown }).username : undefined
  if (typeof username !== 'string' || username === '') {
    if (opts.optional) return ''
    throw rejected(registry, 'HTTP 200 without a username', notice, opts.advice)
  }
  return username
}

/** The rejection: the facts as `message`, the advice (when given) as the error's hint. */
function rejected(registry: URL, what: string, notice: string | undefined, advice?: string): TokenRejectedError {
  const error = new TokenRejectedError(
    `The registry ${registry.href} rejected the token (${what}): it is expired, revoked or not a token of this registry.` +
      (notice ? ` The registry says: "${notice}".` : ''),
  )
  if (advice) error.hint = advice
  return error
}

interface TokenListPage {
  objects?: unknown
  urls?: { next?: unknown }
}

export interface ListOptions {
  maxPages?: number
  perPage?: number
}

/**
 * Reads the token list (following `urls.next`, bounded, same origin only) and finds this token in it:
 * first by `key` = hex sha512 of the token, then by the visible first/last characters.
 */
export async function findTokenInList(http: HttpClient, registry: URL, token: string, opts: ListOptions = {}): Promise<TokenListResult> {
  const maxPages = opts.maxPages ?? 20
  const perPage = opts.perPage ?? 100
  let url: URL | undefined = registryEndpoint(registry, `-/npm/v1/tokens?perPage=${perPage}&page=0`)
  const seen = new Set<string>()
  const objects: unknown[] = []
  for (let page = 0; url && page < maxPages; page++) {
    if (seen.has(url.href)) break
    seen.add(url.href)
    const response = await http.send(url, { purpose: 'token list', headers: { ...bearer(token), accept: 'application/json' } })
    if ([401, 403, 404, 405, 501].includes(response.status)) {
      return { kind: 'unavailable', reason: `the registry answered HTTP ${response.status} to the token list` }
    }
    if (response.status !== 200) {
      return { kind: 'unavailable', reason: `the token list answered HTTP ${response.status}` }
    }
    let body: TokenListPage
    try {
      body = parseJsonBody(response, 'token list') as TokenListPage
    } catch (error) {
      return { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error) }
    }
    if (!body || typeof body !== 'object' || !Array.isArray(body.objects)) {
      return { kind: 'unavailable', reason: 'the token list answer has no `objects` array' }
    }
    objects.push(...(body.objects as unknown[]))
    const match = matchToken(objects, token)
    if (match) return { kind: 'found', details: match }
    url = nextPage(body.urls?.next, url, registry)
  }
  return { kind: 'not-listed', listed: objects.length }
}

/** `urls.next` may be absolute (npmjs) or relative; only the registry's own origin is followed. */
export function nextPage(next: unknown, current: URL, registry: URL): URL | undefined {
  if (typeof next !== 'string' || next === '') return undefined
  let url: URL
  try {
    url = new URL(next, current)
  } catch {
    return undefined
  }
  return url.origin === registry.origin ? url : undefined
}

export function sha512Hex(token: string): string {
  return createHash('sha512').update(token).digest('hex')
}

/** Finds the list entry of `token`: by sha512 key first, else by an unambiguous visible-characters match. */
export function matchToken(objects: readonly unknown[], token: string): TokenDetails | undefined {
  const entries = objects.filter((o): o is Record<string, unknown> => !!o && typeof o === 'object')
  const hash = sha512Hex(token)
  const byKey = entries.find((o) => typeof o.key === 'string' && o.key.toLowerCase() === hash)
  if (byKey) return describeEntry(byKey, 'key')
  const visible = entries.filter((o) => visibleMatch(o.token, token))
  const live = visible.filter((o) => o.revoked !== true)
  const candidates = live.length > 0 ? live : visible
  return candidates.length === 1 ? describeEntry(candidates[0], 'visible-characters') : undefined
}

/** npm shows a token as `npm_NYn6...jCq0` (granular: first 8 and last 4) or `abcd...wxyz` (legacy). */
function visibleMatch(shown: unknown, token: string): boolean {
  return typeof shown === 'string' && matchesRedacted(shown, token)
}

function describeEntry(entry: Record<string, unknown>, matchedBy: TokenDetails['matchedBy']): TokenDetails {
  const granular = 'expiry' in entry || Array.isArray(entry.permissions) || Array.isArray(entry.scopes) || 'bypass_2fa' in entry
  const cidrs = [entry.cidr, entry.cidr_whitelist].flatMap((v): unknown[] => (Array.isArray(v) ? (v as unknown[]) : typeof v === 'string' && v ? [v] : []))
  return {
    type: granular ? 'granular' : 'legacy',
    matchedBy,
    name: typeof entry.name === 'string' ? entry.name : undefined,
    expiresAt: toDate(entry.expiry ?? entry.expires ?? entry.expires_at),
    createdAt: toDate(entry.created),
    readonly: readonlyOf(entry),
    stageOnly: stageOnlyOf(entry),
    cidr: cidrs.filter((c): c is string => typeof c === 'string'),
    bypass2fa: typeof entry.bypass_2fa === 'boolean' ? entry.bypass_2fa : undefined,
    revoked: typeof entry.revoked === 'boolean' ? entry.revoked : undefined,
  }
}

/** The `action` of each permission entry (`read`, `write`, or a stage-only spelling). */
function permissionActions(entry: Record<string, unknown>): string[] {
  if (!Array.isArray(entry.permissions)) return []
  return (entry.permissions as unknown[])
    .map((p) => (p && typeof p === 'object' ? (p as { action?: unknown }).action : undefined))
    .filter((a): a is string => typeof a === 'string')
}

function readonlyOf(entry: Record<string, unknown>): boolean | undefined {
  if (typeof entry.readonly === 'boolean') return entry.readonly
  const actions = permissionActions(entry)
  return actions.length > 0 ? actions.every((a) => a === 'read') : undefined
}

/** Stage-only: some permission stages and none writes directly. */
function stageOnlyOf(entry: Record<string, unknown>): boolean | undefined {
  const actions = permissionActions(entry)
  if (actions.length === 0) return undefined
  return actions.some((a) => /stage/i.test(a)) && !actions.includes('write')
}

/** Dates a registry can sensibly mean: from 2000 up to (not including) 2200. Outside it: unknown, not an odd ISO string. */
const SANE_DATES_MS = [Date.UTC(2000, 0, 1), Date.UTC(2200, 0, 1)] as const

/** A registry's date field, or undefined when absent or outside SANE_DATES_MS. */
export function toDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined
  const date = new Date(value)
  const ms = date.getTime()
  return Number.isNaN(ms) || ms < SANE_DATES_MS[0] || ms >= SANE_DATES_MS[1] ? undefined : date
}
