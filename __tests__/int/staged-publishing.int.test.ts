// Staged publishing and the January 2027 end of direct token publishing (issue #13), end to end: the built
// dist/ run as the runner runs it against the loopback npmjs fake and its staging area (the real npm 11.19
// CLI stages and approves through it), the fake GitHub issues API, a real Verdaccio, and the CLI. A
// stand-in npm on PATH whose built-in default registry is the fake makes it "npm's own registry", where the
// cutoff applies. The canary runs over every run: the action's steps, npm's and the CLI's output, and every
// file they wrote.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { assertNoSecretLeak, type CanaryInput } from '../../test-support/canary.ts'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.ts'
import { FAKE_OTP, randomAlnum, sha512Hex, type FakeNpmjs, type StagedItem, type TokenSpec } from '../../test-support/fake-npmjs.ts'
import { NPM_CLIENTS, npmStepEnv, runNpmClient, writeFixturePackage, writeStandInNpm, type NpmClient } from '../../test-support/npm-cli.ts'
import { startTrustedPublishingRegistry, type IdTokenServer, type TrustedPublishing, type TrustedPublishingRegistry } from '../../test-support/oidc-fakes.ts'
import { modernNode, repoRoot, runProcess, type ProcessResult } from '../../test-support/process.ts'
import { cleanupRunDirs, runAction, type Annotation, type RunActionResult, type RunDirs } from '../../test-support/run-action.ts'
import { startVerdaccio, type Verdaccio } from '../../test-support/verdaccio.ts'

const DAY = 86_400_000
const HOUR = 3_600_000
const REPO = 'octo-org/octo-repo'
const REPO_URL = `git+https://github.com/${REPO}.git`
const WORKFLOW_REF = `${REPO}/.github/workflows/release.yml@refs/heads/main`
const TOKEN_ENV = 'NODE_AUTH_TOKEN'
const GH_TOKEN = `ghs_${randomAlnum(36)}`
/** src/publishing/policy.ts words the title by the clock: "ends" until February 2027, "ended" after. */
const CUTOFF_TITLE = `Direct publishing with tokens ${Date.now() < Date.UTC(2027, 1, 1) ? 'ends' : 'ended'} in January 2027`
const STAGED_HEADING = '### Staged versions waiting for approval'

let fakes: TrustedPublishingRegistry
let idp: IdTokenServer
let tp: TrustedPublishing
let registry: FakeNpmjs
let tmpRoot: string
/** PATH with a stand-in npm 11.19.1 first: its default registry is the fake, i.e. "npm's own registry". */
let npmsOwnPath: string
/** The same with a stand-in npm 11.14.0, one release short of `npm stage publish`. */
let oldNpmPath: string

beforeAll(async () => {
  fakes = await startTrustedPublishingRegistry({ registry: { tokenList: 'any' } })
  ;({ idp, tp, registry } = fakes)
  tmpRoot = mkdtempSync(join(os.tmpdir(), 'staged-publishing-int-'))
  npmsOwnPath = `${writeStandInNpm(join(tmpRoot, 'npm-11.19'), registry.url, '11.19.1')}:${process.env.PATH}`
  oldNpmPath = `${writeStandInNpm(join(tmpRoot, 'npm-11.14'), registry.url, '11.14.0')}:${process.env.PATH}`
})
afterAll(async () => {
  cleanupRunDirs()
  rmSync(tmpRoot, { recursive: true, force: true })
  await fakes?.stop()
})

// ---- the canary over every run ------------------------------------------------------------------

/** Every run of the current test, with the one env export allowed to carry the token (setup runs). */
let runs: Array<{ input: CanaryInput; tokenEnv?: string }> = []
/** Every npm token made in this file (a token may leak into another test's run as well). */
const tokens: string[] = []
beforeEach(() => {
  stepClient = 'npm11'
  runs = []
})
afterEach(() => {
  const secrets = [...tokens, GH_TOKEN, idp.requestToken, ...idp.minted, ...tp.issued]
  for (const { input, tokenEnv } of runs) assertNoSecretLeak(input, secrets, tokenEnv ? { tokenEnv } : {})
})

