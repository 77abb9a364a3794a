/**
 * `setup-npm-auth token list|create|rotate|revoke`: the whole life of an npm token, from a machine logged
 * in with `npm login`. create/rotate put the new token straight into the repository's (or environment's)
 * Actions secret — never on screen — and its expiry record into the variable `<SECRET>_EXPIRES_AT`, which
 * the workflow passes to the action as `expires-on`. The ordering and the undo are tokens/lifecycle.ts's.
 */
import { EXIT_CODE } from '../../check/grade.js'
import { ActionError } from '../../errors.js'
import { GitHubActionsApi } from '../../github/actions-api.js'
import { actionsName, environmentName } from '../../github/names.js'
import { parseRepoSlug, repoFromRemoteUrl, type RepoRef } from '../../github/repo.js'
import { findLocalPackages } from '../../project/local-packages.js'
import type { CreateTokenRequest, RegistryToken } from '../../registry/token-admin.js'
import { quote } from '../../settings/parse.js'
import { createAndStore, describeToken, findCurrent, resolveOne, rotate, type LifecycleResult, type SecretStorePort } from '../../tokens/lifecycle.js'
import { namePattern, renderTable, tokenRows, worstRow } from '../../tokens/list-report.js'
import {
  defaultTokenName,
  parseCidrs,
  parseExpiresDays,
  parseOrgs,
  parsePackageList,
  parsePermission,
  parseScopes,
  successorRequest,
  variableFor,
  type Destination,
} from '../../tokens/plan.js'
import { UsageError, type ParsedArgs } from '../args.js'
import { cliLogger, type CliIo } from '../io.js'
import { githubToken, openRegistrySession, runQuiet, timeoutMs } from './token-context.js'
import { HttpClient } from '../../http/client.js'

const CLI = 'npx setup-npm-auth'

function days(args: ParsedArgs, name: string, fallback: number): number {
  const raw = args.inputs[name]
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw) || Number(raw) > 3650) throw new UsageError(`--${name} ${quote(raw)}: expected a whole number of days (0–3650).`)
  return Number(raw)
}

export async function runTokenList(args: ParsedArgs, io: CliIo): Promise<number> {
  const log = cliLogger(io, args.json)
  const warnDays = days(args, 'warn-days', 14)
  const failDays = days(args, 'fail-days', 0)
  const { registry, port } = await openRegistrySession(args, io, log)
  const tokens = await port.list()
  const matches = args.inputs.name !== undefined ? namePattern(args.inputs.name) : undefined
  const rows = tokenRows(
    tokens.filter((t) => !matches || matches(t.name ?? '')),
    { now: new Date(), warnDays, failDays, registry },
  )
  const status = worstRow(rows)
  if (args.json) io.out(`${JSON.stringify({ registry: registry.href, status, tokens: rows }, null, 2)}\n`)
  else io.out(renderTable(rows, io.colour === true))
  return EXIT_CODE[status]
}

export async function runTokenRevoke(args: ParsedArgs, io: CliIo): Promise<number> {
  const log = cliLogger(io, args.json)
  if (args.positionals.length !== 1) throw new UsageError('token revoke takes exactly one token: its id, name or redacted form.')
  const { port } = await openRegistrySession(args, io, log)
  const target = resolveOne(
    (await port.list()).filter((t) => !t.revoked),
    args.positionals[0],
  )
  io.err(`Revoking ${describeToken(target)} …\n`)
  await port.remove(target.key)
  if (args.json) io.out(`${JSON.stringify({ revoked: tokenJson(target) }, null, 2)}\n`)
  else io.out(`Revoked ${describeToken(target)}.\n`)
  return EXIT_CODE.ok
}

/** Where the token goes: --repo (else the origin remote), --secret, --environment. */
async function destination(args: ParsedArgs, io: CliIo): Promise<Destination & { host?: string }> {
  let repo: RepoRef & { host?: string }
  if (args.inputs.repo !== undefined) repo = parseRepoSlug(args.inputs.repo)
  else {
    const remote = await runQuiet('git', ['config', '--get', 'remote.origin.url'], io.env)
    const found = remote ? repoFromRemoteUrl(remote) : undefined
    if (!found) throw new UsageError('No --repo, and no GitHub `origin` remote in this directory. Pass --repo OWNER/REPO.')
    repo = found
  }
  const secret = actionsName('secret', args.inputs.secret ?? 'NPM_TOKEN')
  const environment = args.inputs.environment !== undefined ? environmentName(args.inputs.environment) : undefined
  return { owner: repo.owner, repo: repo.repo, secret, ...(environment ? { environment } : {}), ...(repo.host ? { host: repo.host } : {}) }
}

