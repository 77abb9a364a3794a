import type { Logger } from '../ports/logger.js'

/** What a CLI command gets of its process: the environment and the two output streams. */
export interface CliIo {
  env: NodeJS.ProcessEnv
  out: (text: string) => void
  err: (text: string) => void
  /** Redacts a secret learned while running (an exchanged token) from everything printed after. */
  mask?: (secret: string) => void
}

/** A command's progress log: on stderr (results go to stdout), quiet with --json but for notices and warnings. */
export function cliLogger(io: CliIo, json: boolean): Logger & { env: NodeJS.ProcessEnv } {
  return {
    env: io.env,
    info: (m) => json || io.err(`${m}\n`),
    debug: () => {},
    notice: (m, t) => io.err(`notice: ${t ? `${t}: ` : ''}${m}\n`),
    warning: (m, t) => io.err(`warning: ${t ? `${t}: ` : ''}${m}\n`),
  }
}