// ---- helpers ------------------------------------------------------------------------------------

let counter = 0
function tmpDir(name: string): string {
  const dir = join(tmpRoot, `${++counter}-${name.replace(/[@/]/g, '_')}`)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** A granular token the fake accepts (its own user, so each list stays short): healthy unless told. */
function newToken(spec: Partial<TokenSpec> = {}): string {
  const token = `npm_${randomAlnum(36)}`
  registry.addToken({ username: `user${++counter}`, expiry: new Date(Date.now() + 60 * DAY + 60_000).toISOString(), bypass2fa: true, ...spec, token })
  tokens.push(token)
  return token
}

/** A package folder (package.json names this repository); the package exists on the fake at 1.0.0 unless `seed` is false. */
function pkgDir(name: string, version = '1.1.0', seed = true): string {
  if (seed) registry.seedPackage(name)
  return writeFixturePackage(tmpDir(name), name, version, { repository: { type: 'git', url: REPO_URL } })
}

const onFake = (): Record<string, string> => ({ 'registry-url': registry.url })
/** registry-url empty and the stand-in npm on PATH: the fake is npm's own default registry. */
const onNpmsOwn = (extra: Record<string, string> = {}): Record<string, string> => ({ PATH: npmsOwnPath, GITHUB_WORKFLOW_REF: WORKFLOW_REF, ...extra })

/** One step of the built action; setup runs may carry the token in token-env, nothing else may. */
async function run(inputs: Record<string, string>, env: Record<string, string | undefined> = {}): Promise<RunActionResult> {
  const result = await runAction({ inputs, env })
  runs.push({ input: result, tokenEnv: TOKEN_ENV })
  return result
}

/** A check-mode run with open-issue against `gh`. */
async function checkWithIssue(gh: FakeGitHub, inputs: Record<string, string>): Promise<RunActionResult> {
  const result = await runAction({
    inputs: { ...onFake(), mode: 'check', 'open-issue': 'true', 'github-token': GH_TOKEN, ...inputs },
    env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: REPO, GITHUB_SERVER_URL: 'https://github.invalid', GITHUB_RUN_ID: '1313' },
  })
  runs.push({ input: result })
  // Check mode sets nothing up.
  expect(result.env).toEqual({})
  expect(result.outputs['npmrc-path']).toBe('')
  return result
}

/** A later workflow step: the real npm on PATH with the env main exported; npm's home (cache, logs) inside the run's dirs, so the canary reads it. */
/** The npm major a test's later steps run (npm 11 on PATH unless a test says npm 12). */
let stepClient: NpmClient = 'npm11'

async function npmStep(args: string[], cwd: string, main: RunActionResult, env: Record<string, string> = {}): Promise<ProcessResult> {
  const home = join(main.dirs.root, `npm-home-${++counter}`)
  const result = await runNpmClient(stepClient, args, {
    cwd,
    env: { ...npmStepEnv(home), ...main.env, ...env },
  })
  runs.push({ input: processInput(result, main.dirs), tokenEnv: TOKEN_ENV })
  return result
}

/** The CLI (dist/cli/index.js) in `cwd`, its home there too. */
async function cli(args: string[], env: Record<string, string>, cwd = tmpDir('cli')): Promise<ProcessResult> {
  const result = await runProcess(modernNode(24), [join(repoRoot, 'dist/cli/index.js'), ...args], { cwd, env: { HOME: join(cwd, 'home'), ...env } })
  runs.push({ input: processInput(result, { root: cwd } as RunDirs) })
  return result
}

function processInput(result: ProcessResult, dirs: RunDirs): CanaryInput {
  return { stdout: result.stdout, stderr: result.stderr, outputs: {}, env: {}, state: {}, summary: '', dirs }
}

