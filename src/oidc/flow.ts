/**
 * The trusted-publishing path: npm version check, the per-package pre-flight, and what the job needs
 * afterwards (nothing, or — for an npm too old to exchange by itself — one exchanged token to export).
 */
import { worstOf } from '../check/grade.js'
import type { Finding, Settings, Status } from '../types.js'
import { ActionError, TokenRejectedError, describeError } from '../errors.js'
import type { HttpClient } from '../http/client.js'
import { advisedFinding, type AdviceContext } from '../registry/advice.js'
import { registryProfile, type RegistryProfile } from '../registry/kind.js'
import { findNpmOnPath } from '../registry/npm-config.js'
import { packagesToCheck, type LocalPackage } from '../project/local-packages.js'
import type { Runner } from '../ports/runner.js'
import { versionAtLeast } from '../util/semver.js'
import { MIN_NPM_FOR_STAGE } from '../publishing/policy.js'
import { checkToken, type TokenReport } from '../check/check-token.js'
import { describeClaims } from './claims.js'
import { localRepositoryProblem } from './diagnose.js'
import { oidcEnvironment } from './exchange.js'
import { preflight, type PreflightReport } from './preflight.js'
import { provenanceFor } from './providers.js'

/** The first npm whose `npm publish` performs the OIDC exchange itself. */
export const MIN_NPM_FOR_OIDC = '11.5.1'
export const PLACEHOLDER_TOKEN = 'XXXXX-XXXXX-XXXXX-XXXXX'

export interface OidcFlowInput {
  runner: Runner
  http: HttpClient
  registry: URL
  isPublicRegistry: boolean
  /** packages, working-directory, token, token-env, mode, upgrade-npm and the expiry thresholds. */
  settings: Pick<Settings, 'packages' | 'workingDirectory' | 'token' | 'tokenEnv' | 'mode' | 'upgradeNpm' | 'warnDays' | 'failDays' | 'expiresOn' | 'publish'>
  /** Installs a current npm 11 globally (upgrade-npm). */
  installNpm: () => Promise<void>
  now: Date
  /** The kind of registry (default: from the URL), for the advice. */
  profile?: RegistryProfile
}

export interface OidcOutcome {
  preflight: PreflightReport
  status: Status
  findings: Finding[]
  npmVersion: string | undefined
  /** An exchanged token to export into token-env (old npm, one package). */
  exportValue: string | undefined
  exportExpiresAt: Date | undefined
  tokenReport: TokenReport | undefined
  provenance: boolean
  /** Why provenance is on or off (per provider). */
  provenanceReason: string
}

