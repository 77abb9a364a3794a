/**
 * The token path's inspection: who the token belongs to, what kind it is and when it expires, graded
 * against warn-days / fail-days. whoami and the token list are in flight together.
 */
import { gradeExpiry, kindFindings, rotateCommand, worst, worstOf } from './grade.js'
import type { ExpirySource, Finding, Mode, Settings, Status, TokenType } from '../types.js'
import { TokenRejectedError, describeError } from '../errors.js'
import type { HttpClient } from '../http/client.js'
import { advise, advisedFinding, adviceText, type AdviceContext, type Place } from '../registry/advice.js'
import { registryProfile, whoamiRequest, type RegistryProfile } from '../registry/kind.js'
import { findTokenInList, whoami, type TokenDetails, type TokenListResult } from '../registry/token-api.js'
import { matchesRedacted } from '../registry/token-record.js'

export interface TokenCheckInput {
  http: HttpClient
  registry: URL
  token: string
  mode: Mode
  warnDays: number
  failDays: number
  expiresOn: Date | undefined
  isPublicRegistry: boolean
  runnerEnvironment: string | undefined
  now: Date
  /** The kind of registry (default: from the URL). Decides whoami's form and whether a token list exists. */
  profile?: RegistryProfile
  /** When expires-on is a `token create|rotate` record: whose expiry it is, and where the token is stored. */
  expiryRecord?: Settings['expiryRecord']
  /** OWNER/REPO of the workflow (GITHUB_REPOSITORY), for the rotate command. */
  repository?: string
  /** The registry is npm's default one (the rotate command then needs no --registry). Default: isPublicRegistry. */
  defaultRegistry?: boolean
  /** Whose words the advice is in: the action's (inputs, the repository secret) or the CLI's (flags, NPM_TOKEN). Default: cli. */
  place?: Place
  /** The job stages its versions (publish: stage): a replacement token is stage-only. */
  staged?: boolean
  /** The job's own mode, when `mode` is not it (the OIDC path checks a given token as in check mode): the advice's words follow it. */
  jobMode?: Mode
}

export interface TokenReport {
  username: string
  tokenType: TokenType
  details: TokenDetails | undefined
  list: TokenListResult
  expiresAt: Date | undefined
  expirySource: ExpirySource
  daysLeft: number | undefined
  status: Status
  findings: Finding[]
  /** Plain log lines (no annotation, not in the summary): e.g. why expiry is unknown where no token list exists. */
  notes: string[]
  /** `npx setup-npm-auth token rotate …` for this repository, where it applies (npm's registry). */
  rotateCommand?: string
}

/** A token check's result as the action and the CLI report it: a rejected token is a finding, not a throw. */
export interface TokenAssessment {
  status: Status
  /** What to annotate or print, in order; the rejection when the registry refused the token. */
  findings: Finding[]
  /** Plain log lines. */
  notes: string[]
  /** undefined when the token was rejected. */
  report: TokenReport | undefined
  rejected: boolean
}

/** A step's token check as the action and the CLI both assemble it. */
export interface TokenStep {
  http: HttpClient
  registry: URL
  /** The kind of registry; `npmPolicies` says whether npm's token policy applies. */
  profile: RegistryProfile
  settings: Pick<Settings, 'token' | 'mode' | 'warnDays' | 'failDays' | 'expiresOn' | 'expiryRecord'> & Partial<Pick<Settings, 'publish'>>
  env: NodeJS.ProcessEnv
  now: Date
  /** The registry is npm's default one (not only declared npm). */
  defaultRegistry?: boolean
  /** Whose words the advice is in (default: the CLI's; the action passes 'action'). */
  place?: Place
}

/**
 * checkToken, with the registry's refusal of the token turned into an error finding (the one place that
 * does so). Anything else that fails (network, a broken registry answer) is still thrown.
 */
export async function assessToken({ http, registry, profile, settings, env, now, defaultRegistry, place }: TokenStep): Promise<TokenAssessment> {
  try {
    const report = await checkToken({
      profile,
      http,
      registry,
      token: settings.token,
      mode: settings.mode,
      warnDays: settings.warnDays,
      failDays: settings.failDays,
      expiresOn: settings.expiresOn,
      expiryRecord: settings.expiryRecord,
      repository: env.GITHUB_REPOSITORY,
      defaultRegistry,
      isPublicRegistry: profile.npmPolicies,
      runnerEnvironment: env.RUNNER_ENVIRONMENT,
      now,
      place,
      staged: settings.publish === 'stage',
    })
    return { status: report.status, findings: report.findings, notes: report.notes, report, rejected: false }
  } catch (error) {
    if (!(error instanceof TokenRejectedError)) throw error
    return {
      status: 'error',
      // The message is the facts and the advice (the error's hint); the summary shows the advice once.
      findings: [{ level: 'error', title: 'npm token rejected', message: describeError(error), problem: error.message, cause: 'token-rejected' }],
      notes: [],
      report: undefined,
      rejected: true,
    }
  }
}

