// "The post step names the cause npm hid" (issue #14), end to end as a job runs it: the built main step
// (mode setup, token or OIDC) → a later step running the real npm CLI on PATH (npm 11) with the env main
// exported (NPM_CONFIG_USERCONFIG, the token env, NPM_CONFIG_LOGS_DIR) → the built post step with main's
// state and the job's env. Every publish fails against the loopback npmjs fake the way npmjs refuses it;
// the post step must name the cause in an error annotation and a "Why the publish failed" summary section.
// The canary runs over every step (main, npm's output as the runner shows it, post, every file written).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import type http from 'node:http'
import os from 'node:os'
import { basename, join } from 'node:path'
import { assertNoSecretLeak, findSecretLeaks, type CanaryInput } from '../../test-support/canary.ts'
import { randomAlnum, STAGE_REQUIRED, type FakeNpmjs, type TokenSpec } from '../../test-support/fake-npmjs.ts'
import { sendJson } from '../../test-support/loopback.ts'
import { NPM_CLIENTS, npmStepEnv, runNpmClient, writeFixturePackage, type NpmClient } from '../../test-support/npm-cli.ts'
import {
  NOT_FOUND_MESSAGE,
  startTrustedPublishingRegistry,
  type IdTokenServer,
  type TrustedPublishing,
  type TrustedPublishingRegistry,
} from '../../test-support/oidc-fakes.ts'
import { modernNode, repoRoot, runProcess, type ProcessResult } from '../../test-support/process.ts'
import { cleanupRunDirs, runAction, type Annotation, type RunActionResult } from '../../test-support/run-action.ts'

const REPO = 'octo-org/octo-repo'
const REPO_URL = `git+https://github.com/${REPO}.git`
const PUBLISHER = { repository: REPO, workflowFile: 'publish.yml' }
const TOKEN_ENV = 'NODE_AUTH_TOKEN'
const SUMMARY_HEADING = '## Why the publish failed'
const DAY = 86_400_000

let fakes: TrustedPublishingRegistry
let idp: IdTokenServer
let tp: TrustedPublishing
let registry: FakeNpmjs
let tmpRoot: string
/** A test's own registry behaviour, tried before the trusted-publishing hook and the built-in routes. */
let testHook: ((req: http.IncomingMessage, res: http.ServerResponse) => boolean) | undefined

/** A fresh registry and ID-token server (each npm major's round starts with packages of its own). */
async function freshFakes(): Promise<void> {
  await fakes?.stop()
  fakes = await startTrustedPublishingRegistry({ registry: { freePlan: true, tokenList: 'any' }, hook: (req, res) => testHook?.(req, res) === true })
  ;({ idp, tp, registry } = fakes)
}

beforeAll(async () => {
  await freshFakes()
  tmpRoot = mkdtempSync(join(os.tmpdir(), 'post-diagnosis-int-'))
})
afterAll(async () => {
  cleanupRunDirs()
  rmSync(tmpRoot, { recursive: true, force: true })
  await fakes?.stop()
})

// ---- the canary over every step of every job ------------------------------------------------------

interface Job {
  main: RunActionResult
  npm: ProcessResult[]
  post: RunActionResult
  /** Where npm wrote its debug logs in this job. */
  logsDir: string
  /** The debug logs npm wrote in this job, oldest first. */
  logs: string[]
}

/** The npm major the current describe block runs. */
let npmClient: NpmClient = 'npm11'

let jobs: Job[] = []
/** Secrets of the current test (tokens given to main); the ID-token request token, every ID token and every exchanged token are added. */
let secrets: string[] = []
/** Set by the one test where npm's own debug log holds a secret the registry echoed (checked there). */
let npmLogsMayHoldSecrets = false
beforeEach(() => {
  jobs = []
  secrets = []
  npmLogsMayHoldSecrets = false
  testHook = undefined
  idp.resetClaims()
})
afterEach(() => {
  const all = [...secrets, idp.requestToken, ...idp.minted, ...tp.issued]
  for (const job of jobs) {
    for (const input of [job.main, job.post, ...job.npm.map((r) => npmAsRunnerShowsIt(r, job))]) {
      if (!npmLogsMayHoldSecrets) assertNoSecretLeak(input, all, { tokenEnv: TOKEN_ENV })
      else expect(leaksOutsideNpmLogs(input, all, job)).toEqual([])
    }
  }
})

