/**
 * Every failure the action reports to a user is one of these: a stable `name`, and a message that says
 * what was wrong, the value seen (never a secret) and what to do. `run()` catches once and prints only
 * the message: users never see a stack trace.
 */
export class ActionError extends Error {
  override name = 'ActionError'
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
}

/** The registry could not be reached, timed out, or kept failing after retries. */
export class NetworkError extends ActionError {
  override name = 'NetworkError'
}

/** The registry answered, but not with what the protocol says it answers. */
export class ResponseError extends ActionError {
  override name = 'ResponseError'
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
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
  if (error instanceof ActionError) return error.message
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
