/**
 * `setup-npm-auth preflight`: the action's trusted-publishing pre-flight for any CI npm accepts it from
 * (GitHub Actions, GitLab CI/CD, CircleCI). Gets the ID token the way npm does (NPM_ID_TOKEN first),
 * exchanges it once per package, and for each package that would not publish names the cause and the
 * `npm trust …` command that fixes it. Exit 0 every package would publish, 1 warnings only, 2 otherwise.
 */
import { EXIT_CODE, worstOf } from '../../check/grade.js'
import { ActionError, describeError } from '../../errors.js'
import { HttpClient } from '../../http/client.js'
import { claimsRecord, describeClaims, type IdTokenClaims } from '../../oidc/claims.js'
import { npmAudience, oidcEnvironment } from '../../oidc/exchange.js'
import { trustCommandsFinding } from '../../oidc/flow.js'
import { preflight, type PreflightReport } from '../../oidc/preflight.js'
import { PROVIDERS, detectProvider, missingIdTokenAdvice, provenanceFor } from '../../oidc/providers.js'
import { packagesToCheck } from '../../project/local-packages.js'
import { MIN_NPM_FOR_STAGE } from '../../publishing/policy.js'
import { findNpmOnPath } from '../../registry/npm-config.js'
import { chooseRegistry } from '../../registry/resolve.js'
import { parseSettings } from '../../settings/parse.js'
import type { Finding, OidcProvider, Status } from '../../types.js'
import { versionAtLeast } from '../../util/semver.js'
import type { ParsedArgs } from '../args.js'
import { LocalSetupError } from '../failure.js'
import { cliLogger, say, type CliIo } from '../io.js'

export const PREFLIGHT_FLAGS: Readonly<Record<string, string>> = {
  '--packages': 'packages',
  '--registry': 'registry-url',
  '--publish': 'publish',
  '--timeout-seconds': 'timeout-seconds',
}

export const PREFLIGHT_USAGE = `Usage: setup-npm-auth preflight [options]

Checks that npm's trusted publishing (OIDC) will work for this CI job before \`npm publish\` runs: on GitHub
Actions, GitLab CI/CD or CircleCI. The ID token is the one npm would use (NPM_ID_TOKEN first, else GitHub's
runner); one token exchange per package; for each package that would not publish, the cause and the
\`npm trust …\` command that fixes it.

Options:
  --packages a,b        the packages to check (default: package.json here, or its workspaces)
  --registry URL        the registry (default: the registry npm is configured to use)
  --publish MODE        direct (default) or stage: a staging job needs npm ${MIN_NPM_FOR_STAGE}+ and a publisher that allows it
  --timeout-seconds N   overall deadline for the requests (default 25)
  --json                print the result as JSON; a failure as one JSON object too
                        (setup-npm-auth --help, "Errors")
  -h, --help            this help

Exit codes: 0 every package would publish, 1 warnings only (e.g. no provenance), 2 otherwise.`

interface PreflightResult {
  provider: OidcProvider
  'registry-url': string
  status: Status
  audience: string
  claims: Record<string, string>
  packages: Array<{ name: string; ok: boolean; status: number }>
  provenance: boolean
  'provenance-reason': string
  'trust-commands': string[]
  findings: Finding[]
}

