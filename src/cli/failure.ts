/**
 * A failure of any command, as the CLI shows it: one `error: …` line on stderr (bad usage adds where the
 * help is), or with --json ONE object on stdout and nothing else there:
 *
 *   {"status":"error","error":{"code":"network","message":"…"}}
 *
 * `code` says who has to act (FAILURE_CODES); extra fields where they help a script: `flag` (the flag that
 * was wrong), `httpStatus` (the registry's or GitHub's answer), `cause` (what the advice follows, e.g.
 * timed-out, rate-limited), `state` and `finish` (where token create|rotate stopped, the command that
 * completes it). The exit code is 2 either way.
 */
import { ActionError, InputError, describeError } from '../errors.js'
import { UsageError } from './args.js'
import { inputErrorText, type CliWords } from './words.js'

/** Every `error.code`, and what it means (the general help lists them). */
export const FAILURE_CODES = {
  usage: 'the command line: an unknown command or flag, a missing or bad value ("flag" names it)',
  config: "the local setup: npm's configuration and login session, package.json, a GitHub token",
  network: 'a registry or GitHub could not be reached, or did not answer in time',
  registry: 'the registry answered with something unexpected ("httpStatus")',
  auth: 'a credential was refused: the token, the npm login session, the one-time password',
  oidc: 'no ID token for trusted publishing could be had',
  github: 'the GitHub API refused or failed ("httpStatus")',
  lifecycle: 'token create|rotate stopped partway ("state" says what was left, "finish" how to complete it)',
  failed: 'anything else the message explains',
  internal: 'a bug: please report it',
} as const

export type FailureCode = keyof typeof FAILURE_CODES

export interface CliFailure {
  code: FailureCode
  message: string
  flag?: string
  httpStatus?: number
  cause?: string
  state?: string
  finish?: string
}

/** Something missing on this machine that the user sets up (a GitHub token): `config`. */
export class LocalSetupError extends ActionError {
  override name = 'LocalSetupError'
}

/** By the errors' stable `name`s, so this needs no import of the modules that throw them (token-admin and github load lazily). */
const CODE_BY_NAME: Readonly<Record<string, FailureCode>> = {
  UsageError: 'usage',
  InputError: 'usage',
  GitHubNameError: 'usage',
  RegistryConfigError: 'config',
  LocalSetupError: 'config',
  NetworkError: 'network',
  ResponseError: 'registry',
  TokenRejectedError: 'auth',
  SessionError: 'auth',
  OtpRequiredError: 'auth',
  IdTokenError: 'oidc',
  GitHubApiError: 'github',
  PublicKeyError: 'github',
  LifecycleError: 'lifecycle',
}

export function failureOf(error: unknown, words: CliWords): CliFailure {
  if (error instanceof InputError) {
    const { text, flag } = inputErrorText(error, words)
    return { code: 'usage', message: text, ...(flag ? { flag } : {}) }
  }
  const message = words.say(describeError(error))
  if (!(error instanceof ActionError)) return { code: 'internal', message }
  const failure: CliFailure = { code: CODE_BY_NAME[error.name] ?? 'failed', message }
  if (error.name === 'PackageNameError') {
    // A name from a flag (the packages input) is bad usage; one from a package.json is the local setup.
    const flag = words.flagFor(/\(the (\S+) input\)/.exec(error.message)?.[1] ?? '')
    failure.code = flag ? 'usage' : 'config'
    if (flag) failure.flag = flag
  }
  if (error instanceof UsageError && error.flag) failure.flag = error.flag
  const { status, adviceCause, state, finish } = error as ActionError & { status?: unknown; adviceCause?: unknown; state?: unknown; finish?: unknown }
  if (typeof status === 'number' && status > 0) failure.httpStatus = status
  if (typeof adviceCause === 'string') failure.cause = adviceCause
  if (typeof state === 'string') failure.state = words.say(state)
  if (typeof finish === 'string') failure.finish = finish
  return failure
}

/** The --json form: one object, the same `status` field as every result. */
export function failureJson(failure: CliFailure): string {
  return `${JSON.stringify({ status: 'error', error: failure }, null, 2)}\n`
}

/** The text form, for stderr; `hint` (bad usage only) says where the help is. */
export function failureText(failure: CliFailure, hint: string): string {
  return `error: ${failure.message}\n${failure.code === 'usage' ? `${hint}\n` : ''}`
}
