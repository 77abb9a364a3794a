/**
 * Every failure the action reports to a user is one of these: a stable `name`, and a message that says
 * what was wrong, the value seen (never a secret) and what to do. `run()` catches once and prints only
 * the message: users never see a stack trace.
 */
import type { AdviceCause } from './types.js'

export class ActionError extends Error {
  override name = 'ActionError'
  /** What the advice follows (registry/advice.ts), when the failure has a known cause. */
  adviceCause?: AdviceCause
  /**
   * A short hint for one-line contexts (describeError adds it after the message; words that fit the
   * action and the CLI alike). The job summary gives the full advice for `adviceCause` instead.
   */
  hint?: string
}

/** Sets what an error's advice follows and its short hint. */
function advised<E extends ActionError>(error: E, cause: AdviceCause | undefined, hint: string | undefined): E {
  if (cause) error.adviceCause = cause
  if (hint) error.hint = hint
  return error
}

/** An input that cannot be used as given. */
export class InputError extends ActionError {
  override name = 'InputError'
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`Input '${input}': ${message}`)
  }
}

/** The registry refused the token (expired, revoked, unknown). */
export class TokenRejectedError extends ActionError {
  override name = 'TokenRejectedError'
  override adviceCause: AdviceCause = 'token-rejected'
}

/** The registry could not be reached, timed out, or kept failing after retries. */
export class NetworkError extends ActionError {
  override name = 'NetworkError'
  constructor(message: string, cause: 'unreachable' | 'timed-out' | 'rate-limited' | 'registry-down' = 'unreachable', hint?: string) {
    super(message)
    advised(this, cause, hint)
  }
}

/** The registry answered, but not with what the protocol says it answers. */
export class ResponseError extends ActionError {
  override name = 'ResponseError'
  constructor(
    message: string,
    readonly status: number,
    cause?: AdviceCause,
    hint?: string,
  ) {
    super(message)
    advised(this, cause ?? (status === 429 ? 'rate-limited' : status >= 500 ? 'registry-down' : undefined), hint)
  }
}

/** Writing or restoring the .npmrc failed for a reason the user can act on. */
export class NpmrcError extends ActionError {
  override name = 'NpmrcError'
}

/** The registry npm uses could not be determined. */
export class RegistryConfigError extends ActionError {
  override name = 'RegistryConfigError'
}

/**
 * The one-line text shown for anything thrown. Our own errors carry a user-facing message; anything
 * else is a bug or an unexpected runtime failure, reported by its message (and name) without a stack.
 */
export function describeError(error: unknown): string {
  if (error instanceof ActionError) return error.hint ? `${error.message} ${error.hint}` : error.message
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code
    return `Unexpected ${error.name}${code ? ` (${code})` : ''}: ${error.message}`
  }
  if (typeof error === 'string') return error
  try {
    return `Unexpected failure: ${JSON.stringify(error)}`
  } catch {
    return `Unexpected failure: ${String(error)}`
  }
}
