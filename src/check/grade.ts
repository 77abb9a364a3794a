/**
 * Pure grading: expiry maths and the token-kind findings, turned into a status and the annotations a
 * user reads. No I/O: the shell prints what this returns.
 */
import type { TokenDetails } from '../registry/token-api.js'
import type { Finding, Mode, Status } from '../types.js'

const DAY_MS = 24 * 60 * 60 * 1000

/** Whole days from `now` until `date`: floor, so negative once past (-1 = expired within the last day). */
export function daysUntil(date: Date, now: Date): number {
  return Math.floor((date.getTime() - now.getTime()) / DAY_MS)
}

/** Whole days from `date` until `now` (a day stands 24 hours after `date`). */
export function daysSince(date: Date, now: Date): number {
  return Math.floor((now.getTime() - date.getTime()) / DAY_MS)
}

/** `2027-03-31` */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function worst(...statuses: Status[]): Status {
  if (statuses.includes('error')) return 'error'
  if (statuses.includes('warning')) return 'warning'
  return 'ok'
}

/** The status a finding stands for: a notice is information, not a problem. */
export function statusOf(finding: Finding): Status {
  return finding.level === 'notice' ? 'ok' : finding.level
}

/** The worst status among findings (ok when none). */
export function worstOf(findings: readonly Finding[]): Status {
  return worst(...findings.map(statusOf))
}

/** The CLI's exit code for a status, so a pipeline can tell "rotate soon" from "broken". */
export const EXIT_CODE: Record<Status, number> = { ok: 0, warning: 1, error: 2 }

/**
 * The one command that replaces a token on npm's registry, run from a machine logged in with `npm login`
 * (`setup-npm-auth token rotate`): it makes the successor, stores it in the Actions secret, records its
 * expiry and revokes the old token. `repository` is OWNER/REPO when known (GITHUB_REPOSITORY).
 */
export function rotateCommand(opts: { repository?: string; secret?: string; environment?: string; registry: URL; defaultRegistry: boolean }): string {
  const repo = opts.repository && /^[\w.-]+\/[\w.-]+$/.test(opts.repository) ? opts.repository : 'OWNER/REPO'
  const parts = ['npx setup-npm-auth token rotate', `--repo ${repo}`]
  if (opts.secret && opts.secret !== 'NPM_TOKEN') parts.push(`--secret ${opts.secret}`)
  if (opts.environment) parts.push(`--environment '${opts.environment.replace(/'/g, `'\\''`)}'`)
  if (!opts.defaultRegistry) parts.push(`--registry ${opts.registry.href}`)
  return parts.join(' ')
}

/** How to replace the token: `rotate` (the rotate command) first where it applies, else the steps by hand. */
export function rotationSteps(registry: URL, rotate?: string): string {
  if (rotate) {
    return (
      `To rotate, run \`${rotate}\` from a machine logged in with npm login: it creates the successor with the same packages and permissions, ` +
      'stores it in the repository secret, records its expiry for expires-on, and only then revokes the old token ' +
      '(for a token made on the website, add --token-id with its id from `npx setup-npm-auth token list`). ' +
      'Or move to trusted publishing (OIDC): no token to rotate at all.'
    )
  }
  return (
    `To rotate: create a new granular access token for ${registry.host} (read and write on the packages this workflow publishes, ` +
    'an expiry that fits your rotation schedule), update the repository secret that holds it, then revoke the old token. ' +
    'Or move to trusted publishing (OIDC): no token to rotate at all.'
  )
}

export interface ExpiryInput {
  expiresAt: Date | undefined
  now: Date
  warnDays: number
  failDays: number
  registry: URL
  /** The rotate command, where `setup-npm-auth token rotate` applies (npm's registry). */
  rotate?: string
}

export interface ExpiryGrade {
  status: Status
  daysLeft: number | undefined
  finding?: Finding
}

/**
 * expired, or within fail-days (when > 0) → error; within warn-days → warning; else ok.
 * "Within N days" compares the exact time left, not rounded days.
 */
export function gradeExpiry({ expiresAt, now, warnDays, failDays, registry, rotate: command }: ExpiryInput): ExpiryGrade {
  if (!expiresAt) return { status: 'ok', daysLeft: undefined }
  const msLeft = expiresAt.getTime() - now.getTime()
  const daysLeft = daysUntil(expiresAt, now)
  const day = isoDay(expiresAt)
  const rotate = rotationSteps(registry, command)
  if (msLeft <= 0) {
    const ago = Math.max(0, -daysLeft - 1)
    return {
      status: 'error',
      daysLeft,
      finding: {
        level: 'error',
        title: `npm token expired${ago > 0 ? ` ${ago} day${ago === 1 ? '' : 's'} ago` : ''} (${day})`,
        message: `The token for ${registry.href} expired on ${expiresAt.toISOString()}. ${rotate}`,
      },
    }
  }
  const within = (level: 'error' | 'warning', input: string, days: number): ExpiryGrade => ({
    status: level,
    daysLeft,
    finding: {
      level,
      title: `npm token expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'} (${day})`,
      message: `The token for ${registry.href} expires on ${expiresAt.toISOString()}, within ${input} (${days}). ${rotate}`,
    },
  })
  if (failDays > 0 && msLeft <= failDays * DAY_MS) return within('error', 'fail-days', failDays)
  if (msLeft <= warnDays * DAY_MS) return within('warning', 'warn-days', warnDays)
  return { status: 'ok', daysLeft }
}

export interface KindInput {
  details: TokenDetails | undefined
  /** The registry is npm's own default (public) registry: npm's token policy applies. */
  isPublicRegistry: boolean
  mode: Mode
  runnerEnvironment: string | undefined
}

/** What the token's kind means for publishing; only npm's public registry has this policy. */
export function kindFindings({ details, isPublicRegistry, mode, runnerEnvironment }: KindInput): Finding[] {
  if (!details || !isPublicRegistry) return []
  const findings: Finding[] = []
  if (details.type === 'legacy') {
    findings.push({
      level: 'warning',
      title: 'npm classic (legacy) token',
      message:
        'This is a classic token. npm no longer creates classic tokens and has revoked them: it can stop working at any time. Replace it with a granular access token, or move to trusted publishing (OIDC).',
    })
  }
  if (details.readonly === true && mode === 'setup') {
    findings.push({
      level: 'warning',
      title: 'npm token is read-only',
      message: 'This token is read-only: installs work, but `npm publish` will fail with E403. Use a token with write access to the packages you publish.',
    })
  }
  if (details.cidr.length > 0 && runnerEnvironment !== 'self-hosted') {
    findings.push({
      level: 'warning',
      title: 'npm token is limited to IP ranges',
      message: `This token only works from ${details.cidr.join(', ')}. GitHub-hosted runners use changing addresses outside your ranges, so requests from them are refused. Drop the CIDR restriction or use a self-hosted runner inside the range.`,
    })
  }
  if (details.type === 'granular' && details.readonly !== true && details.bypass2fa === false && mode === 'setup') {
    findings.push({
      level: 'warning',
      title: 'npm token does not bypass 2FA',
      message:
        'This write token does not have "bypass two-factor authentication" set: `npm publish` will ask for a one-time password (EOTP) that a CI job cannot give. Create the token with "Bypass 2FA" enabled, or use trusted publishing (OIDC).',
    })
  }
  return findings
}
