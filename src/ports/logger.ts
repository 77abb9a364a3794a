/**
 * What the core needs of a log. The action implements it over the runner's workflow commands
 * (action/github-runner.ts), the CLI over stderr, tests with plain objects.
 */
export interface Logger {
  info(message: string): void
  debug(message: string): void
  notice(message: string, title?: string): void
  warning(message: string, title?: string): void
}

/** A logger that drops everything; handy for pure callers. */
export const silentLogger: Logger = {
  info: () => {},
  debug: () => {},
  notice: () => {},
  warning: () => {},
}
