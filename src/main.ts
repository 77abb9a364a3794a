/**
 * The runner shell: read inputs → decide → act → report. The only place (with post.ts and
 * core-runner.ts) that talks to @actions/core, and the only place that fails the step.
 */
import * as core from './runner-commands.js'
import { worst, type Finding, type Status } from './assess.js'
import { createCoreRunner } from './core-runner.js'
import { ActionError, TokenRejectedError, describeError } from './errors.js'
import { HttpClient } from './http.js'
import { parseSettings, type Settings } from './inputs.js'
import { azurePassword, azureUsername, chooseAuthFor, type RegistryProfile } from './registries.js'
import { chooseRegistry } from './registry-choice.js'
import { runOidcFlow } from './oidc/flow.js'
import { workflowFile, type IdTokenClaims } from './oidc/claims.js'
import type { Runner } from './runner.js'
import { setUpNpmrc } from './setup-npmrc.js'
import { planTarget } from './target.js'
import { renderSummary, type SummaryData } from './summary.js'
import { checkToken, type TokenReport } from './token-check.js'
import { severityOf, syncIssue, type TokenState } from './issue.js'

export const OUTPUT_NAMES = [
  'auth-method',
  'username',
  'token-type',
  'expires-at',
  'days-left',
  'expiry-source',
  'status',
  'npmrc-path',
  'registry-url',
  'packages',
  'provenance',
  'oidc-claims',
  'issue-number',
] as const
type Outputs = Record<(typeof OUTPUT_NAMES)[number], string>

