// Trusted publishing everywhere npm accepts it (issue #15): GitLab CI/CD and CircleCI besides GitHub
// Actions. The real npm CLI (npm 11.19 on PATH; npm 12 and pnpm 12 on the paths users take) publishes by its
// own OIDC exchange with NPM_ID_TOKEN, and configures publishers with `npm trust github|gitlab|circleci|list|revoke` against our npmjs fake
// (test-support/oidc-fakes.ts: real RS256 ID tokens per provider, the exchange matching exactly the claims
// npm matches, the trust API with write access and 2FA). Then the CLI's pre-flight
// (`setup-npm-auth preflight`) on each provider: what it reports, the `npm trust` command it prints
// (running it makes the next pre-flight pass), and bad input. Loopback only; every run through the canary.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { assertNoSecretLeak, processCanaryInput } from '../../test-support/canary.ts'
import { FAKE_OTP, randomAlnum, sha512Hex, type FakeNpmjs, type TokenSpec } from '../../test-support/fake-npmjs.ts'
import {
  NPM_CLIENTS,
  NPMRC_CLIENTS,
  npmStepEnv,
  publishWith,
  runNpmClient,
  writeFixturePackage,
  type NpmClient,
  type NpmrcClient,
} from '../../test-support/npm-cli.ts'
import {
  ACTION_NOT_ALLOWED,
  circleciIssuer,
  DEFAULT_CIRCLECI_CLAIMS,
  DEFAULT_GITLAB_CLAIMS,
  gitlabCiConfigRefUri,
  gitlabCiFileOf,
  mintCircleCiIdToken,
  mintGitLabIdToken,
  npmAudience,
  startTrustedPublishingRegistry,
  verifyJwt,
  type CircleCiClaims,
  type CircleCiPublisher,
  type GitLabClaims,
  type GitLabPublisher,
  type IdTokenServer,
  type TrustedPublisher,
  type TrustedPublishing,
  type TrustedPublishingRegistry,
} from '../../test-support/oidc-fakes.ts'
import { modernNode, repoRoot, runProcess, type ProcessResult } from '../../test-support/process.ts'

const PROJECT = DEFAULT_GITLAB_CLAIMS.project_path // group/sub/project
const CI_FILE = '.gitlab-ci.yml'
const C = DEFAULT_CIRCLECI_CLAIMS
const CONTEXT_ID = '0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f'
const REPO = 'octo-org/octo-repo'
const GITLAB: GitLabPublisher = { type: 'gitlab', projectPath: PROJECT, ciConfigFile: CI_FILE }
const CIRCLECI: CircleCiPublisher = {
  type: 'circleci',
  orgId: C.orgId,
  projectId: C.projectId,
  pipelineDefinitionId: C.pipelineDefinitionId,
  vcsOrigin: C.vcsOrigin,
}
const CLI = join(repoRoot, 'dist', 'cli', 'index.js')

let fakes: TrustedPublishingRegistry
let idp: IdTokenServer
let tp: TrustedPublishing
let registry: FakeNpmjs
let tmpRoot: string
let audience: string

beforeAll(async () => {
  fakes = await startTrustedPublishingRegistry({ registry: { tokenList: 'any' } })
  ;({ idp, tp, registry } = fakes)
  audience = npmAudience(registry.url)
  tmpRoot = mkdtempSync(join(os.tmpdir(), 'tp-providers-int-'))
  mkdirSync(join(tmpRoot, 'npmrc'))
})
afterAll(async () => {
  rmSync(tmpRoot, { recursive: true, force: true })
  await fakes?.stop()
})

// ---- the canary over every run ------------------------------------------------------------------

/** Every run of the current test with the folder it may write in (its HOME, npm's logs, the package). */
let runs: Array<{ result: ProcessResult; root: string }> = []
/** Secrets of the current test besides the fakes' own (user tokens, a malformed NPM_ID_TOKEN, SIGSTORE_ID_TOKEN). */
let secrets: string[] = []
beforeEach(() => {
  runs = []
  secrets = []
  idp.resetClaims()
})
afterEach(() => {
  // Every ID token minted (GitHub's and the ones given as NPM_ID_TOKEN) and every token the registry issued.
  const all = [idp.requestToken, ...idp.minted, ...tp.issued, ...secrets]
  for (const { result, root } of runs) assertNoSecretLeak(processCanaryInput(result, root), all)
})

// ---- helpers -----------------------------------------------------------------------------------

/** One package's folder for a test: `pkg/` holds package.json; each run gets its own HOME beside it. */
interface Case {
  name: string
  /** Everything the runs of this case may write (scanned by the canary). */
  root: string
  pkg: string
}
let caseCounter = 0
function newCase(name: string, version = '1.1.0'): Case {
  const root = join(tmpRoot, `${++caseCounter}-${name.replace(/[@/]/g, '_')}`)
  const pkg = writeFixturePackage(join(root, 'pkg'), name, version)
  return { name, root, pkg }
}

/** A package that exists on the registry (1.0.0 published with a token), with this trusted publisher. */
async function existing(name: string, publisher?: TrustedPublisher): Promise<Case> {
  await tp.seedPackage(name)
  if (publisher) tp.publishers.set(name, { ...publisher })
  return newCase(name)
}

/** Nothing of the host's CI: each test says which provider it is on. */
const CLEAN: Record<string, string | undefined> = {
  CI: 'true',
  GITHUB_ACTIONS: undefined,
  GITLAB_CI: undefined,
  CIRCLECI: undefined,
  BUILDKITE: undefined,
  NPM_ID_TOKEN: undefined,
  SIGSTORE_ID_TOKEN: undefined,
  ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
  RUNNER_ENVIRONMENT: undefined,
}
const gitlabToken = (overrides: Partial<GitLabClaims> & { ttlSeconds?: number } = {}) => mintGitLabIdToken(idp, audience, overrides)
const circleToken = (overrides: Partial<CircleCiClaims> & { ttlSeconds?: number } = {}) => mintCircleCiIdToken(idp, audience, overrides)
/** A GitLab job with `id_tokens: NPM_ID_TOKEN: aud: npm:<host>` (and no GitHub variables). */
const onGitLab = (token = gitlabToken()) => ({ GITLAB_CI: 'true', NPM_ID_TOKEN: token })
/** A CircleCI job that ran `export NPM_ID_TOKEN=$(circleci run oidc get --claims '{"aud":"npm:<host>"}')`. */
const onCircleCi = (token = circleToken()) => ({ CIRCLECI: 'true', NPM_ID_TOKEN: token })
/** A GitHub-hosted job with `permissions: id-token: write`. */
const onGitHub = () => ({ GITHUB_ACTIONS: 'true', RUNNER_ENVIRONMENT: 'github-hosted', ...idp.env() })

