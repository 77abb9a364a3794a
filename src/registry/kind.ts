/**
 * Which kind of registry the step talks to, and what that changes: the credential form npm needs,
 * where whoami lives and how it authenticates, whether a token list exists, whether npm's trusted
 * publishing applies, and the default scope. Pure: decided from the registry URL, the registry-kind
 * input and the runner's environment.
 *
 *   npm              npm's own default registry (as the npm on PATH defines it): token list, policies, OIDC.
 *   github-packages  GitHub Packages (npm.pkg.github.com, or a GHES host's /_registry/npm/): GITHUB_TOKEN or a
 *                    PAT as _authToken, scope defaults to the repository owner, no token list, no OIDC.
 *   azure            Azure Artifacts (…/_packaging/FEED/npm/registry/): username / _password (base64 of the
 *                    PAT) / email under both the /npm/registry/ and /npm/ prefixes, whoami with Basic auth.
 *   artifactory      JFrog Artifactory (/artifactory/api/npm/REPO/): _authToken under the repository's path.
 *   generic          any other npm-protocol registry (Verdaccio, Nexus, a mirror): the npm defaults.
 */
import type { RegistryKind, RegistryKindChoice } from '../types.js'
import { registryKey } from './url.js'

export interface RegistryProfile {
  kind: RegistryKind
  /** For the log and the summary: 'GitHub Packages'. */
  label: string
  /** How the kind was decided, for the log. */
  detectedBy: 'registry-kind input' | 'host' | 'path' | 'npm default' | 'default'
  /** The registry answers `/-/npm/v1/tokens` (expiry, kind). Without one, expiry is "unknown" quietly. */
  hasTokenList: boolean
  /** npm's trusted publishing (OIDC token exchange) may exist there (false: certainly not). */
  trustedPublishing: boolean
  /** `token`: `_authToken=${env}`; `password`: Azure's username / _password / email. */
  credential: 'token' | 'password'
  /** What a 401/403 on whoami means: the token is refused (error), or only unconfirmed (warning). */
  whoamiRejection: 'error' | 'warning'
  /** A whoami the registry does not implement (404, 405, 501, 200 without a username) is "unverified", not a failure. */
  whoamiOptional: boolean
}

const LABELS: Record<RegistryKind, string> = {
  npm: 'npm registry',
  'github-packages': 'GitHub Packages',
  azure: 'Azure Artifacts',
  artifactory: 'JFrog Artifactory',
  generic: 'npm-compatible registry',
}

/** GitHub Packages' npm host on github.com; GHES serves it as npm.HOST or HOST/_registry/npm/. */
export const GITHUB_PACKAGES_HOST = 'npm.pkg.github.com'
const AZURE_HOST = 'pkgs.dev.azure.com'
const AZURE_LEGACY_HOST_SUFFIX = '.pkgs.visualstudio.com'
const AZURE_PATH = /\/_packaging\/[^/]+\/npm\//i
const ARTIFACTORY_PATH = /\/api\/npm\/[^/]+\//i

