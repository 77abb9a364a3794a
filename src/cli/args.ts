/**
 * The command line, parsed: `setup-npm-auth <command> [--flag value | --flag=value]…`. Flags map to the
 * action's input names, so the CLI feeds the same settings parser the action does.
 */
import { ActionError } from '../errors.js'

/** Bad usage: an unknown flag, a missing value. Exit 2 with the usage text. */
export class UsageError extends ActionError {
  override name = 'UsageError'
}

export interface ParsedArgs {
  command: string
  /** Values by action input name (`--warn-days 3` → `warn-days: '3'`). */
  inputs: Record<string, string>
  /** Arguments that are not flags (`explain LOG…`). */
  positionals: string[]
  json: boolean
  help: boolean
}

/** `flags`: each accepted value flag and the input it sets; `switches`: flags without a value (set to 'true'). */
export function parseArgs(argv: readonly string[], flags: Readonly<Record<string, string>>, switches: Readonly<Record<string, string>> = {}): ParsedArgs {
  const [command = '', ...rest] = argv
  const inputs: Record<string, string> = {}
  const positionals: string[] = []
  let json = false
  let help = command === '-h' || command === '--help'
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    if (flag === '--json') json = true
    else if (flag === '-h' || flag === '--help') help = true
    else if (flag === '--token')
      throw new UsageError('--token is not accepted: a token on the command line is visible to every process. Set NPM_TOKEN instead.')
    else if (Object.hasOwn(switches, flag)) {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value.`)
      inputs[switches[flag]] = 'true'
    } else if (Object.hasOwn(flags, flag)) {
      const value = inline ?? rest[++i]
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value.`)
      inputs[flags[flag]] = value
    } else if (!arg.startsWith('-')) positionals.push(arg)
    else throw new UsageError(`Unknown option ${JSON.stringify(arg)}.`)
  }
  return { command, inputs, positionals, json, help }
}