let rcCounter = 0
/** A userconfig OUTSIDE every case folder (it may hold a user's token, which the canary would flag). */
function userconfig(token?: string): string {
  const file = join(tmpRoot, 'npmrc', `${++rcCounter}.npmrc`)
  const host = registry.url.replace(/^https?:/, '')
  writeFileSync(file, `registry=${registry.url}\n${token ? `${host}:_authToken=${token}\n` : ''}`, { mode: 0o600 })
  return file
}

/** A maintainer's granular token that may write `packages` (2FA on the account: the trust API wants an OTP). */
function maintainerToken(packages: string[], extra: Partial<TokenSpec> = {}): string {
  const token = `npm_${randomAlnum(36)}`
  registry.addToken({ token, username: 'maintainer', packages, decoys: false, expiry: new Date(Date.now() + 7 * 864e5).toISOString(), ...extra })
  secrets.push(token)
  return token
}

/** The real npm CLI (npm 11 on PATH unless `client` says npm 12), as a CI step or a laptop runs it, in `cwd` (default the package). */
async function npm(
  c: Case,
  args: string[],
  opts: { env?: Record<string, string | undefined>; config: string; cwd?: string; client?: NpmClient },
): Promise<ProcessResult> {
  const home = mkdtempSync(join(c.root, 'home-'))
  const env = { ...CLEAN, ...npmStepEnv(home), NPM_CONFIG_USERCONFIG: opts.config, ...opts.env }
  const result = await runNpmClient(opts.client ?? 'npm11', args, { cwd: opts.cwd ?? c.pkg, env })
  runs.push({ result, root: c.root })
  return result
}

/** `<client> publish` (or `npm stage publish`) through a userconfig that routes the registry and holds no credential. */
async function publish(c: Case, env: Record<string, string | undefined>, stage = false, client: NpmrcClient = 'npm11'): Promise<ProcessResult> {
  if (client !== 'pnpm12') return npm(c, stage ? ['stage', 'publish'] : ['publish'], { env, config: userconfig(), client })
  const home = mkdtempSync(join(c.root, 'home-'))
  const result = await publishWith(client, { cwd: c.pkg, env: { ...CLEAN, ...npmStepEnv(home), NPM_CONFIG_USERCONFIG: userconfig(), ...env } })
  runs.push({ result, root: c.root })
  return result
}

/**
 * `npm trust …` from a laptop (a folder without package.json) with a maintainer's token for the package in
 * the userconfig, and `--otp=FAKE_OTP` unless `otp: false`; `--registry` added unless `args` name one.
 */
async function trust(c: Case, args: string[], opts: { token?: string; otp?: boolean; client?: NpmClient } = {}): Promise<ProcessResult> {
  const token = opts.token ?? maintainerToken([c.name])
  const laptop = mkdtempSync(join(c.root, 'laptop-'))
  const extra = [
    ...(opts.otp === false ? [] : [`--otp=${FAKE_OTP}`]),
    ...(args.some((a) => a === '--registry' || a.startsWith('--registry=')) ? [] : ['--registry', registry.url]),
  ]
  return npm(c, ['trust', ...args, ...extra], { config: userconfig(token), cwd: laptop, client: opts.client })
}

/** `npm trust circleci <name>` with the default CircleCI claims (org, project, pipeline definition, VCS origin). */
const circleTrustArgs = (name: string) => [
  'circleci',
  name,
  '--org-id',
  C.orgId,
  '--project-id',
  C.projectId,
  '--pipeline-definition-id',
  C.pipelineDefinitionId,
  '--vcs-origin',
  C.vcsOrigin,
]

/** npm's exchanges for a package (the CLI's carry our user agent). */
const npmExchanges = (name: string) => tp.exchanges.filter((e) => e.packageName === name && /^npm\//.test(e.userAgent))
/** The publishing client's own exchanges: npm's carry npm's user agent; pnpm 12 sends none (the CLI's carry ours). */
const clientExchanges = (name: string, client: NpmrcClient) =>
  client === 'pnpm12' ? tp.exchanges.filter((e) => e.packageName === name && e.userAgent === '') : npmExchanges(name)
const expectPublished = (r: ProcessResult) => expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' })
const expectPublishFailed = (r: ProcessResult) => {
  expect(r.code).not.toBe(0)
  expect(r.stderr).toMatch(/npm error code (E404|ENEEDAUTH)\b/)
}
/** The version the client published by OIDC, with the token its own exchange issued. */
function expectPublishedByOidc(name: string, version = '1.1.0', client: NpmrcClient = 'npm11'): void {
  const last = clientExchanges(name, client).at(-1)
  expect(last?.status).toBe(201)
  expect(tp.publishedByOidc()).toContainEqual(expect.objectContaining({ name, version, tokenKey: sha512Hex(last!.token!) }))
}

/** The words of a shell command as `shellWord` quotes them (plain, or single-quoted with '\'' escapes). */
function shellWords(command: string): string[] {
  const words: string[] = []
  let word: string | undefined
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]
    if (ch === ' ') {
      if (word !== undefined) words.push(word)
      word = undefined
    } else if (ch === "'") {
      const end = command.indexOf("'", i + 1)
      if (end < 0) throw new Error(`unterminated quote in ${command}`)
      word = (word ?? '') + command.slice(i + 1, end)
      i = end
    } else if (ch === '\\') {
      word = (word ?? '') + command[++i]
    } else word = (word ?? '') + ch
  }
  if (word !== undefined) words.push(word)
  return words
}

