/**
 * The runner shell: read inputs → decide → act → report. The only place that talks to @actions/core
 * (with post.ts) and the only place that fails the step.
 */
import * as core from '@actions/core'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative, resolve } from 'node:path'
import type { Finding, Status } from './assess.js'
import { describeError, TokenRejectedError, ActionError } from './errors.js'
import { HttpClient } from './http.js'
import { parseSettings, type Settings } from './inputs.js'
import type { Logger } from './logger.js'
import { askNpmForRegistry, findNpmOnPath, npmDefaultRegistry, npmEnvConfig, resolveNpmRegistry } from './npm-config.js'
import { mergeNpmrc, readExisting, writeFileAtomic } from './npmrc.js'
import { StateKey } from './state.js'
import { renderSummary, type SummaryData } from './summary.js'
import { checkToken } from './token-check.js'

export const OUTPUT_NAMES = ['auth-method', 'username', 'token-type', 'expires-at', 'days-left', 'expiry-source', 'status', 'npmrc-path', 'registry-url'] as const
type Outputs = Record<(typeof OUTPUT_NAMES)[number], string>

export const coreLogger: Logger = {
  info: (m) => core.info(m),
  debug: (m) => core.debug(m),
  notice: (m, title) => core.notice(m, title ? { title } : {}),
  warning: (m, title) => core.warning(m, title ? { title } : {}),
}

/** Masks a secret and each of its lines (the runner masks line by line) before anything can print it. */
export function mask(secret: string): void {
  if (!secret) return
  core.setSecret(secret)
  for (const part of [secret.trim(), ...secret.split(/\r?\n/).map((l) => l.trim())]) {
    if (part.length >= 4 && part !== secret) core.setSecret(part)
  }
}

async function group<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  core.startGroup(name)
  try {
    return await fn()
  } finally {
    core.endGroup()
  }
}

export async function run(): Promise<void> {
  const outputs: Outputs = Object.fromEntries(OUTPUT_NAMES.map((n) => [n, ''])) as Outputs
  const summary: SummaryData = {
    mode: 'setup',
    authMethod: '',
    authReason: '',
    registry: undefined,
    registrySource: '',
    username: '',
    tokenKind: '',
    createdAt: undefined,
    expiresAt: undefined,
    expirySource: '',
    daysLeft: undefined,
    status: 'error',
    npmrcPath: '',
    findings: [],
  }
  try {
    // First thing: the token is masked before any input is even parsed.
    mask(core.getInput('token'))
    const settings = await group('Inputs', () => {
      const parsed = parseSettings((name) => core.getInput(name))
      core.info(`mode: ${parsed.mode}, auth: ${parsed.auth}, warn-days: ${parsed.warnDays}, fail-days: ${parsed.failDays}`)
      return parsed
    })
    mask(settings.githubToken)
    summary.mode = settings.mode

    const { registry, source, isPublicRegistry } = await group('Registry', () => chooseRegistry(settings))
    outputs['registry-url'] = registry.href
    summary.registry = registry
    summary.registrySource = source

    const auth = chooseAuth(settings)
    outputs['auth-method'] = auth.method
    summary.authMethod = auth.method
    summary.authReason = auth.reason
    core.info(`Authentication: ${auth.method} (${auth.reason})`)

    const http = new HttpClient({ deadline: Date.now() + settings.timeoutMs, logger: coreLogger, userAgent: userAgent() })
    const report = await group('Token', async () => {
      try {
        return await checkToken({
          http,
          registry,
          token: settings.token,
          mode: settings.mode,
          warnDays: settings.warnDays,
          failDays: settings.failDays,
          expiresOn: settings.expiresOn,
          isPublicRegistry,
          runnerEnvironment: process.env.RUNNER_ENVIRONMENT,
          now: new Date(),
        })
      } catch (error) {
        if (error instanceof TokenRejectedError) summary.findings.push({ level: 'error', title: 'npm token rejected', message: error.message })
        throw error
      }
    })
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
      tokenKind: describeKind(report.tokenType, report.details),
      createdAt: report.details?.createdAt,
      expiresAt: report.expiresAt,
      expirySource: report.expirySource,
      daysLeft: report.daysLeft,
    })
    summary.findings.push(...report.findings)
    report.findings.forEach(annotate)

    if (settings.mode === 'setup' && report.status !== 'error') {
      const npmrcPath = await group('.npmrc', () => writeNpmrc(settings, registry, isPublicRegistry))
      outputs['npmrc-path'] = npmrcPath
      summary.npmrcPath = npmrcPath
    }
    finish(outputs, summary, report.status)
  } catch (error) {
    const message = describeError(error)
    summary.failure = message
    finish(outputs, summary, 'error')
    core.setFailed(message)
    if (!(error instanceof ActionError)) core.debug(error instanceof Error && error.stack ? error.stack : String(error))
  }
}

