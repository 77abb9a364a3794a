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
import type { CliIo } from './io.js'
import { Redactor } from '../util/redactor.js'
import { neutraliseLog } from '../util/untrusted.js'

export type { CliIo } from './io.js'

interface Command {
  flags: Readonly<Record<string, string>>
  usage: string
  /** Takes LOG… style arguments besides flags. */
  positionals: boolean
  run: (args: ParsedArgs, io: CliIo) => Promise<number>
}

const COMMANDS: Record<string, Command> = {
  check: { flags: CHECK_FLAGS, usage: CHECK_USAGE, positionals: false, run: runCheck },
  explain: { flags: EXPLAIN_FLAGS, usage: EXPLAIN_USAGE, positionals: true, run: runExplain },
  preflight: { flags: PREFLIGHT_FLAGS, usage: PREFLIGHT_USAGE, positionals: false, run: runPreflight },
}

const USAGE = `${CHECK_USAGE}

Other commands:
  preflight             will trusted publishing work in this CI job (GitHub, GitLab, CircleCI)? (preflight --help)
  explain [LOG…]        why npm commands failed, from npm's debug logs (setup-npm-auth explain --help)`

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
    out: (text) => io.out(clean(text)),
    err: (text) => io.err(clean(text)),
    mask: (secret) => {
      redactor.add(secret)
      io.mask?.(secret)
    },
  }
}

export async function runCli(argv: readonly string[], rawIo: CliIo): Promise<number> {
  const io = safeIo(rawIo)
  const command = Object.hasOwn(COMMANDS, argv[0] ?? '') ? COMMANDS[argv[0]] : undefined
  let args: ParsedArgs
  try {
    args = parseArgs(argv, command?.flags ?? CHECK_FLAGS)
    if (command && !command.positionals && args.positionals.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(args.positionals[0])}.`)
  } catch (error) {
    io.err(`${describeError(error)}\n\n${command?.usage ?? USAGE}\n`)
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