/** npm's output as the job log shows it: the runner replaces every value masked so far (main's masks) with ***. */
function npmAsRunnerShowsIt(result: ProcessResult, job: Job): CanaryInput {
  const mask = (text: string) => [...job.main.masks].sort((a, b) => b.length - a.length).reduce((out, m) => out.split(m).join('***'), text)
  return { stdout: mask(result.stdout), stderr: mask(result.stderr), outputs: {}, env: {}, state: {}, summary: '', dirs: job.main.dirs }
}

/** Leaks anywhere but npm's own debug logs (npm writes what the registry said there, as it always has). */
function leaksOutsideNpmLogs(input: CanaryInput, all: string[], job: Job): string[] {
  const npmLogs = new Set(job.logs.map((file) => file.slice(job.main.dirs.root.length + 1)))
  return findSecretLeaks(input, all, { tokenEnv: TOKEN_ENV }).filter((leak) => ![...npmLogs].some((file) => leak.endsWith(`in file ${file}`)))
}

// ---- helpers ------------------------------------------------------------------------------------

let dirCounter = 0
function tmpDir(name: string): string {
  const dir = join(tmpRoot, `${++dirCounter}-${name.replace(/[@/]/g, '_')}`)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** A package folder (package.json names this repository). */
function pkgDir(name: string, version = '1.1.0', extra: Record<string, unknown> = {}): string {
  return writeFixturePackage(tmpDir(name), name, version, { repository: { type: 'git', url: REPO_URL }, ...extra })
}

/** A token the fake accepts (the canary watches it); `npm_` + 36 characters unless `value` is given. */
function newToken(spec: Partial<TokenSpec> = {}, value = `npm_${randomAlnum(36)}`): string {
  registry.addToken({ username: 'release-bot', expiry: new Date(Date.now() + 60 * DAY).toISOString(), ...spec, token: value })
  secrets.push(value)
  return value
}

/** The env of a GitHub-hosted job with `permissions: id-token: write`. */
const oidcEnv = (): Record<string, string> => ({ ...idp.env(), RUNNER_ENVIRONMENT: 'github-hosted' })

interface JobOptions {
  inputs?: Record<string, string>
  /** The job has an ID token (id-token: write). */
  oidc?: boolean
  /** The job's own env (every step gets it). */
  env?: Record<string, string>
  /** What happens between the main step and the npm step (e.g. the token is revoked). */
  before?: (main: RunActionResult) => void | Promise<void>
  /** npm commands, each in its folder, in order. */
  npm: Array<{ cwd: string; args?: string[] }>
  /** Before the post step runs (e.g. files dropped into the logs dir). */
  beforePost?: (logsDir: string) => void
}

/** One job: main → the npm step(s) with the env main exported → post with main's state and the job's env. */
async function job(opts: JobOptions): Promise<Job> {
  const jobEnv = { ...(opts.oidc ? oidcEnv() : {}), ...opts.env }
  const main = await runAction({ inputs: { 'registry-url': registry.url, ...opts.inputs }, env: jobEnv })
  expect({ exitCode: main.exitCode, errors: errorsOf(main) }).toEqual({ exitCode: 0, errors: [] })
  // The main step makes npm write its debug logs where the post step reads them: its own folder under
  // RUNNER_TEMP, or the job's own NPM_CONFIG_LOGS_DIR, kept.
  const diagnosis = JSON.parse(main.state.diagnosis ?? 'null') as { logsDir: string } | null
  if (opts.env?.NPM_CONFIG_LOGS_DIR) {
    expect(main.env.NPM_CONFIG_LOGS_DIR).toBeUndefined()
    expect(diagnosis?.logsDir).toBe(opts.env.NPM_CONFIG_LOGS_DIR)
  } else {
    expect(main.env.NPM_CONFIG_LOGS_DIR).toEqual(expect.stringContaining(main.dirs.runnerTemp))
    expect(diagnosis?.logsDir).toBe(main.env.NPM_CONFIG_LOGS_DIR)
  }
  const logsDir = diagnosis!.logsDir
  await opts.before?.(main)

  const npm: ProcessResult[] = []
  for (const step of opts.npm) {
    const home = tmpDir('npm-home')
    npm.push(
      await runNpmClient(npmClient, step.args ?? ['publish'], {
        cwd: step.cwd,
        env: { ...npmStepEnv(home), CI: 'true', GITHUB_ACTIONS: 'true', ...jobEnv, ...main.env },
      }),
    )
  }
  opts.beforePost?.(logsDir)
  const post = await runAction({ step: 'post', dirs: main.dirs, env: jobEnv })
  const logs = debugLogs(logsDir)
  const result = { main, npm, post, logsDir, logs }
  jobs.push(result)
  return result
}

/** npm's debug logs in a folder, oldest first (their names start with the time). */
const debugLogs = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => /-debug-\d+\.log$/.test(name))
        .sort()
        .map((name) => join(dir, name))
    : []

