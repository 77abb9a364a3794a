/**
 * What the flows need of the GitHub runner, as an interface: the shell (core-runner.ts) implements it
 * with @actions/core, tests with plain objects. Keeps @actions/* out of the domain.
 */
import type { Finding } from './assess.js'
import type { Logger } from './logger.js'

export interface Runner extends Logger {
  /** Masks a secret in every later log line; call before anything can print it. */
  mask(secret: string): void
  /**
   * Replaces every masked secret in text written to files the runner does not mask for us (job summary,
   * outputs, issue bodies): registry-controlled text (an npm-notice, an error message) could echo one.
   */
  redact(text: string): string
  exportVariable(name: string, value: string): void
  saveState(name: string, value: string): void
  annotate(finding: Finding): void
  group<T>(name: string, fn: () => Promise<T> | T): Promise<T>
  env: NodeJS.ProcessEnv
}