export async function run(): Promise<void> {
  const runner = createCoreRunner()
  const outputs = Object.fromEntries(OUTPUT_NAMES.map((n) => [n, ''])) as Outputs
  const summary: SummaryData = { mode: 'setup', authMethod: '', authReason: '', registrySource: '', status: 'error', findings: [] }
  try {
    // First thing: the token is masked before any input is even parsed.
    runner.mask(core.getInput('token'))
    runner.mask(core.getInput('github-token'))
    const inputs = await runner.group('Inputs', () => {
      const parsed = parseSettings((name) => core.getInput(name))
      runner.info(`mode: ${parsed.mode}, auth: ${parsed.auth}, warn-days: ${parsed.warnDays}, fail-days: ${parsed.failDays}`)
      return parsed
    })
    summary.mode = inputs.mode

    const { registry, source, isPublicRegistry, target } = await runner.group('Registry', async () => {
      const choice = await chooseRegistry(runner, inputs.registryUrl, inputs.scope, inputs.workingDirectory)
      const planned = planTarget(inputs, choice.registry, choice.isPublicRegistry, runner.env)
      planned.notes.forEach((note) => runner.info(note))
      return { ...choice, target: planned }
    })
    const { settings, profile } = target
    // Values derived from the token are secrets too, masked before any request can fail and print them.
    runner.mask(settings.token) // may be the github-token standing in for GitHub Packages
    if (profile.credential === 'password' && settings.token) {
      runner.mask(azurePassword(settings.token))
      runner.mask(Buffer.from(`${azureUsername(registry)}:${settings.token}`, 'utf8').toString('base64'))
    }
    outputs['registry-url'] = registry.href
    Object.assign(summary, { registry, registrySource: profile.kind === 'generic' ? source : `${source}; ${profile.label}` })

    const auth = chooseAuthFor(profile, settings.auth, settings.token, runner.env, settings.mode)
    outputs['auth-method'] = auth.method
    Object.assign(summary, { authMethod: auth.method, authReason: auth.reason })
    runner.info(`Authentication: ${auth.method} (${auth.reason})`)
    auth.findings.forEach((f) => report(runner, summary, f))

    const http = new HttpClient({ deadline: Date.now() + settings.timeoutMs, logger: runner, userAgent: userAgent() })
    let status: Status
    let exportValue: string | undefined = settings.exportToken && settings.token ? settings.token : undefined
    let authLine = true
    if (auth.method === 'oidc') {
      const outcome = await runner.group('Trusted publishing (OIDC) pre-flight', () =>
        runOidcFlow({
          runner,
          http,
          registry,
          isPublicRegistry,
          packages: settings.packages,
          workingDirectory: settings.workingDirectory,
          token: settings.token,
          tokenEnv: settings.tokenEnv,
          mode: settings.mode,
          upgradeNpm: settings.upgradeNpm,
          warnDays: settings.warnDays,
          failDays: settings.failDays,
          expiresOn: settings.expiresOn,
          installNpm: installCurrentNpm,
          now: new Date(),
        }),
      )
      outcome.findings.forEach((f) => report(runner, summary, f))
      if (outcome.tokenReport) recordToken(outputs, summary, outcome.tokenReport)
      outputs.packages = JSON.stringify(outcome.preflight.results.map((r) => ({ name: r.name, ok: r.ok, status: r.status })))
      outputs.provenance = String(outcome.provenance)
      outputs['oidc-claims'] = JSON.stringify(claimsOutput(outcome.preflight.claims))
      summary.oidc = {
        packages: outcome.preflight.results.map((r) => ({ name: r.name, result: r.ok ? `✅ exchange ok (HTTP ${r.status})` : `❌ HTTP ${r.status}` })),
        claims: outcome.preflight.claims,
        provenance: outcome.provenance,
        npmVersion: outcome.npmVersion,
      }
      status = outcome.status
      // Under OIDC a credential line is written only when a usable token will be in the env.
      // A token given alongside OIDC is exported only once the registry accepted it: a dead token in
      // the env is what npm falls back to when its own exchange fails, and breaks installs with E401.
      const tokenVerified = outcome.tokenReport !== undefined
      exportValue = outcome.exportValue ?? (tokenVerified ? exportValue : undefined)
      authLine = exportValue !== undefined || (tokenVerified && !settings.exportToken)
    } else {
      let rejection: TokenRejectedError | undefined
      const tokenReport = await runner.group('Token', () => inspectToken(settings, http, registry, isPublicRegistry, profile)).catch((error: unknown) => {
        if (!(error instanceof TokenRejectedError)) throw error
        rejection = error
        // Reported now, so it stands even if the issue step below fails too.
        report(runner, summary, { level: 'error', title: 'npm token rejected', message: error.message })
        return undefined
      })
      if (tokenReport) {
        tokenReport.notes.forEach((note) => runner.info(note))
        recordToken(outputs, summary, tokenReport)
        tokenReport.findings.forEach((f) => report(runner, summary, f))
      }
      status = rejection ? 'error' : worst(tokenReport!.status, ...auth.findings.map((f): Status => (f.level === 'notice' ? 'ok' : f.level)))
      if (settings.openIssue) {
        outputs['issue-number'] = await runner.group('Issue', () => manageIssue(runner, settings, registry, summary, status, !!rejection, tokenReport))
      }
    }

    if (settings.mode === 'setup' && status !== 'error') {
      const paths = await runner.group('.npmrc', () =>
        setUpNpmrc(runner, {
          registry,
          scope: settings.scope,
          tokenEnv: settings.tokenEnv,
          isPublicRegistry,
          exportValue,
          authLine,
          profile,
          packageManager: target.packageManager,
        }),
      )
      outputs['npmrc-path'] = paths.npmrcPath
      summary.npmrcPath = paths.yarnrcPath ? `${paths.npmrcPath} (and ${paths.yarnrcPath} for Yarn)` : paths.npmrcPath
    }
    await finish(runner, outputs, summary, status)
  } catch (error) {
    // Findings already printed (e.g. a rejected token) stay; this adds the failure that stopped the step.
    summary.failure = describeError(error)
    await finish(runner, outputs, summary, 'error')
    core.setFailed(runner.redact(summary.failure))
    if (!(error instanceof ActionError)) core.debug(error instanceof Error && error.stack ? error.stack : String(error))
  }
}

/** The ID token's claims that decide trusted publishing, for later steps (never the token itself). */
function claimsOutput(claims: IdTokenClaims): Record<string, string> {
  return {
    repository: claims.repository ?? '',
    'workflow-file': workflowFile(claims.workflowRef) ?? '',
    'workflow-ref': claims.workflowRef ?? '',
    'job-workflow-ref': claims.jobWorkflowRef ?? '',
    environment: claims.environment ?? '',
    ref: claims.ref ?? '',
    'runner-environment': claims.runnerEnvironment ?? '',
    'repository-visibility': claims.repositoryVisibility ?? '',
  }
}

function report(runner: Runner, summary: SummaryData, finding: Finding): void {
  summary.findings.push(finding)
  runner.annotate(finding)
}