const titled = (r: RunActionResult, level: Annotation['level']): string[] => r.annotations.filter((a) => a.level === level).map((a) => a.title ?? '')
const cutoffOf = (r: RunActionResult): Annotation | undefined => r.annotations.find((a) => a.title === CUTOFF_TITLE)
const errorOf = (r: RunActionResult): string =>
  r.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n')
const stagedOutput = (r: RunActionResult): unknown => JSON.parse(r.outputs.staged) as unknown
/** What the action's `staged` output says about a staged version the fake holds. */
const asOutput = (v: StagedItem) => ({ package: v.packageName, version: v.version, tag: v.tag, stagedAt: v.createdAt, id: v.id })
const stageListRequests = (from: number) => registry.requests.slice(from).filter((r) => r.method === 'GET' && r.path.startsWith('/-/stage?'))

// ---- staged publishing end to end ----------------------------------------------------------------

describe('staged publishing through the action', () => {
  it.each(NPM_CLIENTS)(
    'publish: stage → the real %s stages through the written .npmrc; the next check lists it; a maintainer approves it with 2FA',
    async (client) => {
      stepClient = client
      const name = `@octo-org/staged-e2e-${client}`
      const dir = pkgDir(name, '1.1.0')
      const bot = newToken({ stageOnly: true, username: 'staging-bot' })
      const maintainer = newToken({ username: 'maintainer' })

      // 1. The main step: publish-command for the publish step, nothing staged yet.
      const setup = await run({ ...onFake(), token: bot, publish: 'stage', 'working-directory': dir })
      expect(setup.exitCode).toBe(0)
      expect(setup.outputs).toMatchObject({ status: 'ok', 'publish-command': 'npm stage publish', staged: '[]' })
      expect(setup.summary).toContain('| Publish with | `npm stage publish` (publish: stage) |')
      expect(setup.summary).not.toContain(STAGED_HEADING)
      expect(setup.env).toMatchObject({ NPM_CONFIG_USERCONFIG: setup.outputs['npmrc-path'], [TOKEN_ENV]: bot })

      // 2. `npm publish` with this token is refused (E_STAGE_REQUIRED); the publish step runs exactly the output.
      const direct = await npmStep(['publish'], dir, setup)
      expect(direct.code).toBe(1)
      expect(direct.stderr).toContain('E_STAGE_REQUIRED')
      const from = registry.requests.length
      const staged = await npmStep(setup.outputs['publish-command'].split(' ').slice(1), dir, setup)
      expect({ code: staged.code, stderr: staged.code === 0 ? '' : staged.stderr }).toEqual({ code: 0, stderr: '' })
      const id = new RegExp(`\\+ @octo-org/staged-e2e-${client}@1\\.1\\.0 \\(staged with id ([0-9a-f-]{36})\\)`).exec(staged.stdout)?.[1]
      expect(id).toBeDefined()
      const [item] = registry.staged()
      expect(registry.staged()).toHaveLength(1)
      expect(item).toMatchObject({ id, packageName: name, version: '1.1.0', tag: 'latest', actor: 'staging-bot' })
      const writes = registry.requests.slice(from).filter((r) => r.method !== 'GET')
      expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /-/stage/package/@octo-org%2fstaged-e2e-${client}`])
      expect(writes[0].headers.authorization).toBe(`Bearer ${bot}`)
      expect(registry.published.filter((p) => p.name === name).map((p) => p.version)).toEqual(['1.0.0']) // staged, not published

      // 3. The next (scheduled) check lists it: output, summary table, a notice naming the approve command.
      const check = await run({ ...onFake(), token: bot, mode: 'check', publish: 'stage', 'working-directory': dir })
      expect(check.exitCode).toBe(0)
      expect(check.outputs).toMatchObject({ status: 'ok', 'publish-command': 'npm stage publish' })
      expect(stagedOutput(check)).toEqual([{ package: name, version: '1.1.0', tag: 'latest', stagedAt: item.createdAt, id }])
      expect(check.summary).toContain(STAGED_HEADING)
      expect(check.summary).toContain(`| ${name.replace('@', '@&#8203;')} | 1.1.0 | latest | ${item.createdAt.slice(0, 10)} | \`npm stage approve ${id}\` |`)
      const notice = check.annotations.find((a) => a.level === 'notice' && a.title === `${name}@1.1.0 waits for approval (0 days)`)
      expect(notice?.message).toContain(`npm stage approve ${id}`)
      expect(notice?.message).toContain(`npm stage reject ${id}`)
      expect(titled(check, 'warning')).toEqual([])

      // 4. The stage-only token cannot approve; the maintainer's can, only with a one-time password.
      const byBot = await npmStep(['stage', 'approve', id!, `--otp=${FAKE_OTP}`], dir, setup)
      expect(byBot.code).toBe(1)
      expect(byBot.stderr).toContain('E403')
      const noOtp = await npmStep(['stage', 'approve', id!], dir, setup, { [TOKEN_ENV]: maintainer })
      expect(noOtp.code).toBe(1)
      expect(noOtp.stderr).toContain('EOTP')
      expect(registry.staged()).toHaveLength(1)
      const approved = await npmStep(['stage', 'approve', id!, `--otp=${FAKE_OTP}`], dir, setup, { [TOKEN_ENV]: maintainer })
      expect(approved.code).toBe(0)
      expect(approved.stdout).toContain(`Staged package ${id} approved and published successfully.`)
      expect(registry.staged()).toEqual([])
      expect(registry.published.filter((p) => p.name === name).map((p) => [p.version, p.stageId])).toEqual([
        ['1.0.0', undefined],
        ['1.1.0', id],
      ])
      const view = await npmStep(['view', name, 'version'], dir, setup)
      expect(view.stdout.trim()).toBe('1.1.0')

      // 5. Nothing waits any more.
      const after = await run({ ...onFake(), token: bot, mode: 'check', publish: 'stage', 'working-directory': dir })
      expect(after.outputs).toMatchObject({ status: 'ok', staged: '[]' })
      expect(after.summary).not.toContain(STAGED_HEADING)
      expect(titled(after, 'notice').filter((t) => t.includes('waits for approval'))).toEqual([])

      // The post step removes the .npmrc the npm steps used.
      const post = await runAction({ step: 'post', dirs: setup.dirs })
      runs.push({ input: post, tokenEnv: TOKEN_ENV }) // the same dirs: main's GITHUB_ENV file is there
      expect(post.exitCode).toBe(0)
      expect(existsSync(setup.outputs['npmrc-path'])).toBe(false)
    },
  )

  it('publish: auto → npm stage publish when the token list says read-write-stage-only, npm publish for a read-write token or one whose list is closed', async () => {
    const dir = pkgDir('auto-mode-pkg')
    const stageOnly = newToken({ stageOnly: true, username: 'auto-bot' })
    const entry = registry.tokenList('auto-bot').find((o) => o.key === sha512Hex(stageOnly))
    expect(entry && 'permissions' in entry ? entry.permissions : undefined).toEqual([{ name: 'package', action: 'read-write-stage-only' }])

    const staged = await run({ ...onFake(), token: stageOnly, 'working-directory': dir })
    expect(staged.exitCode).toBe(0)
    expect(staged.outputs).toMatchObject({ status: 'ok', 'publish-command': 'npm stage publish', staged: '[]' })
    expect(staged.summary).toContain('| Publish with | `npm stage publish` (publish: auto and the token is stage-only) |')
    expect(staged.summary).toMatch(/^\| Token \| granular, stage-only/m) // stage-only is not read-only

    const readWrite = newToken()
    const direct = await run({ ...onFake(), token: readWrite, 'working-directory': dir })
    expect(direct.outputs).toMatchObject({ status: 'ok', 'publish-command': 'npm publish' })
    expect(direct.summary).toContain('| Publish with | `npm publish` (publish: auto) |')

    // The registry will not let this token list itself: stage-only is not known, so auto stays direct.
    const unlisted = newToken({ stageOnly: true, listable: false })
    const unknown = await run({ ...onFake(), token: unlisted, 'working-directory': dir })
    expect(unknown.outputs).toMatchObject({ 'publish-command': 'npm publish', 'token-type': 'unknown' })
    for (const r of [staged, direct, unknown]) expect(cutoffOf(r)).toBeUndefined() // not npm's own registry
  })

  it('lists staged versions across pages, as npm stage list pages them (page 0 first, perPage 100)', async () => {
    const name = 'many-staged-pkg'
    const dir = pkgDir(name)
    const seeded = Array.from({ length: 105 }, (_, i) => registry.stageVersion({ name, version: `2.0.${i}`, createdAt: new Date(Date.now() - HOUR) }))
    registry.stageVersion({ name: 'someone-elses-pkg', version: '9.9.9' }) // another package: filtered out by the registry
    const token = newToken({ stageOnly: true })
    const from = registry.requests.length
    const check = await run({ ...onFake(), token, mode: 'check', 'working-directory': dir })
    expect(check.exitCode).toBe(0)
    expect(stagedOutput(check)).toEqual(seeded.map(asOutput))
    const pages = stageListRequests(from).map((r) => Object.fromEntries(new URL(r.path, registry.url).searchParams))
    expect(pages).toEqual([
      { package: name, page: '0', perPage: '100' },
      { package: name, page: '1', perPage: '100' },
    ])
    expect(titled(check, 'notice').filter((t) => t.endsWith('waits for approval (0 days)'))).toHaveLength(105)
  })

  it('publish: stage with an npm older than 11.15.0 on PATH fails the main step, naming both versions; check mode does not gate', async () => {
    const dir = pkgDir('old-npm-pkg')
    const token = newToken({ stageOnly: true })
    const failed = await run({ token, publish: 'stage', 'working-directory': dir }, { PATH: oldNpmPath })
    expect(failed.exitCode).toBe(1)
    expect(failed.outputs.status).toBe('error')
    const message = errorOf(failed)
    expect(message).toContain('11.15.0')
    expect(message).toContain('the npm on PATH is 11.14.0')
    expect(message).toContain('upgrade-npm: true')
    // Nothing set up for a publish step that cannot run.
    expect(failed.outputs['npmrc-path']).toBe('')
    expect(failed.env).toEqual({})
    expect(existsSync(join(failed.dirs.runnerTemp, '.npmrc'))).toBe(false)

    const check = await run({ token, mode: 'check', publish: 'stage', 'working-directory': dir }, { PATH: oldNpmPath })
    expect(check.exitCode).toBe(0)
    expect(check.outputs).toMatchObject({ status: 'ok', 'publish-command': 'npm stage publish' })
  })
})