/** The value after `flag` in words (every value when it repeats). */
const flagValues = (words: string[], flag: string): string[] => words.flatMap((w, i) => (w === flag && i + 1 < words.length ? [words[i + 1]] : []))

// ---- the ID tokens themselves ------------------------------------------------------------------

describe('ID tokens per provider (test-support)', () => {
  it("GitLab's: its claim names and formats, RS256 by the registry's key", () => {
    const jwt = gitlabToken({ environment: 'production' })
    const checked = verifyJwt(jwt, idp.publicKey)
    if (!checked.ok) throw new Error(checked.reason)
    expect(checked.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: idp.kid })
    const p = checked.payload
    expect(p).toMatchObject({
      iss: 'https://gitlab.com',
      aud: 'npm:127.0.0.1',
      sub: 'project_path:group/sub/project:ref_type:branch:ref:main',
      project_path: 'group/sub/project',
      namespace_path: 'group/sub',
      ci_config_ref_uri: 'gitlab.com/group/sub/project//.gitlab-ci.yml@refs/heads/main',
      ref: 'main',
      ref_type: 'branch',
      ref_path: 'refs/heads/main',
      environment: 'production',
      runner_environment: 'gitlab-hosted',
      project_visibility: 'private',
      pipeline_source: 'push',
    })
    for (const id of ['namespace_id', 'project_id', 'user_id', 'pipeline_id', 'job_id']) expect(p[id]).toMatch(/^\d+$/)
    expect(p.nbf).toBe((p.iat as number) - 5)
    expect((p.exp as number) - (p.iat as number)).toBe(3600)
    expect(gitlabCiFileOf(p.ci_config_ref_uri)).toBe('.gitlab-ci.yml')
    expect(gitlabCiFileOf(gitlabCiConfigRefUri('g/p', 'ci/release.yml', 'refs/tags/v1'))).toBe('ci/release.yml')
    // No environment: no environment claims at all. Expired: exp in the past, iat a lifetime before.
    const plain = verifyJwt(gitlabToken({ ttlSeconds: -60 }), idp.publicKey)
    if (!plain.ok) throw new Error(plain.reason)
    expect(plain.payload).not.toHaveProperty('environment')
    expect(plain.payload.exp as number).toBeLessThan(Date.now() / 1000 - 50)
  })

  it("CircleCI's: oidc.circleci.com/* claims, the org in the issuer and the subject", () => {
    const checked = verifyJwt(circleToken({ contextIds: [CONTEXT_ID] }), idp.publicKey)
    if (!checked.ok) throw new Error(checked.reason)
    expect(checked.payload).toMatchObject({
      iss: `https://oidc.circleci.com/org/${C.orgId}`,
      sub: `org/${C.orgId}/project/${C.projectId}/user/${C.userId}`,
      aud: 'npm:127.0.0.1',
      'oidc.circleci.com/org-id': C.orgId,
      'oidc.circleci.com/project-id': C.projectId,
      'oidc.circleci.com/pipeline-definition-id': C.pipelineDefinitionId,
      'oidc.circleci.com/vcs-origin': 'github.com/octo-org/octo-repo',
      'oidc.circleci.com/vcs-ref': 'refs/heads/main',
      'oidc.circleci.com/context-ids': [CONTEXT_ID],
      'oidc.circleci.com/ssh-rerun': false,
    })
    expect(circleciIssuer(C.orgId)).toBe(checked.payload.iss)
    expect(checked.payload).not.toHaveProperty('nbf')
  })
})

// ---- npm publish by npm's own exchange -----------------------------------------------------------

describe("GitLab CI/CD: npm publish by npm's own exchange (NPM_ID_TOKEN)", () => {
  it.each(NPMRC_CLIENTS)('a matching gitlab publisher: %s publishes with the exchanged token, no credential in the userconfig', async (client) => {
    const c = await existing(`tp-gitlab-ok-${client}`, GITLAB)
    const before = registry.requests.length
    const r = await publish(c, onGitLab(), false, client)
    expectPublished(r)
    const [exchange] = clientExchanges(c.name, client)
    expect(exchange).toMatchObject({ status: 201, provider: 'gitlab', path: `/-/npm/v1/oidc/token/exchange/package/${c.name}` })
    expect(exchange.claims).toMatchObject({ project_path: PROJECT, aud: 'npm:127.0.0.1' })
    const put = registry.requests.slice(before).find((q) => q.method === 'PUT')
    expect(put?.headers.authorization).toBe(`Bearer ${exchange.token}`)
    expectPublishedByOidc(c.name, '1.1.0', client)
  })

  // Which claim fails to match is the registry's (the fake's) decision: one client shows the matching.
  it('another CI file, another project, another environment, or a GitHub publisher: E404/ENEEDAUTH, refused for that reason', async () => {
    const cases: Array<[string, TrustedPublisher, string]> = [
      ['tp-gitlab-file', { ...GITLAB, ciConfigFile: 'release.gitlab-ci.yml' }, 'ci config file mismatch'],
      ['tp-gitlab-project', { ...GITLAB, projectPath: 'group/other-project' }, 'project mismatch'],
      ['tp-gitlab-env', { ...GITLAB, environment: 'production' }, 'environment mismatch'],
      ['tp-gitlab-github', { repository: REPO, workflowFile: 'publish.yml' }, 'provider mismatch (publisher github, token from gitlab)'],
    ]
    for (const [name, publisher, reason] of cases) {
      const c = await existing(name, publisher)
      expectPublishFailed(await publish(c, onGitLab()))
      expect({ name, refused: npmExchanges(name).map((e) => [e.status, e.reason]) }).toEqual({ name, refused: [[404, reason]] })
      expect(tp.publishedByOidc().filter((p) => p.name === name)).toEqual([])
    }
    // The environment publisher accepts a token from a job in that environment.
    const env = newCase('tp-gitlab-env')
    expectPublished(await publish(env, onGitLab(gitlabToken({ environment: 'production' }))))
    expectPublishedByOidc('tp-gitlab-env')
  })

  it('the CI file is the file of ci_config_ref_uri (not its project or ref); a null ci_config_ref_uri matches nothing', async () => {
    const c = await existing('tp-gitlab-uri', GITLAB)
    expectPublished(
      await publish(c, onGitLab(gitlabToken({ ref: 'release', ci_config_ref_uri: gitlabCiConfigRefUri(PROJECT, CI_FILE, 'refs/heads/release') }))),
    )
    const none = await existing('tp-gitlab-null-uri', GITLAB)
    expectPublishFailed(await publish(none, onGitLab(gitlabToken({ ci_config_ref_uri: null }))))
    expect(npmExchanges(none.name).map((e) => e.reason)).toEqual(['ci config file mismatch'])
  })

  it.each(NPM_CLIENTS)(
    'refused ID tokens: expired, for another audience, from a self-hosted runner, or NPM_ID_TOKEN without GITLAB_CI (%s does not even try)',
    async (client) => {
      const c = await existing(`tp-gitlab-refused-${client}`, GITLAB)
      expectPublishFailed(await publish(c, onGitLab(gitlabToken({ ttlSeconds: -120 })), false, client))
      expectPublishFailed(await publish(c, onGitLab(mintGitLabIdToken(idp, 'npm:registry.npmjs.org')), false, client))
      expectPublishFailed(await publish(c, onGitLab(gitlabToken({ runner_environment: 'self-hosted' })), false, client))
      expect(npmExchanges(c.name).map((e) => [e.status, e.reason])).toEqual([
        [401, 'expired'],
        [401, 'audience npm:registry.npmjs.org'],
        [400, 'self-hosted runner'],
      ])
      const exchanges = tp.exchanges.length
      expectPublishFailed(await publish(c, { NPM_ID_TOKEN: gitlabToken() }, false, client))
      expect(tp.exchanges.length).toBe(exchanges)
    },
  )
})

