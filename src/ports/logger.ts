/**
 * What the domain needs of a log. The runner shell implements it with @actions/core; tests and the
 * command line can pass their own. Nothing below src/main.ts imports @actions/*.
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