// ---- stale staged versions and the check-mode issue ----------------------------------------------

describe('check mode with open-issue and staged versions', () => {
  let gh: FakeGitHub
  beforeAll(async () => {
    gh = await startFakeGitHub({ token: GH_TOKEN })
  })
  afterAll(async () => {
    await gh?.stop()
  })

  it('a version staged longer than stage-warn-days makes it a warning and opens the issue; once approved, the next run closes it', async () => {
    const name = 'stale-staged-pkg'
    const dir = pkgDir(name)
    const token = newToken({ stageOnly: true })
    const stale = registry.stageVersion({ name, version: '1.1.0', createdAt: new Date(Date.now() - 5 * DAY - HOUR) })
    // Stale is "longer than stage-warn-days by the clock": 3 days and an hour short of it is not.
    const fresh = registry.stageVersion({ name, version: '1.2.0-rc.1', tag: 'next', createdAt: new Date(Date.now() - 3 * DAY + HOUR) })
    const inputs = { token, publish: 'stage', 'stage-warn-days': '3', 'working-directory': dir }

    const first = await checkWithIssue(gh, inputs)
    expect(first.exitCode).toBe(0)
    expect(first.outputs).toMatchObject({ status: 'warning', 'issue-number': '1', 'publish-command': 'npm stage publish' })
    expect(stagedOutput(first)).toEqual([asOutput(stale), asOutput(fresh)])
    // 5 days is past stage-warn-days (3): a warning; 2 days 23 hours is not: a notice.
    expect(titled(first, 'warning')).toEqual([`${name}@1.1.0 waits for approval (5 days)`])
    const warning = first.annotations.find((a) => a.level === 'warning')!
    expect(warning.message).toContain('longer than stage-warn-days (3)')
    expect(warning.message).toContain(`npm stage approve ${stale.id}`)
    expect(titled(first, 'notice')).toContain(`${name}@1.2.0-rc.1 waits for approval (2 days)`)
    expect(cutoffOf(first)).toBeUndefined() // publish: stage
    const issue = gh.issue(REPO, 1)!
    expect(issue.state).toBe('open')
    expect(issue.title).toBe(`npm token for 127.0.0.1:${registry.port} needs attention: ${name}@1.1.0 waits for approval (5 days)`)
    expect(issue.body).toContain(STAGED_HEADING)
    expect(issue.body).toContain(`npm stage approve ${stale.id}`)
    expect(issue.body).toMatch(/^## ⚠️ \S+ waits for approval \(5 days\)$/m)

    // A maintainer approves the stale version; the fresh one may wait.
    registry.approveStaged(stale.id)
    const second = await checkWithIssue(gh, inputs)
    expect(second.exitCode).toBe(0)
    expect(second.outputs).toMatchObject({ status: 'ok', 'issue-number': '1' })
    expect(stagedOutput(second)).toEqual([asOutput(fresh)])
    expect(titled(second, 'warning')).toEqual([])
    expect(gh.issue(REPO, 1)!.state).toBe('closed')
    expect(gh.issues(REPO)).toHaveLength(1)

    // And the GitHub side never saw a token.
    runs.push({ input: { stdout: '', stderr: '', outputs: {}, env: {}, state: {}, summary: gh.receivedText(), dirs: { root: tmpDir('gh') } as RunDirs } })
  })
})

// ---- the January 2027 cutoff ---------------------------------------------------------------------

describe('the January 2027 end of direct publishing with tokens', () => {
  it("warns on npm's own registry, token path, for publish: auto and direct, in setup (which still sets up) and in check mode", async () => {
    const name = 'cutoff-pkg'
    const dir = pkgDir(name)
    const token = newToken()
    for (const publish of ['auto', 'direct']) {
      const setup = await run({ token, publish, 'working-directory': dir }, onNpmsOwn())
      expect(setup.exitCode).toBe(0)
      expect(setup.outputs).toMatchObject({ 'registry-url': registry.url, status: 'warning', 'publish-command': 'npm publish' })
      expect(titled(setup, 'warning')).toEqual([CUTOFF_TITLE])
      const message = cutoffOf(setup)!.message
      expect(message).toContain('E_STAGE_REQUIRED')
      expect(message).toContain(`npm trust github ${name} --repo ${REPO} --file release.yml --allow-publish --yes`)
      expect(message).toContain('read-write-stage-only')
      expect(message).toContain('publish: stage')
      expect(existsSync(setup.outputs['npmrc-path'])).toBe(true) // a warning, not a failure
    }

    const check = await run({ token, mode: 'check', 'working-directory': dir }, onNpmsOwn())
    expect(check.exitCode).toBe(0)
    expect(check.outputs).toMatchObject({ status: 'warning', 'publish-command': 'npm publish', staged: '[]' })
    expect(titled(check, 'warning')).toEqual([CUTOFF_TITLE])
    expect(check.summary).toContain(`#### ⚠️ ${CUTOFF_TITLE}`)
  })

  it('warns on a registry declared npm (registry-kind: npm), naming it in the npm trust command; not for artifactory or github', async () => {
    const name = 'cutoff-kind-pkg'
    const dir = pkgDir(name)
    const token = newToken()
    const env = { GITHUB_WORKFLOW_REF: WORKFLOW_REF }
    const npm = await run({ ...onFake(), token, 'registry-kind': 'npm', 'working-directory': dir }, env)
    expect(npm.outputs.status).toBe('warning')
    expect(cutoffOf(npm)?.message).toContain(`npm trust github ${name} --repo ${REPO} --file release.yml --allow-publish --registry ${registry.url} --yes`)

    for (const kind of ['artifactory', 'github']) {
      const other = await run({ ...onFake(), token, 'registry-kind': kind, 'working-directory': dir }, env)
      expect({ kind, exitCode: other.exitCode, cutoff: cutoffOf(other) }).toEqual({ kind, exitCode: 0, cutoff: undefined })
      expect(other.outputs['publish-command']).toBe('npm publish')
    }
    const generic = await run({ ...onFake(), token, publish: 'direct', 'working-directory': dir }, env)
    expect(generic.outputs.status).toBe('ok')
    expect(cutoffOf(generic)).toBeUndefined()
  })

  it("does not warn on npm's own registry for publish: stage, nor for a stage-only token under publish: auto", async () => {
    const dir = pkgDir('cutoff-stage-pkg')
    const token = newToken()
    const stage = await run({ token, publish: 'stage', 'working-directory': dir }, onNpmsOwn())
    expect(stage.exitCode).toBe(0)
    expect(stage.outputs).toMatchObject({ 'registry-url': registry.url, status: 'ok', 'publish-command': 'npm stage publish' })
    expect(cutoffOf(stage)).toBeUndefined()

    const stageOnly = newToken({ stageOnly: true })
    const auto = await run({ token: stageOnly, mode: 'check', 'working-directory': dir }, onNpmsOwn())
    expect(auto.outputs).toMatchObject({ status: 'ok', 'publish-command': 'npm stage publish' })
    expect(cutoffOf(auto)).toBeUndefined()
  })

  it("does not warn under trusted publishing (OIDC) on npm's own registry; staged versions are listed with the exchanged token", async () => {
    const name = 'cutoff-oidc-pkg'
    const dir = pkgDir(name)
    tp.publishers.set(name, { repository: REPO, workflowFile: 'publish.yml' })
    const from = registry.requests.length
    const result = await run({ 'working-directory': dir }, onNpmsOwn(idp.env()))
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ 'auth-method': 'oidc', 'registry-url': registry.url, status: 'ok', 'publish-command': 'npm publish', staged: '[]' })
    expect(cutoffOf(result)).toBeUndefined()
    expect(titled(result, 'warning')).toEqual([])
    expect(result.summary).toContain('The token exchange does not say which actions the trusted publisher allows')
    const listed = stageListRequests(from)
    expect(listed).toHaveLength(1)
    expect(tp.issued).toContain(String(listed[0].headers.authorization).replace(/^Bearer /, ''))
  })

  describe('on a generic registry (a real Verdaccio)', () => {
    let verdaccio: Verdaccio
    beforeAll(async () => {
      verdaccio = await startVerdaccio()
    }, 30_000)
    afterAll(async () => {
      await verdaccio?.stop()
    })

    it('no cutoff warning and no staged list, for publish: auto and direct', async () => {
      const token = await verdaccio.addUser('verdaccio-publisher', 'correct-horse-battery')
      tokens.push(token)
      for (const publish of ['auto', 'direct']) {
        const result = await run({ 'registry-url': verdaccio.url, token, publish })
        expect(result.exitCode).toBe(0)
        expect(result.outputs).toMatchObject({ status: 'ok', 'publish-command': 'npm publish', staged: '' })
        expect(cutoffOf(result)).toBeUndefined()
      }
    })
  })
})

