/**
 * The fix for "no matching trusted publisher" as one command to run on a laptop, filled from the ID
 * token's claims (npm >= 11.10; circleci >= 11.15; the current CLI refuses to run without an --allow-*
 * flag):
 *   npm trust github <pkg> --repo owner/repo --file release.yml [--env prod] --allow-publish --yes
 *   npm trust gitlab <pkg> --project group/sub/project --file .gitlab-ci.yml [--env prod] --allow-publish --yes
 *   npm trust circleci <pkg> --org-id U --project-id U --pipeline-definition-id U --vcs-origin github.com/o/r
 *     [--context-id U…] --allow-publish --yes
 */
import { gitlabCiFile, workflowFile, type IdTokenClaims } from './claims.js'

export interface TrustCommandInput {
  packageName: string
  claims: IdTokenClaims
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

/** The command for the provider the claims come from; undefined when the claims lack what it needs. */
export function trustCommand(input: TrustCommandInput): string | undefined {
  const provider = input.claims.provider ?? (input.claims.repository || input.claims.workflowRef ? 'github' : undefined)
  const words = provider === 'gitlab' ? gitlabWords(input.claims) : provider === 'circleci' ? circleciWords(input.claims) : githubWords(input.claims)
  if (!words) return undefined
  const all = ['npm', 'trust', ...words.slice(0, 1), input.packageName, ...words.slice(1)]
  all.push(input.stage ? '--allow-stage-publish' : '--allow-publish')
  if (input.registry && !input.isPublicRegistry) all.push('--registry', input.registry.href)
  all.push('--yes')
  return all.map(shellWord).join(' ')
}

/** The GitHub form (kept for callers that only ever have GitHub claims). */
export function githubTrustCommand(input: TrustCommandInput): string | undefined {
  return trustCommand({ ...input, claims: { ...input.claims, provider: 'github' } })
}

function githubWords(claims: IdTokenClaims): string[] | undefined {
  const file = workflowFile(claims.workflowRef)
  if (!claims.repository || !file) return undefined
  return ['github', '--repo', claims.repository, '--file', file, ...(claims.environment ? ['--env', claims.environment] : [])]
}

function gitlabWords(claims: IdTokenClaims): string[] | undefined {
  const file = gitlabCiFile(claims.ciConfigRefUri)
  if (!claims.projectPath || !file) return undefined
  return ['gitlab', '--project', claims.projectPath, '--file', file, ...(claims.environment ? ['--env', claims.environment] : [])]
}

function circleciWords(claims: IdTokenClaims): string[] | undefined {
  const c = claims.circleci
  if (!c?.orgId || !c.projectId || !c.pipelineDefinitionId || !c.vcsOrigin) return undefined
  return [
    'circleci',
    '--org-id',
    c.orgId,
    '--project-id',
    c.projectId,
    '--pipeline-definition-id',
    c.pipelineDefinitionId,
    '--vcs-origin',
    c.vcsOrigin,
    ...c.contextIds.flatMap((id) => ['--context-id', id]),
  ]
}