/** Check mode's issue: opened, updated, or closed to match the token's state. Returns its number or ''. */
async function manageIssue(
  runner: Runner,
  settings: Settings,
  registry: URL,
  summary: SummaryData,
  status: Status,
  rejected: boolean,
  tokenReport: TokenReport | undefined,
): Promise<string> {
  if (settings.mode !== 'check') {
    runner.warning('open-issue only acts in mode: check (a scheduled check job); ignored in mode: setup.', 'open-issue ignored')
    return ''
  }
  const now = new Date()
  const state: TokenState = {
    registry,
    severity: severityOf(status, rejected, tokenReport?.expiresAt, now),
    daysLeft: tokenReport?.daysLeft,
    expiresAt: tokenReport?.expiresAt,
    cause: tokenReport?.findings.find((f) => f.level !== 'notice' && !f.title.startsWith('npm token expire'))?.title,
    expiryIsTheCause: tokenReport?.findings.some((f) => f.level !== 'notice' && f.title.startsWith('npm token expire')) ?? false,
    report: runner.redact(renderSummary({ ...summary, status, failure: undefined })),
  }
  const { createGitHubIssuesApi } = await import('./github-issues.js')
  const api = await createGitHubIssuesApi({ token: settings.githubToken, repository: runner.env.GITHUB_REPOSITORY, timeoutMs: settings.timeoutMs, logger: runner })
  const runUrl = runner.env.GITHUB_SERVER_URL && runner.env.GITHUB_REPOSITORY && runner.env.GITHUB_RUN_ID
    ? `${runner.env.GITHUB_SERVER_URL}/${runner.env.GITHUB_REPOSITORY}/actions/runs/${runner.env.GITHUB_RUN_ID}`
    : undefined
  const action = await syncIssue(api, settings.issueLabel, state, runUrl)
  switch (action.kind) {
    case 'none':
      runner.info('Token healthy and no open issue: nothing to do.')
      return ''
    case 'opened':
      runner.info(`Opened issue #${action.number}.`)
      break
    case 'updated':
      runner.info(`Updated issue #${action.number}${action.commented ? ' and commented (worse than before)' : ' (no comment: not worse than before)'}.`)
      break
    case 'closed':
      runner.info(`Closed issue #${action.number}: the token is healthy again.`)
      break
  }
  return String(action.number)
}

async function inspectToken(settings: Settings, http: HttpClient, registry: URL, isPublicRegistry: boolean, profile: RegistryProfile): Promise<TokenReport> {
  return checkToken({
    profile,
    http,
    registry,
    token: settings.token,
    mode: settings.mode,
    warnDays: settings.warnDays,
    failDays: settings.failDays,
    expiresOn: settings.expiresOn,
    // registry-kind: npm says "npm's own registry" (e.g. behind a proxy URL): its token policy applies.
    isPublicRegistry: isPublicRegistry || profile.kind === 'npm',
    runnerEnvironment: process.env.RUNNER_ENVIRONMENT,
    now: new Date(),
  })
}

function recordToken(outputs: Outputs, summary: SummaryData, report: TokenReport): void {
  core.info(`User: ${report.username}; token kind: ${report.tokenType}; expiry: ${report.expiresAt?.toISOString() ?? 'unknown'}`)
  Object.assign(outputs, {
    username: report.username,
    'token-type': report.tokenType,
    'expires-at': report.expiresAt?.toISOString() ?? '',
    'days-left': report.daysLeft === undefined ? '' : String(report.daysLeft),
    'expiry-source': report.expirySource,
  })
  Object.assign(summary, {
    username: report.username,
    tokenKind: describeKind(report),
    createdAt: report.details?.createdAt,
    expiresAt: report.expiresAt,
    expirySource: report.expirySource,
    daysLeft: report.daysLeft,
  })
}

async function finish(runner: Runner, outputs: Outputs, summary: SummaryData, status: Status): Promise<void> {
  outputs.status = status
  summary.status = status
  for (const name of OUTPUT_NAMES) core.setOutput(name, runner.redact(outputs[name]))
  // Error findings were already printed as annotations; a thrown failure is printed by setFailed.
  if (status === 'error' && !summary.failure) process.exitCode = 1
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.appendSummary(runner.redact(renderSummary(summary)))
    } catch (e) {
      core.warning(`Could not write the job summary: ${describeError(e)}`)
    }
  }
}

function describeKind(report: TokenReport): string {
  const details = report.details
  if (!details) return report.tokenType
  const traits = [details.readonly === true ? 'read-only' : details.readonly === false ? 'read-write' : '']
  if (details.cidr.length > 0) traits.push(`CIDR ${details.cidr.join(', ')}`)
  if (details.bypass2fa === true) traits.push('bypasses 2FA')
  return [report.tokenType, ...traits.filter(Boolean)].join(', ')
}

function userAgent(): string {
  return `setup-npm-auth node/${process.version} ${process.platform} ${process.arch}`
}

/** upgrade-npm: the only child process the action may start, and only on that opt-in. */
async function installCurrentNpm(): Promise<void> {
  const { exec } = await import('@actions/exec')
  await exec('npm', ['install', '--global', 'npm@^11.5.1', '--no-audit', '--no-fund'])
}
