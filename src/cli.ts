/**
 * The same token check outside GitHub Actions (a laptop, GitLab, Jenkins):
 *
 *   NPM_TOKEN=… npx setup-npm-auth check [--registry URL] [--warn-days N] [--fail-days N] [--expires-on YYYY-MM-DD] [--json]
 *
 * The token comes from the environment only (NPM_TOKEN, else NODE_AUTH_TOKEN): a token on the command
 * line would be visible to every process on the machine. Exit codes: 0 ok, 1 warning, 2 error (also
 * bad usage), so a pipeline can tell "rotate soon" from "broken".
 */
import type { Finding, Status } from './assess.js'
import { ActionError, describeError, TokenRejectedError } from './errors.js'
import { HttpClient } from './http.js'
import { parseSettings } from './inputs.js'
import type { Logger } from './logger.js'
import { chooseRegistry } from './registry-choice.js'
import { checkToken, type TokenReport } from './token-check.js'

export const EXIT: Record<Status, number> = { ok: 0, warning: 1, error: 2 }

const USAGE = `Usage: setup-npm-auth check [options]

Checks the npm token in $NPM_TOKEN (or $NODE_AUTH_TOKEN): who it belongs to, its kind and its expiry.

Options:
  --registry URL        registry to check against (default: the registry npm is configured to use)
  --scope @SCOPE        use the registry configured for this scope
  --warn-days N         warn when the token expires within N days (default 14)
  --fail-days N         fail when it expires within N days (default 0: only once expired)
  --expires-on DATE     expiry (YYYY-MM-DD) to use when the registry reports none
  --timeout-seconds N   overall deadline for the registry requests (default 25)
  --json                print the result as JSON (the action's outputs)
  -h, --help            this help

Exit codes: 0 ok, 1 warning, 2 error.`

const FLAGS: Record<string, string> = {
  '--registry': 'registry-url',
  '--scope': 'scope',
  '--warn-days': 'warn-days',
  '--fail-days': 'fail-days',
  '--expires-on': 'expires-on',
  '--timeout-seconds': 'timeout-seconds',
}

export interface CliIo {
  env: NodeJS.ProcessEnv
  out: (text: string) => void
  err: (text: string) => void
}

class UsageError extends ActionError {
  override name = 'UsageError'
}

export function parseArgs(argv: readonly string[]): { command: string; inputs: Record<string, string>; json: boolean; help: boolean } {
  const [command = '', ...rest] = argv
  const inputs: Record<string, string> = {}
  let json = false
  let help = command === '-h' || command === '--help'
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    if (flag === '--json') json = true
    else if (flag === '-h' || flag === '--help') help = true
    else if (flag === '--token') throw new UsageError('--token is not accepted: a token on the command line is visible to every process. Set NPM_TOKEN instead.')
    else if (flag in FLAGS) {
      const value = inline ?? rest[++i]
      if (value === undefined) throw new UsageError(`${flag} needs a value.`)
      inputs[FLAGS[flag]] = value
    } else throw new UsageError(`Unknown option ${JSON.stringify(arg)}.`)
  }
  return { command, inputs, json, help }
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs(argv)
  } catch (error) {
    io.err(`${describeError(error)}\n\n${USAGE}\n`)
    return EXIT.error
  }
  if (parsed.help) {
    io.out(`${USAGE}\n`)
    return EXIT.ok
  }
  if (parsed.command !== 'check') {
    io.err(`Unknown command ${JSON.stringify(parsed.command)}.\n\n${USAGE}\n`)
    return EXIT.error
  }
  const token = (io.env.NPM_TOKEN || io.env.NODE_AUTH_TOKEN || '').trim()
  const log: Logger & { env: NodeJS.ProcessEnv } = {
    env: io.env,
    info: (m) => parsed.json || io.err(`${m}\n`),
    debug: () => {},
    notice: (m, t) => io.err(`notice: ${t ? `${t}: ` : ''}${m}\n`),
    warning: (m, t) => io.err(`warning: ${t ? `${t}: ` : ''}${m}\n`),
  }
  try {
    if (!token) throw new UsageError('No token: set NPM_TOKEN (or NODE_AUTH_TOKEN) in the environment.')
    const settings = parseSettings((name) => (name === 'token' ? token : name === 'mode' ? 'check' : (parsed.inputs[name] ?? '')))
    const { registry, source, isPublicRegistry } = await chooseRegistry(log, settings.registryUrl, settings.scope, settings.workingDirectory)
    const http = new HttpClient({ deadline: Date.now() + settings.timeoutMs, logger: log })
    let report: TokenReport | undefined
    let rejection: string | undefined
    try {
      report = await checkToken({
        http,
        registry,
        token,
        mode: 'check',
        warnDays: settings.warnDays,
        failDays: settings.failDays,
        expiresOn: settings.expiresOn,
        isPublicRegistry,
        runnerEnvironment: io.env.RUNNER_ENVIRONMENT,
        now: new Date(),
      })
    } catch (error) {
      if (!(error instanceof TokenRejectedError)) throw error
      rejection = error.message
    }
    const status: Status = rejection ? 'error' : report!.status
    const findings: Finding[] = rejection ? [{ level: 'error', title: 'npm token rejected', message: rejection }] : report!.findings
    if (parsed.json) {
      io.out(
        `${JSON.stringify(
          {
            status,
            'registry-url': registry.href,
            username: report?.username ?? '',
            'token-type': report?.tokenType ?? '',
            'expires-at': report?.expiresAt?.toISOString() ?? '',
            'days-left': report?.daysLeft ?? null,
            'expiry-source': report?.expirySource ?? '',
            findings,
          },
          null,
          2,
        )}\n`,
      )
    } else {
      const rows: Array<[string, string]> = [
        ['registry', `${registry.href} (${source})`],
        ['user', report?.username ?? '—'],
        ['token kind', report?.tokenType ?? '—'],
        ['expires', report?.expiresAt ? `${report.expiresAt.toISOString().slice(0, 10)}${report.expirySource === 'input' ? ' (from --expires-on)' : ''}` : 'unknown'],
        ['days left', report?.daysLeft === undefined ? '—' : String(report.daysLeft)],
        ['status', status],
      ]
      io.out(rows.map(([k, v]) => `${k.padEnd(11)} ${v}`).join('\n') + '\n')
      for (const f of findings) io.out(`\n${f.level}: ${f.title}\n  ${f.message.replace(/\n/g, '\n  ')}\n`)
    }
    return EXIT[status]
  } catch (error) {
    io.err(`error: ${describeError(error)}\n`)
    return EXIT.error
  }
}
