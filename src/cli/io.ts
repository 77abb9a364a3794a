import type { Logger } from '../ports/logger.js'
import type { CliWords } from './words.js'

/** What a CLI command gets of its process: the environment and the two output streams. */
export interface CliIo {
  env: NodeJS.ProcessEnv
  out: (text: string) => void
  err: (text: string) => void
  /** Redacts a secret learned while running (an exchanged token) from everything printed after. */
  mask?: (secret: string) => void
  /**
   * Prints a secret on stdout unredacted: only `token create --print-token` uses it, for CIs that are not
   * GitHub. Absent: the command refuses to print.
   */
  outSecret?: (text: string) => void
  /** Both stdin and stderr are terminals: a question can be asked and answered. */
  interactive?: boolean
  /** stdout is a terminal and colour is allowed (NO_COLOR unset). */
  colour?: boolean
  /** Asks a question on the terminal (stderr) and reads one line; hidden input for passwords. */
  prompt?: (question: string, opts?: { hidden?: boolean }) => Promise<string | undefined>
  /** The running command's words for the core's messages (its flags for the action's input names). */
  words?: CliWords
}

/** A message of the core in the command's words. */
export function say(io: CliIo, text: string): string {
  return io.words ? io.words.say(text) : text
}

/** A command's progress log: on stderr (results go to stdout), quiet with --json but for notices and warnings. */
export function cliLogger(io: CliIo, json: boolean): Logger & { env: NodeJS.ProcessEnv } {
  return {
    env: io.env,
    info: (m) => json || io.err(`${say(io, m)}\n`),
    debug: () => {},
    notice: (m, t) => io.err(`notice: ${t ? `${say(io, t)}: ` : ''}${say(io, m)}\n`),
    warning: (m, t) => io.err(`warning: ${t ? `${say(io, t)}: ` : ''}${say(io, m)}\n`),
  }
}
