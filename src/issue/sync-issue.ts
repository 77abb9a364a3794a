/**
 * Check mode's self-managing GitHub issue: one open issue per registry while its token needs attention,
 * updated quietly each run, commented on only when things get worse, closed on recovery.
 * The GitHub API is behind `IssuesApi` (the shell implements it with Octokit).
 */
import { isoDay } from '../check/grade.js'
import { capChars, ISSUE_BODY_MAX_CHARS } from '../util/text-limit.js'
import type { Status } from '../types.js'
import { ActionError } from '../errors.js'

export interface IssueSummary {
  number: number
  title: string
  body: string
  /** The login of the issue's author (undefined when GitHub did not say): only our own identity's issues are adopted. */
  author: string | undefined
}

/** The author of issues opened with a job's GITHUB_TOKEN (or any token that has no user, so GET /user refuses it). */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]'

export interface IssuesApi {
  /** Open issues carrying `label` (all pages). */
  listOpen(label: string): Promise<IssueSummary[]>
  /** The login issues created with our token are authored by: the token's user, or GITHUB_ACTIONS_BOT. */
  identity(): Promise<string>
  create(title: string, body: string, label: string): Promise<number>
  update(number: number, title: string, body: string): Promise<void>
  comment(number: number, body: string): Promise<void>
  close(number: number): Promise<void>
}

/** How bad the token's state is, worst last. */
export type Severity = 'ok' | 'warning' | 'failing' | 'expired' | 'rejected'
const SEVERITY_RANK: Record<Severity, number> = { ok: 0, warning: 1, failing: 2, expired: 3, rejected: 4 }

export interface TokenState {
  registry: URL
  severity: Severity
  daysLeft: number | undefined
  expiresAt: Date | undefined
  /** The leading non-expiry finding (read-only, classic token, …), for the title when expiry is not the problem. */
  cause?: string
  /** Expiry (warn-days / fail-days) is among the problems. */
  expiryIsTheCause?: boolean
  /** The job summary Markdown (table + what to do); never holds a token. */
  report: string
}

export function severityOf(status: Status, rejected: boolean, expiresAt: Date | undefined, now: Date): Severity {
  if (rejected) return 'rejected'
  if (status === 'ok') return 'ok'
  if (expiresAt && expiresAt.getTime() <= now.getTime()) return 'expired'
  return status === 'error' ? 'failing' : 'warning'
}

/** The hidden marker that identifies our issue for a registry, and records the last severity seen. */
export function marker(registry: URL): string {
  return `<!-- setup-npm-auth registry=${registry.href} -->`
}
const SEVERITY_MARK = /<!-- setup-npm-auth severity=(\w+) -->/

export function issueTitle(state: TokenState): string {
  const where = `npm token for ${state.registry.host}`
  switch (state.severity) {
    case 'rejected':
      return `${where} is rejected`
    case 'expired':
      return `${where} expired`
    default:
      if ((state.expiryIsTheCause ?? true) && state.daysLeft !== undefined) return `${where} expires in ${state.daysLeft} day${state.daysLeft === 1 ? '' : 's'}`
      return state.cause ? `${where} needs attention: ${state.cause}` : `${where} needs attention`
  }
}

export function issueBody(state: TokenState, runUrl: string | undefined): string {
  return [
    marker(state.registry),
    `<!-- setup-npm-auth severity=${state.severity} -->`,
    // GitHub refuses a body over 65,536 characters: the report is cut (with a note), markers and footer kept.
    capChars(state.report.trim(), ISSUE_BODY_MAX_CHARS - 1_024),
    '',
    `_Kept up to date by setup-npm-auth's scheduled check${runUrl ? ` ([last run](${runUrl}))` : ''}; closed automatically once the token is healthy._`,
  ].join('\n')
}

export type IssueAction =
  { kind: 'none' } | { kind: 'opened'; number: number } | { kind: 'updated'; number: number; commented: boolean } | { kind: 'closed'; number: number }

/** GitHub logins compare without regard to case. */
const sameLogin = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase()

/**
 * Whether `author` is the identity our token acts as. A token with no user of its own (the job's
 * GITHUB_TOKEN, a GitHub App installation token: GET /user refuses both) acts as a bot, `github-actions[bot]`
 * or `<app>[bot]`; only a bot installed on the repository can author as one, so any bot author is ours then.
 */
export function isOwnAuthor(author: string | undefined, identity: string): boolean {
  if (sameLogin(author, identity)) return true
  return sameLogin(identity, GITHUB_ACTIONS_BOT) && author !== undefined && /^[a-z0-9][a-z0-9-]*\[bot\]$/i.test(author)
}

/**
 * Brings the tracker in line with the token's state. Only issues authored by the identity the action
 * uses are adopted (updated, commented on, closed): anyone can open an issue with our label and marker,
 * and theirs are left alone, never closed as duplicates. The identity is asked for only when an issue
 * carries our marker.
 */
export async function syncIssue(api: IssuesApi, label: string, state: TokenState, runUrl?: string): Promise<IssueAction> {
  const marked = (await api.listOpen(label)).filter((issue) => (issue.body ?? '').includes(marker(state.registry)))
  const identity = marked.length > 0 ? await api.identity() : undefined
  const ours = identity === undefined ? [] : marked.filter((issue) => isOwnAuthor(issue.author, identity))
  const [existing, ...duplicates] = ours.sort((a, b) => a.number - b.number)
  // Duplicates (two jobs racing, or a human copy): keep the oldest, close the rest.
  for (const dup of duplicates) await api.close(dup.number)

  if (state.severity === 'ok') {
    if (!existing) return { kind: 'none' }
    const when = state.expiresAt ? `now expires on ${isoDay(state.expiresAt)}` : 'is accepted by the registry again'
    await api.comment(existing.number, `The npm token for ${state.registry.host} ${when}. Closing.`)
    await api.close(existing.number)
    return { kind: 'closed', number: existing.number }
  }

  const title = issueTitle(state)
  const body = issueBody(state, runUrl)
  if (!existing) return { kind: 'opened', number: await api.create(title, body, label) }

  const previous = SEVERITY_MARK.exec(existing.body)?.[1] as Severity | undefined
  const worse = previous === undefined || !(previous in SEVERITY_RANK) || SEVERITY_RANK[state.severity] > SEVERITY_RANK[previous]
  await api.update(existing.number, title, body)
  if (worse) await api.comment(existing.number, `Worse since the last check: ${title}.`)
  return { kind: 'updated', number: existing.number, commented: worse }
}

/** Thrown by the API adapter when the token may not touch issues. */
export class IssuesPermissionError extends ActionError {
  override name = 'IssuesPermissionError'
}