/** The kind a registry URL looks like. `isPublicRegistry`: it is npm's own default (decided elsewhere). */
export function detectRegistryKind(url: URL, isPublicRegistry = false): { kind: RegistryKind; by: RegistryProfile['detectedBy'] } {
  const host = url.hostname.toLowerCase()
  const path = url.pathname
  if (host === GITHUB_PACKAGES_HOST) return { kind: 'github-packages', by: 'host' }
  if (host === AZURE_HOST || host.endsWith(AZURE_LEGACY_HOST_SUFFIX)) return { kind: 'azure', by: 'host' }
  if (isPublicRegistry) return { kind: 'npm', by: 'npm default' }
  if (/^\/_registry\/npm\//i.test(path)) return { kind: 'github-packages', by: 'path' }
  if (AZURE_PATH.test(path)) return { kind: 'azure', by: 'path' }
  if (/^\/artifactory\/api\/npm\//i.test(path) || (host.endsWith('.jfrog.io') && ARTIFACTORY_PATH.test(path))) return { kind: 'artifactory', by: 'path' }
  return { kind: 'generic', by: 'default' }
}

export function registryProfile(url: URL, opts: { choice?: RegistryKindChoice; isPublicRegistry?: boolean } = {}): RegistryProfile {
  const choice = opts.choice ?? 'auto'
  const { kind, by } = choice === 'auto' ? detectRegistryKind(url, opts.isPublicRegistry) : { kind: choice, by: 'registry-kind input' as const }
  return {
    kind,
    label: LABELS[kind],
    detectedBy: by,
    hasTokenList: kind !== 'github-packages' && kind !== 'azure',
    // Artifactory is left to chooseAuth: whether it implements npm's exchange endpoint is unconfirmed, and a
    // failed OIDC pre-flight says so plainly; GitHub Packages and Azure Artifacts certainly do not.
    trustedPublishing: kind !== 'github-packages' && kind !== 'azure',
    credential: kind === 'azure' ? 'password' : 'token',
    whoamiRejection: kind === 'github-packages' ? 'warning' : 'error',
    whoamiOptional: kind === 'github-packages' || kind === 'azure',
  }
}

/**
 * As actions/setup-node does: on GitHub Packages an empty scope means the repository owner, lower-cased
 * and '@'-prefixed (GitHub Packages only serves scoped packages, the scope being the owner).
 */
export function defaultScope(profile: RegistryProfile, scope: string, env: NodeJS.ProcessEnv): { scope: string; note?: string } {
  if (scope || profile.kind !== 'github-packages') return { scope }
  const owner = (env.GITHUB_REPOSITORY_OWNER || (env.GITHUB_REPOSITORY ?? '').split('/')[0] || '').trim().toLowerCase()
  if (!/^[a-z0-9][a-z0-9._~-]*$/.test(owner)) return { scope }
  return { scope: `@${owner}`, note: `scope: @${owner} (the repository owner; GitHub Packages serves packages under their owner's scope)` }
}

/**
 * The token of the step: the token input, else on GitHub Packages the github-token input (by default the
 * job's GITHUB_TOKEN), which is what GitHub documents for publishing from a workflow.
 */
export function effectiveToken(profile: RegistryProfile, token: string, githubToken: string): { token: string; note?: string } {
  if (token || profile.kind !== 'github-packages' || !githubToken) return { token }
  return { token: githubToken, note: "token input empty: using the github-token input (the job's GITHUB_TOKEN by default) for GitHub Packages" }
}

// ---- Azure Artifacts -------------------------------------------------------------------------

/** Any non-empty username works; Azure's docs use the organisation, taken from the URL. */
export function azureUsername(registry: URL): string {
  const host = registry.hostname.toLowerCase()
  if (host.endsWith(AZURE_LEGACY_HOST_SUFFIX)) return host.slice(0, -AZURE_LEGACY_HOST_SUFFIX.length) || 'azure'
  const first = registry.pathname.split('/').find((s) => s !== '' && s !== '_packaging')
  return first ? decodeURIComponent(first) : 'azure'
}

/**
 * The two prefixes Azure's docs write credentials for: `…/npm/registry/` (the registry) and `…/npm/`
 * (some of its tarball and audit URLs). A URL not under `/npm/` (a forced kind) gets its own key only.
 */
export function azureCredentialKeys(registry: URL): string[] {
  const key = registryKey(registry)
  const at = key.toLowerCase().lastIndexOf('/npm/')
  if (at < 0) return [key]
  const npm = key.slice(0, at + '/npm/'.length)
  return [`${npm}registry/`, npm]
}

/** What npm's `_password` holds: the base64 of the PAT. The value exported into token-env for Azure. */
export function azurePassword(pat: string): string {
  return Buffer.from(pat, 'utf8').toString('base64')
}

/** The Basic credential whoami sends to Azure Artifacts: base64 of `user:PAT`. */
export function azureBasicIdent(registry: URL, pat: string): string {
  return Buffer.from(`${azureUsername(registry)}:${pat}`, 'utf8').toString('base64')
}

/**
 * Every form of the token this registry kind makes from it, each a secret as much as the token: masked
 * before any request can fail and print one. The one list of derived secrets.
 */
export function derivedSecrets(profile: RegistryProfile, registry: URL, token: string): string[] {
  if (!token || profile.credential !== 'password') return []
  return [azurePassword(token), azureBasicIdent(registry, token)]
}

// ---- whoami ---------------------------------------------------------------------------------

/** Where whoami is asked and with which Authorization header. */
export function whoamiRequest(profile: RegistryProfile, registry: URL, token: string): { url: URL; authorization: string } {
  if (profile.kind === 'azure') {
    return { url: new URL('-/whoami', registry), authorization: `Basic ${azureBasicIdent(registry, token)}` }
  }
  // npm.pkg.github.com/OWNER/ is a common registry URL; the endpoint is at the root (npm/cli#2758).
  if (profile.kind === 'github-packages' && registry.hostname.toLowerCase() === GITHUB_PACKAGES_HOST) {
    return { url: new URL('/-/whoami', registry), authorization: `Bearer ${token}` }
  }
  return { url: new URL('-/whoami', registry), authorization: `Bearer ${token}` }
}

/** The info line used instead of the "expiry unknown" notice on registries without a token list. */
export function noTokenListNote(profile: RegistryProfile): string {
  const why =
    profile.kind === 'github-packages'
      ? "GitHub Packages has no token list (a GITHUB_TOKEN expires when the job ends; a personal access token shows its expiry in GitHub's settings)"
      : `${profile.label} has no npm token list (a personal access token shows its expiry in Azure DevOps → User settings → Personal access tokens)`
  return `Expiry unknown: ${why}. Set expires-on to be warned ahead of it.`
}

/** What to do about a token the registry refused, in that registry's words (undefined: npm's own advice). */
export function rejectionAdvice(profile: RegistryProfile): string | undefined {
  switch (profile.kind) {
    case 'github-packages':
      return "Pass the job's GITHUB_TOKEN (`token: ${{ secrets.GITHUB_TOKEN }}` with `permissions: packages: write` to publish), or a personal access token (classic) with read:packages / write:packages, and re-run."
    case 'azure':
      return 'Create a new personal access token in Azure DevOps (User settings → Personal access tokens, scope Packaging: Read & write), store it as the repository secret, and re-run. Pass the PAT itself: the action encodes it.'
    case 'artifactory':
      return 'Create a new identity or access token in Artifactory (User profile → Generate an Identity Token), store it as the repository secret, and re-run.'
    default:
      return undefined
  }
}