describe("CircleCI: npm publish by npm's own exchange (NPM_ID_TOKEN)", () => {
  it.each(NPMRC_CLIENTS)('a matching circleci publisher: %s publishes; provenance is never attempted on CircleCI', async (client) => {
    const c = await existing(`tp-circle-ok-${client}`, CIRCLECI)
    const r = await publish(c, onCircleCi(), false, client)
    expectPublished(r)
    expect(clientExchanges(c.name, client)).toEqual([expect.objectContaining({ status: 201, provider: 'circleci' })])
    expectPublishedByOidc(c.name, '1.1.0', client)
    // npm skips the provenance visibility lookup on CircleCI.
    expect(registry.requests.some((q) => q.path.includes(`/-/package/${c.name}/visibility`))).toBe(false)
  })

  // Which claim fails to match is the registry's (the fake's) decision: one client shows the matching.
  it('each matched claim differing, a context the job lacks, a token for another org: E404/ENEEDAUTH', async () => {
    const other = '11111111-2222-4333-8444-555555555555'
    const cases: Array<[string, TrustedPublisher, string, Partial<CircleCiClaims>?]> = [
      ['tp-circle-org', { ...CIRCLECI, orgId: other }, 'org-id mismatch'],
      ['tp-circle-project', { ...CIRCLECI, projectId: other }, 'project-id mismatch'],
      ['tp-circle-pipeline', { ...CIRCLECI, pipelineDefinitionId: other }, 'pipeline-definition-id mismatch'],
      ['tp-circle-vcs', { ...CIRCLECI, vcsOrigin: 'github.com/octo-org/fork' }, 'vcs-origin mismatch'],
      ['tp-circle-context', { ...CIRCLECI, contextIds: [CONTEXT_ID] }, 'context-ids mismatch'],
      ['tp-circle-gitlab', GITLAB, 'provider mismatch (publisher gitlab, token from circleci)'],
    ]
    for (const [name, publisher, reason] of cases) {
      const c = await existing(name, publisher)
      expectPublishFailed(await publish(c, onCircleCi()))
      expect({ name, refused: npmExchanges(name).map((e) => [e.status, e.reason]) }).toEqual({ name, refused: [[404, reason]] })
    }
    // With the context, the context publisher matches.
    expectPublished(await publish(newCase('tp-circle-context'), onCircleCi(circleToken({ contextIds: [other, CONTEXT_ID] }))))
    expectPublishedByOidc('tp-circle-context')
    // An issuer naming another org than the token's org-id claim is refused as a bad issuer.
    const c = await existing('tp-circle-issuer', CIRCLECI)
    expectPublishFailed(await publish(c, onCircleCi(circleToken({ iss: circleciIssuer(other) }))))
    expect(npmExchanges(c.name).map((e) => [e.status, e.reason])).toEqual([[401, 'issuer names another org']])
  })

  it.each(NPM_CLIENTS)('expired or for another audience: refused by the registry; CIRCLECI unset: %s never exchanges', async (client) => {
    const c = await existing(`tp-circle-refused-${client}`, CIRCLECI)
    expectPublishFailed(await publish(c, onCircleCi(circleToken({ ttlSeconds: -5 })), false, client))
    expectPublishFailed(await publish(c, onCircleCi(mintCircleCiIdToken(idp, C.orgId)), false, client)) // CircleCI's default audience: the org id
    expect(npmExchanges(c.name).map((e) => [e.status, e.reason])).toEqual([
      [401, 'expired'],
      [401, `audience ${C.orgId}`],
    ])
    const exchanges = tp.exchanges.length
    expectPublishFailed(await publish(c, { NPM_ID_TOKEN: circleToken() }, false, client))
    expect(tp.exchanges.length).toBe(exchanges)
  })
})