function finish(outputs: Outputs, summary: SummaryData, status: Status): void {
  outputs.status = status
  summary.status = status
  for (const name of OUTPUT_NAMES) core.setOutput(name, outputs[name])
  if (status === 'error' && !summary.failure) process.exitCode = core.ExitCode.Failure
  if (process.env.GITHUB_STEP_SUMMARY) {
    core.summary.addRaw(renderSummary(summary)).write().catch((e: unknown) => core.warning(`Could not write the job summary: ${describeError(e)}`))
  }
}

function annotate(finding: Finding): void {
  const props = { title: finding.title }
  if (finding.level === 'error') core.error(finding.message, props)
  else if (finding.level === 'warning') core.warning(finding.message, props)
  else core.notice(finding.message, props)
}

function describeKind(type: string, details: { readonly?: boolean; cidr: string[]; bypass2fa?: boolean } | undefined): string {
  if (!details) return type
  const traits = [details.readonly === true ? 'read-only' : details.readonly === false ? 'read-write' : '']
  if (details.cidr.length > 0) traits.push(`CIDR ${details.cidr.join(', ')}`)
  if (details.bypass2fa === true) traits.push('bypasses 2FA')
  return [type, ...traits.filter(Boolean)].join(', ')
}

function userAgent(): string {
  return `setup-npm-auth node/${process.version} ${process.platform} ${process.arch}`
}

async function chooseRegistry(settings: Settings): Promise<{ registry: URL; source: string; isPublicRegistry: boolean }> {
  const npm = findNpmOnPath(process.env)
  const cwd = resolve(settings.workingDirectory)
  const { url: registry, source } = settings.registryUrl
    ? { url: settings.registryUrl, source: 'the registry-url input' }
    : await resolveNpmRegistry({ env: process.env, cwd, scope: settings.scope, npm, askNpm: () => askNpmForRegistry(cwd, process.env) })
  const npmDefault = npmDefaultRegistry(npm)
  const isPublicRegistry = npmDefault !== undefined && npmDefault.href === registry.href
  core.info(`Registry: ${registry.href} (${source})${npm ? `; npm ${npm.version} on PATH` : '; no npm found on PATH'}`)
  if (registry.protocol === 'http:' && !isLoopback(registry.hostname)) {
    core.warning(`The registry ${registry.href} is plain http: the token travels unencrypted. Use https.`, { title: 'Insecure registry URL' })
  }
  return { registry, source, isPublicRegistry }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

function chooseAuth(settings: Settings): { method: 'token'; reason: string } {
  const oidcAvailable = !!process.env.ACTIONS_ID_TOKEN_REQUEST_URL && !!process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  if (settings.auth === 'oidc') {
    throw new ActionError('auth: oidc (trusted publishing) is not supported by this version of the action yet. Use auth: token with a granular access token.')
  }
  if (!settings.token) {
    throw new ActionError(
      'No token to check: the token input is empty. Pass `token: ${{ secrets.NPM_TOKEN }}` (a granular access token stored as a repository secret).',
    )
  }
  return { method: 'token', reason: settings.auth === 'token' ? 'auth: token' : oidcAvailable ? 'a token was given' : 'no OIDC in this job (no id-token: write)' }
}

/** Writes (or merges into) the user config npm will read, and exports what later steps need. */
function writeNpmrc(settings: Settings, registry: URL, isPublicRegistry: boolean): string {
  const configured = npmEnvConfig(process.env, 'userconfig')
  const path = configured ? resolve(configured) : join(runnerTemp(), '.npmrc')
  const workspace = process.env.GITHUB_WORKSPACE
  if (workspace && isInside(path, resolve(workspace))) {
    core.warning(`${path} is inside the workspace: a later step could commit or upload it. Point NPM_CONFIG_USERCONFIG outside the workspace.`, { title: '.npmrc inside the workspace' })
  }
  const existing = readExisting(path)
  const text = mergeNpmrc(existing ?? '', { registry, tokenEnv: settings.tokenEnv, scope: settings.scope, setDefaultRegistry: !isPublicRegistry })
  writeFileAtomic(path, text)
  core.saveState(StateKey.NpmrcPath, path)
  core.saveState(StateKey.NpmrcCreated, existing === undefined ? 'true' : 'false')
  core.info(`${existing === undefined ? 'Wrote' : 'Merged into'} ${path} (mode 0600):`)
  core.info(text.replace(/\n$/, ''))
  core.exportVariable('NPM_CONFIG_USERCONFIG', path)
  if (settings.exportToken) {
    core.exportVariable(settings.tokenEnv, settings.token)
    core.info(`Exported NPM_CONFIG_USERCONFIG and ${settings.tokenEnv} (masked) for later steps.`)
  } else {
    core.info(`Exported NPM_CONFIG_USERCONFIG. export-token is false: set ${settings.tokenEnv} in the env of the steps that publish.`)
  }
  return path
}

function runnerTemp(): string {
  return process.env.RUNNER_TEMP || mkdtempSync(join(tmpdir(), 'setup-npm-auth-'))
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}