/** The GitHub side, checked before anything is created: the repository (and environment) exist for this token. */
async function openSecretStore(
  dest: Destination & { host?: string },
  io: CliIo,
  budgetMs: number,
): Promise<{ port: SecretStorePort; recorded: string | undefined }> {
  const { token, source } = await githubToken(io, dest.host)
  io.mask?.(token)
  const http = new HttpClient({ deadline: Date.now() + budgetMs, env: io.env })
  const api = new GitHubActionsApi({ http, apiUrl: io.env.GITHUB_API_URL || undefined, token, tokenSource: source })
  const repo: RepoRef = { owner: dest.owner, repo: dest.repo }
  await api.repository(repo)
  if (dest.environment !== undefined && !(await api.environmentExists(repo, dest.environment))) {
    throw new ActionError(
      `The repository ${dest.owner}/${dest.repo} has no environment ${JSON.stringify(dest.environment)}. Create it (Settings → Environments) or leave out --environment.`,
    )
  }
  // The variable we will write, read once: refuses a GitHub token without variables access before a token is
  // made, and gives rotate the recorded fingerprint.
  const recorded = await api.getVariable(repo, variableFor(dest.secret), dest.environment)
  const port: SecretStorePort = {
    putSecret: (name, value) => api.putSecret(repo, name, value, dest.environment),
    getVariable: (name) => api.getVariable(repo, name, dest.environment),
    setVariable: (name, value) => api.setVariable(repo, name, value, dest.environment),
    deleteVariable: (name) => api.deleteVariable(repo, name, dest.environment),
  }
  return { port, recorded }
}

export async function runTokenCreate(args: ParsedArgs, io: CliIo): Promise<number> {
  const log = cliLogger(io, args.json)
  const printToken = args.inputs['print-token'] === 'true'
  if (printToken && (args.inputs.repo ?? args.inputs.secret ?? args.inputs.environment) !== undefined) {
    throw new UsageError('--print-token prints the token instead of storing it: leave out --repo, --secret and --environment.')
  }
  if (printToken && !io.outSecret) throw new UsageError('--print-token cannot print here.')
  const permission = parsePermission(args.inputs.permission)
  const expiresDays = parseExpiresDays(args.inputs.expires, permission)
  const cidr = parseCidrs(args.inputs.cidr)
  const scopes = parseScopes(args.inputs.scopes)
  const orgs = parseOrgs(args.inputs.orgs)
  let packages = parsePackageList(args.inputs.packages)
  if (packages.length === 0 && scopes.length === 0 && orgs.length === 0) {
    packages = findLocalPackages('.')
      .filter((p) => !p.private)
      .map((p) => p.name)
    if (packages.length === 0)
      throw new UsageError('No --packages or --scopes, and no public package in package.json here. Say which packages the token may publish.')
    log.info(`Packages (from package.json here): ${packages.join(', ')}`)
  }
  const dest = printToken ? undefined : await destination(args, io)
  const name = args.inputs.name ?? (dest ? defaultTokenName(dest) : undefined)
  if (!name) throw new UsageError('--print-token needs --name: the token is not tied to a repository secret, so there is no default name.')
  if (permission === 'read-write') {
    log.warning(
      'npm ends direct publishing with granular tokens in January 2027. Use --permission stage-only (publish with `npm stage publish`, approve on npmjs.com) or trusted publishing (OIDC, no token at all) to keep releasing after that.',
      'Direct publishing ends January 2027',
    )
  }
  const store = dest ? (await openSecretStore(dest, io, timeoutMs(args))).port : undefined
  const session = await openRegistrySession(args, io, log)
  const existing = (await session.port.list()).filter((t) => !t.revoked && t.name === name)
  if (existing.length > 0) {
    throw new ActionError(
      `A live token is already named ${name} (${existing.map(describeToken).join('; ')}). To replace it use \`${CLI} token rotate\`; or choose another --name.`,
    )
  }
  const request: CreateTokenRequest = { name, expiresDays, packages, scopes, orgs, permission, cidr, bypass2fa: args.inputs['bypass-2fa'] === 'true' }
  const result = await createAndStore({
    request,
    registry: session.port,
    store: store && dest ? { port: store, destination: dest } : undefined,
    progress: { step: (m) => log.info(m) },
    now: new Date(),
    cli: CLI,
    learned: (secret) => io.mask?.(secret),
  })
  // The one place the token is printed: its own line, or (with --json) the `value` of the JSON's token.
  if (printToken && !args.json) io.outSecret!(`${result.created.token}\n`)
  report(
    result,
    args,
    printToken && args.json ? { ...io, out: io.outSecret! } : io,
    session.registry,
    session.isPublicRegistry,
    printToken ? result.created.token : undefined,
  )
  return EXIT_CODE.ok
}

