// `setup-npm-auth token list|create|rotate|revoke` end to end: the built CLI against the npmjs-protocol
// fake in npm's own mode (the token list takes only `npm login` sessions; create/delete need an OTP;
// ids are UUIDs) and the loopback GitHub API, which decrypts every sealed secret — so each test proves the
// stored secret is exactly a token whoami accepts. Then the action, given that secret and the variable,
// and the real npm 11 and npm 12 publishing with it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.ts'
import { FAKE_OTP, startFakeNpmjs, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'
import { findSecretLeaks, processCanaryInput } from '../../test-support/canary.ts'
import { NPM_CLIENTS, npmStepEnv, runNpmClient, writeFixturePackage } from '../../test-support/npm-cli.ts'
import { makeOwnedTempDir, modernNode, repoRoot, runProcess, type ProcessResult } from '../../test-support/process.ts'
import { cleanupRunDirs, runAction } from '../../test-support/run-action.ts'
import { ISSUE_REPO, runIssueCheck } from '../../test-support/check-issue.ts'

const DAY = 86_400_000
const GH_TOKEN = 'ghp_FakeGitHubTokenForTokenLifecycle0001'
const NO_SECRETS_TOKEN = 'github_pat_CannotWriteSecrets000000000001'
const NO_VARIABLES_TOKEN = 'github_pat_CannotWriteVariables0000000001'
const REPO = 'octo/lib'
const NAME = `setup-npm-auth:${REPO}:NPM_TOKEN`

let npm: FakeNpmjs
let github: FakeGitHub
let session: string

beforeAll(async () => {
  npm = await startFakeNpmjs({ pageSize: 100 })
  github = await startFakeGitHub({
    token: GH_TOKEN,
    repos: [REPO, ISSUE_REPO],
    environments: { [REPO]: ['production'] },
    tokens: { [NO_SECRETS_TOKEN]: { variables: 'write', secrets: 'none' }, [NO_VARIABLES_TOKEN]: { variables: 'none', secrets: 'write' } },
  })
  session = npm.addSession('tl-user')
})
afterAll(async () => {
  cleanupRunDirs()
  await npm.stop()
  await github.stop()
})

/** A laptop: HOME with npm's login session in ~/.npmrc, a project with one public package. */
function laptop(opts: { session?: string | null; pkg?: string } = {}): { home: string; project: string } {
  const home = makeOwnedTempDir('tl-home-')
  const sessionToken = opts.session === undefined ? session : opts.session
  const lines = [`registry=${npm.url}`, ...(sessionToken ? [`//127.0.0.1:${npm.port}/:_authToken=${sessionToken}`] : [])]
  writeFileSync(join(home, '.npmrc'), `${lines.join('\n')}\n`)
  const project = join(home, 'project')
  writeFixturePackage(project, opts.pkg ?? 'tl-pkg')
  return { home, project }
}

const secrets = () => [session, GH_TOKEN, NO_SECRETS_TOKEN, NO_VARIABLES_TOKEN, ...liveTokens()].filter(Boolean)
const liveTokens = (): string[] => created

const created: string[] = []

async function cli(args: string[], where = laptop(), env: Record<string, string | undefined> = {}): Promise<ProcessResult> {
  const result = await runProcess(modernNode(24), [join(repoRoot, 'dist/cli/index.js'), ...args], {
    cwd: where.project,
    env: { HOME: where.home, GH_TOKEN, GITHUB_API_URL: github.url, PATH: '/usr/bin:/bin', ...env },
    timeoutMs: 30_000,
  })
  return result
}

/** No secret in what the CLI printed or left in its HOME (the session file lives there: scanned without it). */
function noLeak(result: ProcessResult, extra: string[] = []): void {
  expect(findSecretLeaks(processCanaryInput(result, join(repoRoot, '.no-such-dir')), [...secrets(), ...extra])).toEqual([])
}

async function whoamiWith(token: string): Promise<number> {
  const response = await fetch(new URL('-/whoami', npm.url), { headers: { authorization: `Bearer ${token}` } })
  return response.status
}

const storedToken = (environment?: string) => github.secretValue(REPO, 'NPM_TOKEN', environment)
const storedRecord = (environment?: string) => github.variableValue(REPO, 'NPM_TOKEN_EXPIRES_AT', environment)
const liveNamed = (name = NAME) => npm.tokenList('tl-user').filter((t) => 'name' in t && t.name === name && !t.revoked)

afterEach(() => {
  const stored = storedToken()
  if (stored) created.push(stored)
})

describe('token create', () => {
  it('creates the token, stores it sealed in the repository secret, records its expiry, and verifies it', async () => {
    const r = await cli(['token', 'create', '--repo', REPO, '--otp', FAKE_OTP])
    expect(r.stderr).toContain('Direct publishing ends January 2027')
    expect(r.code).toBe(0)
    const token = storedToken()!
    expect(token).toMatch(/^npm_[A-Za-z0-9]{36}$/)
    created.push(token)
    expect(await whoamiWith(token)).toBe(200)
    const [entry] = liveNamed()
    expect(entry).toMatchObject({ name: NAME, scopes: [{ type: 'package', name: 'tl-pkg' }], permissions: [{ name: 'package', action: 'write' }] })
    expect(entry.key).toMatch(/^[0-9a-f-]{36}$/)
    const record = storedRecord()!
    expect(record).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${token.slice(0, 8)}\\.\\.\\.${token.slice(-4)} NPM_TOKEN$`))
    const days = (Date.parse(record.split(' ')[0]) - Date.now()) / DAY
    expect(days).toBeGreaterThan(29.9)
    expect(days).toBeLessThanOrEqual(30)
    expect(r.stdout).toContain('token: ${{ secrets.NPM_TOKEN }}')
    expect(r.stdout).toContain('expires-on: ${{ vars.NPM_TOKEN_EXPIRES_AT }}')
    expect(r.stdout).toContain(`Stored in the secret NPM_TOKEN of ${REPO}`)
    noLeak(r)
    // The OTP went in npm's header, and the GitHub token only to the GitHub API.
    expect(npm.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/-/npm/v1/tokens')).at(-1)?.headers['npm-otp']).toBe(FAKE_OTP)
    expect(npm.requests.some((q) => JSON.stringify(q.headers).includes(GH_TOKEN))).toBe(false)
  })

  it('refuses a second token of the same name (rotate replaces it)', async () => {
    const before = npm.tokenList('tl-user').length
    const r = await cli(['token', 'create', '--repo', REPO, '--otp', FAKE_OTP])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/already named setup-npm-auth:octo\/lib:NPM_TOKEN.*token rotate/)
    expect(npm.tokenList('tl-user').length).toBe(before)
  })

  it('an environment secret, stage-only, with CIDR, and the workflow lines for it', async () => {
    const r = await cli([
      'token',
      'create',
      '--repo',
      REPO,
      '--environment',
      'production',
      '--permission',
      'stage-only',
      '--cidr',
      '192.0.2.0/24',
      '--expires',
      '14',
      '--otp',
      FAKE_OTP,
      '--json',
    ])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as { token: { permission: string; cidr: string[]; name: string }; stored: { environment: string; variable: string } }
    expect(json.token).toMatchObject({ permission: 'read-write-stage-only', cidr: ['192.0.2.0/24'], name: `${NAME}@production` })
    expect(json.stored).toMatchObject({ environment: 'production', variable: 'NPM_TOKEN_EXPIRES_AT' })
    const token = storedToken('production')!
    created.push(token)
    expect(await whoamiWith(token)).toBe(200)
    expect(storedRecord('production')).toMatch(/ NPM_TOKEN@production$/)
    expect(r.stderr).not.toContain('Direct publishing ends January 2027')
    noLeak(r)
  })

  it('--print-token prints the token (only it) for CIs that are not GitHub, and touches no GitHub', async () => {
    const writesBefore = github.writes().length
    const r = await cli(['token', 'create', '--print-token', '--name', 'gitlab-ci', '--permission', 'read-only', '--otp', FAKE_OTP], laptop(), {
      GH_TOKEN: undefined,
    })
    expect(r.code).toBe(0)
    const printed = r.stdout.split('\n')[0]
    expect(printed).toMatch(/^npm_[A-Za-z0-9]{36}$/)
    created.push(printed)
    expect(await whoamiWith(printed)).toBe(200)
    expect(r.stdout.split(printed).length).toBe(2)
    expect(github.writes().length).toBe(writesBefore)
    const json = await cli(['token', 'create', '--print-token', '--json', '--name', 'gitlab-ci-2', '--permission', 'read-only', '--otp', FAKE_OTP], laptop(), {
      GH_TOKEN: undefined,
    })
    expect(json.code).toBe(0)
    const parsed = JSON.parse(json.stdout) as { token: { value: string; token: string } }
    created.push(parsed.token.value)
    expect(await whoamiWith(parsed.token.value)).toBe(200)
    expect(parsed.token.token).toBe(`${parsed.token.value.slice(0, 8)}...${parsed.token.value.slice(-4)}`)
  })
})

describe('token list', () => {
  it('lists every token of the session (paged), graded; JSON and exit code follow the worst token', async () => {
    const r = await cli(['token', 'list', '--json', '--name', 'setup-npm-auth:*', '--warn-days', '7'])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as { status: string; tokens: Array<{ name: string; token: string; permission: string; daysLeft: number }> }
    expect(json.tokens.map((t) => t.name).sort()).toEqual([NAME, `${NAME}@production`])
    expect(json.tokens[0]).toMatchObject({ name: `${NAME}@production`, permission: 'stage-only' })
    expect(json.tokens[0].daysLeft).toBe(13) // 14 days less the moments since: whole days left, as the action counts them
    const warn = await cli(['token', 'list'])
    expect(warn.code).toBe(1)
    expect(warn.stdout).toMatch(/^STATUS\s+EXPIRES/)
    expect(warn.stdout).not.toContain('\x1b[')
    noLeak(r)
  })

  it('a granular token in the session slot: npm refuses the list, and the CLI says to run npm login', async () => {
    const granular = created[0]
    const r = await cli(['token', 'list'], laptop({ session: granular }))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/refused the npm session .*not a login session.*npm login --registry/)
    noLeak(r)
  })

  it('an expired login session: says to run npm login again', async () => {
    const stale = npm.addSession('tl-user')
    npm.expireSession(stale)
    const r = await cli(['token', 'list'], laptop({ session: stale }))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/refused the npm session .*expired .*npm login --registry/)
    noLeak(r, [stale])
  })

  it('no session at all: says to run npm login, sends nothing', async () => {
    const before = npm.requests.length
    const r = await cli(['token', 'list'], laptop({ session: null }))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/No npm login session for .*Run `npm login --registry/)
    expect(npm.requests.length).toBe(before)
  })
})

