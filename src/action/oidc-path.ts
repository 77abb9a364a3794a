/** The trusted-publishing path of the step: the pre-flight (oidc/flow.ts), reported as outputs and summary. */
import type { HttpClient } from '../http/client.js'
import { claimsRecord } from '../oidc/claims.js'
import { runOidcFlow, type OidcOutcome } from '../oidc/flow.js'
import type { Runner } from '../ports/runner.js'
import type { Target } from '../registry/target.js'
import type { Status } from '../types.js'
import { worst } from '../check/grade.js'
import { runPublishStep } from './publish-step.js'
import type { StepReport } from './step-report.js'

/** How an auth path ended, and what the config files then carry. */
export interface PathOutcome {
  status: Status
  /** The value to export into token-env (the token, or an exchanged one); undefined: export nothing. */
  exportValue: string | undefined
  /** Write the credential line(s) at all. */
  authLine: boolean
}

export interface OidcPathInput {
  runner: Runner
  report: StepReport
  target: Target
  http: HttpClient
  installNpm: () => Promise<void>
  now: Date
}

export async function runOidcPath({ runner, report, target, http, installNpm, now }: OidcPathInput): Promise<PathOutcome> {
  const { settings, registry, isPublicRegistry } = target
  const outcome = await runner.group(
    'Trusted publishing (OIDC) pre-flight',
    () => runOidcFlow({ runner, http, registry, isPublicRegistry, settings, installNpm, now, profile: target.profile }),
    preflightResult,
  )
  report.add(...outcome.findings)
  if (outcome.tokenReport) report.recordToken(outcome.tokenReport)
  const results = outcome.preflight.results
  const packages = results.map((r) => ({ name: r.name, ok: r.ok, status: r.status }))
  report.set('packages', packages)
  report.recordPreflight(packages, outcome.preflight.claims, outcome.npmVersion)
  report.set('provenance', outcome.provenance)
  report.set('oidc-claims', claimsRecord(outcome.preflight.claims))
  report.summary.oidc = {
    packages: results.map((r) => ({ name: r.name, ok: r.ok, result: r.ok ? `✅ ok (HTTP ${r.status})` : `❌ failed (HTTP ${r.status})` })),
    claims: outcome.preflight.claims,
    provenance: outcome.provenance,
    provenanceReason: outcome.provenanceReason,
    npmVersion: outcome.npmVersion,
    trustCommands: results.flatMap((r) => (r.diagnosis?.trustCommand ? [r.diagnosis.trustCommand] : [])),
  }
  const exchanged = new Map(results.filter((r) => r.ok && r.token).map((r) => [r.name, r.token!]))
  const publishing = await runPublishStep({
    runner,
    report,
    target,
    http,
    method: 'oidc',
    tokenFor: (name) => exchanged.get(name),
    tokenStageOnly: undefined,
    packages: results.map((r) => r.name),
    now,
  })
  // Under OIDC a credential line is written only when a usable token will be in the env.
  // A token given alongside OIDC is exported only once the registry accepted it: a dead token in
  // the env is what npm falls back to when its own exchange fails, and breaks installs with E401.
  const tokenVerified = outcome.tokenReport !== undefined
  const givenToken = settings.exportToken && settings.token && tokenVerified ? settings.token : undefined
  const exportValue = outcome.exportValue ?? givenToken
  return { status: worst(outcome.status, publishing.status), exportValue, authLine: exportValue !== undefined || (tokenVerified && !settings.exportToken) }
}

/** `3 packages ok`, `2 of 3 packages failed`. */
export function preflightResult(outcome: OidcOutcome): string {
  const results = outcome.preflight.results
  const failed = results.filter((r) => !r.ok).length
  const count = `${results.length} package${results.length === 1 ? '' : 's'}`
  return failed > 0 ? `${failed} of ${count} failed` : `${count} ok`
}