const errorsOf = (r: RunActionResult): Annotation[] => r.annotations.filter((a) => a.level === 'error')

/** The post step's error annotations: exactly one, returned. */
function onlyError(post: RunActionResult): Annotation {
  expect(post.exitCode).toBe(0)
  const errors = errorsOf(post)
  expect(errors.map((a) => a.title)).toHaveLength(1)
  return errors[0]
}

/** The summary section for that annotation: heading, the title as a subheading, npm's words and the fix. */
function expectSummaryFor(post: RunActionResult, title: string, ...parts: string[]): void {
  expect(post.summary.startsWith(SUMMARY_HEADING)).toBe(true)
  // Every @ and # of a value gets a zero-width space in Markdown (no mention, no reference): compared without it.
  const summary = post.summary.replaceAll('&#8203;', '')
  expect(summary).toContain(`### ${title}\n`)
  for (const part of parts) expect(summary).toContain(part)
}

/** The npm step failed, with this error code in its output (npm's own `npm error code …`). */
function expectNpmFailed(result: ProcessResult, code?: string): void {
  expect(result.code).not.toBe(0)
  if (code) expect(result.stderr).toContain(`npm error code ${code}`)
}

/** The .npmrc main wrote is gone: the post step cleaned up before it diagnosed. */
const expectCleanedUp = (j: Job) => expect(existsSync(j.main.outputs['npmrc-path'])).toBe(false)