describe('allowed actions: what the publisher allows is what the exchanged token may do', () => {
  it.each(NPM_CLIENTS)('stage publish only: %s publish is refused after a good exchange, stage publish stages', async (client) => {
    const c = await existing(`tp-stage-only-${client}`, { ...GITLAB, actions: ['createStagedPackage'] })
    const direct = await publish(c, onGitLab(), false, client)
    expect(direct.code).not.toBe(0)
    expect(direct.stderr).toMatch(/npm error code E403/)
    expect(direct.stderr).toContain(ACTION_NOT_ALLOWED(c.name, 'createPackage'))
    expect(npmExchanges(c.name).map((e) => e.status)).toEqual([201])
    const staged = await publish(c, onGitLab(), true, client)
    expect({ code: staged.code, stderr: staged.code === 0 ? '' : staged.stderr }).toEqual({ code: 0, stderr: '' })
    expect(registry.staged()).toContainEqual(expect.objectContaining({ packageName: c.name, version: '1.1.0', actor: 'oidc-publisher' }))
    expect(tp.publishedByOidc().filter((p) => p.name === c.name)).toEqual([])
  })

  it.each(NPM_CLIENTS)('publish only (the default): %s stage publish is refused', async (client) => {
    const c = await existing(`tp-publish-only-${client}`, CIRCLECI)
    const staged = await publish(c, onCircleCi(), true, client)
    expect(staged.code).not.toBe(0)
    expect(staged.stderr).toContain(ACTION_NOT_ALLOWED(c.name, 'createStagedPackage'))
    expect(registry.staged().filter((s) => s.packageName === c.name)).toEqual([])
  })
})

// ---- npm trust -------------------------------------------------------------------------------

describe('npm trust github|gitlab|circleci|list|revoke against the fake trust API', () => {
  it('npm trust gitlab creates exactly the publisher that makes the next publish pass', async () => {
    const c = await existing('tp-trust-gitlab')
    expectPublishFailed(await publish(c, onGitLab()))
    expect(npmExchanges(c.name).map((e) => e.reason)).toEqual(['no trusted publisher'])

    const r = await trust(c, ['gitlab', c.name, '--project', PROJECT, '--file', CI_FILE, '--allow-publish', '--yes'])
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: expect.any(String) })
    expect(r.stdout).toContain(`Trust configuration created successfully for ${c.name}`)
    const [request] = tp.trustRequests.filter((q) => q.packageName === c.name)
    expect(request).toMatchObject({ method: 'POST', path: `/-/package/${c.name}/trust`, status: 201, otp: true, username: 'maintainer' })
    expect(request.body).toEqual([{ type: 'gitlab', claims: { project_path: PROJECT, ci_config_ref_uri: { file: CI_FILE } }, permissions: ['createPackage'] }])
    expect(tp.publishers.get(c.name)).toEqual({
      type: 'gitlab',
      projectPath: PROJECT,
      ciConfigFile: CI_FILE,
      actions: ['createPackage'],
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    })

    expectPublished(await publish(c, onGitLab()))
    expectPublishedByOidc(c.name)
  })

  it('npm trust circleci (with a context) creates the publisher a CircleCI job in that context publishes through', async () => {
    const c = await existing('tp-trust-circle')
    const r = await trust(c, [...circleTrustArgs(c.name), '--context-id', CONTEXT_ID, '--allow-publish', '--yes'])
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: expect.any(String) })
    expect(tp.trustRequests.find((q) => q.packageName === c.name)?.body).toEqual([
      {
        type: 'circleci',
        claims: {
          'oidc.circleci.com/org-id': C.orgId,
          'oidc.circleci.com/project-id': C.projectId,
          'oidc.circleci.com/pipeline-definition-id': C.pipelineDefinitionId,
          'oidc.circleci.com/vcs-origin': C.vcsOrigin,
          'oidc.circleci.com/context-ids': [CONTEXT_ID],
        },
        permissions: ['createPackage'],
      },
    ])
    expect(tp.publishers.get(c.name)).toMatchObject({ ...CIRCLECI, contextIds: [CONTEXT_ID], actions: ['createPackage'] })
    expectPublishFailed(await publish(c, onCircleCi())) // the job lacks the context
    expectPublished(await publish(c, onCircleCi(circleToken({ contextIds: [CONTEXT_ID] }))))
    expectPublishedByOidc(c.name)
  })

  it('npm trust github (with an environment) creates the publisher a GitHub job in that environment publishes through', async () => {
    const c = await existing('tp-trust-github')
    const r = await trust(c, ['github', c.name, '--repo', REPO, '--file', 'publish.yml', '--env', 'npm', '--allow-publish', '--allow-stage-publish', '--yes'])
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: expect.any(String) })
    expect(tp.trustRequests.find((q) => q.packageName === c.name)?.body).toEqual([
      {
        type: 'github',
        claims: { repository: REPO, workflow_ref: { file: 'publish.yml' }, environment: 'npm' },
        permissions: ['createPackage', 'createStagedPackage'],
      },
    ])
    expectPublishFailed(await publish(c, onGitHub())) // no environment in the job
    expect(npmExchanges(c.name).map((e) => e.reason)).toEqual(['environment mismatch'])
    idp.setClaims({ environment: 'npm' })
    expectPublished(await publish(c, onGitHub()))
    expectPublishedByOidc(c.name)
  })

  it('one publisher per package: npm trust circleci replaces the gitlab one; list shows it, revoke removes it', async () => {
    const c = await existing('tp-trust-replace')
    const token = maintainerToken([c.name])
    expect((await trust(c, ['gitlab', c.name, '--project', PROJECT, '--file', CI_FILE, '--allow-publish', '--yes'], { token })).code).toBe(0)
    const gitlabId = tp.publishers.get(c.name)?.id
    const circle = circleTrustArgs(c.name)
    expect((await trust(c, [...circle, '--allow-stage-publish', '--yes'], { token })).code).toBe(0)
    const publisher = tp.publishers.get(c.name)
    expect(publisher).toMatchObject({ type: 'circleci', actions: ['createStagedPackage'] })
    expect(publisher?.id).not.toBe(gitlabId)
    expectPublishFailed(await publish(c, onGitLab()))
    expect(npmExchanges(c.name).map((e) => e.reason)).toEqual(['provider mismatch (publisher circleci, token from gitlab)'])

    const list = await trust(c, ['list', c.name, '--json'], { token })
    expect(list.code).toBe(0)
    expect(JSON.parse(list.stdout)).toEqual({
      id: publisher!.id,
      type: 'circleci',
      orgId: C.orgId,
      projectId: C.projectId,
      pipelineDefinitionId: C.pipelineDefinitionId,
      vcsOrigin: C.vcsOrigin,
      permissions: ['createStagedPackage'],
    })
    // Revoking another id is refused; the right one removes the publisher, and the list is then empty.
    const wrong = await trust(c, ['revoke', c.name, '--id', gitlabId!], { token })
    expect(wrong.code).not.toBe(0)
    expect(tp.publishers.has(c.name)).toBe(true)
    const revoke = await trust(c, ['revoke', c.name, '--id', publisher!.id!], { token })
    expect(revoke.code).toBe(0)
    expect(revoke.stdout).toContain(`Revoked trusted configuration for package ${c.name}`)
    expect(tp.publishers.has(c.name)).toBe(false)
    expect((await trust(c, ['list', c.name], { token })).stdout).toContain(`No trust configurations found for package (${c.name})`)
    expect(tp.trustRequests.filter((q) => q.packageName === c.name).map((q) => [q.method, q.status])).toEqual([
      ['POST', 201],
      ['POST', 201],
      ['GET', 200],
      ['DELETE', 404],
      ['DELETE', 204],
      ['GET', 200],
    ])
  })

  it('2FA and write access: no --otp → EOTP; a token for other packages, read-only or bypass-2FA → 403; no package → 404; nothing created', async () => {
    const c = await existing('tp-trust-refused')
    const args = ['gitlab', c.name, '--project', PROJECT, '--file', CI_FILE, '--allow-publish', '--yes']
    const noOtp = await trust(c, args, { otp: false })
    expect(noOtp.code).not.toBe(0)
    expect(noOtp.stderr).toMatch(/npm error code EOTP/)
    const others = await trust(c, args, { token: maintainerToken(['someone-else']) })
    expect(others.stderr).toMatch(/npm error code E403/)
    expect((await trust(c, args, { token: maintainerToken([c.name], { readonly: true }) })).stderr).toMatch(/npm error code E403/)
    expect((await trust(c, args, { token: maintainerToken([c.name], { bypass2fa: true }) })).stderr).toMatch(/npm error code E403/)
    const missing = newCase('tp-trust-no-such-package')
    expect((await trust(missing, ['gitlab', missing.name, '--project', PROJECT, '--file', CI_FILE, '--allow-publish', '--yes'])).stderr).toMatch(
      /npm error code E404/,
    )
    expect(tp.trustRequests.filter((q) => q.packageName === c.name || q.packageName === missing.name).map((q) => [q.status, q.reason])).toEqual([
      [401, 'otp required'],
      [403, 'no write access'],
      [403, 'no write access'],
      [403, 'bypass-2fa token'],
      [404, 'package does not exist'],
    ])
    expect(tp.publishers.has(c.name)).toBe(false)
    // npm itself refuses before asking: no --allow-* flag.
    const before = tp.trustRequests.length
    const noPermission = await trust(c, ['gitlab', c.name, '--project', PROJECT, '--file', CI_FILE, '--yes'])
    expect(noPermission.stderr).toContain('At least one permission flag is required')
    expect(tp.trustRequests.length).toBe(before)
  })
})

