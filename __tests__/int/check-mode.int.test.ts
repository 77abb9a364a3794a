// Check mode and its self-managing GitHub issue, end to end: the built dist/ run as the runner runs it,
// against our loopback npmjs-protocol registry and a loopback GitHub issues API that the action's real
// Octokit client talks to (GITHUB_API_URL). One open issue per registry while its token needs
// attention; updated quietly; a comment only when things get worse; closed on recovery.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { cleanupRunDirs, runAction, type RunActionResult } from '../../test-support/run-action.ts'
import { assertNoSecretLeak } from '../../test-support/canary.ts'
import { assertGitHubHoldsNoSecret, errorOf, ISSUE_REPO, markerOf, runIssueCheck } from '../../test-support/check-issue.ts'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.ts'
import { startFakeNpmjs, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'

const DAY = 24 * 60 * 60 * 1000
const inDays = (days: number) => new Date(Date.now() + days * DAY + 60_000).toISOString()
const isoDay = (iso: string) => iso.slice(0, 10)
const REPO = ISSUE_REPO
const rand = () => Math.random().toString(36).slice(2, 12).padEnd(10, 'q')
let counter = 0
const newToken = () => `npm_${'C'.repeat(4)}${(++counter).toString().padStart(4, '0')}${rand()}Zz${counter}`
const GH_TOKEN = `ghs_${rand()}${rand()}${rand()}`
const GH_READONLY_TOKEN = `ghs_${rand()}${rand()}RO`

/** Every token a test used, checked against everything each fake GitHub received. */
const npmTokens: string[] = []
const fakes: FakeGitHub[] = []

let registry: FakeNpmjs
beforeAll(async () => {
  registry = await startFakeNpmjs({ tokenList: 'any' })
})
afterAll(async () => {
  cleanupRunDirs()
  await registry.stop()
  await Promise.all(fakes.map((f) => f.stop()))
  // Belt and braces: every fake GitHub of the file, whether or not its test checked it.
  for (const gh of fakes) assertGitHubClean(gh)
})

/** A fresh fake GitHub; page size 2 so the issue list is always paginated. */
async function newGitHub(pageSize = 2): Promise<FakeGitHub> {
  const gh = await startFakeGitHub({ token: GH_TOKEN, readOnlyToken: GH_READONLY_TOKEN, pageSize })
  fakes.push(gh)
  return gh
}

/** Registers a token; each gets its own user unless told (the registry's token list is per user and read at most 20 pages deep). */
function addToken(reg: FakeNpmjs, spec: { username?: string; expiry?: string | null; revoked?: boolean }): string {
  const token = newToken()
  npmTokens.push(token)
  reg.addToken({ token, ...spec, username: spec.username ?? `user${counter}` })
  return token
}

interface CheckOpts {
  reg?: FakeNpmjs
  inputs?: Record<string, string>
  env?: Record<string, string | undefined>
}

/** One scheduled check run with open-issue, leak-checked (the npm token and the github-token). */
async function check(gh: FakeGitHub, token: string, opts: CheckOpts = {}): Promise<RunActionResult> {
  const reg = opts.reg ?? registry
  const githubToken = opts.inputs?.['github-token'] ?? GH_TOKEN
  const result = await runIssueCheck({ gh, token, registryUrl: reg.url, githubToken: GH_TOKEN, inputs: opts.inputs, env: opts.env })
  assertNoSecretLeak(result, [token, githubToken].filter(Boolean))
  // Check mode never sets anything up.
  expect(result.env).toEqual({})
  expect(result.state).toEqual({})
  expect(result.outputs['npmrc-path']).toBe('')
  expect(existsSync(join(result.dirs.runnerTemp, '.npmrc'))).toBe(false)
  return result
}

/** The canary over everything GitHub received and holds: titles, bodies, comments, query strings. */
const assertGitHubClean = (gh: FakeGitHub) => assertGitHubHoldsNoSecret(gh, [...npmTokens, GH_TOKEN, GH_READONLY_TOKEN])

const host = (reg: FakeNpmjs) => `127.0.0.1:${reg.port}`
/** Requests of one run: everything the fake received from index `from` on. */
const since = (gh: FakeGitHub, from: number) => gh.requests.slice(from)
const writesSince = (gh: FakeGitHub, from: number) => since(gh, from).filter((r) => r.method !== 'GET')
const describeReq = (r: { method: string; path: string }) => `${r.method} ${r.path.replace(/\?.*/, '')}`

describe('check mode with open-issue: the issue lifecycle', () => {
  it('opens one issue, updates it quietly, comments only when worse, closes it on rotation, then stays quiet', async () => {
    const gh = await newGitHub()
    const issuesPath = `/repos/${REPO}/issues`

    // 1. 10 days left, warn-days 14: a warning, and one issue.
    const soon = addToken(registry, { username: 'octo', expiry: inDays(10) })
    let from = gh.requests.length
    const first = await check(gh, soon)
    expect(first.exitCode).toBe(0)
    expect(first.outputs).toMatchObject({ status: 'warning', 'days-left': '10', 'issue-number': '1' })
    expect(first.annotations.some((a) => a.level === 'warning' && /expires in 10 days/.test(a.title ?? ''))).toBe(true)
    expect(first.masks).toEqual(expect.arrayContaining([soon, GH_TOKEN]))
    expect(gh.issues(REPO)).toHaveLength(1)
    const issue = gh.issue(REPO, 1)!
    expect(issue.title).toBe(`npm token for ${host(registry)} expires in 10 days`)
    expect(issue.state).toBe('open')
    expect(issue.labels).toEqual(['npm-token'])
    expect(gh.labels(REPO)).toContain('npm-token')
    expect(issue.comments).toEqual([])
    const body = issue.body!
    expect(body).toContain(markerOf(registry))
    expect(body).toContain('<!-- setup-npm-auth severity=warning -->')
    expect(body).toContain(`| Registry | ${registry.url}`)
    expect(body).toContain('| User | octo |')
    expect(body).toMatch(/^\| Expires \| \d{4}-\d{2}-\d{2} — in 10 days \|$/m)
    expect(body).toContain(`## ⚠️ npm token for ${host(registry)} expires in 10 days`)
    expect(body).toContain('### What to do')
    // The registry-url fake is no npm registry by kind: the advice is that registry's way, not npm's website.
    expect(body).toMatch(/Create a new token for 127\.0\.0\.1:\d+ the registry's own way/)
    expect(body).toContain('re-run the check (it closes its issue once the token is healthy)')
    expect(body.slice(body.indexOf('### What to do'))).not.toMatch(/npmjs\.com|granular|90 days/)
    expect(body).toContain('https://github.invalid/octo-org/octo-repo/actions/runs/4242')
    expect(body).not.toContain('The step failed')
    // What went over the wire: the list (with our label, open only), then one create; authenticated with the github-token.
    expect(writesSince(gh, from).map(describeReq)).toEqual([`POST ${issuesPath}`])
    const listed = since(gh, from).find((r) => r.method === 'GET')!
    const query = new URL(listed.path, 'http://x').searchParams
    expect(query.get('state')).toBe('open')
    expect(query.get('labels')).toBe('npm-token')
    expect(since(gh, from).every((r) => r.headers.authorization === `token ${GH_TOKEN}`)).toBe(true)
    expect(String(since(gh, from)[0].headers['user-agent'])).toMatch(/octokit/i)

    // 2. Unchanged: the same issue is refreshed, nothing new, no comment.
    from = gh.requests.length
    const second = await check(gh, soon)
    expect(second.exitCode).toBe(0)
    expect(second.outputs['issue-number']).toBe('1')
    expect(writesSince(gh, from).map(describeReq)).toEqual([`PATCH ${issuesPath}/1`])
    expect(gh.issues(REPO)).toHaveLength(1)
    expect(gh.issue(REPO, 1)!.comments).toEqual([])
    expect(second.stdout).toContain('no comment: not worse than before')

    // 3. Switched to a token within fail-days: the step fails, the issue is retitled and gets ONE comment.
    const failing = addToken(registry, { username: 'octo', expiry: inDays(3) })
    from = gh.requests.length
    const third = await check(gh, failing, { inputs: { 'fail-days': '7' } })
    expect(third.exitCode).toBe(1)
    expect(third.outputs).toMatchObject({ status: 'error', 'days-left': '3', 'issue-number': '1' })
    expect(third.annotations.some((a) => a.level === 'error' && /expires in 3 days/.test(a.title ?? ''))).toBe(true)
    expect(gh.issues(REPO)).toHaveLength(1)
    const worse = gh.issue(REPO, 1)!
    expect(worse.title).toBe(`npm token for ${host(registry)} expires in 3 days`)
    expect(worse.body).toContain('<!-- setup-npm-auth severity=failing -->')
    expect(worse.body).toContain(`## ❌ npm token for ${host(registry)} expires in 3 days`)
    expect(worse.comments.map((c) => c.body)).toEqual([`Worse since the last check: npm token for ${host(registry)} expires in 3 days.`])
    expect(writesSince(gh, from).map(describeReq)).toEqual([`PATCH ${issuesPath}/1`, `POST ${issuesPath}/1/comments`])

    // 4. Same state again: updated, no second comment.
    from = gh.requests.length
    const fourth = await check(gh, failing, { inputs: { 'fail-days': '7' } })
    expect(fourth.exitCode).toBe(1)
    expect(writesSince(gh, from).map(describeReq)).toEqual([`PATCH ${issuesPath}/1`])
    expect(gh.issue(REPO, 1)!.comments).toHaveLength(1)

    // 5. Rotated to a healthy token: a closing comment with the new expiry, and the issue closed.
    const rotatedExpiry = inDays(80)
    const rotated = addToken(registry, { username: 'octo', expiry: rotatedExpiry })
    from = gh.requests.length
    const fifth = await check(gh, rotated, { inputs: { 'fail-days': '7' } })
    expect(fifth.exitCode).toBe(0)
    expect(fifth.outputs).toMatchObject({ status: 'ok', 'issue-number': '1' })
    const closed = gh.issue(REPO, 1)!
    expect(closed.state).toBe('closed')
    expect(closed.state_reason).toBe('completed')
    expect(closed.comments).toHaveLength(2)
    expect(closed.comments[1].body).toContain(`now expires on ${isoDay(rotatedExpiry)}`)
    expect(writesSince(gh, from).map(describeReq)).toEqual([`POST ${issuesPath}/1/comments`, `PATCH ${issuesPath}/1`])
    expect(fifth.summary).not.toContain('### What to do')

    // 6. Healthy and no open issue: only the list is read, nothing is written.
    from = gh.requests.length
    const sixth = await check(gh, rotated)
    expect(sixth.exitCode).toBe(0)
    expect(sixth.outputs['issue-number']).toBe('')
    expect(writesSince(gh, from)).toEqual([])
    expect(since(gh, from).length).toBeGreaterThan(0)
    expect(gh.issues(REPO)).toHaveLength(1)

    // 7. A later problem opens a fresh issue: the closed one is not touched.
    const again = addToken(registry, { username: 'octo', expiry: inDays(5) })
    from = gh.requests.length
    const seventh = await check(gh, again)
    expect(seventh.outputs['issue-number']).toBe('2')
    expect(writesSince(gh, from).map(describeReq)).toEqual([`POST ${issuesPath}`])
    expect(gh.issue(REPO, 1)!.state).toBe('closed')
    expect(gh.issue(REPO, 2)!.title).toBe(`npm token for ${host(registry)} expires in 5 days`)
    assertGitHubClean(gh)
  })

  it('a rejected token (401 + npm-notice) fails the step and opens an "is rejected" issue', async () => {
    const gh = await newGitHub()
    const revoked = addToken(registry, { expiry: inDays(30), revoked: true })
    const result = await check(gh, revoked)
    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'error', 'issue-number': '1' })
    expect(errorOf(result)).toContain('Access token expired or revoked')
    expect(errorOf(result)).toContain(registry.url)
    const issue = gh.issue(REPO, 1)!
    expect(issue.title).toBe(`npm token for ${host(registry)} is rejected`)
    expect(issue.body).toContain(markerOf(registry))
    expect(issue.body).toContain('<!-- setup-npm-auth severity=rejected -->')
    expect(issue.body).toContain('Access token expired or revoked')
    expect(issue.body).toContain('### What to do')
    expect(issue.labels).toEqual(['npm-token'])
    expect(gh.issues(REPO)).toHaveLength(1)
    assertGitHubClean(gh)
  })

  it('a token past the expires-on date (registry reports no expiry) gets an "expired" issue', async () => {
    const gh = await newGitHub()
    const token = newToken()
    npmTokens.push(token)
    registry.addToken({ token, username: `user${counter}`, listable: false })
    const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10)
    const result = await check(gh, token, { inputs: { 'expires-on': yesterday } })
    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'error', 'expiry-source': 'input', 'issue-number': '1' })
    const issue = gh.issue(REPO, 1)!
    expect(issue.title).toBe(`npm token for ${host(registry)} expired`)
    expect(issue.body).toContain('<!-- setup-npm-auth severity=expired -->')
    expect(issue.body).toContain('(from expires-on)')
    assertGitHubClean(gh)
  })

  it('two registries in one repository get two issues, each closed on its own', async () => {
    const gh = await newGitHub()
    const other = await startFakeNpmjs({ tokenList: 'any' })
    try {
      const a = addToken(registry, { expiry: inDays(9) })
      const b = addToken(other, { expiry: inDays(4) })
      expect((await check(gh, a)).outputs['issue-number']).toBe('1')
      let from = gh.requests.length
      expect((await check(gh, b, { reg: other })).outputs['issue-number']).toBe('2')
      expect(writesSince(gh, from).map(describeReq)).toEqual([`POST /repos/${REPO}/issues`]) // #1 untouched
      expect(gh.issue(REPO, 1)!.title).toBe(`npm token for ${host(registry)} expires in 9 days`)
      expect(gh.issue(REPO, 2)!.title).toBe(`npm token for ${host(other)} expires in 4 days`)
      expect(gh.issue(REPO, 1)!.body).toContain(markerOf(registry))
      expect(gh.issue(REPO, 2)!.body).toContain(markerOf(other))
      expect(gh.issue(REPO, 2)!.body).not.toContain(markerOf(registry))

      // The first registry recovers: only its issue closes.
      const aFixed = addToken(registry, { expiry: inDays(60) })
      from = gh.requests.length
      expect((await check(gh, aFixed)).outputs['issue-number']).toBe('1')
      expect(writesSince(gh, from).every((r) => r.path.startsWith(`/repos/${REPO}/issues/1`))).toBe(true)
      expect(gh.issue(REPO, 1)!.state).toBe('closed')
      expect(gh.issue(REPO, 2)!.state).toBe('open')
      expect(gh.issue(REPO, 2)!.comments).toEqual([])

      // Then the second.
      const bFixed = addToken(other, { expiry: inDays(60) })
      from = gh.requests.length
      expect((await check(gh, bFixed, { reg: other })).outputs['issue-number']).toBe('2')
      expect(writesSince(gh, from).every((r) => r.path.startsWith(`/repos/${REPO}/issues/2`))).toBe(true)
      expect(gh.issue(REPO, 2)!.state).toBe('closed')
      expect(gh.issues(REPO)).toHaveLength(2)
      assertGitHubClean(gh)
    } finally {
      await other.stop()
    }
  })

  it('closes a second open copy of our issue, keeps the oldest, and ignores pull requests, other registries and closed issues (across pages)', async () => {
    const gh = await newGitHub(2)
    const marker = markerOf(registry)
    // GitHub lists newest first; with 2 per page the oldest copy is on the last page.
    const oldest = gh.seed(REPO, {
      title: 'npm token needs attention (old)',
      body: `${marker}\n<!-- setup-npm-auth severity=warning -->\nold`,
      labels: ['npm-token'],
    })
    const pr = gh.seed(REPO, { title: 'Bump deps', body: `${marker}\nquoted in a PR`, labels: ['npm-token'], pullRequest: true })
    const foreign = gh.seed(REPO, {
      title: 'npm token for 127.0.0.1:1 expires in 2 days',
      body: '<!-- setup-npm-auth registry=http://127.0.0.1:1/ -->',
      labels: ['npm-token'],
    })
    const closedOne = gh.seed(REPO, { title: 'closed long ago', body: marker, labels: ['npm-token'], state: 'closed', state_reason: 'completed' })
    const unlabelled = gh.seed(REPO, { title: 'a human copy, no label', body: marker })
    const copy = gh.seed(REPO, { title: 'npm token (copy)', body: `${marker}\n<!-- setup-npm-auth severity=warning -->`, labels: ['npm-token', 'triage'] })
    const foreign2 = gh.seed(REPO, { title: 'another registry', body: '<!-- setup-npm-auth registry=http://127.0.0.1:2/ -->', labels: ['npm-token'] })

    const token = addToken(registry, { expiry: inDays(11) })
    const result = await check(gh, token)
    expect(result.exitCode).toBe(0)
    expect(result.outputs['issue-number']).toBe(String(oldest.number))
    // The list was read page by page (newest first: the oldest copy is on page 3).
    const pages = gh.requests
      .filter((r) => r.method === 'GET' && r.path.includes('/issues'))
      .map((r) => new URL(r.path, 'http://x').searchParams.get('page') ?? '1')
    expect(pages).toEqual(['1', '2', '3'])
    // Oldest kept and refreshed (no comment: not worse than its recorded warning); the copy closed.
    expect(gh.issue(REPO, oldest.number)!).toMatchObject({ state: 'open', title: `npm token for ${host(registry)} expires in 11 days` })
    expect(gh.issue(REPO, oldest.number)!.comments).toEqual([])
    expect(gh.issue(REPO, copy.number)!.state).toBe('closed')
    // Nothing else touched, nothing created.
    const touched = new Set(gh.writes().map((r) => Number(/\/issues\/(\d+)/.exec(r.path)?.[1])))
    expect([...touched].sort()).toEqual([oldest.number, copy.number].sort())
    for (const untouched of [pr, foreign, foreign2, closedOne, unlabelled]) {
      expect(gh.issue(REPO, untouched.number)).toMatchObject({ state: untouched.state, title: untouched.title, body: untouched.body })
    }
    expect(gh.issues(REPO)).toHaveLength(7)
    assertGitHubClean(gh)
  })
})