/** npm's own exchanges (npm's user agent), for a package. */
const npmExchanges = (name: string) => tp.exchanges.filter((e) => e.packageName === name && /^npm\//.test(e.userAgent))

function cli(args: string[]): Promise<ProcessResult> {
  return runProcess(modernNode(24), [join(repoRoot, 'dist/cli/index.js'), ...args], { env: { HOME: tmpDir('cli-home') } })
}

// ---- token path ---------------------------------------------------------------------------------

// Every failure case with both npm majors users run: npm 11 (on PATH) and npm 12.
describe.each(NPM_CLIENTS)('with %s', (client) => {
  beforeAll(async () => {
    npmClient = client
    await freshFakes()
  })

  describe('post step after a token-path publish fails', () => {
    it('a token revoked after the main step accepted it: "The registry rejected the token", quoting the registry', async () => {
      const name = 'diag-revoked'
      const token = newToken()
      const j = await job({ inputs: { token }, before: () => registry.revokeToken(token), npm: [{ cwd: pkgDir(name) }] })

      expect(j.main.outputs).toMatchObject({ 'auth-method': 'token', status: 'ok', username: 'release-bot' })
      expectNpmFailed(j.npm[0], 'E401')
      const error = onlyError(j.post)
      expect(error.title).toBe('The registry rejected the token')
      expect(error.message).toContain(`npm publish (${name}) failed.`)
      expect(error.message).toContain('npm said: E401')
      expect(error.message).toContain('The registry says: "Access token expired or revoked. Please try logging in again."')
      expect(error.message).toMatch(/its recorded expiry: \d{4}-\d\d-\d\dT/) // what main learned from the token list
      expectSummaryFor(j.post, error.title!, 'Create a new granular access token')
      expectCleanedUp(j)

      // The CLI over the same log: the same cause, exit 2.
      expect(j.logs).toHaveLength(1)
      const explained = await cli(['explain', j.logs[0]])
      expect(explained.code).toBe(2)
      expect(explained.stdout.split('\n')[0]).toBe(error.title)
    })

    it('a package that requires 2FA and a token that does not bypass it: EOTP → "Publishing asked for a one-time password"', async () => {
      const name = 'diag-otp'
      await tp.seedPackage(name)
      registry.requireTwoFactor(name)
      const token = newToken({ bypass2fa: false })
      const j = await job({ inputs: { token }, npm: [{ cwd: pkgDir(name) }] })

      expectNpmFailed(j.npm[0], 'EOTP')
      const error = onlyError(j.post)
      expect(error.title).toBe('Publishing asked for a one-time password')
      expect(error.message).toContain('npm said: EOTP')
      expect(error.message).toContain('Use trusted publishing (no token, no OTP)')
      expectSummaryFor(j.post, error.title!, 'A CI job cannot type a code')
      expect(registry.published.filter((p) => p.name === name).map((p) => p.version)).toEqual(['1.0.0'])
    })

    it('a stage-only token: E_STAGE_REQUIRED → "Direct publishing refused: staging required"', async () => {
      const name = 'diag-stage-only'
      await tp.seedPackage(name)
      const token = newToken({ stageOnly: true })
      const j = await job({ inputs: { token }, npm: [{ cwd: pkgDir(name) }] })

      expectNpmFailed(j.npm[0], 'E403')
      expect(j.npm[0].stderr).toContain('E_STAGE_REQUIRED')
      const error = onlyError(j.post)
      expect(error.title).toBe('Direct publishing refused: staging required')
      expect(error.message).toMatch(/^npm said: E403: (403 )?403 Forbidden - PUT /m)
      expect(error.message).toContain(`403 Forbidden - PUT ${registry.url}${name} - ${STAGE_REQUIRED}`)
      expect(error.message).toContain('The token is stage-only')
      expect(error.message).toContain('Run `npm stage publish` (npm 11.15.0 or newer) instead of `npm publish`')
      expectSummaryFor(j.post, error.title!, 'npm stage approve')
    })

    it('the version exists: npm refuses before uploading → "This version is already published"', async () => {
      const name = 'diag-exists'
      await tp.seedPackage(name, '1.0.0')
      const token = newToken()
      const puts = () => registry.requests.filter((r) => r.method === 'PUT' && r.path === `/${name}`).length
      const putsBefore = puts()
      const j = await job({ inputs: { token }, npm: [{ cwd: pkgDir(name, '1.0.0') }] })

      expectNpmFailed(j.npm[0])
      expect(j.npm[0].stderr).toContain('You cannot publish over the previously published versions: 1.0.0.')
      expect(puts()).toBe(putsBefore) // npm checked the packument and never uploaded
      const error = onlyError(j.post)
      expect(error.title).toBe('This version is already published')
      expect(error.message).toContain('npm said: You cannot publish over the previously published versions: 1.0.0.')
      expectSummaryFor(j.post, error.title!, 'Bump the version in package.json')
    })

    it('the version exists: the explanation names the package and version, though npm logged no pkgid', async () => {
      const name = 'diag-exists-named'
      await tp.seedPackage(name, '2.0.0')
      const j = await job({ inputs: { token: newToken() }, npm: [{ cwd: pkgDir(name, '2.0.0') }] })

      expectNpmFailed(j.npm[0])
      expect(readFileSync(j.logs[0], 'utf8')).not.toMatch(/^\d+ verbose pkgid /m)
      const error = onlyError(j.post)
      expect(error.title).toBe('This version is already published')
      expect(error.message).toContain(`npm publish (${name}) failed.`)
      expect(error.message).toContain(`${name}@2.0.0 exists on the registry already`)
    })

    it('a scoped first publish without --access public on a free plan: 402 → "First publish of … refused", fix --access public', async () => {
      const name = '@diag/first-restricted'
      const token = newToken()
      const j = await job({ inputs: { token }, npm: [{ cwd: pkgDir(name, '1.0.0') }] })

      expectNpmFailed(j.npm[0], 'E402')
      const error = onlyError(j.post)
      expect(error.title).toBe(`First publish of ${name} refused`)
      expect(error.message).toContain('a scoped package is published private unless told otherwise')
      expect(error.message).toContain('Publish with `--access public`')
      expectSummaryFor(j.post, error.title!, '`--access public`')
      expect(registry.published.some((p) => p.name === name)).toBe(false)
    })

    it('a scoped first publish with a token that has no access to the scope: 404 → "First publish of … refused", naming the scope', async () => {
      const name = '@diag/first-no-scope'
      const token = newToken({ packages: ['@elsewhere/*'] })
      const j = await job({ inputs: { token }, npm: [{ cwd: pkgDir(name, '1.0.0', { publishConfig: { access: 'public' } }) }] })

      expectNpmFailed(j.npm[0], 'E404')
      const error = onlyError(j.post)
      expect(error.title).toBe(`First publish of ${name} refused`)
      expect(error.message).toContain('in @diag (the scope must exist and the token must have write access to it)')
      expect(error.message).toContain('Give the token read and write access to @diag')
      expectSummaryFor(j.post, error.title!, `First publish of ${name} refused`)
    })

    it('a successful publish: no error annotation and no summary section, though the post step read its log', async () => {
      const name = 'diag-ok'
      const token = newToken()
      const j = await job({ inputs: { token }, npm: [{ cwd: pkgDir(name, '1.0.0') }] })

      expect(j.npm[0].code).toBe(0)
      expect(registry.published.some((p) => p.name === name && p.version === '1.0.0')).toBe(true)
      expect(j.post.exitCode).toBe(0)
      expect(j.post.annotations.filter((a) => a.level !== 'notice')).toEqual([])
      expect(j.post.summary).not.toContain(SUMMARY_HEADING)
      expect(j.logs).toHaveLength(1)
      // It did look: one log of this job, nothing to explain.
      expect(j.post.commands.filter((c) => c.command === 'debug').map((c) => c.data)).toContain(
        'npm logs of this job: 1; no failed publish or install to explain.',
      )
      expectCleanedUp(j)
    })

    it('a token the registry echoes into its error body never appears in any step, file or summary', async () => {
      const name = 'diag-echo'
      // Shaped like neither an npm token nor a UUID, so neither npm's redaction nor the shape scrubber
      // catches it: only the post step's mask of the exported token keeps it out.
      const token = newToken({}, `echo${randomAlnum(30)}`)
      testHook = (req, res) => {
        if (req.method !== 'PUT' || req.url !== `/${name}`) return false
        req.resume()
        const bearer = String(req.headers.authorization ?? '').replace(/^Bearer /, '')
        sendJson(res, 403, { error: `token ${bearer} may not publish ${name}` })
        return true
      }
      npmLogsMayHoldSecrets = true
      const j = await job({ inputs: { token }, npm: [{ cwd: pkgDir(name, '1.0.0') }] })

      expectNpmFailed(j.npm[0], 'E403')
      // The registry did echo it, and npm wrote it down as it was: the post step read a log holding it.
      expect(j.npm[0].stderr).toContain(token)
      expect(j.logs).toHaveLength(1)
      expect(readFileSync(j.logs[0], 'utf8')).toContain(`token ${token} may not publish`)
      expect(j.main.masks).toContain(token)

      const error = onlyError(j.post)
      expect(error.title).toBe(`First publish of ${name} refused`)
      expect(error.message).toContain(`token *** may not publish ${name}`)
      expectSummaryFor(j.post, error.title!, `token *** may not publish ${name}`)
      // Shown nowhere (the ::add-mask:: line that tells the runner to hide it is never shown).
      const shown = (stdout: string) => stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'))
      for (const line of [...shown(j.main.stdout), ...shown(j.post.stdout)]) expect(line).not.toContain(token)
      for (const text of [j.post.stderr, j.post.summary, j.main.stderr, j.main.summary]) expect(text).not.toContain(token)
      // The canary sees it in npm's log (so it would see it anywhere else) and nowhere else (afterEach checks every step).
      expect(findSecretLeaks(j.post, [token], { tokenEnv: TOKEN_ENV }).some((leak) => leak.endsWith(basename(j.logs[0])))).toBe(true)
    })

    it('a truncated log, a binary file and other things named like debug logs are passed over; cleanup still done', async () => {
      const name = 'diag-junk'
      await tp.seedPackage(name, '1.0.0')
      const token = newToken()
      const whole = join(tmpDir('whole-log'), 'whole-debug-0.log')
      const j = await job({
        inputs: { token },
        npm: [{ cwd: pkgDir(name, '1.1.0') }, { cwd: pkgDir(name, '1.0.0') }], // the first publishes, the second fails: version exists
        beforePost: (logsDir) => {
          const [ok, failed] = debugLogs(logsDir)
          // The failed run's log cut in the middle of a line before npm's error lines, ending in half a UTF-8 character.
          expect(ok).toBeDefined()
          copyFileSync(failed, whole)
          const lines = readFileSync(failed, 'utf8').split('\n')
          const firstError = lines.findIndex((line) => /^\d+ (error|verbose stack) /.test(line))
          expect(firstError).toBeGreaterThan(5)
          const kept = [...lines.slice(0, firstError - 1), lines[firstError - 1].slice(0, 10)].join('\n')
          writeFileSync(failed, Buffer.concat([Buffer.from(kept), Buffer.from([0xe2, 0x82])]))
          // A binary file (every byte value, no real line), a folder and a dangling link, each named like a debug log.
          const stamp = basename(failed).replace(/-debug-\d+\.log$/, '')
          writeFileSync(join(logsDir, `${stamp}-debug-7.log`), Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919 + 13) % 256)))
          mkdirSync(join(logsDir, `${stamp}-debug-8.log`))
          symlinkSync(join(logsDir, 'nowhere'), join(logsDir, `${stamp}-debug-9.log`))
        },
      })

      expect(j.npm.map((r) => r.code)).toEqual([0, 1])
      expect(j.post.exitCode).toBe(0)
      expect(j.post.annotations.filter((a) => a.level !== 'notice')).toEqual([])
      expect(j.post.summary).not.toContain(SUMMARY_HEADING)
      expectCleanedUp(j)
      // The successful log, the truncated one and the binary file were read (the folder and the link are not files).
      expect(j.post.commands.filter((c) => c.command === 'debug').map((c) => c.data)).toContain(
        'npm logs of this job: 3; no failed publish or install to explain.',
      )
      // Uncut, the same log is explained: the cut is what left nothing to explain.
      const explained = await cli(['explain', whole])
      expect(explained.code).toBe(2)
      expect(explained.stdout.split('\n')[0]).toBe('This version is already published')
    })

    it("the job's own NPM_CONFIG_LOGS_DIR is kept, and only logs written since the main step are explained", async () => {
      const name = 'diag-own-logs-dir'
      await tp.seedPackage(name, '1.0.0')
      const token = newToken()
      const logsDir = tmpDir('job-logs-dir')
      // A failed publish of an earlier job in the same folder (an hour old): not this job's business.
      const old = join(logsDir, '2026-01-01T00_00_00_000Z-debug-0.log')
      writeFileSync(
        old,
        [
          '0 verbose title npm publish',
          '1 http fetch PUT 401 http://127.0.0.1:1/old 2ms',
          '2 verbose pkgid old@1.0.0',
          '3 error code E401',
          '4 error 401 Unauthorized',
          '5 verbose exit 1',
          '',
        ].join('\n'),
      )
      utimesSync(old, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000))
      const j = await job({ inputs: { token }, env: { NPM_CONFIG_LOGS_DIR: logsDir }, npm: [{ cwd: pkgDir(name, '1.0.0') }] })

      expect(j.logs).toHaveLength(2)
      const error = onlyError(j.post)
      expect(error.title).toBe('This version is already published')
      expect(j.post.summary).not.toContain('rejected the token')
    })
  })

  // ---- trusted publishing -------------------------------------------------------------------------

  describe('post step after a trusted-publishing publish fails', () => {
    it("no matching trusted publisher: npm's own exchange fails, it falls back to the token and gets E404 → the exchange message and the npm trust command", async () => {
      const name = 'diag-oidc-nomatch'
      const listed = 'diag-oidc-listed'
      await tp.seedPackage(listed)
      tp.publishers.set(listed, PUBLISHER)
      await tp.seedPackage(name)
      tp.publishers.set(name, { repository: REPO, workflowFile: 'release.yml' }) // another workflow file
      // A token alongside (valid, so main exports it) that may publish neither package: npm's fallback.
      const token = newToken({ packages: ['diag-oidc-unrelated'] })
      const j = await job({ oidc: true, inputs: { token, packages: listed }, npm: [{ cwd: pkgDir(name) }] })

      expect(j.main.outputs).toMatchObject({ 'auth-method': 'oidc' })
      expect(JSON.parse(j.main.outputs.packages)).toEqual([{ name: listed, ok: true, status: 201 }])
      expect(npmExchanges(name).map((e) => [e.status, e.reason])).toEqual([[404, 'workflow mismatch']])
      expectNpmFailed(j.npm[0], 'E404')
      const error = onlyError(j.post)
      expect(error.title).toBe(`Trusted publishing failed for ${name}`)
      expect(error.message).toContain('npm said: E404')
      expect(error.message).toContain(`npm's OIDC token exchange failed ("${NOT_FOUND_MESSAGE}")`)
      expect(error.message).toContain(`fell back to the credential in ${TOKEN_ENV}`)
      expect(error.message).toContain(
        `The ID token claimed: repository ${REPO}, workflow ${REPO}/.github/workflows/publish.yml@refs/heads/main, environment (none).`,
      )
      expect(error.message).toContain(`npm trust github ${name} --repo ${REPO} --file publish.yml --allow-publish --registry ${registry.url} --yes`)
      expect(error.message).not.toContain('never been published')
      // The pre-flight ran for another package only: the note that would have caught this one.
      expect(error.message).toContain(
        `${name} was not pre-flighted by setup-npm-auth (it is not in the packages input nor in the workspace list): add it to \`packages\``,
      )
      expectSummaryFor(j.post, error.title!, `npm trust github ${name} --repo ${REPO} --file publish.yml --allow-publish`)
    })

    it('no token and a package the pre-flight did not cover: npm fails ENEEDAUTH → the package, "not pre-flighted", the npm trust command', async () => {
      const name = 'diag-oidc-unlisted'
      const listed = 'diag-oidc-listed-2'
      await tp.seedPackage(listed)
      tp.publishers.set(listed, PUBLISHER)
      await tp.seedPackage(name) // exists, no trusted publisher
      const j = await job({ oidc: true, inputs: { packages: listed }, npm: [{ cwd: pkgDir(name) }] })

      expect(j.main.env[TOKEN_ENV]).toBeUndefined()
      expect(npmExchanges(name).map((e) => [e.status, e.reason])).toEqual([[404, 'no trusted publisher']])
      expectNpmFailed(j.npm[0], 'ENEEDAUTH')
      const error = onlyError(j.post)
      expect(error.title).toBe(`Trusted publishing failed for ${name}`)
      expect(error.message).toContain('npm said: ENEEDAUTH')
      expect(error.message).toContain(
        `${name} was not pre-flighted by setup-npm-auth (it is not in the packages input nor in the workspace list): add it to \`packages\``,
      )
      expect(error.message).toContain(`npm trust github ${name} --repo ${REPO} --file publish.yml --allow-publish`)
      expect(error.message).not.toContain(listed)
      expectSummaryFor(j.post, error.title!, 'was not pre-flighted')
    })

    it('the exchange works but the registry refuses the provenance (422): the repository.url to set', async () => {
      const name = 'diag-oidc-provenance'
      await tp.seedPackage(name)
      tp.publishers.set(name, PUBLISHER)
      // npm only attaches provenance by signing with Sigstore (Fulcio, Rekor): not on loopback. The registry's
      // answer to a provenance whose repository does not match is what is played back here.
      // A public repository (the claims), a package the registry shows as private: npm does not turn provenance on by itself.
      idp.setClaims({ repository_visibility: 'public' })
      tp.visibility.set(name, false)
      testHook = (req, res) => {
        if (req.method !== 'PUT' || req.url !== `/${name}`) return false
        req.resume()
        sendJson(res, 422, {
          error: `Error verifying sigstore provenance bundle: Failed to validate repository information: package.json: "repository.url" is "git+https://github.com/octo-org/elsewhere.git", expected to match "https://github.com/${REPO}" from provenance`,
        })
        return true
      }
      const dir = pkgDir(name)
      const j = await job({ oidc: true, inputs: { 'working-directory': dir }, npm: [{ cwd: dir }] })

      expect(npmExchanges(name).map((e) => e.status)).toEqual([201])
      expectNpmFailed(j.npm[0], 'E422')
      const error = onlyError(j.post)
      expect(error.title).toBe('The registry refused the provenance')
      expect(error.message).toContain(`(${REPO})`)
      expect(error.message).toContain(`"url": "git+https://github.com/${REPO}.git"`)
      expectSummaryFor(j.post, error.title!, 'repository.url')
    })
  })

  // ---- the CLI over a real npm log ----------------------------------------------------------------
})