export async function runOidcFlow(input: OidcFlowInput): Promise<OidcOutcome> {
  const { runner } = input
  const packages = packagesToCheck(input.settings.packages, input.settings.workingDirectory)
  runner.info(`Packages: ${packages.map((p) => p.name).join(', ')}`)

  const npmVersion = await ensureNpm(input, packages.length)
  const npmOk = npmVersion !== undefined && versionAtLeast(npmVersion, MIN_NPM_FOR_OIDC)
  const findings: Finding[] = [...placeholderFindings(input.runner.env, input.settings.tokenEnv)]

  const oidcEnv = oidcEnvironment(input.runner.env)
  if (oidcEnv.npmIdToken) {
    runner.mask(oidcEnv.npmIdToken)
    runner.info('NPM_ID_TOKEN is set: npm uses it before asking the runner for an ID token, so the pre-flight uses it too.')
  }
  const report = await preflight({
    http: input.http,
    registry: input.registry,
    packages,
    env: oidcEnv,
    onSecret: (s) => runner.mask(s),
    // Kept in memory (masked) to export one for an old npm, and to list each package's staged versions.
    keepTokens: true,
    token: input.settings.token || undefined,
    stage: input.settings.publish === 'stage',
    isPublicRegistry: input.isPublicRegistry,
  })
  runner.info(`ID token (audience ${report.audience}) claims:\n  ${describeClaims(report.claims).join('\n  ')}`)

  const commands = report.results.flatMap((r) => (r.diagnosis?.trustCommand ? [r.diagnosis.trustCommand] : []))
  const profile = input.profile ?? registryProfile(input.registry, { isPublicRegistry: input.isPublicRegistry })
  const advice: AdviceContext = { kind: profile.kind, npmPolicies: profile.npmPolicies, place: 'action', registry: input.registry, mode: input.settings.mode }
  for (const result of report.results) {
    if (result.ok) {
      runner.info(`✓ ${result.name}: the registry exchanged the ID token (HTTP ${result.status}); npm publish will authenticate.`)
    } else if (result.diagnosis) {
      const fix = result.diagnosis.trustCommand
      // The fix command is the advice's (said once); the causes keep what to check.
      const causes = result.diagnosis.causes.filter((c) => !fix || !c.endsWith(fix))
      findings.push(
        advisedFinding(
          {
            level: 'error',
            title: `Trusted publishing will fail for ${result.name}`,
            problem: [
              result.diagnosis.headline,
              causes.length > 1 ? 'Likely causes, most likely first:' : 'Likely cause:',
              ...(causes.length > 1 ? causes.map((c, i) => `${i + 1}. ${c}`) : causes),
              `The ID token claimed: ${describeClaims(report.claims).join('; ')}.`,
            ].join('\n'),
            cause: result.status === 429 ? 'rate-limited' : result.status >= 500 ? 'registry-down' : 'trusted-publisher',
          },
          { ...advice, trustCommands: fix ? [fix] : [] },
        ),
      )
    }
  }
  // Several packages without a matching publisher: their fixes as one block (the summary's "What to do" has them).
  if (commands.length > 1) findings.push({ ...trustCommandsFinding(commands), problem: '', cause: 'trusted-publisher' })
  const allOk = report.results.every((r) => r.ok)
  findings.push(...repositoryFindings(report, packages))

  let exportValue: string | undefined
  let exportExpiresAt: Date | undefined
  if (!npmOk && allOk) {
    const only = report.results[0]
    exportValue = only.token
    exportExpiresAt = only.expiresAt
    const lasts = only.expiresAt ? `until ${only.expiresAt.toISOString()}` : 'for about an hour (the registry did not say)'
    findings.push({
      level: 'notice',
      title: 'Exchanged token exported',
      message: `${npmVersion ? `npm ${npmVersion}` : 'No npm'} on PATH cannot exchange an ID token itself (needs npm ${MIN_NPM_FOR_OIDC}+). The exchanged token for ${only.name} is exported as ${input.settings.tokenEnv} (masked) and works with any client; it is valid ${lasts} and only for ${only.name}: publish within that time.`,
    })
  }

  let tokenReport: TokenReport | undefined
  if (input.settings.token) tokenReport = await checkGivenToken(input, findings)

  if (allOk && input.settings.token && input.settings.mode === 'setup') {
    findings.push({
      level: 'notice',
      title: 'The NPM_TOKEN secret may be unneeded',
      message: `Every package passed the trusted-publishing pre-flight: publishing needs no token. Unless installs of private packages need it, delete the token secret and drop the token input.`,
    })
  }
  const provenanceFacts = provenanceFor('github', report.claims, input.runner.env)
  const provenance = provenanceFacts.on
  runner.info(
    provenance
      ? 'The repository is public: npm will turn on provenance automatically for public packages.'
      : `No automatic provenance: ${provenanceFacts.reason}.`,
  )

  const status = worstOf(findings)
  return { preflight: report, status, findings, npmVersion, exportValue, exportExpiresAt, tokenReport, provenance, provenanceReason: provenanceFacts.reason }
}

/**
 * An exchange can succeed while package.json names another repository (or none): npm's exchange does not
 * look at package.json, but the registry refuses a provenance publish whose repository.url differs from
 * the repository in the provenance (E422), and npm turns provenance on by itself for public repositories.
 */
function repositoryFindings(report: PreflightReport, packages: readonly LocalPackage[]): Finding[] {
  const provenance = report.claims.repositoryVisibility === 'public'
  const findings: Finding[] = []
  for (const result of report.results) {
    if (!result.ok) continue // a failed exchange's diagnosis already lists this first
    const pkg = packages.find((p) => p.name === result.name)
    const problem = localRepositoryProblem(pkg?.repositoryUrl, pkg?.dir, report.claims.repository)
    if (!problem) continue
    findings.push({
      level: provenance ? 'error' : 'warning',
      title: `package.json repository does not match for ${result.name}`,
      message:
        `The registry exchanged the ID token for ${result.name}, but publishing it will likely fail. ${problem}\n` +
        (provenance
          ? 'This repository is public, so npm turns on provenance for public packages, and the registry refuses (E422) a provenance publish whose package.json repository.url is not the repository the provenance names.'
          : 'This repository is not public, so npm does not turn on provenance by itself; with provenance the registry refuses (E422) a package.json repository.url that is not the repository the provenance names.'),
    })
  }
  return findings
}