describe('check mode with open-issue: GitHub refusing or failing', () => {
  it('a read-only github-token (403 on create) fails the step naming `issues: write`', async () => {
    const gh = await newGitHub()
    const token = addToken(registry, { expiry: inDays(10) })
    const result = await check(gh, token, { inputs: { 'github-token': GH_READONLY_TOKEN } })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('error')
    expect(result.outputs['issue-number']).toBe('')
    const message = errorOf(result)
    expect(message).toContain('issues: write')
    expect(message).toContain('HTTP 403')
    expect(message).toContain(`127.0.0.1:${gh.port}`)
    // The failure is the status line, what happened right under it, the YAML to add as code.
    expect(result.summary).toMatch(/^## ❌ The step failed\n\nGitHub refused to open an issue/)
    expect(result.summary).toContain('```yaml\npermissions:\n  issues: write\n```')
    // It did try (the list is readable), and was refused.
    expect(gh.writes().map((r) => [describeReq(r), r.status])).toEqual([[`POST /repos/${REPO}/issues`, 403]])
    expect(gh.issues(REPO)).toEqual([])
    assertGitHubClean(gh)
  })

  it('a rejected npm token is still reported when GitHub refuses the issue', async () => {
    const gh = await newGitHub()
    const revoked = addToken(registry, { expiry: inDays(30), revoked: true })
    const result = await check(gh, revoked, { inputs: { 'github-token': GH_READONLY_TOKEN } })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('error')
    expect(errorOf(result)).toContain('issues: write')
    expect(result.summary).toContain('Access token expired or revoked')
    // The npm rejection stays an error annotation even though the issue sync failed after it.
    expect(
      result.annotations
        .filter((a) => a.level === 'error')
        .map((a) => a.message)
        .join('\n'),
    ).toContain('Access token expired or revoked')
  })

  it('an unknown github-token (401 on the list) fails the step too', async () => {
    const gh = await newGitHub()
    const token = addToken(registry, { expiry: inDays(10) })
    const bogus = `ghs_${rand()}${rand()}XX`
    const result = await check(gh, token, { inputs: { 'github-token': bogus } })
    expect(result.exitCode).toBe(1)
    expect(errorOf(result)).toMatch(/HTTP 401[^]*issues: write/)
    expect(gh.writes()).toEqual([])
  })

  it('an empty github-token fails with a clear message and no request', async () => {
    const gh = await newGitHub()
    const token = addToken(registry, { expiry: inDays(10) })
    const result = await check(gh, token, { inputs: { 'github-token': '' } })
    expect(result.exitCode).toBe(1)
    expect(errorOf(result)).toMatch(/github-token is empty[^]*issues: write/)
    expect(gh.requests).toEqual([])
  })

  it('retries a 5xx on create once and opens exactly one issue; gives up after 3 tries with a clear error', async () => {
    const gh = await newGitHub()
    const token = addToken(registry, { expiry: inDays(10) })
    gh.fault(/^POST \/repos\/[^/]+\/[^/]+\/issues$/, { status: 502 })
    const retried = await check(gh, token)
    expect(retried.exitCode).toBe(0)
    expect(retried.outputs['issue-number']).toBe('1')
    expect(gh.issues(REPO)).toHaveLength(1)
    expect(gh.writes().map((r) => r.status)).toEqual([502, 201])

    const gh2 = await newGitHub()
    gh2.fault(/^GET \/repos\//, { status: 500 }, { status: 500 }, { status: 500 })
    const failed = await check(gh2, token)
    expect(failed.exitCode).toBe(1)
    expect(errorOf(failed)).toMatch(/Could not list issues on 127\.0\.0\.1:\d+: HTTP 500 after 3 tries/)
    expect(gh2.pendingFaults()).toBe(0)
    expect(gh2.writes()).toEqual([])
  })
})

describe('check mode with open-issue: network trouble on the GitHub side', () => {
  it('a connection reset is reported as a network failure (not as an HTTP status), after 3 tries', async () => {
    const gh = await newGitHub()
    const token = addToken(registry, { expiry: inDays(10) })
    gh.fault(/^GET /, { reset: true }, { reset: true }, { reset: true })
    const result = await check(gh, token)
    expect(result.exitCode).toBe(1)
    const message = errorOf(result)
    expect(message).toMatch(/Could not list issues: .*127\.0\.0\.1:\d+.*\(tried 3 times\)/)
    expect(message).not.toMatch(/HTTP \d{3}/)
    expect(gh.pendingFaults()).toBe(0)
  })

  it('a GitHub API that does not answer is given up on after its per-call timeout and retried', async () => {
    const gh = await newGitHub()
    const token = addToken(registry, { expiry: inDays(10) })
    gh.fault(/^GET /, { hang: true })
    const started = Date.now()
    const result = await check(gh, token)
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(result.exitCode).toBe(0)
    expect(result.outputs['issue-number']).toBe('1')
    expect(gh.issues(REPO)).toHaveLength(1)
  }, 30_000)

  it('issues disabled in the repository (410) says so', async () => {
    const gh = await newGitHub()
    const token = addToken(registry, { expiry: inDays(10) })
    gh.fault(/^POST /, { status: 410, body: { message: 'Issues are disabled for this repo', documentation_url: 'https://docs.github.com/rest' } })
    const result = await check(gh, token)
    expect(result.exitCode).toBe(1)
    expect(errorOf(result)).toMatch(/Issues are disabled in octo-org\/octo-repo \(HTTP 410[^]*open-issue: false/)
    expect(gh.writes()).toHaveLength(1) // not retried
  })
})

describe('check mode without open-issue', () => {
  const rows = ['Registry', 'User', 'Token', 'Created', 'Expires']

  it('reports in the job summary only, with "What to do" only when the token needs attention, and never calls GitHub', async () => {
    const gh = await newGitHub()
    const healthy = addToken(registry, { expiry: inDays(60) })
    const soon = addToken(registry, { expiry: inDays(6) })
    const env = { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: REPO }
    for (const [token, status, whatToDo] of [
      [healthy, 'ok', false],
      [soon, 'warning', true],
    ] as const) {
      const result = await runAction({ inputs: { token, 'registry-url': registry.url, mode: 'check', 'github-token': GH_TOKEN }, env })
      expect(result.exitCode).toBe(0)
      expect(result.outputs).toMatchObject({ status, 'issue-number': '', 'npmrc-path': '' })
      for (const row of rows) expect(result.summary).toMatch(new RegExp(`^\\| ${row} \\| .+ \\|$`, 'm'))
      expect(result.summary).toContain('| .npmrc | not written (check mode) |')
      expect(result.summary).toMatch(/^\| User \| user\d+ \|$/m)
      expect(result.summary).toMatch(/^\| Token \| granular/m)
      expect(result.summary).toMatch(status === 'ok' ? /^## ✅ npm token for \S+ is valid for \d+ more days$/m : /^## ⚠️ npm token for \S+ expires in 6 days/m)
      expect(result.summary).toMatch(/^\| Created \| \d{4}-\d{2}-\d{2} \|$/m)
      expect(result.summary.includes('### What to do')).toBe(whatToDo)
      expect(result.env).toEqual({})
      expect(result.state).toEqual({})
      expect(existsSync(join(result.dirs.runnerTemp, '.npmrc'))).toBe(false)
      expect(result.commands.some((c) => c.command === 'group' && c.data === 'Issue')).toBe(false)
      assertNoSecretLeak(result, [token, GH_TOKEN])
    }
    expect(gh.requests).toEqual([])
  })

  it('open-issue in mode: setup is ignored with a warning, and GitHub is never called', async () => {
    const gh = await newGitHub()
    const token = addToken(registry, { expiry: inDays(10) })
    const result = await runAction({
      inputs: { token, 'registry-url': registry.url, 'open-issue': 'true', 'github-token': GH_TOKEN },
      env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: REPO },
    })
    expect(result.exitCode).toBe(0)
    expect(result.annotations.some((a) => a.level === 'warning' && a.title === 'open-issue ignored')).toBe(true)
    expect(result.outputs['issue-number']).toBe('')
    expect(gh.requests).toEqual([])
    assertNoSecretLeak(result, [token, GH_TOKEN], { tokenEnv: 'NODE_AUTH_TOKEN' })
  })
})

describe('the bundle loads Octokit lazily', () => {
  it('dist/index.js holds no Octokit request code; a dist/*.index.js chunk does, reached only by dynamic import', () => {
    const dist = join(process.cwd(), 'dist')
    const main = readFileSync(join(dist, 'index.js'), 'utf8')
    const octokitCode = [/octokit-request\.js/, /octokit-core\.js/, /@octokit\/request/, /octokit\.paginate/]
    for (const pattern of octokitCode) expect(main).not.toMatch(pattern)
    const chunks = readdirSync(dist).filter((f) => /^\d+\.index\.js$/.test(f))
    expect(chunks.length).toBeGreaterThan(0)
    const withOctokit = chunks.filter((f) => /octokit-request\.js/.test(readFileSync(join(dist, f), 'utf8')))
    expect(withOctokit.length).toBeGreaterThan(0)
    // The post step never needs it at all.
    const post = readFileSync(join(dist, 'post', 'index.js'), 'utf8')
    expect(post).not.toMatch(/octokit/i)
    // index.js reaches the chunks only through the chunk loader (import of "<id>.index.js").
    expect(main).toMatch(/""\+e\+"\.index\.js"|\.index\.js/)
    expect(main).not.toMatch(/getOctokit/)
  })
})
