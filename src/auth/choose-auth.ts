/**
 * Which path the step takes — trusted publishing (OIDC) or the token — and why, in words for the log
 * and the summary. Pure: decided from the settings and the runner's environment.
 */
import { ActionError } from '../errors.js'
import type { RegistryProfile } from '../registry/kind.js'
import type { AuthChoice, AuthMethod, Finding, Mode } from '../types.js'
import { oidcAvailable } from '../oidc/exchange.js'

export interface AuthDecision {
  method: AuthMethod
  reason: string
  findings: Finding[]
}

export const PERMISSION_SNIPPET = 'permissions:\n  contents: read\n  id-token: write'

/** What the choice depends on: the auth input, the token (if any), the job's env, the mode. */
export interface AuthRequest {
  auth: AuthChoice
  token: string
  env: NodeJS.ProcessEnv
  mode: Mode
}

export function chooseAuth({ auth, token, env, mode }: AuthRequest): AuthDecision {
  const available = oidcAvailable(env)
  const selfHosted = env.RUNNER_ENVIRONMENT === 'self-hosted'
  const noOidc = `this job has no OIDC (ACTIONS_ID_TOKEN_REQUEST_URL is not set). Grant it to the job (or workflow):\n${PERMISSION_SNIPPET}`
  const selfHostedText = 'this job runs on a self-hosted runner, and npm does not accept trusted publishing from self-hosted runners'

  if (auth === 'token') {
    if (!token) throw new ActionError('auth is token but the token input is empty. Pass `token: ${{ secrets.NPM_TOKEN }}`.')
    return { method: 'token', reason: 'auth: token', findings: [] }
  }
  if (auth === 'oidc') {
    if (!available) throw new ActionError(`auth is oidc but ${noOidc}`)
    if (selfHosted) throw new ActionError(`auth is oidc but ${selfHostedText}. Use a GitHub-hosted runner, or auth: token with a granular token.`)
    return { method: 'oidc', reason: 'auth: oidc', findings: [] }
  }
  // A scheduled check exists to watch a token: with one given, check it even if the job could mint ID tokens.
  if (mode === 'check' && token) return { method: 'token', reason: 'auth: auto in check mode with a token given', findings: [] }
  if (available && !selfHosted) return { method: 'oidc', reason: 'auth: auto and the job has id-token: write', findings: [] }
  if (available && selfHosted) {
    if (token) {
      return {
        method: 'token',
        reason: 'auth: auto on a self-hosted runner (no trusted publishing there)',
        findings: [
          {
            level: 'warning',
            title: 'Trusted publishing unavailable on self-hosted runners',
            message: `The job has id-token: write, but ${selfHostedText}. Using the token instead.`,
          },
        ],
      }
    }
    throw new ActionError(
      `No way to authenticate: ${selfHostedText}, and the token input is empty. Pass \`token: \${{ secrets.NPM_TOKEN }}\` or use a GitHub-hosted runner.`,
    )
  }
  if (token) return { method: 'token', reason: 'auth: auto and the job has no id-token: write', findings: [] }
  throw new ActionError(
    'No way to authenticate: the token input is empty and ' +
      `${noOidc}\nfor trusted publishing, or pass \`token: \${{ secrets.NPM_TOKEN }}\` (a granular access token).`,
  )
}

/**
 * chooseAuth, knowing the registry: npm's trusted publishing exists only on registries that implement its
 * token exchange, so on GitHub Packages and Azure Artifacts `auto` means the token and `oidc` is refused.
 */
export function chooseAuthFor(profile: RegistryProfile, request: AuthRequest): AuthDecision {
  if (profile.trustedPublishing) return chooseAuth(request)
  const { auth, token } = request
  const what = `${profile.label} has no npm trusted publishing (OIDC)`
  if (auth === 'oidc') throw new ActionError(`auth is oidc but ${what}. Use auth: token (or auto) with a token for it.`)
  if (!token) {
    const hint =
      profile.kind === 'github-packages'
        ? 'Pass `token: ${{ secrets.GITHUB_TOKEN }}` (and give the job `permissions: packages: write` to publish).'
        : profile.kind === 'azure'
          ? 'Pass `token: ${{ secrets.AZURE_ARTIFACTS_PAT }}` (a personal access token with Packaging read & write).'
          : 'Pass `token: ${{ secrets.NPM_TOKEN }}` (an access token of that registry).'
    throw new ActionError(`No way to authenticate: the token input is empty and ${what}. ${hint}`)
  }
  return { method: 'token', reason: `auth: ${auth}; ${what}`, findings: [] }
}
