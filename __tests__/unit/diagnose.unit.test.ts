import { describe, expect, it } from '@jest/globals'
import { describeClaims, workflowFile, type IdTokenClaims } from '../../src/oidc/claims.js'
import { diagnoseExchangeFailure, repositoryFromUrl } from '../../src/oidc/diagnose.js'

const registry = new URL('https://registry.example.test/')
const claims: IdTokenClaims = {
  repository: 'octo-org/octo-repo',
  repositoryOwner: 'octo-org',
  workflowRef: 'octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main',
  jobWorkflowRef: 'octo-org/shared/.github/workflows/publish.yml@refs/heads/main',
  ref: 'refs/heads/main',
  runnerEnvironment: 'github-hosted',
}
const base = {
  packageName: '@octo-org/pkg',
  registry,
  message: 'OIDC token exchange error - package not found',
  claims,
  repositoryUrl: 'git+https://github.com/octo-org/octo-repo.git',
  packageDir: '/w/pkg',
  packumentStatus: 200,
}

describe('repositoryFromUrl reads every form package.json uses', () => {
  it.each([
    ['git+https://github.com/Octo/Repo.git', 'Octo/Repo'],
    ['https://github.com/octo/repo', 'octo/repo'],
    ['git@github.com:octo/repo.git', 'octo/repo'],
    ['git+ssh://git@github.com/octo/repo.git', 'octo/repo'],
    ['github:octo/repo', 'octo/repo'],
    ['octo/repo', 'octo/repo'],
  ])('%s', (url, expected) => expect(repositoryFromUrl(url)).toBe(expected))
})

describe('diagnoseExchangeFailure', () => {
  it('a 404 names the publisher to configure and the calling workflow of a reusable one', () => {
    const d = diagnoseExchangeFailure({ ...base, status: 404 })
    expect(d.headline).toContain('HTTP 404')
    expect(d.causes.join('\n')).toContain('owner octo-org, repository octo-repo, workflow release.yml, environment (none)')
    expect(d.causes.join('\n')).toContain("npm checks the CALLING workflow's file name, release.yml")
  })
  it('a local repository.url mismatch is named first, as checked locally', () => {
    const d = diagnoseExchangeFailure({ ...base, status: 404, repositoryUrl: 'https://github.com/someone/else' })
    expect(d.causes[0]).toMatch(/^Checked locally/)
  })
  it('a never-published package says the first publish needs a token', () => {
    const d = diagnoseExchangeFailure({ ...base, status: 404, packumentStatus: 404 })
    expect(d.causes.join('\n')).toContain('first publish cannot use trusted publishing')
  })
  it('a 5xx blames the registry being down, not the settings', () => {
    const d = diagnoseExchangeFailure({ ...base, status: 503, message: 'HTTP 503' })
    expect(d.causes).toHaveLength(1)
    expect(d.causes[0]).toContain('kept failing (HTTP 503)')
    expect(d.causes[0]).not.toContain('Trusted Publisher →')
  })
  it('claims are described without any token', () => {
    expect(workflowFile(claims.workflowRef)).toBe('release.yml')
    expect(describeClaims(claims).join('\n')).toContain('reusable workflow running the job')
  })
})
