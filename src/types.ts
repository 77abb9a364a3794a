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

/** One thing a user should read: an annotation in the action, a line in the CLI, a bullet in the summary. */
export interface Finding {
  level: 'error' | 'warning' | 'notice'
  title: string
  message: string
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
