// Issue #11 item 4: the GitHub issues client against a hostile loopback GitHub API. The github-token goes
// to the API's own origin only (a pagination Link to another host is never followed, and the `fetch`
// refuses any other origin); a list that loops or never ends is stopped by the page cap; every call
// stays inside the deadline it is given (the step's one deadline, not a fresh budget).
import { afterAll, describe, expect, it } from '@jest/globals'
import { ActionError } from '../../src/errors.js'
import { HttpClient } from '../../src/http/client.js'
import { createGitHubIssuesApi, fetchThrough, MAX_LIST_PAGES } from '../../src/issue/github-issues-api.js'
import { GITHUB_ACTIONS_BOT, IssuesPermissionError } from '../../src/issue/sync-issue.js'
import { silentLogger } from '../../src/ports/logger.js'
import { startBystander, startFakeGitHub, type Bystander, type FakeGitHub, type FakeGitHubOptions } from '../../test-support/fake-github.ts'

const REPO = 'octo-org/octo-repo'
const TOKEN = `ghs_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`
const servers: Array<FakeGitHub | Bystander> = []
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()))
})

async function gitHub(opts: Partial<FakeGitHubOptions> = {}): Promise<FakeGitHub> {
  const gh = await startFakeGitHub({ token: TOKEN, pageSize: 2, ...opts })
  servers.push(gh)
  return gh
}
async function bystander(): Promise<Bystander> {
  const b = await startBystander()
  servers.push(b)
  return b
}
const api = (gh: FakeGitHub, over: { token?: string; deadline?: number } = {}) =>
  createGitHubIssuesApi({
    token: over.token ?? TOKEN,
    repository: REPO,
    apiUrl: gh.url,
    env: {},
    deadline: over.deadline ?? Date.now() + 20_000,
    logger: silentLogger,
  })
const seedMany = (gh: FakeGitHub, n: number) => Array.from({ length: n }, (_, i) => gh.seed(REPO, { title: `t${i}`, body: `b${i}`, labels: ['npm-token'] }))
const listRequests = (gh: FakeGitHub) => gh.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/repos/${REPO}/issues?`))

describe('listing issues stays on the API origin', () => {
  it('a rel="next" to another host is not followed: the host gets nothing, and pages are asked for by number on the API', async () => {
    const other = await bystander()
    const gh = await gitHub({ listing: { next: ({ page }) => `${other.url}/repos/${REPO}/issues?page=${page + 1}&steal=1` } })
    const seeded = seedMany(gh, 5)
    const issues = await (await api(gh)).listOpen('npm-token')
    expect(other.requests).toEqual([])
    expect(issues.map((i) => i.number).sort()).toEqual(seeded.map((i) => i.number).sort())
    // Pages 1..3 hold the 5 issues; page 4 is empty and ends the list.
    expect(listRequests(gh).map((r) => new URL(r.path, 'http://x').searchParams.get('page'))).toEqual(['1', '2', '3', '4'])
    expect(gh.requests.every((r) => r.headers.authorization === `token ${TOKEN}`)).toBe(true)
  })

  it('the fetch Octokit is given refuses any other origin before sending anything', async () => {
    const other = await bystander()
    const gh = await gitHub()
    const http = new HttpClient({ deadline: Date.now() + 5_000, logger: silentLogger })
    const fetchFn = fetchThrough(http, new URL(gh.url).origin)
    await expect(fetchFn(`${other.url}/user`, { headers: { authorization: `token ${TOKEN}` } })).rejects.toThrow(ActionError)
    await expect(fetchFn(`${other.url}/user`, { headers: { authorization: `token ${TOKEN}` } })).rejects.toThrow(/not the API's origin[^]*not sent/)
    // Same host, other port: another origin too.
    const otherPort = new URL(gh.url)
    otherPort.port = String(Number(otherPort.port) === 65535 ? 1 : Number(otherPort.port) + 1)
    await expect(fetchFn(`${otherPort.origin}/user`)).rejects.toThrow(/not the API's origin/)
    expect(other.requests).toEqual([])
    expect(gh.requests).toEqual([])
  })

  it('a page pointing to itself (and answering the same issues whatever the page) ends after one repeat', async () => {
    const gh = await gitHub({ listing: { samePage: true, next: ({ pageUrl }) => pageUrl(1) } })
    seedMany(gh, 2)
    const issues = await (await api(gh)).listOpen('npm-token')
    expect(issues).toHaveLength(2)
    expect(listRequests(gh)).toHaveLength(2)
  })

  it('a page pointing to itself on an honest list ends at the first empty page', async () => {
    const gh = await gitHub({ listing: { next: ({ page, pageUrl }) => pageUrl(page) } })
    seedMany(gh, 3)
    const issues = await (await api(gh)).listOpen('npm-token')
    expect(issues).toHaveLength(3)
    expect(listRequests(gh)).toHaveLength(3)
  })

  it(`an endless list is stopped at ${MAX_LIST_PAGES} pages with a clear error`, async () => {
    const gh = await gitHub({ listing: { endless: true } })
    const error = await (await api(gh)).listOpen('npm-token').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect(String((error as Error).message)).toMatch(new RegExp(`more than ${MAX_LIST_PAGES} pages of open issues labelled "npm-token"`))
    expect(listRequests(gh)).toHaveLength(MAX_LIST_PAGES)
  })
})

describe('the deadline given is the one kept', () => {
  it('a hung API is given up on at the deadline passed in, not after a fresh budget', async () => {
    const gh = await gitHub()
    gh.fault(/^GET /, ...Array.from({ length: 10 }, () => ({ hang: true as const })))
    const started = Date.now()
    const error = await (await api(gh, { deadline: Date.now() + 1_500 })).listOpen('npm-token').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect(String((error as Error).message)).toMatch(/Could not list issues[^]*deadline/)
    expect(Date.now() - started).toBeLessThan(6_000)
  })

  it('a deadline already past sends nothing', async () => {
    const gh = await gitHub()
    await expect((await api(gh, { deadline: Date.now() - 1 })).listOpen('npm-token')).rejects.toThrow(/deadline/)
    expect(gh.requests).toEqual([])
  })
})

describe("the token's identity", () => {
  it("a job's GITHUB_TOKEN (GET /user refused with 403) is github-actions[bot]", async () => {
    const gh = await gitHub()
    expect(await (await api(gh)).identity()).toBe(GITHUB_ACTIONS_BOT)
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /user'])
  })
  it("a personal access token is its user's login", async () => {
    const gh = await gitHub({ viewer: 'octo-admin' })
    expect(await (await api(gh)).identity()).toBe('octo-admin')
  })
  it('an unknown token (401) is a permission error, not the bot', async () => {
    const gh = await gitHub()
    await expect((await api(gh, { token: 'ghs_unknownunknownunknown' })).identity()).rejects.toThrow(IssuesPermissionError)
  })
  it("lists each issue's author", async () => {
    const gh = await gitHub({ viewer: 'octo-admin' })
    gh.seed(REPO, { title: 'a', body: 'x', labels: ['npm-token'], author: 'mallory' })
    gh.seed(REPO, { title: 'b', body: 'y', labels: ['npm-token'] })
    const issues = await (await api(gh)).listOpen('npm-token')
    expect(issues.map((i) => [i.number, i.author])).toEqual([
      [2, 'octo-admin'],
      [1, 'mallory'],
    ])
  })
})
