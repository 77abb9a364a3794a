/**
 * What the step has found so far, in one place: a finding is annotated the moment it is added and kept
 * for the job summary; outputs are set through a typed builder (report/outputs.ts). `finish` and
 * `fail` write both out at the end.
 */
import type { AuthDecision } from '../auth/choose-auth.js'
import type { TokenReport } from '../check/check-token.js'
import { encodeContext, type DiagnosisContext } from '../diagnose/context.js'
import type { IdTokenClaims } from '../oidc/claims.js'
import { describeError, ActionError } from '../errors.js'
import type { ActionRunner } from '../ports/runner.js'
import { causeOfError } from '../registry/advice.js'
import type { Target } from '../registry/target.js'
import { emptyOutputs, OUTPUT_NAMES, outputText, tokenOutputs, usernameOutput, type OutputName, type Outputs } from '../report/outputs.js'
import { renderSummary, type SummaryData } from '../report/summary.js'
import { StateKey } from '../state-keys.js'
import { capUtf8Bytes, SUMMARY_MAX_BYTES } from '../util/text-limit.js'
import type { Finding, Mode, Status } from '../types.js'

export class StepReport {
  readonly outputs: Outputs = emptyOutputs()
  readonly summary: SummaryData = { mode: 'setup', authMethod: '', authReason: '', registrySource: '', status: 'error', findings: [] }

  /** What the post step's diagnosis will need, gathered as the step learns it (logsDir empty: no diagnosis). */
  private readonly diagnosis: DiagnosisContext = {
    startedAt: 0,
    logsDir: '',
    registry: '',
    isPublicRegistry: false,
    authMethod: '',
    tokenEnv: 'NODE_AUTH_TOKEN',
    preflight: null,
    claims: null,
    token: null,
    npmVersion: null,
  }

  constructor(private readonly runner: ActionRunner) {}

  /** npm's debug logs of the later steps go to `logsDir`: finish saves what the post step needs to explain a failure. */
  enableDiagnosis(logsDir: string, startedAt: number, logsDirTemporary = false): void {
    Object.assign(this.diagnosis, { logsDir, startedAt, logsDirTemporary })
  }

  set<K extends OutputName>(name: K, value: Outputs[K]): void {
    this.outputs[name] = value
  }

  add(...findings: Finding[]): void {
    for (const finding of findings) {
      this.summary.findings.push(finding)
      this.runner.annotate(finding)
    }
  }

  recordMode(mode: Mode): void {
    this.summary.mode = mode
  }

  recordTarget({ registry, source, profile, settings }: Target): void {
    this.set('registry-url', registry.href)
    Object.assign(this.diagnosis, { registry: registry.href, isPublicRegistry: profile.npmPolicies, tokenEnv: settings.tokenEnv })
    this.summary.registry = registry
    this.summary.registrySource = profile.kind === 'generic' ? source : `${source}; ${profile.label}`
    Object.assign(this.summary, {
      registryKind: profile.kind,
      npmPolicies: profile.npmPolicies,
      secret: settings.expiryRecord?.secret,
    } satisfies Partial<SummaryData>)
  }

  recordAuth(auth: AuthDecision): void {
    this.set('auth-method', auth.method)
    this.summary.authMethod = auth.method
    this.summary.authReason = auth.reason
    this.diagnosis.authMethod = auth.method
    this.runner.info(`Authentication: ${auth.method} (${auth.reason})`)
    this.add(...auth.findings)
  }

  recordToken(report: TokenReport): void {
    this.runner.info(`User: ${report.username}; token kind: ${report.tokenType}; expiry: ${report.expiresAt?.toISOString() ?? 'unknown'}`)
    Object.assign(this.outputs, tokenOutputs(report))
    if (report.username !== '' && usernameOutput(report.username) === '') {
      this.runner.warning(
        'The registry answered a username that is not a plain single line (line breaks, control characters or a runner command in it); the username output is left empty.',
        'Username not used',
      )
    }
    const { readonly, bypass2fa } = report.details ?? {}
    this.diagnosis.token = { kind: report.tokenType, expiresAt: report.expiresAt?.toISOString() ?? '', readonly, bypass2fa }
    Object.assign(this.summary, {
      username: report.username,
      tokenKind: describeKind(report),
      createdAt: report.details?.createdAt,
      expiresAt: report.expiresAt,
      expirySource: report.expirySource,
      daysLeft: report.daysLeft,
      rotateCommand: report.rotateCommand,
    } satisfies Partial<SummaryData>)
  }

  /** The OIDC pre-flight's facts the diagnosis needs: which packages were exchanged, the claims, npm's version. */
  recordPreflight(preflight: Array<{ name: string; ok: boolean; status: number }>, claims: IdTokenClaims, npmVersion: string | undefined): void {
    const { repository, workflowRef, environment, repositoryVisibility } = claims
    Object.assign(this.diagnosis, { preflight, claims: { repository, workflowRef, environment, repositoryVisibility }, npmVersion: npmVersion ?? null })
  }

  /** Writes the outputs and the job summary. An error status fails the step (its findings are annotated already). */
  async finish(status: Status): Promise<void> {
    this.set('status', status)
    this.summary.status = status
    // The runner's command files can fail to take a line (a full disk, a path that is not a file): that
    // ends the step as one clean error, never a stack trace, and is not retried by fail().
    if (!this.commandFilesFailed) {
      try {
        if (this.diagnosis.logsDir) this.runner.saveState(StateKey.Diagnosis, encodeContext(this.diagnosis))
        for (const name of OUTPUT_NAMES) this.runner.setOutput(name, outputText(this.outputs[name]))
      } catch (e) {
        this.commandFilesFailed = true
        this.runner.fail(`Could not write the step's outputs (GITHUB_OUTPUT / GITHUB_STATE): ${describeError(e)}`)
      }
    }
    if (status === 'error' && !this.summary.failure) this.runner.fail()
    if (this.summaryWritten || !this.runner.hasSummary()) return
    this.summaryWritten = true
    try {
      // GitHub refuses a step summary over 1 MiB (e.g. many packages): cut, with a note.
      await this.runner.appendSummary(capUtf8Bytes(renderSummary(this.summary), SUMMARY_MAX_BYTES))
    } catch (e) {
      this.runner.fail(`Could not write the job summary (GITHUB_STEP_SUMMARY): ${describeError(e)}`)
    }
  }

  private commandFilesFailed = false
  private summaryWritten = false

  /** Ends the step on a thrown failure: what was found stays reported, the failure is added, no stack trace shown. */
  async fail(error: unknown): Promise<void> {
    const message = describeError(error)
    // The summary shows the problem and, for a known cause, the advice once under "What to do".
    this.summary.failure = { message, problem: error instanceof ActionError ? error.message : message, cause: causeOfError(error) }
    await this.finish('error')
    this.runner.fail(message)
    if (!(error instanceof ActionError)) this.runner.debug(error instanceof Error && error.stack ? error.stack : String(error))
  }
}

function describeKind(report: TokenReport): string {
  const details = report.details
  if (!details) return report.tokenType
  const traits = [details.stageOnly ? 'stage-only' : details.readonly === true ? 'read-only' : details.readonly === false ? 'read-write' : '']
  if (details.cidr.length > 0) traits.push(`CIDR ${details.cidr.join(', ')}`)
  if (details.bypass2fa === true) traits.push('bypasses 2FA')
  return [report.tokenType, ...traits.filter(Boolean)].join(', ')
}
