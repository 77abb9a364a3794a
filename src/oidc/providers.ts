/**
 * The CI providers npm accepts trusted publishing from, and what differs between them: how a job is
 * recognised (as npm's ci-info recognises it), the npm version each needs, how the ID token is had, and
 * when npm adds provenance.
 */
import type { OidcProvider } from '../types.js'
import type { IdTokenClaims } from './claims.js'

export interface ProviderFacts {
  label: string
  /** The first npm that exchanges this provider's ID token by itself. */
  minNpm: string
}

export const PROVIDERS: Record<OidcProvider, ProviderFacts> = {
  github: { label: 'GitHub Actions', minNpm: '11.5.1' },
  gitlab: { label: 'GitLab CI/CD', minNpm: '11.5.1' },
  circleci: { label: 'CircleCI', minNpm: '11.11.0' },
}

/** The provider of this job, as npm decides it (undefined: npm would not try trusted publishing here). */
export function detectProvider(env: NodeJS.ProcessEnv): OidcProvider | undefined {
  if (env.GITHUB_ACTIONS === 'true') return 'github'
  if (env.GITLAB_CI) return 'gitlab'
  if (env.CIRCLECI) return 'circleci'
  return undefined
}

/** How to give npm an ID token on this provider, when the job has none. */
export function missingIdTokenAdvice(provider: OidcProvider, audience: string): string {
  switch (provider) {
    case 'gitlab':
      return (
        `GitLab gives a job an ID token only when asked: add to the publishing job\n` +
        `id_tokens:\n  NPM_ID_TOKEN:\n    aud: "${audience}"\n  SIGSTORE_ID_TOKEN:  # for provenance (public projects)\n    aud: sigstore`
      )
    case 'circleci':
      return `CircleCI mints one on request: before npm runs, \`export NPM_ID_TOKEN=$(circleci run oidc get --claims '{"aud":"${audience}"}')\`.`
    default:
      return 'GitHub gives the job an ID token with `permissions: id-token: write` (or set NPM_ID_TOKEN, which npm uses first).'
  }
}

/** Whether npm turns provenance on by itself for this job, and why (public packages only). */
export function provenanceFor(
  provider: OidcProvider | undefined,
  claims: IdTokenClaims,
  env: NodeJS.ProcessEnv,
): { on: boolean; reason: string; /** Off only for want of something the job can add. */ missing?: boolean } {
  switch (provider ?? claims.provider) {
    case 'gitlab':
      if (claims.projectVisibility !== 'public') {
        return {
          on: false,
          reason: claims.projectVisibility ? `the GitLab project is ${claims.projectVisibility}, not public` : 'the GitLab project is not known to be public',
        }
      }
      if (!env.SIGSTORE_ID_TOKEN) return { on: false, reason: 'SIGSTORE_ID_TOKEN is not set (add it to id_tokens: with aud: sigstore)', missing: true }
      return { on: true, reason: 'public GitLab project with SIGSTORE_ID_TOKEN' }
    case 'circleci':
      return { on: false, reason: 'npm makes no provenance on CircleCI' }
    default:
      return claims.repositoryVisibility === 'public'
        ? { on: true, reason: 'public repository' }
        : { on: false, reason: `the repository is ${claims.repositoryVisibility ?? 'not known to be public'}` }
  }
}