describe('token rotate', () => {
  it('replaces the token: successor stored and verified, expiry recorded, old token revoked', async () => {
    const old = storedToken()!
    const r = await cli(['token', 'rotate', '--repo', REPO, '--otp', FAKE_OTP])
    expect(r.code).toBe(0)
    const next = storedToken()!
    created.push(next)
    expect(next).not.toBe(old)
    expect(await whoamiWith(next)).toBe(200)
    expect(await whoamiWith(old)).toBe(401)
    expect(storedRecord()).toContain(`${next.slice(0, 8)}...${next.slice(-4)}`)
    expect(liveNamed()).toHaveLength(1)
    expect(liveNamed()[0]).toMatchObject({ scopes: [{ type: 'package', name: 'tl-pkg' }] })
    expect(r.stdout).toMatch(/Revoked the old token/)
    noLeak(r)
  })

  const failures: Array<[string, () => void, RegExp]> = [
    ['create fails', () => npm.fault(/\/-\/npm\/v1\/tokens$/, { status: 500 }, { status: 500 }, { status: 500 }), /token create: .*HTTP 500/],
    [
      'the secret PUT fails',
      () => github.fault('/actions/secrets/NPM_TOKEN', { status: 403, body: { message: 'Resource not accessible' } }),
      /Storing the token in the secret NPM_TOKEN failed.*revoked again/,
    ],
    ['verification fails', () => npm.fault('/-/whoami', { status: 401 }), /Verifying the new token failed.*revoked again/],
  ]
  it.each(failures)('%s: the new token is revoked again, secret and variable as they were, the old token alive', async (_name, inject, message) => {
    const old = storedToken()!
    const record = storedRecord()
    const before = npm.tokenList('tl-user').filter((t) => !('revoked' in t && t.revoked)).length
    inject()
    const r = await cli(['token', 'rotate', '--repo', REPO, '--otp', FAKE_OTP])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(storedToken()).toBe(old)
    expect(storedRecord()).toBe(record)
    expect(await whoamiWith(old)).toBe(200)
    expect(npm.tokenList('tl-user').filter((t) => !('revoked' in t && t.revoked)).length).toBe(before)
    noLeak(r)
  })

  it('revoking the old token fails (the session expired mid-way): the new token is in use, and the one command that finishes is named', async () => {
    const old = storedToken()!
    npm.fault('/-/npm/v1/tokens/token/', { status: 401, body: { error: 'session expired' } })
    const r = await cli(['token', 'rotate', '--repo', REPO, '--otp', FAKE_OTP])
    expect(r.code).toBe(2)
    const next = storedToken()!
    created.push(next)
    expect(next).not.toBe(old)
    expect(await whoamiWith(next)).toBe(200)
    expect(await whoamiWith(old)).toBe(200)
    expect(r.stderr).toMatch(/is stored in NPM_TOKEN and verified.*still valid\. To finish: npx setup-npm-auth token revoke [0-9a-f-]{36}/)
    const finish = /token revoke ([0-9a-f-]{36})/.exec(r.stderr)![1]
    const done = await cli(['token', 'revoke', finish, '--otp', FAKE_OTP])
    expect(done.code).toBe(0)
    expect(await whoamiWith(old)).toBe(401)
  })
})