export async function runPreflight(args: ParsedArgs, io: CliIo): Promise<number> {
  const { env } = io
  // io redacts and neutralises everything printed (cli/run-cli.ts safeIo: NPM_ID_TOKEN and the request
  // token from the env, exchanged tokens through io.mask).
  const log = cliLogger(io, args.json)
  const provider = detectProvider(env)
  if (!provider) {
    throw new LocalSetupError(
      'No CI provider npm accepts trusted publishing from was detected (GITHUB_ACTIONS=true, GITLAB_CI or CIRCLECI is set by those CIs). Run this inside the publishing job.',
    )
  }
  const settings = parseSettings((name) => (name === 'mode' ? 'setup' : (args.inputs[name] ?? '')))
  const stage = settings.publish === 'stage'
  // The registry is the report's second row: not also a progress line.
  const { registry, isPublicRegistry } = await chooseRegistry({ ...log, info: () => {} }, settings)
  const audience = npmAudience(registry)
  const oidcEnv = oidcEnvironment(env)
  if (oidcEnv.npmIdToken) io.mask?.(oidcEnv.npmIdToken)
  const result: PreflightResult = {
    provider,
    'registry-url': registry.href,
    status: 'error',
    audience,
    claims: {},
    packages: [],
    provenance: false,
    'provenance-reason': '',
    'trust-commands': [],
    findings: [],
  }
  const findings = result.findings
  const finish = (): number => {
    result.status = worstOf(findings)
    result.findings = findings.map((f) => ({ ...f, title: say(io, f.title), message: say(io, f.message) }))
    print(io, args.json, result)
    return EXIT_CODE[result.status]
  }

  if (!oidcEnv.npmIdToken && !(provider === 'github' && oidcEnv.requestUrl && oidcEnv.requestToken)) {
    findings.push({
      level: 'error',
      title: `No ID token for npm on ${PROVIDERS[provider].label}`,
      message: `NPM_ID_TOKEN is not set. ${missingIdTokenAdvice(provider, audience)}`,
    })
    return finish()
  }
  const npmProblem = npmVersionProblem(env, provider, stage)
  if (npmProblem) findings.push(npmProblem)

  const packages = packagesToCheck(settings.packages, settings.workingDirectory)
  const http = new HttpClient({ deadline: Date.now() + settings.timeoutMs, logger: log, env })
  let report: PreflightReport
  try {
    report = await preflight({
      http,
      registry,
      packages,
      env: oidcEnv,
      onSecret: (s) => io.mask?.(s),
      keepTokens: false,
      stage,
      isPublicRegistry,
    })
  } catch (error) {
    if (!(error instanceof ActionError)) throw error
    findings.push({ level: 'error', title: 'No ID token', message: describeError(error) })
    return finish()
  }
  const claims = report.claims
  result.claims = claimsRecord(claims)
  findings.push(...tokenFindings(claims, provider, audience))
  for (const r of report.results) {
    result.packages.push({ name: r.name, ok: r.ok, status: r.status })
    if (r.diagnosis) {
      findings.push({
        level: 'error',
        title: `Trusted publishing will fail for ${r.name}`,
        message: [
          r.diagnosis.headline,
          `The ID token claimed: ${describeClaims(claims).join('; ')}.`,
          'Likely causes, most likely first:',
          ...r.diagnosis.causes.map((c, i) => `${i + 1}. ${c}`),
        ].join('\n'),
      })
      if (r.diagnosis.trustCommand) result['trust-commands'].push(r.diagnosis.trustCommand)
    }
  }
  if (result['trust-commands'].length > 1) findings.push(trustCommandsFinding(result['trust-commands']))
  const provenance = provenanceFor(provider, claims, env)
  result.provenance = provenance.on
  result['provenance-reason'] = provenance.reason
  // A warning only when the job could have provenance and lacks a piece; by design off (private, CircleCI) is a note.
  if (!provenance.on) {
    findings.push({
      level: provenance.missing ? 'warning' : 'notice',
      title: 'No provenance',
      message: `npm will publish without provenance: ${provenance.reason}.`,
    })
  }
  return finish()
}

/** What the token says before any exchange: another provider's token, a wrong audience, self-hosted. */
function tokenFindings(claims: IdTokenClaims, provider: OidcProvider, audience: string): Finding[] {
  const findings: Finding[] = []
  if (claims.provider && claims.provider !== provider) {
    findings.push({
      level: 'warning',
      title: 'ID token from another provider',
      message: `This job looks like ${PROVIDERS[provider].label}, but the ID token's claims are ${PROVIDERS[claims.provider].label}'s.`,
    })
  }
  if (claims.audience && !claims.audience.split(', ').includes(audience)) {
    findings.push({
      level: 'error',
      title: 'ID token for another registry',
      message: `The ID token's audience is ${claims.audience}; npm needs ${audience} for this registry.`,
    })
  }
  if (claims.runnerEnvironment === 'self-hosted') {
    findings.push({
      level: 'error',
      title: 'Self-hosted runner',
      message: 'npm does not accept trusted publishing from self-hosted runners: use a hosted runner, or a token.',
    })
  }
  return findings
}

function npmVersionProblem(env: NodeJS.ProcessEnv, provider: OidcProvider, stage: boolean): Finding | undefined {
  const minimum = stage ? MIN_NPM_FOR_STAGE : PROVIDERS[provider].minNpm
  const found = findNpmOnPath(env)?.version
  if (found && versionAtLeast(found, minimum)) return undefined
  return {
    level: 'error',
    title: `npm ${minimum} or newer needed`,
    message: `${stage ? '`npm stage publish`' : `Trusted publishing from ${PROVIDERS[provider].label}`} needs npm ${minimum} or newer; the npm on PATH is ${found ?? 'missing'}. Install a current npm first (\`npm install -g npm@11\`).`,
  }
}

function print(io: CliIo, json: boolean, result: PreflightResult): void {
  if (json) {
    io.out(`${JSON.stringify(result, null, 2)}\n`)
    return
  }
  const rows: Array<[string, string]> = [
    ['provider', PROVIDERS[result.provider].label],
    ['registry', result['registry-url']],
    ['audience', result.audience],
    ...Object.entries(result.claims).map(([k, v]): [string, string] => [k, v || '—']),
    ...result.packages.map((p): [string, string] => [p.name, p.ok ? `ok (HTTP ${p.status})` : `fails (HTTP ${p.status})`]),
    ['provenance', `${result.provenance ? 'on' : 'off'}${result['provenance-reason'] ? ` (${result['provenance-reason']})` : ''}`],
    ['status', result.status],
  ]
  const width = Math.max(...rows.map(([k]) => k.length)) + 1
  const text =
    rows.map(([k, v]) => `${k.padEnd(width)} ${v}`).join('\n') +
    '\n' +
    result.findings.map((f) => `\n${f.level}: ${f.title}\n  ${f.message.replace(/\n/g, '\n  ')}\n`).join('')
  io.out(text)
}