// ---- bad input ------------------------------------------------------------------------------------

describe('bad publishing input is refused before any request', () => {
  const cases: Array<[string, string, string]> = [
    ['publish', 'later', `Input 'publish': "later" is not one of 'auto', 'direct', 'stage'`],
    ['stage-warn-days', '-1', `Input 'stage-warn-days': "-1" is not a whole number`],
    ['stage-warn-days', 'soon', `Input 'stage-warn-days': "soon" is not a whole number`],
  ]
  it.each(cases)('%s: %s', async (input, value, message) => {
    const token = newToken()
    const from = registry.requests.length
    const result = await run({ ...onFake(), token, [input]: value })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('error')
    expect(errorOf(result)).toContain(message)
    expect(registry.requests.length).toBe(from)
  })
})

// ---- the CLI --------------------------------------------------------------------------------------

describe('setup-npm-auth check (CLI)', () => {
  it('--publish stage --json prints publish-command and the staged versions', async () => {
    const name = '@octo-org/cli-staged'
    registry.seedPackage(name)
    const waiting = registry.stageVersion({ name, version: '2.0.0', tag: 'next', createdAt: new Date(Date.now() - DAY - HOUR) })
    const token = newToken({ stageOnly: true })
    const r = await cli(['check', '--registry', registry.url, '--publish', 'stage', '--packages', name, '--json'], { NPM_TOKEN: token })
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as { status: string; 'publish-command': string; staged: unknown; findings: Array<{ level: string; title: string }> }
    expect(json).toMatchObject({ status: 'ok', 'publish-command': 'npm stage publish' })
    expect(json.staged).toEqual([asOutput(waiting)])
    expect(json.findings).toEqual([expect.objectContaining({ level: 'notice', title: `${name}@2.0.0 waits for approval (1 day)` })])

    const bad = await cli(['check', '--registry', registry.url, '--publish', 'later'], { NPM_TOKEN: token })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain(`--publish: "later" is not one of 'auto', 'direct', 'stage'`)
  })

  it("on npm's own registry without --publish stage, the cutoff warning makes a healthy token exit 1", async () => {
    const name = 'cli-cutoff-pkg'
    const cwd = pkgDir(name)
    const token = newToken()
    const env = { NPM_TOKEN: token, PATH: npmsOwnPath, GITHUB_REPOSITORY: REPO, GITHUB_WORKFLOW_REF: WORKFLOW_REF }
    const table = await cli(['check'], env, cwd)
    expect(table.code).toBe(1)
    expect(table.stdout).toMatch(new RegExp(`^registry\\s+${registry.url.replace(/[.]/g, '\\.')} \\(`, 'm'))
    expect(table.stdout).toMatch(/^publish with npm publish \(--publish auto\)$/m)
    expect(table.stdout).toMatch(/^status\s+warning$/m)
    expect(table.stdout).toContain(`warning: ${CUTOFF_TITLE}`)

    const json = await cli(['check', '--json'], env, cwd)
    expect(json.code).toBe(1)
    const parsed = JSON.parse(json.stdout) as { status: string; 'days-left': number; findings: Array<{ level: string; title: string; message: string }> }
    expect(parsed).toMatchObject({ status: 'warning', 'days-left': 60 })
    expect(parsed.findings.map((f) => [f.level, f.title])).toEqual([['warning', CUTOFF_TITLE]])
    expect(parsed.findings[0].message).toContain(`npm trust github ${name} --repo ${REPO} --file release.yml --allow-publish --yes`)

    const staged = await cli(['check', '--publish', 'stage'], env, cwd)
    expect(staged.code).toBe(0)
    expect(staged.stdout).not.toContain(CUTOFF_TITLE)
    expect(staged.stdout).toMatch(/^publish with npm stage publish \(--publish stage\)$/m)
  })
})