describe('token revoke', () => {
  it('refuses an ambiguous match and shows the candidates; revokes a unique one', async () => {
    const r = await cli(['token', 'revoke', 'setup-npm-auth:octo/lib:NPM_TOKEN@production', '--otp', FAKE_OTP])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/Revoking npm_\w{4}\.\.\.\w{4} "setup-npm-auth:octo\/lib:NPM_TOKEN@production"/)
    expect(await whoamiWith(storedToken('production')!)).toBe(401)
    const ambiguous = await cli(['token', 'revoke', 'npm_', '--otp', FAKE_OTP])
    expect(ambiguous.code).toBe(2)
  })
})

describe('one-time passwords', () => {
  it('no --otp and no terminal: npm web login — the URL printed, the approval waited for', async () => {
    const where = laptop()
    const running = cli(['token', 'create', '--repo', REPO, '--secret', 'WEB_TOKEN', '--permission', 'read-only'], where)
    let pending = npm.pendingWebAuth()
    for (let i = 0; i < 100 && pending.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100))
      pending = npm.pendingWebAuth()
    }
    expect(pending).toHaveLength(1)
    npm.approveWebAuth(pending[0].authUrl)
    const r = await running
    expect(r.code).toBe(0)
    expect(r.stderr).toContain(`open ${pending[0].authUrl}`)
    const token = github.secretValue(REPO, 'WEB_TOKEN')!
    created.push(token)
    expect(await whoamiWith(token)).toBe(200)
  })
})

