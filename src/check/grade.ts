/**
 * Pure grading: expiry maths and the token-kind findings, turned into a status and the annotations a
 * user reads. No I/O: the shell prints what this returns.
 */
import { advisedFinding, type AdviceContext } from '../registry/advice.js'
import type { TokenDetails } from '../registry/token-api.js'
import type { AdviceCause, Finding, Mode, Status } from '../types.js'

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

/** `2027-03-31 14:05 UTC`: an expiry as people read it. */
export function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
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

export interface ExpiryInput {
  expiresAt: Date | undefined
  now: Date
  warnDays: number
  failDays: number
  registry: URL
  /** What the findings advise, and where (default: a generic registry, in the CLI's words). */
  advice?: AdviceContext
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
export function gradeExpiry({ expiresAt, now, warnDays, failDays, registry, advice }: ExpiryInput): ExpiryGrade {
  if (!expiresAt) return { status: 'ok', daysLeft: undefined }
  const ctx: AdviceContext = advice ?? { kind: 'generic', place: 'cli', registry }
  const msLeft = expiresAt.getTime() - now.getTime()
  const daysLeft = daysUntil(expiresAt, now)
  const day = isoDay(expiresAt)
  if (msLeft <= 0) {
    const ago = Math.max(0, -daysLeft - 1)
    return {
      status: 'error',
      daysLeft,
      finding: advisedFinding(
        {
          level: 'error',
          title: `npm token expired${ago > 0 ? ` ${ago} day${ago === 1 ? '' : 's'} ago` : ''} (${day})`,
          problem: `The token for ${registry.href} expired on ${utcMinute(expiresAt)}.`,
          cause: 'token-expired',
        },
        ctx,
      ),
    }
  }
  const setting = (name: string) => (ctx.place === 'cli' ? `--${name}` : name)
  const within = (level: 'error' | 'warning', input: string, days: number): ExpiryGrade => ({
    status: level,
    daysLeft,
    finding: advisedFinding(
      {
        level,
        title: `npm token expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'} (${day})`,
        problem: `The token for ${registry.href} expires on ${utcMinute(expiresAt)}, within ${setting(input)} (${days}).`,
        cause: 'token-expiring',
      },
      ctx,
    ),
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
  /** What the findings advise, and where (default: npm's registry, in the CLI's words). */
  advice?: AdviceContext
}

const NPM_REGISTRY = new URL('https://registry.npmjs.org/')

/** What the token's kind means for publishing; only npm's public registry has this policy. */
export function kindFindings({ details, isPublicRegistry, mode, runnerEnvironment, advice }: KindInput): Finding[] {
  if (!details || !isPublicRegistry) return []
  const ctx: AdviceContext = advice ?? { kind: 'npm', place: 'cli', registry: NPM_REGISTRY }
  const findings: Finding[] = []
  const add = (title: string, cause: AdviceCause, problem: string) => findings.push(advisedFinding({ level: 'warning', title, problem, cause }, ctx))
  if (details.type === 'legacy') {
    add(
      'npm classic (legacy) token',
      'token-classic',
      'This is a classic token. npm no longer creates classic tokens and has revoked them: it can stop working at any time.',
    )
  }
  if (details.readonly === true && mode === 'setup') {
    add('npm token is read-only', 'token-read-only', 'This token is read-only: installs work, but `npm publish` will fail with E403.')
  }
  if (details.cidr.length > 0 && runnerEnvironment !== 'self-hosted') {
    add(
      'npm token is limited to IP ranges',
      'token-ip-limited',
      `This token only works from ${details.cidr.join(', ')}. GitHub-hosted runners use changing addresses outside your ranges, so requests from them are refused.`,
    )
  }
  // Staging (`npm stage publish`, or a stage-only token) needs no 2FA: only a direct publish asks for an OTP.
  const stages = details.stageOnly === true || ctx.staged === true
  if (details.type === 'granular' && details.readonly !== true && details.bypass2fa === false && mode === 'setup' && !stages) {
    add(
      'npm token does not bypass 2FA',
      'token-needs-otp',
      'This write token does not bypass two-factor authentication: `npm publish` will ask for a one-time password (EOTP) that a CI job cannot give.',
    )
  }
  return findings
}
