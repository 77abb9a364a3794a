/**
 * The shared vocabulary: every type more than one concern speaks of is defined here, once, and imported.
 * Types only (and the two lists they are checked against): nothing here does anything.
 */

/** `setup` writes the config for a publishing job; `check` only inspects (a scheduled check). */
export type Mode = 'setup' | 'check'
/** The auth input. */
export type AuthChoice = 'auto' | 'oidc' | 'token'
/** The path the step took. */
export type AuthMethod = 'oidc' | 'token'

export type PackageManager = 'npm' | 'pnpm' | 'yarn'
/** The package-manager input. */
export type PackageManagerChoice = 'auto' | PackageManager

/**
 *   npm              npm's own default registry (as the npm on PATH defines it): token list, policies, OIDC.
 *   github-packages  GitHub Packages: GITHUB_TOKEN or a PAT, scope defaults to the owner, no token list, no OIDC.
 *   azure            Azure Artifacts: username / _password (base64 of the PAT) / email, whoami with Basic auth.
 *   artifactory      JFrog Artifactory: _authToken under the repository's path.
 *   generic          any other npm-protocol registry (Verdaccio, Nexus, a mirror): the npm defaults.
 */
export type RegistryKind = 'npm' | 'github-packages' | 'azure' | 'artifactory' | 'generic'
/** The registry-kind input, parsed: `auto` or a kind to use whatever the URL looks like. */
export type RegistryKindChoice = 'auto' | RegistryKind

/** The CI providers npm accepts trusted publishing from. */
export type OidcProvider = 'github' | 'gitlab' | 'circleci'

/** The outcome of a step or a check; worst wins. The CLI's exit code and the action's `status` output. */
export type Status = 'ok' | 'warning' | 'error'

/**
 * Why something needs doing: the key of the advice (registry/advice.ts gives what to do for each cause,
 * registry kind and place), so the advice follows the cause, never the status alone.
 */
export type AdviceCause =
  /** The registry refused the token (401/403, or whoami without a username). */
  | 'token-rejected'
  /** The registry lists the token as revoked. */
  | 'token-revoked'
  | 'token-expired'
  /** Within warn-days or fail-days. */
  | 'token-expiring'
  /** Nothing says when the token expires. */
  | 'expiry-unknown'
  /** expires-on records another token's expiry (the secret changed without it). */
  | 'expiry-record-stale'
  /** npm's classic tokens, revoked since 2025-12-09. */
  | 'token-classic'
  | 'token-read-only'
  /** A CIDR list the runner's address is outside of. */
  | 'token-ip-limited'
  /** A write token without bypass-2FA: direct publishing asks for an OTP. */
  | 'token-needs-otp'
  /** npm ends direct publishing with tokens in January 2027. */
  | 'direct-publishing-ends'
  /** A trusted-publishing pre-flight failed for a package (publisher missing or not matching). */
  | 'trusted-publisher'
  /** The registry could not be reached (DNS, connection, TLS, proxy). */
  | 'unreachable'
  /** No complete answer in time (the request timeout or the step's deadline). */
  | 'timed-out'
  /** HTTP 5xx after retries. */
  | 'registry-down'
  /** HTTP 429. */
  | 'rate-limited'
  /** The URL answered, but not as an npm registry does (404 on whoami, an HTML page). */
  | 'not-a-registry'

/** One thing a user should read: an annotation in the action, a line in the CLI, a section in the summary. */
export interface Finding {
  level: 'error' | 'warning' | 'notice'
  title: string
  /** Everything one line needs: what is wrong, then what to do (the log's annotation, the CLI, --json). */
  message: string
  /**
   * What is wrong without the advice, when `message` ends with the advice for `cause`: the job summary
   * shows this under the finding and the advice once, under "What to do". '' : the finding is all advice.
   */
  problem?: string
  /** What the advice follows (registry/advice.ts). */
  cause?: AdviceCause
}

/** The publish input. */
export type PublishChoice = 'auto' | 'direct' | 'stage'
/** What the job's publish step runs: `npm publish` or `npm stage publish`. */
export type PublishMode = 'direct' | 'stage'

export type TokenType = 'granular' | 'legacy' | 'unknown'
/** Where the expiry came from: the registry's token list, the expires-on input, or nowhere. */
export type ExpirySource = 'registry' | 'input' | ''

/** The step's settings: the action's inputs (or the CLI's flags), parsed and validated (settings/parse.ts). */
export interface Settings {
  /** Explicit registry from `registry-url`, normalised (trailing slash); undefined: ask npm's config. */
  registryUrl: URL | undefined
  /** '' or a normalised scope like '@my-org'. */
  scope: string
  /** The token, trimmed; '' when none was given. */
  token: string
  auth: AuthChoice
  mode: Mode
  warnDays: number
  failDays: number
  /** From `expires-on`: used when the registry reports no expiry. */
  expiresOn: Date | undefined
  /**
   * When `expires-on` is the record `token create|rotate` wrote: the fingerprint of the token the expiry
   * belongs to, and the secret (and environment) it was stored in.
   */
  expiryRecord?: { fingerprint?: string; secret?: string; environment?: string }
  tokenEnv: string
  exportToken: boolean
  workingDirectory: string
  packages: string[]
  /** Install a current npm 11 when the one on PATH is too old for trusted publishing. */
  upgradeNpm: boolean
  openIssue: boolean
  githubToken: string
  /** Label that marks (and finds) the check's issue. */
  issueLabel: string
  /** Overall deadline for the registry requests of this step. */
  timeoutMs: number
  /** `auto`: from the registry URL; else the kind forced (GHES or proxied hosts, tests). */
  registryKind: RegistryKindChoice
  /** Which client's config to write besides .npmrc (`yarn`: also the user-level .yarnrc.yml). */
  packageManager: PackageManagerChoice
  /** What the publish step runs (`auto`: stage for a stage-only token, else direct). */
  publish: PublishChoice
  /** Staged versions waiting longer than this make the step a warning. */
  stageWarnDays: number
}
