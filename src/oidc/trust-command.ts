/**
 * The fix for "no matching trusted publisher" as one command to run on a laptop: `npm trust github <pkg>
 * --repo owner/repo --file release.yml [--env prod] --allow-publish --yes` (npm >= 11.10; the current CLI
 * refuses to run without an --allow-* flag), filled from the ID token's claims.
 */
import { workflowFile, type IdTokenClaims } from './claims.js'

export interface TrustCommandInput {
  packageName: string
  claims: Pick<IdTokenClaims, 'repository' | 'workflowRef' | 'environment'>
  /** The job stages (`npm stage publish`): the publisher must allow that action. */
  stage: boolean
  /** Named with --registry unless it is npm's own default registry. */
  registry?: URL
  isPublicRegistry?: boolean
}

/** A shell word: plain when it is safe as it is, else single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}

/** undefined when the claims lack the repository or the workflow file (not a GitHub ID token). */
export function githubTrustCommand({ packageName, claims, stage, registry, isPublicRegistry }: TrustCommandInput): string | undefined {
  const file = workflowFile(claims.workflowRef)
  if (!claims.repository || !file) return undefined
  const words = ['npm', 'trust', 'github', packageName, '--repo', claims.repository, '--file', file]
  if (claims.environment) words.push('--env', claims.environment)
  words.push(stage ? '--allow-stage-publish' : '--allow-publish')
  if (registry && !isPublicRegistry) words.push('--registry', registry.href)
  words.push('--yes')
  return words.map(shellWord).join(' ')
}
