/**
 * npm's publishing policy as it stands in late 2026, for the step's advice: which publish command the
 * job should run, the announced end of direct publishing with granular tokens, and staged versions
 * waiting too long for approval. Pure.
 */
import { advisedFinding, type AdviceContext } from '../registry/advice.js'
import type { StagedVersion } from '../registry/stage-api.js'
import type { Finding, PublishChoice, PublishMode } from '../types.js'
import { daysSince } from '../check/grade.js'

/**
 * npm ends direct publishing (`npm publish`) with granular access tokens in January 2027; from then on it
 * fails with E_STAGE_REQUIRED and automation must use trusted publishing or `npm stage publish`.
 * Source: npm's documentation, "Direct publishing is being deprecated" (docs.npmjs.com, 2026).
 */
export const DIRECT_TOKEN_PUBLISHING_END = { month: '2027-01', label: 'January 2027', firstDayAfter: new Date(Date.UTC(2027, 1, 1)) } as const

/** `npm stage publish` exists from npm 11.15.0 on. */
export const MIN_NPM_FOR_STAGE = '11.15.0'

export const PUBLISH_COMMAND: Record<PublishMode, 'npm publish' | 'npm stage publish'> = { direct: 'npm publish', stage: 'npm stage publish' }

/** `auto`: staged when the token is known to be stage-only (its permissions say so), else direct. */
export function choosePublishMode(choice: PublishChoice, tokenStageOnly: boolean | undefined): { mode: PublishMode; reason: string } {
  if (choice !== 'auto') return { mode: choice, reason: `publish: ${choice}` }
  if (tokenStageOnly) return { mode: 'stage', reason: 'publish: auto and the token is stage-only' }
  return { mode: 'direct', reason: 'publish: auto' }
}

export interface CutoffInput {
  /** The trusted-publishing commands to suggest (one per package), filled where the job's repository and workflow are known. */
  trustCommands: readonly string[]
  now: Date
  /** The registry and the place the advice is for (default: npm's registry, in the action's words). */
  advice?: AdviceContext
}

/** The warning for a job that publishes directly with a token on npm's own registry; the advice (registry/advice.ts) says both ways on. */
export function directPublishingCutoff({ trustCommands, now, advice }: CutoffInput): Finding {
  const ended = now.getTime() >= DIRECT_TOKEN_PUBLISHING_END.firstDayAfter.getTime()
  const ctx: AdviceContext = { ...(advice ?? { kind: 'npm', place: 'action', registry: new URL('https://registry.npmjs.org/') }), trustCommands }
  return advisedFinding(
    {
      level: 'warning',
      title: ended
        ? `Direct publishing with tokens ended in ${DIRECT_TOKEN_PUBLISHING_END.label}`
        : `Direct publishing with tokens ends in ${DIRECT_TOKEN_PUBLISHING_END.label}`,
      problem:
        `npm ${ended ? 'ended' : 'ends'} direct publishing with granular access tokens in ${DIRECT_TOKEN_PUBLISHING_END.label}: ` +
        '`npm publish` with this token then fails with E_STAGE_REQUIRED.',
      cause: 'direct-publishing-ends',
    },
    ctx,
  )
}

/** One finding per staged version: a notice while it is fresh, a warning once it has waited past stage-warn-days. */
export function stagedFindings(versions: readonly StagedVersion[], stageWarnDays: number, now: Date): Finding[] {
  return versions.map((v) => {
    const waited = v.stagedAt ? Math.max(0, daysSince(new Date(v.stagedAt), now)) : undefined
    // Longer than stage-warn-days by the clock, not by rounded days (as warn-days is graded).
    const stale = v.stagedAt !== '' && now.getTime() - new Date(v.stagedAt).getTime() > stageWarnDays * 24 * 60 * 60 * 1000
    const how = `approve it with \`npm stage approve ${v.id}\` (2FA) or on the package's Staged Packages tab, or reject it with \`npm stage reject ${v.id}\``
    return {
      level: stale ? 'warning' : 'notice',
      title: `${v.package}@${v.version} waits for approval${waited !== undefined ? ` (${waited} day${waited === 1 ? '' : 's'})` : ''}`,
      message:
        `${v.package}@${v.version}${v.tag ? ` (tag ${v.tag})` : ''} is staged${v.stagedAt ? ` since ${v.stagedAt}` : ''} and not published until a maintainer approves it` +
        `${stale ? `, longer than stage-warn-days (${stageWarnDays})` : ''}: ${how}.`,
    }
  })
}
