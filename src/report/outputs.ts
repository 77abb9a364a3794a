/**
 * The step's results under the action's output names, typed: the action writes them as outputs (every
 * value a string, as the runner wants), the CLI's --json prints the same names with the same values
 * unstringified. A misspelled name or a value of the wrong type does not type-check.
 */
import type { TokenReport } from '../check/check-token.js'
import type { StagedVersion } from '../registry/stage-api.js'
import type { AuthMethod, ExpirySource, Status, TokenType } from '../types.js'
import { isPlainLine } from '../util/untrusted.js'

export interface PackageOutput {
  name: string
  ok: boolean
  status: number
}

/** Every output of action.yml (a unit test holds the two lists equal). `null`: not known / not applicable. */
export interface Outputs {
  'auth-method': AuthMethod | ''
  username: string
  'token-type': TokenType | ''
  /** ISO 8601, '' when unknown. */
  'expires-at': string
  'days-left': number | null
  'expiry-source': ExpirySource
  status: Status
  'npmrc-path': string
  'registry-url': string
  packages: PackageOutput[] | null
  provenance: boolean | null
  'oidc-claims': Record<string, string> | null
  'publish-command': 'npm publish' | 'npm stage publish' | ''
  /** null: the registry has no staging area (or it was not asked). */
  staged: StagedVersion[] | null
  'issue-number': number | null
}

export type OutputName = keyof Outputs

export const OUTPUT_NAMES = [
  'auth-method',
  'username',
  'token-type',
  'expires-at',
  'days-left',
  'expiry-source',
  'status',
  'npmrc-path',
  'registry-url',
  'packages',
  'provenance',
  'oidc-claims',
  'publish-command',
  'staged',
  'issue-number',
] as const satisfies readonly OutputName[]

// Compile-time: OUTPUT_NAMES lists every key of Outputs.
type Missing = Exclude<OutputName, (typeof OUTPUT_NAMES)[number]>
const everyOutputListed: Missing extends never ? true : Missing = true
void everyOutputListed

export function emptyOutputs(): Outputs {
  return {
    'auth-method': '',
    username: '',
    'token-type': '',
    'expires-at': '',
    'days-left': null,
    'expiry-source': '',
    status: 'error',
    'npmrc-path': '',
    'registry-url': '',
    packages: null,
    provenance: null,
    'oidc-claims': null,
    'publish-command': '',
    staged: null,
    'issue-number': null,
  }
}

/** An output as the runner carries it: strings as they are, null as '', anything else as JSON. */
export function outputText(value: Outputs[OutputName]): string {
  if (value === null) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The outputs a token check fills, from its report (undefined: the token was rejected). */
export function tokenOutputs(report: TokenReport | undefined): Pick<Outputs, 'username' | 'token-type' | 'expires-at' | 'days-left' | 'expiry-source'> {
  return {
    username: usernameOutput(report?.username),
    'token-type': report?.tokenType ?? '',
    'expires-at': report?.expiresAt?.toISOString() ?? '',
    'days-left': report?.daysLeft ?? null,
    'expiry-source': report?.expirySource ?? '',
  }
}

/**
 * The username a registry answered, as an output: a plain single line (no control characters, not a
 * runner command, at most 256 characters), else '' — a later step may put it in a command line or a log.
 */
export function usernameOutput(username: string | undefined): string {
  return username !== undefined && isPlainLine(username) ? username : ''
}