describe('bad input: a clear error, nothing half-done', () => {
  const cases: Array<[string, string[], RegExp, Record<string, string | undefined>?]> = [
    ['unknown flag', ['token', 'create', '--frobnicate'], /Unknown option "--frobnicate"/],
    ['--expires 0', ['token', 'create', '--repo', REPO, '--expires', '0'], /--expires.*"0".*1 to 90/],
    ['--expires -1', ['token', 'create', '--repo', REPO, '--expires', '-1'], /--expires needs a value|--expires.*"-1"/],
    ['--expires 400 for a write token', ['token', 'create', '--repo', REPO, '--expires', '400'], /cap for a token that can publish is 90 days/],
    ['an invalid CIDR', ['token', 'create', '--repo', REPO, '--cidr', '10.0.0.0/40'], /CIDR whitelist contains invalid CIDR entry: "10.0.0.0\/40"/],
    ['a repository that does not exist', ['token', 'create', '--repo', 'octo/nope', '--otp', FAKE_OTP, '--secret', 'OTHER'], /octo\/nope not found/],
    [
      'a GitHub token without secrets: write',
      ['token', 'create', '--repo', REPO, '--secret', 'NO_WRITE', '--otp', FAKE_OTP],
      /[Ss]ecrets/,
      { GH_TOKEN: NO_SECRETS_TOKEN },
    ],
    [
      'a GitHub token without variables: write (refused before any token is made)',
      ['token', 'create', '--repo', REPO, '--secret', 'NO_WRITE', '--otp', FAKE_OTP],
      /[Vv]ariables/,
      { GH_TOKEN: NO_VARIABLES_TOKEN },
    ],
    [
      'no GitHub token at all (gh not installed)',
      ['token', 'create', '--repo', REPO, '--otp', FAKE_OTP],
      /No GitHub token: set GH_TOKEN/,
      { GH_TOKEN: undefined },
    ],
    ['an environment that does not exist', ['token', 'create', '--repo', REPO, '--environment', 'staging', '--otp', FAKE_OTP], /no environment "staging"/],
    ['a bad repository slug', ['token', 'create', '--repo', 'not a repo'], /--repo/],
    ['revoke without an argument', ['token', 'revoke'], /exactly one token/],
    ['an unknown token subcommand', ['token', 'frob'], /Unknown token command "frob"/],
  ]
  // Rows padded to 4, so jest does not take the 4th parameter for a done callback.
  it.each(cases.map(([name, args, message, env]) => [name, args, message, env ?? {}] as const))('%s', async (_name, args, message, env) => {
    const before = npm.tokenList('tl-user').length
    const state = () => JSON.stringify([storedToken(), storedRecord(), github.secretValue(REPO, 'NO_WRITE'), github.variableValue(REPO, 'NO_WRITE_EXPIRES_AT')])
    const was = state()
    const r = await cli(args, laptop(), env)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/)
    expect(npm.tokenList('tl-user').length).toBe(before)
    // Whatever was written on the way (a variable before a refused secret) was undone.
    expect(state()).toBe(was)
    noLeak(r)
  })

  it('--help for every subcommand', async () => {
    for (const sub of ['list', 'create', 'rotate', 'revoke']) {
      const r = await cli(['token', sub, '--help'])
      expect(r.code).toBe(0)
      expect(r.stdout).toContain(`Usage: setup-npm-auth token ${sub}`)
    }
  })
})