export async function checkToken(input: TokenCheckInput): Promise<TokenReport> {
  const { http, registry, token } = input
  const profile = input.profile ?? registryProfile(registry, { isPublicRegistry: input.isPublicRegistry })
  const findings: Finding[] = []
  const notes: string[] = []
  // Started first so both requests share one round trip; a failed list only means "expiry unknown".
  const listing: Promise<TokenListResult> = profile.hasTokenList
    ? findTokenInList(http, registry, token).catch((error: unknown): TokenListResult => ({ kind: 'unavailable', reason: describeError(error) }))
    : Promise.resolve({ kind: 'unavailable', reason: `${profile.label} has no token list` })
  // `token rotate` applies where npm's token API does (npm's registry); its command is the first fix.
  const record = input.expiryRecord
  const rotate = profile.npmPolicies
    ? rotateCommand({
        repository: input.repository,
        secret: record?.secret,
        environment: record?.environment,
        registry,
        defaultRegistry: input.defaultRegistry ?? input.isPublicRegistry,
      })
    : undefined
  const ctx: AdviceContext = {
    kind: profile.kind,
    npmPolicies: profile.npmPolicies,
    place: input.place ?? 'cli',
    registry,
    mode: input.jobMode ?? input.mode,
    rotateCommand: rotate,
    secret: record?.secret,
    staged: input.staged,
  }
  const request = whoamiRequest(profile, registry, token)
  let username: string
  try {
    username = await whoami(http, registry, token, { ...request, optional: profile.whoamiOptional, advice: adviceText(advise('token-rejected', ctx)) })
  } catch (error) {
    await listing // settle it, so nothing keeps running after the failure is reported
    if (!(error instanceof TokenRejectedError) || profile.whoamiRejection !== 'warning') throw error
    // GitHub Packages: whether whoami accepts every credential publish accepts (GITHUB_TOKEN) is unconfirmed.
    username = ''
    findings.push(
      advisedFinding(
        {
          level: 'warning',
          title: `${profile.label} did not accept the token for whoami`,
          problem: `${error.message} The credentials are written anyway: if publishing or installing fails with E401/E403, this is why.`,
          cause: 'token-rejected',
        },
        ctx,
      ),
    )
  }
  if (username === '' && findings.length === 0) {
    notes.push(`${profile.label} did not say who the token belongs to (its whoami is not available): the token is not verified ahead of use.`)
  }
  const list = await listing
  const details = list.kind === 'found' ? list.details : undefined
  if (details?.stageOnly) ctx.staged = true

  let expiresOn = input.expiresOn
  if (expiresOn && record?.fingerprint && !matchesRedacted(record.fingerprint, token)) {
    const expiresOnName = ctx.place === 'cli' ? '--expires-on' : 'expires-on'
    findings.push(
      advisedFinding(
        {
          level: 'warning',
          title: `${expiresOnName} belongs to another token`,
          problem:
            `${expiresOnName} records the expiry of the token ${record.fingerprint}, but ${ctx.place === 'cli' ? 'NPM_TOKEN holds' : 'this step was given'} a different token: ` +
            'the secret was changed without recording its expiry. The expiry is treated as unknown.',
          cause: 'expiry-record-stale',
        },
        ctx,
      ),
    )
    expiresOn = undefined
  }
  let expiresAt = details?.expiresAt
  let expirySource: TokenReport['expirySource'] = expiresAt ? 'registry' : ''
  if (!expiresAt && expiresOn) {
    expiresAt = expiresOn
    expirySource = 'input'
  }
  if (!expiresAt && rotate && list.kind === 'unavailable') findings.push(unknownExpiryNotice("npm's registry does not let a CI token read its own expiry", ctx))
  else if (!expiresAt && profile.hasTokenList) findings.push(unknownExpiryNotice(whyExpiryUnknown(list, details), ctx))
  else if (!expiresAt) notes.push(`Expiry unknown. ${adviceText(advise('expiry-unknown', ctx))}`)
  if (details?.revoked) {
    findings.push(
      advisedFinding(
        {
          level: 'warning',
          title: 'npm token is revoked',
          problem: 'The registry lists this token as revoked. It may keep working for up to an hour from cache, then every request fails.',
          cause: 'token-revoked',
        },
        ctx,
      ),
    )
  }

  const grade = gradeExpiry({ expiresAt, now: input.now, warnDays: input.warnDays, failDays: input.failDays, registry, advice: ctx })
  if (grade.finding) findings.push(grade.finding)
  findings.push(
    ...kindFindings({ details, isPublicRegistry: input.isPublicRegistry, mode: input.mode, runnerEnvironment: input.runnerEnvironment, advice: ctx }),
  )

  const status = worst(grade.status, worstOf(findings))
  return {
    username,
    tokenType: details?.type ?? 'unknown',
    details,
    list,
    expiresAt,
    expirySource,
    daysLeft: grade.daysLeft,
    status,
    findings,
    notes,
    ...(rotate ? { rotateCommand: rotate } : {}),
  }
}

/**
 * Expiry unknown: a notice, said once, with the way to make the expiry known. On npm's registry this is
 * the normal case (its token list takes only login sessions, never a CI token).
 */
function unknownExpiryNotice(why: string, ctx: AdviceContext): Finding {
  return advisedFinding({ level: 'notice', title: 'npm token expiry unknown', problem: `Expiry unknown: ${why}.`, cause: 'expiry-unknown' }, ctx)
}

function whyExpiryUnknown(list: TokenListResult, details: TokenDetails | undefined): string {
  return details !== undefined
    ? 'the registry lists this token without an expiry date'
    : list.kind === 'unavailable'
      ? `the token list could not be read: ${list.reason}`
      : `this token is not in the registry's token list (${list.kind === 'not-listed' ? list.listed : 0} listed; session tokens from npm login never are)`
}
