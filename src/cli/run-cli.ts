/**
 * The CLI: `setup-npm-auth <command>`, for GitLab, CircleCI, Jenkins and laptops. Parses the command
 * line, runs the command, and maps every failure to a one-line message and an exit code (0 ok,
 * 1 warning, 2 error or bad usage). Never exits the process itself: cli/main.ts does.
 */
import { EXIT_CODE } from '../check/grade.js'
import { describeError } from '../errors.js'
import { parseArgs, UsageError, type ParsedArgs } from './args.js'
import { CHECK_FLAGS, CHECK_USAGE, runCheck } from './commands/check.js'
import { EXPLAIN_FLAGS, EXPLAIN_USAGE, runExplain } from './commands/explain.js'
import { PREFLIGHT_FLAGS, PREFLIGHT_USAGE, runPreflight } from './commands/preflight.js'
import {
  TOKEN_CREATE_FLAGS,
  TOKEN_CREATE_SWITCHES,
  TOKEN_CREATE_USAGE,
  TOKEN_LIST_FLAGS,
  TOKEN_LIST_USAGE,
  TOKEN_REVOKE_FLAGS,
  TOKEN_REVOKE_USAGE,
  TOKEN_ROTATE_FLAGS,
  TOKEN_ROTATE_SWITCHES,
  TOKEN_ROTATE_USAGE,
  TOKEN_USAGE,
} from './commands/token-usage.js'
import type { CliIo } from './io.js'
import { Redactor } from '../util/redactor.js'
import { neutraliseLog } from '../util/untrusted.js'

export type { CliIo } from './io.js'

interface Command {
  flags: Readonly<Record<string, string>>
  /** Flags without a value. */
  switches?: Readonly<Record<string, string>>
  usage: string
  /** Takes LOG… style arguments besides flags. */
  positionals: boolean
  run: (args: ParsedArgs, io: CliIo) => Promise<number>
}

const COMMANDS: Record<string, Command> = {
  check: { flags: CHECK_FLAGS, usage: CHECK_USAGE, positionals: false, run: runCheck },
  explain: { flags: EXPLAIN_FLAGS, usage: EXPLAIN_USAGE, positionals: true, run: runExplain },
  preflight: { flags: PREFLIGHT_FLAGS, usage: PREFLIGHT_USAGE, positionals: false, run: runPreflight },
  // The token commands load their module (and, through it, libsodium for the secret) only when run.
  'token list': { flags: TOKEN_LIST_FLAGS, usage: TOKEN_LIST_USAGE, positionals: false, run: lazy('runTokenList') },
  'token create': { flags: TOKEN_CREATE_FLAGS, switches: TOKEN_CREATE_SWITCHES, usage: TOKEN_CREATE_USAGE, positionals: false, run: lazy('runTokenCreate') },
  'token rotate': { flags: TOKEN_ROTATE_FLAGS, switches: TOKEN_ROTATE_SWITCHES, usage: TOKEN_ROTATE_USAGE, positionals: false, run: lazy('runTokenRotate') },
  'token revoke': { flags: TOKEN_REVOKE_FLAGS, usage: TOKEN_REVOKE_USAGE, positionals: true, run: lazy('runTokenRevoke') },
}

function lazy(name: 'runTokenList' | 'runTokenCreate' | 'runTokenRotate' | 'runTokenRevoke'): Command['run'] {
  return async (args, io) => (await import('./commands/token-run.js'))[name](args, io)
}

const USAGE = `${CHECK_USAGE}

Other commands:
  preflight             will trusted publishing work in this CI job (GitHub, GitLab, CircleCI)? (preflight --help)
  explain [LOG…]        why npm commands failed, from npm's debug logs (setup-npm-auth explain --help)
  token list|create|rotate|revoke
                        manage npm tokens from a machine logged in with npm login; create and rotate
                        store the token in a GitHub Actions secret (setup-npm-auth token --help)`

/** Environment variables whose values are credentials: never printed by any command, in any form. */
export const SECRET_ENV = ['NPM_TOKEN', 'NODE_AUTH_TOKEN', 'NPM_ID_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'SIGSTORE_ID_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN']

/**
 * The streams every command prints through: the same redaction as the action (util/redactor.ts: the
 * env's credentials and every secret learned, in any case or encoding) and the same neutralising (no
 * line can start a runner command when the CLI runs in a GitHub Actions step; controls shown escaped).
 */
export function safeIo(io: CliIo): CliIo {
  const redactor = new Redactor()
  for (const name of SECRET_ENV) redactor.add(io.env[name] ?? '')
  const clean = (text: string) => neutraliseLog(redactor.redact(text))
  return {
    env: io.env,
    interactive: io.interactive,
    colour: io.colour,
    prompt: io.prompt,
    // The one unredacted channel: `token create --print-token` prints the token it was asked for.
    outSecret: io.outSecret,
    out: (text) => io.out(clean(text)),
    err: (text) => io.err(clean(text)),
    mask: (secret) => {
      redactor.add(secret)
      io.mask?.(secret)
    },
  }
}

/** `token <sub> …` is the command `token <sub>`; `token` alone (or an unknown sub) gets the token usage. */
function commandOf(argv: readonly string[]): { key: string; argv: readonly string[]; usage: string } {
  if (argv[0] === 'token' && argv[1] !== undefined && Object.hasOwn(COMMANDS, `token ${argv[1]}`)) {
    const key = `token ${argv[1]}`
    return { key, argv: [key, ...argv.slice(2)], usage: COMMANDS[key].usage }
  }
  if (argv[0] === 'token') return { key: 'token', argv, usage: TOKEN_USAGE }
  return { key: argv[0] ?? '', argv, usage: USAGE }
}

export async function runCli(rawArgv: readonly string[], rawIo: CliIo): Promise<number> {
  const io = safeIo(rawIo)
  const { key, argv, usage } = commandOf(rawArgv)
  const command = Object.hasOwn(COMMANDS, key) ? COMMANDS[key] : undefined
  if (key === 'token' && !command) {
    const sub = rawArgv[1]
    const asked = sub === undefined || sub === '-h' || sub === '--help'
    ;(asked ? io.out : io.err)(`${asked ? '' : `Unknown token command ${JSON.stringify(sub)}.\n\n`}${TOKEN_USAGE}\n`)
    return asked ? EXIT_CODE.ok : EXIT_CODE.error
  }
  let args: ParsedArgs
  try {
    args = parseArgs(argv, command?.flags ?? CHECK_FLAGS, command?.switches)
    if (command && !command.positionals && args.positionals.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(args.positionals[0])}.`)
  } catch (error) {
    io.err(`${describeError(error)}\n\n${command?.usage ?? usage}\n`)
    return EXIT_CODE.error
  }
  if (args.help) {
    io.out(`${command?.usage ?? USAGE}\n`)
    return EXIT_CODE.ok
  }
  if (!command) {
    io.err(`Unknown command ${JSON.stringify(args.command)}.\n\n${USAGE}\n`)
    return EXIT_CODE.error
  }
  try {
    return await command.run(args, io)
  } catch (error) {
    io.err(`error: ${describeError(error)}\n`)
    return EXIT_CODE.error
  }
}