describe('setup-npm-auth explain over real npm debug logs', () => {
  it.each(NPM_CLIENTS)("explains %s's failed publish (exit 2; --json holds the cause) and finds nothing in a successful one (exit 0)", async (client) => {
    const token = newToken()
    // The job's own logs dir, so npm's logs are where this test looks whatever the main step exports.
    const logsDir = tmpDir('cli-logs')
    const main = await runAction({ inputs: { token, 'registry-url': registry.url }, env: { NPM_CONFIG_LOGS_DIR: logsDir } })
    expect(main.exitCode).toBe(0)
    const npmEnv = (home: string) => ({ ...npmStepEnv(home), NPM_CONFIG_LOGS_DIR: logsDir, GITHUB_ACTIONS: 'true', ...main.env })
    const ok = await runNpmClient(client, ['publish'], { cwd: pkgDir(`diag-cli-ok-${client}`, '1.0.0'), env: npmEnv(tmpDir('home')) })
    expect(ok.code).toBe(0)
    const [okLog] = debugLogs(logsDir)
    registry.revokeToken(token)
    const failed = await runNpmClient(client, ['publish'], { cwd: pkgDir(`diag-cli-revoked-${client}`, '1.0.0'), env: npmEnv(tmpDir('home')) })
    expectNpmFailed(failed, 'E401')
    const failedLog = debugLogs(logsDir).find((f) => f !== okLog)!
    expect(failedLog).toBeDefined()
    expect(readFileSync(failedLog, 'utf8')).toMatch(client === 'npm12' ? /^\d+ info using npm@12\./m : /^\d+ info using npm@11\./m)

    const text = await cli(['explain', failedLog])
    expect(text.code).toBe(2)
    expect(text.stdout.split('\n')[0]).toBe('The registry rejected the token')
    expect(text.stdout).toContain(`npm publish (diag-cli-revoked-${client}) failed.`)
    expect(text.stdout).toContain(`(from ${failedLog})`)

    const json = await cli(['explain', '--json', failedLog])
    expect(json.code).toBe(2)
    const parsed = JSON.parse(json.stdout) as { logs: number; failures: Array<Record<string, string>> }
    expect(parsed.logs).toBe(1)
    expect(parsed.failures).toHaveLength(1)
    expect(parsed.failures[0]).toMatchObject({
      cause: 'token-rejected',
      title: 'The registry rejected the token',
      packageName: `diag-cli-revoked-${client}`,
      file: failedLog,
    })

    // The whole folder: both logs read, the one failure explained.
    const folder = await cli(['explain', '--json', '--logs-dir', logsDir])
    expect(folder.code).toBe(2)
    expect(JSON.parse(folder.stdout)).toMatchObject({ logs: 2, failures: [{ cause: 'token-rejected' }] })

    const none = await cli(['explain', okLog])
    expect(none).toMatchObject({ code: 0, stdout: 'No failed npm command in 1 log.\n' })
    for (const r of [ok, failed, text, json, folder, none]) expect(r.stdout + r.stderr).not.toContain(token)
    assertNoSecretLeak(main, [token], { tokenEnv: TOKEN_ENV })
  })
})
