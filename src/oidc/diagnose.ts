/**
 * Turns a failed exchange into the causes that fit, most likely first, with what the ID token claimed,
 * so a misconfigured trusted publisher is fixed from the log instead of guessed at from npm's E404.
 */
import { gitlabCiFile, workflowFile, workflowRepository, type IdTokenClaims } from './claims.js'
import { trustCommand } from './trust-command.js'

export interface DiagnosisInput {
  packageName: string
  registry: URL
  status: number
  message: string
  claims: IdTokenClaims
  /** package.json `repository` of this package, when found locally. */
  repositoryUrl: string | undefined
  /** Where that package.json is (for the message). */
  packageDir: string | undefined
  /** What GET of the package document answered: 200 exists, 404 not found (or private), undefined unknown. */
  packumentStatus: number | undefined
  /** The job stages (`npm stage publish`): the fix must allow that. */
  stage?: boolean
  /** npm's own default registry (the fix command then names no --registry). */
  isPublicRegistry?: boolean
  now?: Date
}

/** `git+https://github.com/Owner/Repo.git`, `git@github.com:Owner/Repo.git`, `github:Owner/Repo`, `Owner/Repo` → `Owner/Repo` */
export function repositoryFromUrl(url: string): string | undefined {
  const trimmed = url.trim()
  const shorthand = /^(?:github:)?([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(trimmed)
  if (shorthand && !trimmed.includes('://')) return `${shorthand[1]}/${shorthand[2]}`
  const scp = /^[\w.-]+@[\w.-]+:([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(trimmed)
  if (scp) return `${scp[1]}/${scp[2]}`
  try {
    const parsed = new URL(trimmed.replace(/^git\+/, ''))
    const parts = parsed.pathname
      .replace(/^\/+/, '')
      .replace(/\/+$/, '')
      .replace(/\.git$/, '')
      .split('/')
    return parts.length >= 2 ? `${parts[parts.length - 2]}/${parts[parts.length - 1]}` : undefined
  } catch {
    return undefined
  }
}

/**
 * package.json `repository` against the repository the job runs in (from the ID token): the problem,
 * worded for the user, when it provably differs or is missing; undefined when it matches or is unknown.
 */
export function localRepositoryProblem(repositoryUrl: string | undefined, packageDir: string | undefined, repo: string | undefined): string | undefined {
  if (!repo) return undefined
  if (repositoryUrl !== undefined) {
    const declared = repositoryFromUrl(repositoryUrl)
    if (declared?.toLowerCase() === repo.toLowerCase()) return undefined
    return `Checked locally: package.json${packageDir ? ` in ${packageDir}` : ''} declares repository ${JSON.stringify(repositoryUrl)}, but this job runs in ${repo}. npm requires repository.url to be this repository (https://github.com/${repo}); fix package.json.`
  }
  if (!packageDir) return undefined
  return `Checked locally: package.json in ${packageDir} has no repository field; npm requires repository.url to be https://github.com/${repo} for trusted publishing.`
}

export interface Diagnosis {
  /** One paragraph: what failed, where. */
  headline: string
  /** Causes that fit, most likely first. */
  causes: string[]
  /** When no publisher matches: the `npm trust …` command that adds the one this job needs. */
  trustCommand?: string
}

export function diagnoseExchangeFailure(input: DiagnosisInput): Diagnosis {
  const { packageName, registry, status, message, claims } = input
  const headline = `Trusted publishing pre-flight failed for ${packageName} at ${registry.origin}: HTTP ${status}, "${message}".`
  if (status >= 500 || status === 429) {
    // The registry itself is failing (after retries): nothing in the publisher settings explains that.
    return {
      headline,
      causes: [
        `${registry.host} kept failing (HTTP ${status}) after retries: the registry is down or overloaded, not misconfigured: nothing in the trusted publisher settings needs to change for this. Try again later.`,
      ],
    }
  }
  const causes: string[] = []
  // What the token itself says against this registry comes before any publisher setting.
  const audience = `npm:${registry.hostname}`
  if (claims.audience && !claims.audience.split(', ').includes(audience)) {
    causes.push(`The ID token's audience is ${claims.audience}, not ${audience}: it was minted for another registry. Mint it for ${audience}.`)
  }
  if (claims.expiresAt && claims.expiresAt.getTime() <= (input.now ?? new Date()).getTime()) {
    causes.push(`The ID token expired at ${claims.expiresAt.toISOString()}: mint it in the same job, right before publishing.`)
  }
  if (claims.runnerEnvironment === 'self-hosted') {
    causes.push(
      'The job runs on a self-hosted runner: npm accepts trusted publishing only from hosted runners (GitHub-hosted, GitLab.com shared runners, CircleCI cloud).',
    )
  }
  if (claims.provider === 'gitlab' || claims.provider === 'circleci') {
    const fix =
      status === 404 || status === 400 || status === 422
        ? trustCommand({ packageName, claims, stage: input.stage ?? false, registry, isPublicRegistry: input.isPublicRegistry })
        : undefined
    causes.push(...otherProviderCauses(input, fix))
    return { headline, causes, trustCommand: fix }
  }
  const file = workflowFile(claims.workflowRef)
  const jobFile = workflowFile(claims.jobWorkflowRef)
  const repo = claims.repository
  const reusable = claims.jobWorkflowRef && claims.workflowRef && claims.jobWorkflowRef.split('@')[0] !== claims.workflowRef.split('@')[0]
  const publisher = `owner ${claims.repositoryOwner ?? repo?.split('/')[0] ?? '?'}, repository ${repo?.split('/')[1] ?? '?'}, workflow ${file ?? '?'}, environment ${claims.environment ?? '(none)'}`

  // A local mismatch we can prove beats every guess: list it first.
  const local = localRepositoryProblem(input.repositoryUrl, input.packageDir, repo)
  if (local) causes.push(local)

  if (status === 401 || status === 403) {
    causes.push(
      `The registry refused the ID token itself (HTTP ${status}). The token was minted for audience ${claims.audience ?? '?'}; if ${registry.host} is not the registry that has the trusted publisher, set registry-url to it.`,
    )
    if (status === 403) causes.push('The trusted publisher may exist but not allow this workflow, ref or environment (see the claims below).')
  }

  if (input.packumentStatus === 404) {
    causes.push(
      `${packageName} does not exist on ${registry.host} (or is private and the check had no token to see it). A package's first publish cannot use trusted publishing: publish it once with a token, then add the trusted publisher on its settings page.`,
    )
  }
  if (status === 404 || status === 400 || status === 422) {
    causes.push(
      `No trusted publisher on ${registry.host} matches this job. On the package's settings page (Trusted Publisher → GitHub Actions) it must say exactly: ${publisher}. All fields are case-sensitive.`,
    )
    if (file) {
      causes.push(
        reusable
          ? `This job runs in a reusable workflow (${jobFile ?? claims.jobWorkflowRef}) called from ${file}: npm checks the CALLING workflow's file name, ${file}.`
          : `The workflow file name must match ${file} exactly (case-sensitive, file name only, no path).`,
      )
    }
    if (claims.environment) {
      causes.push(`This job runs in environment ${JSON.stringify(claims.environment)}: the trusted publisher's environment must be that name, or empty.`)
    } else {
      causes.push('This job runs in no environment: if the trusted publisher names one, add `environment: <name>` to the job or clear it on npm.')
    }
    const workflowRepo = workflowRepository(claims.workflowRef)
    if (workflowRepo && repo && workflowRepo !== repo) {
      causes.push(`The workflow comes from ${workflowRepo} but the job runs in ${repo}; the publisher is matched against ${repo}.`)
    }
  }
  if (causes.length === 0) causes.push(`The registry gave no reason beyond "${message}". Check the trusted publisher settings: ${publisher}.`)
  const fix =
    status === 404 || status === 400 || status === 422
      ? trustCommand({ packageName, claims, stage: input.stage ?? false, registry, isPublicRegistry: input.isPublicRegistry })
      : undefined
  if (fix) causes.push(`To add (or replace) the trusted publisher from a laptop with npm 11.10 or newer: ${fix}`)
  return { headline, causes, trustCommand: fix }
}

/** GitLab CI/CD and CircleCI, in their own words (npm's settings page names the fields so). */
function otherProviderCauses(input: DiagnosisInput, fix: string | undefined): string[] {
  const { packageName, registry, status, message, claims } = input
  const causes: string[] = []
  if (status === 401 || status === 403) {
    causes.push(
      `The registry refused the ID token itself (HTTP ${status}): check its audience (${claims.audience ?? '?'}) and that ${registry.host} is the registry with the trusted publisher.`,
    )
  }
  if (input.packumentStatus === 404) {
    causes.push(
      `${packageName} does not exist on ${registry.host} (or is private). A package's first publish cannot use trusted publishing: publish it once with a token, then add the trusted publisher.`,
    )
  }
  if (status === 404 || status === 400 || status === 422) {
    if (claims.provider === 'gitlab') {
      const file = gitlabCiFile(claims.ciConfigRefUri)
      causes.push(
        `No trusted publisher on ${registry.host} matches this job. Under Trusted Publisher → GitLab CI/CD it must say exactly: namespace and project path ${claims.projectPath ?? '?'}, ` +
          `top-level CI file path ${file ?? '?'}, environment ${claims.environment ?? '(none)'}.`,
      )
      if (!claims.ciConfigRefUri) {
        causes.push(
          'The ID token has no ci_config_ref_uri: GitLab leaves it empty when the pipeline definition lives in another project, and npm cannot match such a job.',
        )
      } else {
        causes.push(`The top-level CI file path must be the file name only (${file ?? '?'}), even when the job is in an included file.`)
      }
    } else {
      const c = claims.circleci
      causes.push(
        `No trusted publisher on ${registry.host} matches this job. Under Trusted Publisher → CircleCI it must say exactly: organization id ${c?.orgId ?? '?'}, project id ${c?.projectId ?? '?'}, ` +
          `pipeline definition id ${c?.pipelineDefinitionId ?? '?'}, VCS origin ${c?.vcsOrigin ?? '?'}${c && c.contextIds.length > 0 ? `, and (if it names contexts) one of ${c.contextIds.join(', ')}` : ''}.`,
      )
    }
    if (claims.environment)
      causes.push(`This job runs in environment ${JSON.stringify(claims.environment)}: the publisher's environment must be that name, or empty.`)
    if (fix) causes.push(`To add (or replace) the trusted publisher from a laptop with npm 11.10 or newer: ${fix}`)
  }
  if (causes.length === 0) causes.push(`The registry gave no reason beyond "${message}".`)
  return causes
}
