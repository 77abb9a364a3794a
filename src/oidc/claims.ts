/**
 * The claims of a CI provider's ID token that explain a trusted-publishing mismatch: GitHub Actions,
 * GitLab CI/CD and CircleCI each name the job in their own claims, and npm matches a trusted publisher on
 * exactly those. Decoded only for diagnosis: the signature is the registry's business, not ours.
 */
import type { OidcProvider } from '../types.js'

export interface IdTokenClaims {
  /** Which provider minted it, from its claims (undefined: none we know). */
  provider?: OidcProvider
  issuer?: string
  // GitHub Actions
  repository?: string
  repositoryOwner?: string
  /** `owner/repo/.github/workflows/release.yml@refs/heads/main` */
  workflowRef?: string
  /** The workflow file that holds the job (differs from workflowRef for reusable workflows). */
  jobWorkflowRef?: string
  repositoryVisibility?: string
  // GitLab CI/CD
  /** `group/sub/project` */
  projectPath?: string
  /** `gitlab.com/group/sub/project//.gitlab-ci.yml@refs/heads/main`: the top-level CI file. */
  ciConfigRefUri?: string
  projectVisibility?: string
  // CircleCI (`oidc.circleci.com/…`)
  circleci?: { orgId?: string; projectId?: string; pipelineDefinitionId?: string; vcsOrigin?: string; contextIds: string[] }
  // All
  environment?: string
  ref?: string
  runnerEnvironment?: string
  audience?: string
  expiresAt?: Date
}

const CIRCLECI = 'oidc.circleci.com/'

/** undefined when the text is not a JWT whose payload is a JSON object. */
export function decodeClaims(jwt: string): IdTokenClaims {
  const payload = jwt.split('.')[1]
  if (!payload) return {}
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return {}
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {}
  const str = (key: string): string | undefined => {
    const value = raw[key]
    return typeof value === 'string' && value !== '' ? value : undefined
  }
  const aud = Array.isArray(raw.aud) ? raw.aud.filter((a) => typeof a === 'string').join(', ') : str('aud')
  const contextIds = raw[`${CIRCLECI}context-ids`]
  const claims: IdTokenClaims = {
    issuer: str('iss'),
    repository: str('repository'),
    repositoryOwner: str('repository_owner'),
    workflowRef: str('workflow_ref'),
    jobWorkflowRef: str('job_workflow_ref'),
    repositoryVisibility: str('repository_visibility'),
    projectPath: str('project_path'),
    ciConfigRefUri: str('ci_config_ref_uri'),
    projectVisibility: str('project_visibility'),
    environment: str('environment'),
    ref: str('ref'),
    runnerEnvironment: str('runner_environment'),
    audience: aud,
    expiresAt: typeof raw.exp === 'number' ? new Date(raw.exp * 1000) : undefined,
  }
  if (str(`${CIRCLECI}org-id`) || str(`${CIRCLECI}project-id`)) {
    claims.circleci = {
      orgId: str(`${CIRCLECI}org-id`),
      projectId: str(`${CIRCLECI}project-id`),
      pipelineDefinitionId: str(`${CIRCLECI}pipeline-definition-id`),
      vcsOrigin: str(`${CIRCLECI}vcs-origin`),
      contextIds: Array.isArray(contextIds) ? contextIds.filter((c): c is string => typeof c === 'string') : [],
    }
  }
  claims.provider = claims.circleci ? 'circleci' : claims.projectPath ? 'gitlab' : claims.repository || claims.workflowRef ? 'github' : undefined
  return claims
}

/** `owner/repo/.github/workflows/release.yml@refs/heads/main` → `release.yml` */
export function workflowFile(ref: string | undefined): string | undefined {
  if (!ref) return undefined
  const path = ref.split('@')[0]
  const match = /\.github\/workflows\/([^/]+)$/.exec(path)
  return match ? match[1] : undefined
}

