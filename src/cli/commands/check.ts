/**
 * `setup-npm-auth check`: the action's token check outside GitHub Actions (a laptop, GitLab, Jenkins).
 * The token comes from the environment only (NPM_TOKEN, else NODE_AUTH_TOKEN): a token on the command
 * line would be visible to every process on the machine.
 */
import { assessToken } from '../../check/check-token.js'
import { EXIT_CODE, worst } from '../../check/grade.js'
import { assessPublishing } from '../../publishing/assess.js'
import { HttpClient } from '../../http/client.js'
import { registryProfile } from '../../registry/kind.js'
import { chooseRegistry } from '../../registry/resolve.js'
import { tokenOutputs } from '../../report/outputs.js'
import { parseSettings, parseToken } from '../../settings/parse.js'
import { UsageError, type ParsedArgs } from '../args.js'
import { cliLogger, say, type CliIo } from '../io.js'

export const CHECK_FLAGS: Readonly<Record<string, string>> = {
  '--registry': 'registry-url',
  '--scope': 'scope',
  '--warn-days': 'warn-days',
  '--fail-days': 'fail-days',
  '--expires-on': 'expires-on',
  '--timeout-seconds': 'timeout-seconds',
  '--publish': 'publish',
  '--stage-warn-days': 'stage-warn-days',
  '--packages': 'packages',
}

export const CHECK_USAGE = `Usage: setup-npm-auth check [options]

Checks the npm token in $NPM_TOKEN (or $NODE_AUTH_TOKEN): who it belongs to, its kind and its expiry.

Options:
  --registry URL        registry to check against (default: the registry npm is configured to use)
  --scope @SCOPE        use the registry configured for this scope
  --warn-days N         warn when the token expires within N days (default 14)
  --fail-days N         fail when it expires within N days (default 0: only once expired)
  --expires-on DATE     expiry (YYYY-MM-DD) to use when the registry reports none
  --timeout-seconds N   overall deadline for the registry requests (default 25)
  --publish MODE        what the publish step runs: auto (default), direct (npm publish) or stage
                        (npm stage publish); on npm's registry, direct publishing with a token gets
                        a warning: it ends in January 2027
  --stage-warn-days N   warn when a staged version has waited longer than N days (default 3)
  --packages a,b        the packages whose staged versions to list (default: package.json here)
  --json                print the result as JSON (the action's outputs); a failure as one JSON
                        object too (setup-npm-auth --help, "Errors")
  -h, --help            this help

Exit codes: 0 ok, 1 warning, 2 error.`

export async function runCheck(args: ParsedArgs, io: CliIo): Promise<number> {
  const tokenEnv = io.env.NPM_TOKEN?.trim() ? 'NPM_TOKEN' : 'NODE_AUTH_TOKEN'
  const log = cliLogger(io, args.json)
  if (!io.env[tokenEnv]?.trim()) throw new UsageError('No token: set NPM_TOKEN (or NODE_AUTH_TOKEN) in the environment.')
  // Checked here, so that a malformed token is reported as the variable it came from.
  const token = parseToken(io.env[tokenEnv], tokenEnv)
  const settings = parseSettings((name) => (name === 'token' ? token : name === 'mode' ? 'check' : (args.inputs[name] ?? '')))
  // The registry and where it came from are the report's first row: not also a progress line.
  const { registry, source, isPublicRegistry } = await chooseRegistry({ ...log, info: () => {} }, settings)
  const http = new HttpClient({ deadline: Date.now() + settings.timeoutMs, logger: log, env: io.env })
  const profile = registryProfile(registry, { choice: settings.registryKind, isPublicRegistry, githubServerUrl: io.env.GITHUB_SERVER_URL })
  const assessment = await assessToken({ http, registry, profile, settings, env: io.env, now: new Date(), defaultRegistry: isPublicRegistry })
  const { report } = assessment
  const publishing = assessment.rejected
    ? undefined
    : await assessPublishing({
        http,
        registry,
        npmRegistry: profile.npmPolicies,
        isPublicRegistry,
        method: 'token',
        settings,
        tokenFor: () => token,
        tokenStageOnly: report?.details?.stageOnly,
        env: io.env,
        now: new Date(),
      })
  const status = worst(assessment.status, publishing?.status ?? 'ok')
  const findings = [...assessment.findings, ...(publishing?.findings ?? [])].map((f) => ({ ...f, title: say(io, f.title), message: say(io, f.message) }))
  const fields = tokenOutputs(report)
  if (args.json) {
    const publish = { 'publish-command': publishing?.command ?? '', staged: publishing?.staged ?? null }
    io.out(`${JSON.stringify({ status, 'registry-url': registry.href, ...fields, ...publish, findings }, null, 2)}\n`)
  } else {
    const rows: Array<[string, string]> = [
      ['registry', `${registry.href} (${say(io, source)})`],
      ['user', report?.username ?? '—'],
      ['token kind', report?.tokenType ?? '—'],
      [
        'expires',
        report?.expiresAt ? `${report.expiresAt.toISOString().slice(0, 10)}${report.expirySource === 'input' ? ' (from --expires-on)' : ''}` : 'unknown',
      ],
      ['days left', report?.daysLeft === undefined ? '—' : String(report.daysLeft)],
      ['publish with', publishing ? `${publishing.command} (${say(io, publishing.reason)})` : '—'],
      ['staged', publishing?.staged ? publishing.staged.map((v) => `${v.package}@${v.version} (${v.id})`).join(', ') || 'none' : '—'],
      ['status', status],
    ]
    io.out(rows.map(([k, v]) => `${k.padEnd(11)} ${v}`).join('\n') + '\n')
    for (const f of findings) io.out(`\n${f.level}: ${f.title}\n  ${f.message.replace(/\n/g, '\n  ')}\n`)
  }
  return EXIT_CODE[status]
}
