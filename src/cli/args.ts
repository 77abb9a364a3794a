/**
 * The command line, parsed: `setup-npm-auth <command> [--flag value | --flag=value]…`. Flags map to the
 * action's input names, so the CLI feeds the same settings parser the action does.
 */
import { ActionError } from '../errors.js'

/** Bad usage: an unknown command or flag, a missing value. Exit 2; `flag` when one flag is to blame. */
export class UsageError extends ActionError {
  override name = 'UsageError'
  constructor(
    message: string,
    readonly flag?: string,
  ) {
    super(message)
  }
}

export interface ParsedArgs {
  command: string
  /** Values by action input name (`--warn-days 3` → `warn-days: '3'`). */
  inputs: Record<string, string>
  /** Arguments that are not flags (`explain LOG…`). */
  positionals: string[]
  json: boolean
  help: boolean
  version: boolean
}

/** `-h`/`--help` and `-V`/`--version`: accepted anywhere on the command line. */
export const HELP_FLAGS: ReadonlySet<string> = new Set(['-h', '--help'])
export const VERSION_FLAGS: ReadonlySet<string> = new Set(['-V', '--version'])

/** Whether `--json` is on the command line: then even a failure to parse it is reported as JSON. */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--json' || arg.startsWith('--json='))
}

/** `flags`: each accepted value flag and the input it sets; `switches`: flags without a value (set to 'true'). */
export function parseArgs(argv: readonly string[], flags: Readonly<Record<string, string>>, switches: Readonly<Record<string, string>> = {}): ParsedArgs {
  const [command = '', ...rest] = argv
  const inputs: Record<string, string> = {}
  const positionals: string[] = []
  let json = false
  let help = false
  let version = false
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    if (flag === '--token')
      throw new UsageError('--token is not accepted: a token on the command line is visible to every process. Set NPM_TOKEN instead.', '--token')
    const isSwitch = flag === '--json' || HELP_FLAGS.has(flag) || VERSION_FLAGS.has(flag) || Object.hasOwn(switches, flag)
    if (isSwitch && inline !== undefined) throw new UsageError(`${flag} takes no value.`, flag)
    if (flag === '--json') json = true
    else if (HELP_FLAGS.has(flag)) help = true
    else if (VERSION_FLAGS.has(flag)) version = true
    else if (Object.hasOwn(switches, flag)) inputs[switches[flag]] = 'true'
    else if (Object.hasOwn(flags, flag)) {
      const value = inline ?? rest[++i]
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value.`, flag)
      inputs[flags[flag]] = value
    } else if (!arg.startsWith('-')) positionals.push(arg)
    else throw new UsageError(`Unknown option ${JSON.stringify(arg)}.`, flag)
  }
  return { command, inputs, positionals, json, help, version }
}
