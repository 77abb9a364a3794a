/**
 * What the core needs of the place it runs in, as interfaces: the action's shell implements them over
 * the runner's workflow commands (action/github-runner.ts), the CLI over a terminal, tests with plain
 * objects. Nothing below the entry points imports @actions/* or reads process.env: the env comes in here.
 */
import type { Finding } from '../types.js'
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
  /**
   * Runs one phase of the step as a group of log lines. `result` words what the phase found, for the
   * group's title (`Token: ok — alice, expires …`); a phase that throws is titled `failed`.
   */
  group<T>(name: string, fn: () => Promise<T> | T, result?: (value: T) => string): Promise<T>
  /** The environment of the job (or of the CLI's process): the only one the core reads. */
  env: NodeJS.ProcessEnv
}

/** What the action's orchestration adds to the Runner: its inputs, outputs, the job summary, failing the step. */
export interface ActionRunner extends Runner {
  /** An input as the runner passes it (INPUT_<NAME>), trimmed; '' when not set. */
  getInput(name: string): string
  setOutput(name: string, value: string): void
  /** Appends Markdown to the job summary; throws when the runner gives no summary file. */
  appendSummary(markdown: string): Promise<void>
  /** Whether the runner gives a job summary file at all. */
  hasSummary(): boolean
  /** Marks the step failed. With a message, also prints it as an error annotation. */
  fail(message?: string): void
}