// ---- setup-npm-auth preflight ----------------------------------------------------------------

interface PreflightJson {
  provider: string
  'registry-url': string
  status: string
  audience: string
  claims: Record<string, unknown>
  packages: Array<{ name: string; ok: boolean; status: number }>
  provenance: boolean
  'provenance-reason': string
  'trust-commands': string[]
  findings: Array<{ level: string; title: string; message: string }>
}

/** `node dist/cli/index.js preflight --registry <fake> …args` in the package folder, on the given CI's env. */
async function preflight(c: Case, args: string[], env: Record<string, string | undefined>): Promise<ProcessResult> {
  const home = mkdtempSync(join(c.root, 'home-'))
  const result = await runProcess(modernNode(24), [CLI, 'preflight', '--registry', registry.url, ...args], {
    cwd: c.pkg,
    env: { ...CLEAN, HOME: home, ...env },
  })
  runs.push({ result, root: c.root })
  return result
}

function jsonOf(r: ProcessResult): PreflightJson {
  try {
    return JSON.parse(r.stdout) as PreflightJson
  } catch {
    throw new Error(`preflight --json printed no JSON (exit ${r.code}):\n${r.stdout}\n--- stderr ---\n${r.stderr}`)
  }
}

const textOf = (r: ProcessResult) => `${r.stdout}\n${r.stderr}`
const errorsOf = (j: PreflightJson) => j.findings.filter((f) => f.level === 'error')

/** The preflight's own exchanges since `from` (npm's carry npm's user agent). */
const cliExchanges = (name: string, from: number) => tp.exchanges.slice(from).filter((e) => e.packageName === name && !/^npm\//.test(e.userAgent))

/**
 * Runs a printed `npm trust …` command as a maintainer would (its words, plus --otp), and checks it is the
 * command for `provider` and `c`: `npm trust <provider> <pkg> … --allow-publish … --yes`, no other registry.
 */
async function runTrustCommand(c: Case, command: string, provider: string, client: NpmClient = 'npm11'): Promise<string[]> {
  const words = shellWords(command)
  expect(words.slice(0, 4)).toEqual(['npm', 'trust', provider, c.name])
  expect(words).toContain('--allow-publish')
  expect(words).toContain('--yes')
  expect(words).not.toContain('--allow-stage-publish')
  for (const value of flagValues(words, '--registry')) expect(value).toBe(registry.url)
  const r = await trust(c, words.slice(2), { client })
  expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: expect.any(String) })
  return words
}