export async function runTokenRotate(args: ParsedArgs, io: CliIo): Promise<number> {
  const log = cliLogger(io, args.json)
  const dest = await destination(args, io)
  const { port: store, recorded } = await openSecretStore(dest, io, timeoutMs(args))
  const session = await openRegistrySession(args, io, log)
  const tokens = await session.port.list()
  const name = defaultTokenName(dest)
  const current = findCurrent(tokens, { tokenId: args.inputs['token-id'], name, recorded })
  log.info(`Replacing ${describeToken(current)}`)
  const permission = current.permission ?? 'read-write'
  const expiresDays = args.inputs.expires !== undefined ? parseExpiresDays(args.inputs.expires, permission) : undefined
  const request = successorRequest(current, name, expiresDays)
  if (request.packages.length === 0 && !request.allPackages && request.scopes.length === 0 && request.orgs.length === 0) {
    throw new ActionError(
      `The registry does not say which packages ${describeToken(current)} covers: create the successor with \`${CLI} token create\` and the packages it needs.`,
    )
  }
  const result = await rotate({
    current,
    request,
    keepOld: args.inputs['keep-old'] === 'true',
    registry: session.port,
    store: { port: store, destination: dest },
    progress: { step: (m) => log.info(m) },
    now: new Date(),
    cli: CLI,
    learned: (secret) => io.mask?.(secret),
  })
  report(result, args, io, session.registry, session.isPublicRegistry)
  return EXIT_CODE.ok
}

function tokenJson(t: RegistryToken) {
  return {
    id: t.key,
    name: t.name ?? null,
    token: t.redacted ?? null,
    permission: t.permission ?? null,
    packages: t.allPackages ? ['*', ...t.packages] : t.packages,
    scopes: t.scopes,
    orgs: t.orgs,
    cidr: t.cidr,
    bypass2fa: t.bypass2fa ?? null,
    expires: t.expiresAt?.toISOString() ?? null,
  }
}

/** The workflow lines that use what was stored. */
export function workflowLines(dest: Destination, registry: URL, isPublicRegistry: boolean, permission: string): string {
  const lines = [
    ...(dest.environment ? [`    environment: ${dest.environment}`] : []),
    '    steps:',
    '      - uses: setup-npm-auth/setup-npm-auth@v1',
    '        with:',
    ...(isPublicRegistry ? [] : [`          registry-url: ${registry.href}`]),
    `          token: \${{ secrets.${dest.secret} }}`,
    `          expires-on: \${{ vars.${variableFor(dest.secret)} }}`,
    ...(permission === 'read-write-stage-only' ? ['          publish: stage'] : []),
  ]
  return lines.join('\n')
}

function report(result: LifecycleResult, args: ParsedArgs, io: CliIo, registry: URL, isPublicRegistry: boolean, printed?: string): void {
  const { created, stored } = result
  const permission = created.permission ?? 'read-write'
  if (args.json) {
    io.out(
      `${JSON.stringify(
        {
          registry: registry.href,
          token: {
            ...tokenJson({ ...created, redacted: result.fingerprint }),
            expires: result.expiresAt.toISOString(),
            ...(printed ? { value: printed } : {}),
          },
          verifiedAs: result.username,
          stored: stored
            ? {
                repository: `${stored.destination.owner}/${stored.destination.repo}`,
                environment: stored.destination.environment ?? null,
                secret: stored.destination.secret,
                secretAction: stored.secret,
                variable: stored.variable,
                variableAction: stored.variableAction,
                record: stored.record,
              }
            : null,
          replaced: result.replaced ? tokenJson(result.replaced) : null,
          revokedOld: result.revokedOld,
        },
        null,
        2,
      )}\n`,
    )
    return
  }
  const lines = [
    `Created ${result.fingerprint} "${created.name ?? ''}" (id ${created.key}): ${permission}, expires ${result.expiresAt.toISOString()} — verified, it belongs to ${result.username}.`,
  ]
  if (stored) {
    const where = `${stored.destination.owner}/${stored.destination.repo}${stored.destination.environment ? ` (environment ${stored.destination.environment})` : ''}`
    lines.push(`Stored in the secret ${stored.destination.secret} of ${where} (${stored.secret}); expiry recorded in the variable ${stored.variable}.`)
  }
  if (result.replaced)
    lines.push(
      result.revokedOld
        ? `Revoked the old token ${describeToken(result.replaced)}.`
        : `Kept the old token ${describeToken(result.replaced)} (--keep-old): revoke it when nothing uses it.`,
    )
  if (stored) lines.push('', 'Use it in the workflow:', '', workflowLines(stored.destination, registry, isPublicRegistry, permission))
  if (permission === 'read-write-stage-only')
    lines.push('', 'Publish with `npm stage publish`, then approve the staged version on npmjs.com (or `npm stage approve`).')
  io.out(`${lines.join('\n')}\n`)
}

export const TOKEN_SUBCOMMANDS = ['list', 'create', 'rotate', 'revoke'] as const
