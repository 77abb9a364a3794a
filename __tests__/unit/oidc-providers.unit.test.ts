// Trusted publishing across providers, the pure parts: claims as each provider names them, the npm trust
// command each needs, provenance per provider, and the diagnosis in each provider's words.
import { describe, expect, it } from '@jest/globals'
import { claimsRecord, decodeClaims, describeClaims, gitlabCiFile } from '../../src/oidc/claims.js'
import { diagnoseExchangeFailure } from '../../src/oidc/diagnose.js'
import { fetchIdToken, IdTokenError, oidcAvailable, oidcEnvironment } from '../../src/oidc/exchange.js'
import { detectProvider, missingIdTokenAdvice, provenanceFor } from '../../src/oidc/providers.js'
import { trustCommand } from '../../src/oidc/trust-command.js'
import { HttpClient } from '../../src/http/client.js'

const jwt = (claims: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`
const REGISTRY = new URL('https://registry.example.test/')
const FUTURE = Math.floor(Date.UTC(2030, 0, 1) / 1000)

const GITLAB = {
  iss: 'https://gitlab.com',
  aud: 'npm:registry.example.test',
  project_path: 'acme/tools/cli',
  ci_config_ref_uri: 'gitlab.com/acme/tools/cli//.gitlab-ci.yml@refs/heads/main',
  ref: 'main',
  runner_environment: 'gitlab-hosted',
  project_visibility: 'public',
  environment: 'npm',
  exp: FUTURE,
}
const CIRCLE = {
  iss: 'https://oidc.circleci.com/org/0e1b5a2c-0000-4000-8000-000000000001',
  aud: 'npm:registry.example.test',
  'oidc.circleci.com/org-id': '0e1b5a2c-0000-4000-8000-000000000001',
  'oidc.circleci.com/project-id': '0e1b5a2c-0000-4000-8000-000000000002',
  'oidc.circleci.com/pipeline-definition-id': '0e1b5a2c-0000-4000-8000-000000000003',
  'oidc.circleci.com/vcs-origin': 'github.com/acme/cli',
  'oidc.circleci.com/context-ids': ['0e1b5a2c-0000-4000-8000-000000000004'],
  exp: FUTURE,
}
const GITHUB = {
  repository: 'acme/cli',
  workflow_ref: 'acme/cli/.github/workflows/release.yml@refs/heads/main',
  repository_visibility: 'private',
  aud: 'npm:registry.example.test',
  exp: FUTURE,
}

describe('claims per provider', () => {
  it('tells the provider from the claims and reads its fields', () => {
    const gl = decodeClaims(jwt(GITLAB))
    expect(gl).toMatchObject({ provider: 'gitlab', projectPath: 'acme/tools/cli', projectVisibility: 'public', environment: 'npm' })
    expect(gitlabCiFile(gl.ciConfigRefUri)).toBe('.gitlab-ci.yml')
    expect(describeClaims(gl)).toContain('top-level CI file: .gitlab-ci.yml (gitlab.com/acme/tools/cli//.gitlab-ci.yml@refs/heads/main)')
    expect(claimsRecord(gl)).toMatchObject({ project: 'acme/tools/cli', 'ci-file': '.gitlab-ci.yml', 'project-visibility': 'public' })

    const cc = decodeClaims(jwt(CIRCLE))
    expect(cc.provider).toBe('circleci')
    expect(cc.circleci).toEqual({
      orgId: CIRCLE['oidc.circleci.com/org-id'],
      projectId: CIRCLE['oidc.circleci.com/project-id'],
      pipelineDefinitionId: CIRCLE['oidc.circleci.com/pipeline-definition-id'],
      vcsOrigin: 'github.com/acme/cli',
      contextIds: ['0e1b5a2c-0000-4000-8000-000000000004'],
    })
    expect(claimsRecord(cc)['vcs-origin']).toBe('github.com/acme/cli')
    expect(decodeClaims(jwt(GITHUB)).provider).toBe('github')
    expect(decodeClaims('not.a-jwt')).toEqual({})
    expect(decodeClaims(jwt([1, 2] as unknown as Record<string, unknown>))).toEqual({})
  })
  it('gitlabCiFile takes the file after // and before @ (nested includes name only the top-level file)', () => {
    expect(gitlabCiFile('gitlab.example.com/g/s/p//ci/release.yml@refs/tags/v1')).toBe('ci/release.yml')
    expect(gitlabCiFile('gitlab.com/g/p@refs/heads/main')).toBeUndefined()
    expect(gitlabCiFile(undefined)).toBeUndefined()
  })
})

describe('npm trust command per provider', () => {
  it('fills each from the claims, stage and registry as asked', () => {
    expect(trustCommand({ packageName: '@acme/cli', claims: decodeClaims(jwt(GITLAB)), stage: false, registry: REGISTRY, isPublicRegistry: true })).toBe(
      'npm trust gitlab @acme/cli --project acme/tools/cli --file .gitlab-ci.yml --env npm --allow-publish --yes',
    )
    expect(trustCommand({ packageName: 'cli', claims: decodeClaims(jwt(CIRCLE)), stage: true, registry: REGISTRY, isPublicRegistry: false })).toBe(
      'npm trust circleci cli --org-id 0e1b5a2c-0000-4000-8000-000000000001 --project-id 0e1b5a2c-0000-4000-8000-000000000002 ' +
        '--pipeline-definition-id 0e1b5a2c-0000-4000-8000-000000000003 --vcs-origin github.com/acme/cli --context-id 0e1b5a2c-0000-4000-8000-000000000004 ' +
        '--allow-stage-publish --registry https://registry.example.test/ --yes',
    )
    expect(trustCommand({ packageName: 'cli', claims: decodeClaims(jwt(GITHUB)), stage: false, isPublicRegistry: true })).toBe(
      'npm trust github cli --repo acme/cli --file release.yml --allow-publish --yes',
    )
    expect(trustCommand({ packageName: 'cli', claims: decodeClaims(jwt({ ...GITLAB, ci_config_ref_uri: undefined })), stage: false })).toBeUndefined()
  })
})

describe('providers', () => {
  it('detects the provider as npm does', () => {
    expect(detectProvider({ GITHUB_ACTIONS: 'true' })).toBe('github')
    expect(detectProvider({ GITLAB_CI: 'true' })).toBe('gitlab')
    expect(detectProvider({ CIRCLECI: 'true' })).toBe('circleci')
    expect(detectProvider({ CI: 'true' })).toBeUndefined()
  })
  it('says how to get an ID token where none is', () => {
    expect(missingIdTokenAdvice('gitlab', 'npm:registry.example.test')).toContain('id_tokens:\n  NPM_ID_TOKEN:\n    aud: "npm:registry.example.test"')
    expect(missingIdTokenAdvice('circleci', 'npm:r')).toContain(`circleci run oidc get --claims '{"aud":"npm:r"}'`)
  })
  it('provenance per provider, with the reason', () => {
    const gl = decodeClaims(jwt(GITLAB))
    expect(provenanceFor('gitlab', gl, { SIGSTORE_ID_TOKEN: 'x' })).toEqual({ on: true, reason: 'public GitLab project with SIGSTORE_ID_TOKEN' })
    expect(provenanceFor('gitlab', gl, {})).toMatchObject({ on: false, missing: true })
    expect(provenanceFor('gitlab', { ...gl, projectVisibility: 'internal' }, { SIGSTORE_ID_TOKEN: 'x' })).toEqual({
      on: false,
      reason: 'the GitLab project is internal, not public',
    })
    expect(provenanceFor('circleci', decodeClaims(jwt(CIRCLE)), {})).toEqual({ on: false, reason: 'npm makes no provenance on CircleCI' })
    expect(provenanceFor('github', { repositoryVisibility: 'public' }, {}).on).toBe(true)
  })
})

describe('the ID token npm would use', () => {
  const http = new HttpClient({ deadline: Date.now() + 5000 })
  it('NPM_ID_TOKEN first, masked before anything else; a malformed one refused without showing it', async () => {
    const token = jwt(GITLAB)
    expect(oidcAvailable({ NPM_ID_TOKEN: token })).toBe(true)
    expect(oidcAvailable({})).toBe(false)
    const seen: string[] = []
    const env = oidcEnvironment({ NPM_ID_TOKEN: ` ${token} `, ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/never', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'r' })
    await expect(fetchIdToken({ http, env, audience: 'npm:x', onSecret: (s) => seen.push(s) })).resolves.toBe(token)
    expect(seen).toEqual([token])
    const bad = 'not-a-jwt-secret-value'
    const error = await fetchIdToken({ http, env: oidcEnvironment({ NPM_ID_TOKEN: bad }), audience: 'npm:x', onSecret: () => {} }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IdTokenError)
    expect((error as Error).message).toContain('NPM_ID_TOKEN is not a JWT')
    expect((error as Error).message).not.toContain(bad)
  })
})

describe('diagnosis in the provider’s words', () => {
  const base = {
    packageName: '@acme/cli',
    registry: REGISTRY,
    message: 'no matching publisher',
    repositoryUrl: undefined,
    packageDir: undefined,
    packumentStatus: 200,
  }
  it('GitLab: the settings fields, the top-level CI file, and the command', () => {
    const d = diagnoseExchangeFailure({ ...base, status: 404, claims: decodeClaims(jwt(GITLAB)) })
    expect(d.causes[0]).toContain('Trusted Publisher → GitLab CI/CD')
    expect(d.causes[0]).toContain('top-level CI file path .gitlab-ci.yml')
    expect(d.trustCommand).toContain('npm trust gitlab @acme/cli --project acme/tools/cli --file .gitlab-ci.yml')
    expect(d.causes.at(-1)).toContain(d.trustCommand!)
  })
  it('CircleCI: the ids', () => {
    const d = diagnoseExchangeFailure({ ...base, status: 404, claims: decodeClaims(jwt(CIRCLE)) })
    expect(d.causes[0]).toContain('pipeline definition id 0e1b5a2c-0000-4000-8000-000000000003')
    expect(d.trustCommand).toMatch(/^npm trust circleci @acme\/cli --org-id /)
  })
  it('what the token itself says comes first: audience, expiry, self-hosted', () => {
    const claims = decodeClaims(jwt({ ...GITLAB, aud: 'npm:other.example', exp: 1, runner_environment: 'self-hosted' }))
    const d = diagnoseExchangeFailure({ ...base, status: 401, claims, now: new Date('2026-11-30T00:00:00Z') })
    expect(d.causes[0]).toContain('audience is npm:other.example, not npm:registry.example.test')
    expect(d.causes[1]).toContain('expired')
    expect(d.causes[2]).toContain('self-hosted')
    expect(d.trustCommand).toBeUndefined()
  })
  it('GitHub keeps its own words and now ends with the command', () => {
    const d = diagnoseExchangeFailure({ ...base, status: 404, claims: decodeClaims(jwt(GITHUB)) })
    expect(d.causes.some((c) => c.includes('Trusted Publisher → GitHub Actions'))).toBe(true)
    expect(d.trustCommand).toBe('npm trust github @acme/cli --repo acme/cli --file release.yml --allow-publish --registry https://registry.example.test/ --yes')
  })
})