/** Checks (and with upgrade-npm, upgrades) the npm on PATH. Returns its version, undefined when none. */
async function ensureNpm(input: OidcFlowInput, packageCount: number): Promise<string | undefined> {
  // publish: stage runs `npm stage publish`, which exists from 11.15.0 on (and exchanges by itself).
  const stage = input.settings.publish === 'stage'
  const minimum = stage ? MIN_NPM_FOR_STAGE : MIN_NPM_FOR_OIDC
  const found = findNpmOnPath(input.runner.env)?.version
  if (found && versionAtLeast(found, minimum)) {
    input.runner.info(`npm ${found} on PATH performs the OIDC exchange itself at publish time.`)
    return found
  }
  if (input.settings.upgradeNpm) {
    input.runner.info(`npm ${found ?? '(none)'} is older than ${minimum}: installing npm 11 (upgrade-npm: true).`)
    await input.installNpm()
    const now = findNpmOnPath(input.runner.env)?.version
    if (!now || !versionAtLeast(now, minimum)) {
      throw new ActionError(`upgrade-npm: installed npm 11, but the npm on PATH is still ${now ?? 'missing'}. Check that the global npm prefix is on PATH.`)
    }
    return now
  }
  if (stage) {
    throw new ActionError(
      `publish: stage runs \`npm stage publish\`, which needs npm ${MIN_NPM_FOR_STAGE} or newer; the npm on PATH is ${found ?? 'missing'}. ` +
        'Set `upgrade-npm: true`, or install a current npm before this step (`npm install -g npm@11`).',
    )
  }
  if (packageCount > 1) {
    throw new ActionError(
      `Trusted publishing needs npm ${MIN_NPM_FOR_OIDC} or newer at publish time; the npm on PATH is ${found ?? 'missing'}. ` +
        'An exchanged token is package-scoped, so for several packages the action cannot stand in for npm. Either set `upgrade-npm: true`, ' +
        'or install a current npm before this step (`npm install -g npm@11`), or use actions/setup-node with Node 24.',
    )
  }
  return found
}

/** A token given alongside OIDC is still checked, but its problems do not fail the step. */
async function checkGivenToken(input: OidcFlowInput, findings: Finding[]): Promise<TokenReport | undefined> {
  try {
    const report = await checkToken({
      http: input.http,
      registry: input.registry,
      token: input.settings.token,
      mode: 'check', // it does not publish: kind warnings about publishing do not apply
      warnDays: input.settings.warnDays,
      failDays: input.settings.failDays,
      expiresOn: input.settings.expiresOn,
      isPublicRegistry: input.isPublicRegistry,
      runnerEnvironment: input.runner.env.RUNNER_ENVIRONMENT,
      now: input.now,
      profile: input.profile,
      place: 'action',
      jobMode: input.settings.mode,
    })
    findings.push(...report.findings.map((f): Finding => (f.level === 'error' ? { ...f, level: 'warning' } : f)))
    return report
  } catch (error) {
    const title = error instanceof TokenRejectedError ? 'The token input is rejected' : 'The token input could not be checked'
    findings.push({ level: 'warning', title, message: `${describeError(error)} (Publishing uses OIDC; this only matters for installs that need the token.)` })
    return undefined
  }
}

/** Env values npm would fall back to when its exchange fails, that are not usable tokens. */
function placeholderFindings(env: NodeJS.ProcessEnv, tokenEnv: string): Finding[] {
  const findings: Finding[] = []
  for (const name of new Set([tokenEnv, 'NODE_AUTH_TOKEN', 'NPM_TOKEN'])) {
    const value = env[name]
    if (value === undefined) continue
    if (value.trim() === '' || value === PLACEHOLDER_TOKEN) {
      findings.push({
        level: 'warning',
        title: `${name} holds no usable token`,
        message: `${name} is set to ${value.trim() === '' ? 'an empty value' : 'the old setup-node placeholder'}. Whenever npm's OIDC exchange fails it falls back to this value and publish ends in E404/ENEEDAUTH. Remove ${name} from the job's env.`,
      })
    }
  }
  return findings
}

/** Several packages without a matching publisher: their fixes as one block to paste into a terminal. */
export function trustCommandsFinding(commands: readonly string[]): Finding {
  return {
    level: 'notice',
    title: `Add the trusted publishers (${commands.length} packages)`,
    message: `On a laptop with npm 11.10 or newer, logged in as a maintainer of these packages:\n${commands.join('\n')}`,
  }
}
