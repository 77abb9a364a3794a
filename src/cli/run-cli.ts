/**
 * The CLI: `setup-npm-auth <command>`, for GitLab, CircleCI, Jenkins and laptops. Parses the command
 * line (no command: the general help; --version; help COMMAND), runs the command, and maps every failure
 * to one message, or one JSON object with --json, and an exit code (0 ok, 1 warning, 2 error or bad
 * usage). Never exits the process itself: cli/main.ts does.
 */
import { EXIT_CODE } from '../check/grade.js'
import { HELP_FLAGS, parseArgs, UsageError, VERSION_FLAGS, wantsJson, type ParsedArgs } from './args.js'
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
import { failureJson, failureOf, failureText } from './failure.js'
import { CLI_NAME, GENERAL_HELP } from './help.js'
import type { CliIo } from './io.js'
import { VERSION } from './version.js'
import { cliWords, PLAIN_WORDS, type CliWords } from './words.js'
import { Redactor } from '../util/redactor.js'
import { neutraliseLog } from '../util/untrusted.js'

export type { CliIo } from './io.js'

interface Command {
  flags: Readonly<Record<string, string>>
  /** Flags without a value. */
  switches?: Readonly<Record<string, string>>
  usage: string
  /** Inputs the command reads from the environment instead of a flag (input → variable), for its messages. */
  environment?: Readonly<Record<string, string>>
  /** Takes LOG… style arguments besides flags. */
  positionals: boolean
  run: (args: ParsedArgs, io: CliIo) => Promise<number>
}

const COMMANDS: Record<string, Command> = {
  check: { flags: CHECK_FLAGS, usage: CHECK_USAGE, environment: { token: 'NPM_TOKEN' }, positionals: false, run: runCheck },
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

/** Foreground colours, bold, dim and reset (SGR): nothing that moves the cursor, hides text or talks to the terminal. */
const COLOUR = /(\x1b\[(?:0|1|2|22|3[0-7]|39|9[0-7])m)/

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
  // On a terminal that wants colour, the colours the CLI paints (token list's statuses) survive; any other
  // escape sequence is shown escaped, as everywhere else.
  const clean = (text: string) =>
    io.colour
      ? redactor
          .redact(text)
          .split(COLOUR)
          .map((part, i) => (i % 2 === 1 ? part : neutraliseLog(part)))
          .join('')
      : neutraliseLog(redactor.redact(text))
  return {
    env: io.env,
    interactive: io.interactive,
    colour: io.colour,
    words: io.words,
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

/** Before the command only `--json` may come (`setup-npm-auth --json check` = `setup-npm-auth check --json`). */
const LEADING_SWITCHES: ReadonlySet<string> = new Set(['--json'])

type Invocation = { kind: 'help'; text: string } | { kind: 'version' } | { kind: 'run'; name: string; command: Command; args: ParsedArgs }

/** Where the help is, for a usage error: the command's help once the command is known. */
interface Context {
  hint: string
  words: CliWords
}

/** What the command line asks for; throws a UsageError for what it cannot be. */
function invocationOf(rawArgv: readonly string[], context: Context): Invocation {
  const leading = rawArgv.findIndex((arg) => !LEADING_SWITCHES.has(arg))
  const argv = leading <= 0 ? rawArgv : [...rawArgv.slice(leading), ...rawArgv.slice(0, leading)]
  const [first, second] = argv
  if (first === undefined) return { kind: 'help', text: GENERAL_HELP }
  if (leading === -1) throw new UsageError('No command. Give one: check, preflight, explain or token.')
  if (HELP_FLAGS.has(first)) return { kind: 'help', text: GENERAL_HELP }
  if (VERSION_FLAGS.has(first)) return { kind: 'version' }
  if (first === 'help') return { kind: 'help', text: helpFor(argv.slice(1)) }
  if (first === 'token') {
    if (second !== undefined && Object.hasOwn(COMMANDS, `token ${second}`)) return run(`token ${second}`, argv.slice(2), context)
    context.hint = `Run \`${CLI_NAME} token --help\` for the token commands.`
    if (second === undefined || HELP_FLAGS.has(second)) return { kind: 'help', text: TOKEN_USAGE }
    if (VERSION_FLAGS.has(second)) return { kind: 'version' }
    throw new UsageError(`Unknown token command ${JSON.stringify(second)}: expected list, create, rotate or revoke.`)
  }
  if (Object.hasOwn(COMMANDS, first)) return run(first, argv.slice(1), context)
  context.hint = `Run \`${CLI_NAME} --help\` for the commands.`
  throw new UsageError(`Unknown ${first.startsWith('-') ? 'option' : 'command'} ${JSON.stringify(first)}.`)
}

function run(name: string, rest: readonly string[], context: Context): Invocation {
  const command = COMMANDS[name]
  context.hint = `Run \`${CLI_NAME} ${name} --help\` for its options.`
  context.words = cliWords({ ...command.flags, ...command.switches }, command.environment)
  const args = parseArgs([name, ...rest], command.flags, command.switches)
  if (args.help) return { kind: 'help', text: command.usage }
  if (args.version) return { kind: 'version' }
  if (!command.positionals && args.positionals.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(args.positionals[0])}.`)
  return { kind: 'run', name, command, args }
}

/** `help`, `help check`, `help token`, `help token create`. */
function helpFor(topic: readonly string[]): string {
  const words = topic.filter((word) => !word.startsWith('-'))
  const name = words.join(' ')
  if (name === '') return GENERAL_HELP
  if (name === 'token') return TOKEN_USAGE
  if (Object.hasOwn(COMMANDS, name)) return COMMANDS[name].usage
  throw new UsageError(`No help for ${JSON.stringify(name)}: there is no such command. Commands: check, preflight, explain, token list|create|rotate|revoke.`)
}

/**
 * Runs one command line and returns the exit code: 0 ok, 1 warning, 2 error or bad usage. Every failure
 * ends here: `error: …` on stderr, or with --json one JSON object on stdout (cli/failure.ts).
 */
export async function runCli(rawArgv: readonly string[], rawIo: CliIo): Promise<number> {
  const io = safeIo(rawIo)
  const json = wantsJson(rawArgv)
  const context: Context = { hint: `Run \`${CLI_NAME} --help\` for the commands.`, words: PLAIN_WORDS }
  try {
    const invocation = invocationOf(rawArgv, context)
    if (invocation.kind === 'help') {
      io.out(`${invocation.text}\n`)
      return EXIT_CODE.ok
    }
    if (invocation.kind === 'version') {
      io.out(json ? `${JSON.stringify({ version: VERSION })}\n` : `${VERSION}\n`)
      return EXIT_CODE.ok
    }
    return await invocation.command.run(invocation.args, { ...io, words: context.words })
  } catch (error) {
    const failure = failureOf(error, context.words)
    if (json) io.out(failureJson(failure))
    else io.err(failureText(failure, context.hint))
    return EXIT_CODE.error
  }
}