/** `gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main` → `.gitlab-ci.yml` (GitLab's "top-level CI file path"). */
export function gitlabCiFile(ciConfigRefUri: string | undefined): string | undefined {
  if (!ciConfigRefUri) return undefined
  const at = ciConfigRefUri.lastIndexOf('@')
  const path = at > 0 ? ciConfigRefUri.slice(0, at) : ciConfigRefUri
  const split = path.indexOf('//')
  if (split < 0) return undefined
  const file = path.slice(split + 2)
  return file !== '' ? file : undefined
}

/** The repository a workflow ref lives in (`owner/repo`). */
export function workflowRepository(ref: string | undefined): string | undefined {
  if (!ref) return undefined
  const match = /^([^/]+\/[^/]+)\/\.github\//.exec(ref)
  return match ? match[1] : undefined
}

/** One line per claim trusted publishing matches on, in the provider's terms. Never includes the token. */
export function describeClaims(claims: IdTokenClaims): string[] {
  const common = [`environment: ${claims.environment ?? 'none'}`, `ref: ${claims.ref ?? 'not stated'}`, `runner: ${claims.runnerEnvironment ?? 'not stated'}`]
  if (claims.provider === 'gitlab') {
    return [
      `project: ${claims.projectPath ?? 'not stated'}`,
      `top-level CI file: ${gitlabCiFile(claims.ciConfigRefUri) ?? 'not stated'}${claims.ciConfigRefUri ? ` (${claims.ciConfigRefUri})` : ''}`,
      ...common,
      `project visibility: ${claims.projectVisibility ?? 'not stated'}`,
    ]
  }
  if (claims.provider === 'circleci' && claims.circleci) {
    const c = claims.circleci
    return [
      `org id: ${c.orgId ?? 'not stated'}`,
      `project id: ${c.projectId ?? 'not stated'}`,
      `pipeline definition id: ${c.pipelineDefinitionId ?? 'not stated'}`,
      `VCS origin: ${c.vcsOrigin ?? 'not stated'}`,
      `context ids: ${c.contextIds.length > 0 ? c.contextIds.join(', ') : 'none'}`,
    ]
  }
  const lines = [
    `repository: ${claims.repository ?? 'not stated'}`,
    `workflow file: ${workflowFile(claims.workflowRef) ?? 'not stated'}${claims.workflowRef ? ` (${claims.workflowRef})` : ''}`,
  ]
  if (claims.jobWorkflowRef && claims.jobWorkflowRef !== claims.workflowRef) {
    lines.push(`reusable workflow running the job: ${claims.jobWorkflowRef}`)
  }
  lines.push(...common)
  return lines
}

/**
 * The claims trusted publishing is matched on, as a flat record for an output or JSON (never the token):
 * GitHub's form for GitHub (and unknown) tokens, each other provider's own fields otherwise.
 */
export function claimsRecord(claims: IdTokenClaims): Record<string, string> {
  const common = { environment: claims.environment ?? '', ref: claims.ref ?? '', 'runner-environment': claims.runnerEnvironment ?? '' }
  if (claims.provider === 'gitlab') {
    return {
      project: claims.projectPath ?? '',
      'ci-file': gitlabCiFile(claims.ciConfigRefUri) ?? '',
      'ci-config-ref-uri': claims.ciConfigRefUri ?? '',
      ...common,
      'project-visibility': claims.projectVisibility ?? '',
    }
  }
  if (claims.provider === 'circleci') {
    const c = claims.circleci
    return {
      'org-id': c?.orgId ?? '',
      'project-id': c?.projectId ?? '',
      'pipeline-definition-id': c?.pipelineDefinitionId ?? '',
      'vcs-origin': c?.vcsOrigin ?? '',
      'context-ids': c?.contextIds.join(',') ?? '',
    }
  }
  return {
    repository: claims.repository ?? '',
    'workflow-file': workflowFile(claims.workflowRef) ?? '',
    'workflow-ref': claims.workflowRef ?? '',
    'job-workflow-ref': claims.jobWorkflowRef ?? '',
    environment: claims.environment ?? '',
    ref: claims.ref ?? '',
    'runner-environment': claims.runnerEnvironment ?? '',
    'repository-visibility': claims.repositoryVisibility ?? '',
  }
}