describe('setup-npm-auth preflight (CLI) on GitLab, CircleCI and GitHub', () => {
  it('GitLab, a matching publisher: exit 0, the JSON report, one exchange, no token printed', async () => {
    const c = await existing('tp-pf-gitlab-ok', GITLAB)
    const from = tp.exchanges.length
    const r = await preflight(c, ['--json'], onGitLab())
    const j = jsonOf(r)
    expect(j).toMatchObject({
      provider: 'gitlab',
      'registry-url': registry.url,
      audience: 'npm:127.0.0.1',
      packages: [{ name: c.name, ok: true, status: 201 }],
      'trust-commands': [],
      provenance: false, // a private project
    })
    expect(j['provenance-reason']).toMatch(/private/)
    expect(JSON.stringify(j.claims)).toContain(PROJECT)
    expect(JSON.stringify(j.claims)).toContain(CI_FILE)
    expect(errorsOf(j)).toEqual([])
    expect(cliExchanges(c.name, from).map((e) => [e.status, e.provider])).toEqual([[201, 'gitlab']])
    const table = await preflight(c, [], onGitLab())
    expect(table.stdout).toContain(c.name)
    // Every package would publish: exit 0 (a private project cannot have provenance; that is no warning).
    expect({ json: r.code, status: j.status, table: table.code }).toEqual({ json: 0, status: 'ok', table: 0 })
  })

  // The printed `npm trust` command, run with either npm major a maintainer has, then the publish.
  it.each(NPM_CLIENTS)(
    'GitLab, no matching publisher: exit 2, the cause, the npm trust gitlab command; running it with %s makes the next preflight exit 0',
    async (client) => {
      const c = await existing(`tp-pf-gitlab-fix-${client}`, { ...GITLAB, ciConfigFile: 'release.yml' })
      const r = await preflight(c, ['--json'], onGitLab())
      expect(r.code).toBe(2)
      const j = jsonOf(r)
      expect(j).toMatchObject({ provider: 'gitlab', status: 'error', packages: [{ name: c.name, ok: false, status: 404 }] })
      const cause = errorsOf(j).map((f) => `${f.title}\n${f.message}`)
      expect(cause.some((text) => text.includes(c.name) && /trusted publisher/i.test(text) && text.includes(PROJECT) && text.includes(CI_FILE))).toBe(true)
      expect(j['trust-commands']).toHaveLength(1)
      const words = await runTrustCommand(c, j['trust-commands'][0], 'gitlab', client)
      expect(flagValues(words, '--project')).toEqual([PROJECT])
      expect(flagValues(words, '--file')).toEqual([CI_FILE])
      expect(tp.publishers.get(c.name)).toMatchObject({ type: 'gitlab', projectPath: PROJECT, ciConfigFile: CI_FILE })

      const again = await preflight(c, ['--json'], onGitLab())
      expect(jsonOf(again)).toMatchObject({ packages: [{ name: c.name, ok: true, status: 201 }], 'trust-commands': [] })
      expectPublished(await publish(c, onGitLab(), false, client))
      expect({ code: again.code, status: jsonOf(again).status }).toEqual({ code: 0, status: 'ok' })
    },
  )

  it('GitLab with an environment: the command carries --env, and only that environment passes afterwards', async () => {
    const c = await existing('tp-pf-gitlab-env')
    const token = gitlabToken({ environment: 'production' })
    const j = jsonOf(await preflight(c, ['--json'], onGitLab(token)))
    const words = await runTrustCommand(c, j['trust-commands'][0], 'gitlab')
    expect(flagValues(words, '--env')).toEqual(['production'])
    expect((await preflight(c, [], onGitLab())).code).toBe(2)
    expect((await preflight(c, [], onGitLab(token))).code).toBe(0)
  })

  it.each(NPM_CLIENTS)('CircleCI, no publisher: the npm trust circleci command (with the context ids) round trip with %s', async (client) => {
    const c = await existing(`tp-pf-circle-fix-${client}`)
    const token = circleToken({ contextIds: [CONTEXT_ID] })
    const r = await preflight(c, ['--json'], onCircleCi(token))
    expect(r.code).toBe(2)
    const j = jsonOf(r)
    expect(j).toMatchObject({ provider: 'circleci', status: 'error', packages: [{ name: c.name, ok: false, status: 404 }], provenance: false })
    expect(j['provenance-reason']).toMatch(/CircleCI/)
    expect(JSON.stringify(j.claims)).toContain(C.pipelineDefinitionId)
    const words = await runTrustCommand(c, j['trust-commands'][0], 'circleci', client)
    expect({
      org: flagValues(words, '--org-id'),
      project: flagValues(words, '--project-id'),
      pipeline: flagValues(words, '--pipeline-definition-id'),
      vcs: flagValues(words, '--vcs-origin'),
      contexts: flagValues(words, '--context-id'),
    }).toEqual({ org: [C.orgId], project: [C.projectId], pipeline: [C.pipelineDefinitionId], vcs: [C.vcsOrigin], contexts: [CONTEXT_ID] })
    const again = await preflight(c, ['--json'], onCircleCi(token))
    expect(jsonOf(again)).toMatchObject({ provider: 'circleci', packages: [{ name: c.name, ok: true, status: 201 }], 'trust-commands': [] })
    expectPublished(await publish(c, onCircleCi(token), false, client))
    // No provenance on CircleCI ever: not a warning, or no CircleCI job could pass.
    expect({ code: again.code, status: jsonOf(again).status }).toEqual({ code: 0, status: 'ok' })
  })

  it.each(NPM_CLIENTS)('GitHub Actions (request URL and token): the npm trust github command round trip with %s', async (client) => {
    const c = await existing(`tp-pf-github-fix-${client}`)
    const r = await preflight(c, ['--json'], onGitHub())
    expect(r.code).toBe(2)
    const j = jsonOf(r)
    expect(j).toMatchObject({ provider: 'github', audience: 'npm:127.0.0.1', packages: [{ name: c.name, ok: false, status: 404 }] })
    const words = await runTrustCommand(c, j['trust-commands'][0], 'github', client)
    expect(flagValues(words, '--repo').concat(flagValues(words, '--repository'))).toEqual([REPO])
    expect(flagValues(words, '--file')).toEqual(['publish.yml'])
    const again = await preflight(c, ['--json'], onGitHub())
    expect(jsonOf(again).packages).toEqual([{ name: c.name, ok: true, status: 201 }])
    expect({ code: again.code, status: jsonOf(again).status }).toEqual({ code: 0, status: 'ok' })
  })

  it('--packages a,b: each package exchanged; one failing makes exit 2 with one trust command, for that package only', async () => {
    const good = await existing('tp-pf-multi-good', GITLAB)
    await tp.seedPackage('tp-pf-multi-bad')
    const r = await preflight(good, ['--packages', 'tp-pf-multi-good,tp-pf-multi-bad', '--json'], onGitLab())
    expect(r.code).toBe(2)
    const j = jsonOf(r)
    expect(j.packages).toEqual([
      { name: 'tp-pf-multi-good', ok: true, status: 201 },
      { name: 'tp-pf-multi-bad', ok: false, status: 404 },
    ])
    expect(j['trust-commands']).toHaveLength(1)
    expect(shellWords(j['trust-commands'][0]).slice(0, 4)).toEqual(['npm', 'trust', 'gitlab', 'tp-pf-multi-bad'])
  })

  it('a package never published: exit 2, and the finding says it must exist first', async () => {
    const c = newCase('tp-pf-never-published')
    tp.publishers.set(c.name, { ...GITLAB })
    const r = await preflight(c, ['--json'], onGitLab())
    expect(r.code).toBe(2)
    const j = jsonOf(r)
    expect(j.packages).toEqual([{ name: c.name, ok: false, status: 404 }])
    expect(errorsOf(j).some((f) => f.message.includes(c.name) || f.title.includes(c.name))).toBe(true)
    expect(
      errorsOf(j)
        .map((f) => f.message)
        .join('\n'),
    ).toMatch(/not (been )?published|does not exist|never (been )?published|first version/i)
  })

  it("provenance as npm decides it: GitLab public project only with SIGSTORE_ID_TOKEN; GitHub's public repository", async () => {
    const c = await existing('tp-pf-provenance', GITLAB)
    const publicProject = gitlabToken({ project_visibility: 'public' })
    const withoutSigstore = jsonOf(await preflight(c, ['--json'], onGitLab(publicProject)))
    expect(withoutSigstore.provenance).toBe(false)
    expect(withoutSigstore['provenance-reason']).toContain('SIGSTORE_ID_TOKEN')
    const sigstore = `sigstore-${randomAlnum(24)}`
    secrets.push(sigstore)
    const withSigstore = jsonOf(await preflight(c, ['--json'], { ...onGitLab(publicProject), SIGSTORE_ID_TOKEN: sigstore }))
    expect(withSigstore.provenance).toBe(true)
    const privateProject = jsonOf(await preflight(c, ['--json'], { ...onGitLab(), SIGSTORE_ID_TOKEN: sigstore }))
    expect(privateProject.provenance).toBe(false)

    const gh = await existing('tp-pf-provenance-gh', { repository: REPO, workflowFile: 'publish.yml' })
    idp.setClaims({ repository_visibility: 'public' })
    expect(jsonOf(await preflight(gh, ['--json'], onGitHub())).provenance).toBe(true)
  })
})

