/**
 * What `setup-npm-auth token create|rotate` will ask npm for, validated before anything is sent: the
 * name rotation finds the token by, the expiry within npm's caps, the permission, the packages, scopes and
 * orgs, and the CIDR list (IPv4 only, checked as npm's own `npm token create` checks it).
 */
import { InputError } from '../errors.js'
import { packageNameProblem } from '../project/package-name.js'
import type { CreateTokenRequest, RegistryToken, TokenPermission } from '../registry/token-admin.js'
import { quote } from '../settings/parse.js'

/** npm's cap on a token that can write (publish or stage): 90 days. */
export const MAX_WRITE_DAYS = 90
/** A read-only token may live longer on npm; this tool caps it at ten years. */
export const MAX_READ_DAYS = 3650
/** The expiry `token create` gives a write token unless told otherwise. */
export const DEFAULT_WRITE_DAYS = 30
export const DEFAULT_READ_DAYS = 365

/** The permission words the CLI takes, and npm's spelling of each. */
export const PERMISSIONS: Record<string, TokenPermission> = {
  'read-write': 'read-write',
  'stage-only': 'read-write-stage-only',
  'read-write-stage-only': 'read-write-stage-only',
  'read-only': 'read-only',
}

export const writes = (permission: TokenPermission | undefined): boolean => permission === 'read-write' || permission === 'read-write-stage-only'

/** The GitHub Actions secret the token goes into, and the variable its expiry record goes into. */
export interface Destination {
  owner: string
  repo: string
  secret: string
  environment?: string
}

export const variableFor = (secret: string): string => `${secret}_EXPIRES_AT`

/** `setup-npm-auth:<owner>/<repo>:<secret>` (`…:<secret>@<environment>`): the name rotation finds the token by. */
export function defaultTokenName(dest: Destination): string {
  return `setup-npm-auth:${dest.owner}/${dest.repo}:${dest.secret}${dest.environment ? `@${dest.environment}` : ''}`
}

/** `--expires DAYS`: a whole number of days within npm's cap for the permission. */
export function parseExpiresDays(raw: string | undefined, permission: TokenPermission): number {
  const write = writes(permission)
  if (raw === undefined || raw === '') return write ? DEFAULT_WRITE_DAYS : DEFAULT_READ_DAYS
  const max = write ? MAX_WRITE_DAYS : MAX_READ_DAYS
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > max) {
    throw new InputError(
      '--expires',
      `${quote(raw)} is not a usable expiry. Expected a whole number of days from 1 to ${max}` +
        (write ? ` (npm's cap for a token that can publish is ${MAX_WRITE_DAYS} days)` : '') +
        '.',
    )
  }
  return Number(raw)
}

export function parsePermission(raw: string | undefined): TokenPermission {
  if (raw === undefined || raw === '') return 'read-write'
  const permission = PERMISSIONS[raw.trim().toLowerCase()]
  if (!permission) throw new InputError('--permission', `${quote(raw)} is not a permission. Expected read-write, stage-only or read-only.`)
  return permission
}

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean)

export function parseScopes(raw: string | undefined): string[] {
  return list(raw).map((s) => {
    const scope = s.startsWith('@') ? s : `@${s}`
    if (!/^@[a-z0-9][a-z0-9._~-]*$/.test(scope))
      throw new InputError('--scopes', `${quote(s)} is not an npm scope. Expected names like @my-org, separated by commas.`)
    return scope
  })
}

export function parseOrgs(raw: string | undefined): string[] {
  return list(raw).map((o) => {
    if (!/^[a-z0-9][a-z0-9._~-]*$/.test(o)) throw new InputError('--orgs', `${quote(o)} is not an npm organisation name.`)
    return o
  })
}

export function parsePackageList(raw: string | undefined, flag = '--packages'): string[] {
  return list(raw).map((name) => {
    const problem = packageNameProblem(name)
    if (problem) throw new InputError(flag, `${quote(name)} is not a valid npm package name: ${problem}.`)
    return name
  })
}

/**
 * `--cidr`: IPv4 CIDR ranges, as npm's `npm token create --cidr` takes them (its own messages: the
 * registry accepts IPv4 only).
 */
export function parseCidrs(raw: string | undefined): string[] {
  const ranges = list(raw)
  for (const cidr of ranges) {
    if (/:/.test(cidr)) throw new InputError('--cidr', `CIDR whitelist can only contain IPv4 addresses, ${quote(cidr)} is IPv6.`)
    if (!isIpv4Cidr(cidr))
      throw new InputError('--cidr', `CIDR whitelist contains invalid CIDR entry: ${quote(cidr)}. Expected ranges like 192.0.2.0/24, separated by commas.`)
  }
  return ranges
}

function isIpv4Cidr(value: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value)
  if (!m) return false
  const octets = m.slice(1, 5).map(Number)
  return octets.every((o, i) => o <= 255 && !(m[i + 1].length > 1 && m[i + 1].startsWith('0'))) && Number(m[5]) <= 32
}

/** The successor of `old`: the same packages, scopes, orgs, permission, CIDR and 2FA setting. */
export function successorRequest(old: RegistryToken, name: string, expiresDays: number | undefined): CreateTokenRequest {
  const permission = old.permission ?? 'read-write'
  const lifetime =
    old.expiresAt && old.createdAt
      ? Math.round((old.expiresAt.getTime() - old.createdAt.getTime()) / 86_400_000)
      : writes(permission)
        ? DEFAULT_WRITE_DAYS
        : DEFAULT_READ_DAYS
  const max = writes(permission) ? MAX_WRITE_DAYS : MAX_READ_DAYS
  return {
    name,
    expiresDays: expiresDays ?? Math.min(max, Math.max(1, lifetime)),
    packages: old.packages,
    allPackages: old.allPackages,
    scopes: old.scopes,
    orgs: old.orgs,
    permission,
    orgsPermission: old.orgsPermission,
    cidr: old.cidr,
    bypass2fa: old.bypass2fa ?? false,
    ...(old.description ? { description: old.description } : {}),
  }
}
