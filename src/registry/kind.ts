/**
 * Which kind of registry the step talks to, and what that changes: the credential form npm needs,
 * where whoami lives and how it authenticates, whether a token list exists, whether npm's trusted
 * publishing applies, and the default scope. Pure: decided from the registry URL, the registry-kind
 * input and the runner's environment.
 *
 *   npm              npm's own default registry (as the npm on PATH defines it): token list, policies, OIDC.
 *   github-packages  GitHub Packages, recognised by HOST only: npm.pkg.github.com, or on GHES the host of
 *                    GITHUB_SERVER_URL (npm.HOST, or HOST/_registry/npm/); or registry-kind: github. GITHUB_TOKEN or a
 *                    PAT as _authToken, scope defaults to the repository owner, no token list, no OIDC.
 *   azure            Azure Artifacts (…/_packaging/FEED/npm/registry/): username / _password (base64 of the
 *                    PAT) / email under both the /npm/registry/ and /npm/ prefixes, whoami with Basic auth.
 *   artifactory      JFrog Artifactory (/artifactory/api/npm/REPO/): _authToken under the repository's path.
 *   generic          any other npm-protocol registry (Verdaccio, Nexus, a mirror): the npm defaults.
 */
import { RegistryConfigError } from '../errors.js'
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
  /**
   * npm's own registry policies apply (token kinds, the end of direct token publishing, staging): npm's
   * default registry, or a registry declared npm (`registry-kind: npm`, e.g. behind a proxy URL).
   */
  npmPolicies: boolean
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

/**
 * GitHub Packages' own hosts: npm.pkg.github.com, and for the GitHub server of this job (GITHUB_SERVER_URL,
 * when it is not github.com) `npm.HOST` or `HOST/_registry/npm/`. A `/_registry/npm/` path on any other
 * host is just a path: the job's GITHUB_TOKEN never goes to a host GitHub does not run.
 */
export function isGitHubPackagesHost(url: URL, githubServerUrl?: string): boolean {
  const host = url.host.toLowerCase()
  if (url.hostname.toLowerCase() === GITHUB_PACKAGES_HOST) return true
  let server: URL
  try {
    server = new URL(githubServerUrl ?? '')
  } catch {
    return false
  }
  const serverHost = server.host.toLowerCase()
  if (server.hostname.toLowerCase() === 'github.com' || serverHost === '') return false
  return host === `npm.${serverHost}` || (host === serverHost && /^\/_registry\/npm\//i.test(url.pathname))
}

/**
 * The kind a registry URL looks like. `isPublicRegistry`: it is npm's own default (decided elsewhere);
 * `githubServerUrl`: the job's GITHUB_SERVER_URL, whose host (GHES) serves GitHub Packages too.
 */
export function detectRegistryKind(url: URL, isPublicRegistry = false, githubServerUrl?: string): { kind: RegistryKind; by: RegistryProfile['detectedBy'] } {
  const host = url.hostname.toLowerCase()
  const path = url.pathname
  if (isGitHubPackagesHost(url, githubServerUrl)) return { kind: 'github-packages', by: 'host' }
  if (host === AZURE_HOST || host.endsWith(AZURE_LEGACY_HOST_SUFFIX)) return { kind: 'azure', by: 'host' }
  if (isPublicRegistry) return { kind: 'npm', by: 'npm default' }
  if (AZURE_PATH.test(path)) return { kind: 'azure', by: 'path' }
  if (/^\/artifactory\/api\/npm\//i.test(path) || (host.endsWith('.jfrog.io') && ARTIFACTORY_PATH.test(path))) return { kind: 'artifactory', by: 'path' }
  return { kind: 'generic', by: 'default' }
}

export function registryProfile(url: URL, opts: { choice?: RegistryKindChoice; isPublicRegistry?: boolean; githubServerUrl?: string } = {}): RegistryProfile {
  const choice = opts.choice ?? 'auto'
  const { kind, by } =
    choice === 'auto' ? detectRegistryKind(url, opts.isPublicRegistry, opts.githubServerUrl) : { kind: choice, by: 'registry-kind input' as const }
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
    npmPolicies: kind === 'npm' || opts.isPublicRegistry === true,
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

/** Where the registry came from, as far as the github-token fallback cares. */
export interface TokenFallbackFacts {
  registry: URL
  /** The job's GITHUB_SERVER_URL. */
  githubServerUrl?: string
  /** The repository file the registry was read from (the project .npmrc); undefined: the workflow named it. */
  repositoryFile?: string
}

/**
 * The token of the step: the token input, else on GitHub Packages the github-token input (by default the
 * job's GITHUB_TOKEN), which is what GitHub documents for publishing from a workflow — but only to one of
 * GitHub's own hosts, or to a registry the workflow named itself (registry-url) and declared GitHub
 * Packages (registry-kind: github). Never to a host a repository file chose.
 */
export function effectiveToken(
  profile: RegistryProfile,
  token: string,
  githubToken: string,
  facts?: TokenFallbackFacts,
): { token: string; note?: string; withheld?: string } {
  if (token || profile.kind !== 'github-packages' || !githubToken) return { token }
  const githubHost = facts ? isGitHubPackagesHost(facts.registry, facts.githubServerUrl) : profile.detectedBy === 'host'
  const declared = profile.detectedBy === 'registry-kind input' && !facts?.repositoryFile
  if (!githubHost && !declared) {
    const host = facts?.registry.host ?? 'this registry'
    return {
      token,
      withheld:
        `The github-token is not sent to ${host}: it is not a GitHub Packages host (npm.pkg.github.com, or the GITHUB_SERVER_URL host), ` +
        `and the registry came from ${facts?.repositoryFile ?? 'outside the workflow'}. Pass the registry's own token in the token input, or set registry-url to it.`,
    }
  }
  return { token: githubToken, note: "token input empty: using the github-token input (the job's GITHUB_TOKEN by default) for GitHub Packages" }
}

// ---- Azure Artifacts -------------------------------------------------------------------------

/** What an Azure DevOps organisation name may hold (letters, digits, '-'; '.', '_' and '~' allowed too). */
const AZURE_USERNAME = /^[A-Za-z0-9._~-]{1,100}$/

/**
 * Any non-empty username works; Azure's docs use the organisation, taken from the URL. The value goes
 * into `username=` of the .npmrc and into whoami's Basic credential: a first path segment that does not
 * decode to a plain organisation name (`%0a_authToken=…`, a malformed `%E0%A4%A`) is an input error.
 */
export function azureUsername(registry: URL): string {
  const host = registry.hostname.toLowerCase()
  if (host.endsWith(AZURE_LEGACY_HOST_SUFFIX)) return host.slice(0, -AZURE_LEGACY_HOST_SUFFIX.length) || 'azure'
  const first = registry.pathname.split('/').find((s) => s !== '' && s !== '_packaging')
  if (!first) return 'azure'
  let decoded: string
  try {
    decoded = decodeURIComponent(first)
  } catch {
    throw new RegistryConfigError(
      `The Azure Artifacts registry URL ${registry.href} has a malformed percent-escape in its first path segment (${JSON.stringify(first.slice(0, 80))}). Fix the registry URL.`,
    )
  }
  if (!AZURE_USERNAME.test(decoded)) {
    throw new RegistryConfigError(
      `The first path segment of the Azure Artifacts registry URL ${registry.href} is not an organisation name: it decodes to ${JSON.stringify(decoded.slice(0, 80))} ` +
        "(expected letters, digits, '-', '.', '_' or '~', as in https://pkgs.dev.azure.com/ORG/_packaging/FEED/npm/registry/). Fix the registry URL.",
    )
  }
  return decoded
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
