/**
 * The CLI: `setup-npm-auth <command>`, for GitLab, CircleCI, Jenkins and laptops. Parses the command
 * line, runs the command, and maps every failure to a one-line message and an exit code (0 ok,
 * 1 warning, 2 error or bad usage). Never exits the process itself: cli/main.ts does.
 */
import { EXIT_CODE } from '../check/grade.js'
import { describeError } from '../errors.js'
import { parseArgs, type ParsedArgs } from './args.js'
import { CHECK_FLAGS, CHECK_USAGE, runCheck } from './commands/check.js'
import type { CliIo } from './io.js'

export type { CliIo } from './io.js'

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: ParsedArgs
  try {
    args = parseArgs(argv, CHECK_FLAGS)
  } catch (error) {
    io.err(`${describeError(error)}\n\n${CHECK_USAGE}\n`)
    return EXIT_CODE.error
  }
  if (args.help) {
    io.out(`${CHECK_USAGE}\n`)
    return EXIT_CODE.ok
  }
  if (args.command !== 'check') {
    io.err(`Unknown command ${JSON.stringify(args.command)}.\n\n${CHECK_USAGE}\n`)
    return EXIT_CODE.error
  }
  try {
    return await runCheck(args, io)
  } catch (error) {
    io.err(`error: ${describeError(error)}\n`)
    return EXIT_CODE.error
  }
}
