/**
 * The claims of a GitHub Actions ID token that explain a trusted-publishing mismatch. Decoded only for
 * diagnosis: the signature is the registry's business, not ours.
 */
export interface IdTokenClaims {
  repository?: string
  repositoryOwner?: string
  /** `owner/repo/.github/workflows/release.yml@refs/heads/main` */
  workflowRef?: string
  /** The workflow file that holds the job (differs from workflowRef for reusable workflows). */
  jobWorkflowRef?: string
  environment?: string
  ref?: string
  runnerEnvironment?: string
  repositoryVisibility?: string
  audience?: string
  expiresAt?: Date
}

export function decodeClaims(jwt: string): IdTokenClaims {
  const payload = jwt.split('.')[1]
  if (!payload) return {}
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return {}
  }
  if (!raw || typeof raw !== 'object') return {}
  const str = (key: string): string | undefined => (typeof raw[key] === 'string' && raw[key] !== '' ? raw[key] : undefined)
  const aud = Array.isArray(raw.aud) ? raw.aud.filter((a) => typeof a === 'string').join(', ') : str('aud')
  return {
    repository: str('repository'),
    repositoryOwner: str('repository_owner'),
    workflowRef: str('workflow_ref'),
    jobWorkflowRef: str('job_workflow_ref'),
    environment: str('environment'),
    ref: str('ref'),
    runnerEnvironment: str('runner_environment'),
    repositoryVisibility: str('repository_visibility'),
    audience: aud,
    expiresAt: typeof raw.exp === 'number' ? new Date(raw.exp * 1000) : undefined,
  }
}

/** `owner/repo/.github/workflows/release.yml@refs/heads/main` → `release.yml` */
export function workflowFile(ref: string | undefined): string | undefined {
  if (!ref) return undefined
  const path = ref.split('@')[0]
  const match = /\.github\/workflows\/([^/]+)$/.exec(path)
  return match ? match[1] : undefined
}

/** The repository a workflow ref lives in (`owner/repo`). */
export function workflowRepository(ref: string | undefined): string | undefined {
  if (!ref) return undefined
  const match = /^([^/]+\/[^/]+)\/\.github\//.exec(ref)
  return match ? match[1] : undefined
}

/** One line per claim, for logs, errors and the summary. Never includes the token itself. */
export function describeClaims(claims: IdTokenClaims): string[] {
  const lines = [
    `repository: ${claims.repository ?? 'not stated'}`,
    `workflow file: ${workflowFile(claims.workflowRef) ?? 'not stated'}${claims.workflowRef ? ` (${claims.workflowRef})` : ''}`,
  ]
  if (claims.jobWorkflowRef && claims.jobWorkflowRef !== claims.workflowRef) {
    lines.push(`reusable workflow running the job: ${claims.jobWorkflowRef}`)
  }
  lines.push(`environment: ${claims.environment ?? 'none'}`, `ref: ${claims.ref ?? 'not stated'}`, `runner: ${claims.runnerEnvironment ?? 'not stated'}`)
  return lines
}