describe('the action with what token create stored', () => {
  it('reads the expiry from the variable (days left right), warns when the secret changed without it', async () => {
    const token = storedToken()!
    const record = storedRecord()!
    const ok = await runAction({ inputs: { token, 'registry-url': npm.url, 'registry-kind': 'npm', 'expires-on': record } })
    expect(ok.exitCode).toBe(0)
    expect(ok.outputs['expiry-source']).toBe('input')
    expect(Number(ok.outputs['days-left'])).toBeGreaterThanOrEqual(29)
    expect(ok.annotations.filter((a) => /expiry unknown/i.test(a.title ?? a.message))).toEqual([])

    const other = created.find((t) => t !== token && npm.credentialOf({ headers: { authorization: `Bearer ${t}` } } as never).kind === 'ok')!
    const stale = await runAction({ inputs: { token: other, 'registry-url': npm.url, 'registry-kind': 'npm', 'expires-on': record } })
    expect(stale.exitCode).toBe(0)
    expect(stale.outputs['days-left']).toBe('')
    expect(stale.annotations.some((a) => a.level === 'warning' && /secret was changed without recording its expiry/.test(a.message))).toBe(true)
  })

  it("on npm's registry without expires-on: one notice, naming the rotate command for this repository", async () => {
    const r = await runAction({ inputs: { token: storedToken()!, 'registry-url': npm.url, 'registry-kind': 'npm' }, env: { GITHUB_REPOSITORY: REPO } })
    expect(r.exitCode).toBe(0)
    const aboutExpiry = r.annotations.filter((a) => /expir/i.test(`${a.title ?? ''} ${a.message}`))
    expect(aboutExpiry).toHaveLength(1)
    expect(aboutExpiry[0].level).toBe('notice')
    expect(aboutExpiry[0].message).toContain(`\`npx setup-npm-auth token rotate --repo ${REPO} --registry ${npm.url}\``)
    expect(aboutExpiry[0].message).toContain('expires-on: ${{ vars.NPM_TOKEN_EXPIRES_AT }}')
  })

  it('check mode: the summary and the issue for a token about to expire name the rotate command as the fix', async () => {
    const soon = new Date(Date.now() + 3 * DAY).toISOString()
    const r = await runIssueCheck({
      gh: github,
      token: storedToken()!,
      registryUrl: npm.url,
      githubToken: GH_TOKEN,
      inputs: { 'registry-kind': 'npm', 'expires-on': soon },
    })
    expect(r.outputs.status).toBe('warning')
    const command = `npx setup-npm-auth token rotate --repo ${ISSUE_REPO} --registry ${npm.url}`
    expect(r.summary).toContain(command)
    const [issue] = github.issues(ISSUE_REPO)
    expect(issue.body).toContain(command)
    // The first fix: before any other way out (trusted publishing, the steps by hand).
    const body = issue.body!
    expect(body.indexOf(command)).toBeGreaterThan(-1)
    expect(body.indexOf(command)).toBeLessThan(body.search(/trusted publishing|by hand/i))
  })

  it.each(NPM_CLIENTS)("the real %s publishes through the action's .npmrc with the created token", async (client) => {
    const token = storedToken()!
    const setup = await runAction({ inputs: { token, 'registry-url': npm.url, 'expires-on': storedRecord()! } })
    expect(setup.exitCode).toBe(0)
    const dir = join(setup.dirs.root, `pub-${client}`)
    mkdirSync(dir, { recursive: true })
    writeFixturePackage(dir, 'tl-pkg', client === 'npm11' ? '1.0.0' : '1.0.1')
    const published = await runNpmClient(client, ['publish'], { cwd: dir, env: { ...npmStepEnv(join(setup.dirs.root, `home-${client}`)), ...setup.env } })
    expect(published.code).toBe(0)
    expect(npm.published.some((p) => p.name === 'tl-pkg' && p.version === (client === 'npm11' ? '1.0.0' : '1.0.1'))).toBe(true)
  })
})