describe('setup-npm-auth preflight: bad input (exit 2, a clear message, the token never printed)', () => {
  it('a malformed NPM_ID_TOKEN', async () => {
    const c = await existing('tp-pf-bad-malformed', GITLAB)
    const malformed = `canary${randomAlnum(30)}notajwt`
    secrets.push(malformed)
    const r = await preflight(c, [], onGitLab(malformed))
    expect(r.code).toBe(2)
    expect(textOf(r)).toContain('NPM_ID_TOKEN')
    expect(textOf(r)).toMatch(/not a JWT|malformed|not an ID token/i)
    expect(tp.exchanges.filter((e) => e.packageName === c.name)).toEqual([])
  })

  it('an expired ID token', async () => {
    const c = await existing('tp-pf-bad-expired', GITLAB)
    const r = await preflight(c, [], onGitLab(gitlabToken({ ttlSeconds: -300 })))
    expect(r.code).toBe(2)
    expect(textOf(r)).toMatch(/ID token (has )?expired|expired ID token/i)
  })

  it('an ID token for another audience: the audience npm asks for is named', async () => {
    const c = await existing('tp-pf-bad-aud', CIRCLECI)
    const r = await preflight(c, ['--json'], onCircleCi(mintCircleCiIdToken(idp, 'npm:registry.npmjs.org')))
    expect(r.code).toBe(2)
    expect(textOf(r)).toContain('npm:127.0.0.1')
    expect(textOf(r)).toContain('npm:registry.npmjs.org')
  })

  it('no CI provider npm supports: NPM_ID_TOKEN alone is not enough (npm would not exchange)', async () => {
    const c = await existing('tp-pf-bad-provider', GITLAB)
    const r = await preflight(c, [], { NPM_ID_TOKEN: gitlabToken() })
    expect(r.code).toBe(2)
    expect(textOf(r)).toMatch(/GitLab|GITLAB_CI/)
    expect(textOf(r)).toMatch(/CircleCI|CIRCLECI/)
    expect(textOf(r)).toMatch(/GitHub Actions|GITHUB_ACTIONS/)
    expect(tp.exchanges.filter((e) => e.packageName === c.name)).toEqual([])
  })

  it('an invalid --packages name', async () => {
    const c = await existing('tp-pf-bad-packages', GITLAB)
    const r = await preflight(c, ['--packages', 'tp-pf-bad-packages,Not A Name!'], onGitLab())
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Not A Name!')
    expect(tp.exchanges.filter((e) => e.packageName === c.name)).toEqual([])
  })

  it("GitLab without NPM_ID_TOKEN: the id_tokens: block to add, with npm's audience for this registry", async () => {
    const c = await existing('tp-pf-bad-no-token', GITLAB)
    const r = await preflight(c, [], { GITLAB_CI: 'true' })
    expect(r.code).toBe(2)
    const text = textOf(r)
    expect(text).toContain('id_tokens:')
    expect(text).toMatch(/NPM_ID_TOKEN:\s*\n\s+aud: (npm:127\.0\.0\.1|"npm:127\.0\.0\.1"|'npm:127\.0\.0\.1')\s*\n/)
  })

  it('a self-hosted GitLab runner: named as unsupported', async () => {
    const c = await existing('tp-pf-bad-self-hosted', GITLAB)
    const r = await preflight(c, [], onGitLab(gitlabToken({ runner_environment: 'self-hosted' })))
    expect(r.code).toBe(2)
    expect(textOf(r)).toMatch(/self-hosted/)
    expect(textOf(r)).toMatch(/not supported|unsupported|does not accept/i)
  })
})
