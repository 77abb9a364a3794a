// Issue #11 item 13: check mode adopts (updates, comments on, closes) only the issues authored by the
// identity the action uses. Anyone may open an issue with our label and marker; theirs are left alone.
import { describe, expect, it } from '@jest/globals'
import { GITHUB_ACTIONS_BOT, marker, syncIssue, type IssueSummary, type IssuesApi, type TokenState, isOwnAuthor } from '../../src/issue/sync-issue.js'

const registry = new URL('https://registry.example.test/')
const MARK = marker(registry)
const state = (over: Partial<TokenState> = {}): TokenState => ({
  registry,
  severity: 'warning',
  daysLeft: 10,
  expiresAt: undefined,
  expiryIsTheCause: true,
  report: 'report',
  ...over,
})

/** An in-memory IssuesApi that records every call. */
function fakeApi(issues: IssueSummary[], identity = GITHUB_ACTIONS_BOT) {
  const calls: string[] = []
  let next = 100
  const record = <T>(call: string, value: T): Promise<T> => {
    calls.push(call)
    return Promise.resolve(value)
  }
  const api: IssuesApi = {
    listOpen: () => record('list', issues),
    identity: () => record('identity', identity),
    create: () => record('create', next++),
    update: (n) => record(`update #${n}`, undefined),
    comment: (n) => record(`comment #${n}`, undefined),
    close: (n) => record(`close #${n}`, undefined),
  }
  return { api, calls }
}

const issue = (number: number, author: string | undefined, body = `${MARK}\n<!-- setup-npm-auth severity=warning -->`): IssueSummary => ({
  number,
  title: `issue ${number}`,
  body,
  author,
})

describe('syncIssue adopts only our own issues', () => {
  it('an outsider issue with our label and marker is not adopted: ours is opened beside it, theirs untouched', async () => {
    const { api, calls } = fakeApi([issue(1, 'mallory')])
    expect(await syncIssue(api, 'npm-token', state())).toEqual({ kind: 'opened', number: 100 })
    expect(calls).toEqual(['list', 'identity', 'create'])
  })

  it('an outsider copy older than ours is not closed as a duplicate, and ours is the one kept', async () => {
    const { api, calls } = fakeApi([issue(1, 'mallory'), issue(2, GITHUB_ACTIONS_BOT), issue(3, 'mallory')])
    expect(await syncIssue(api, 'npm-token', state())).toEqual({ kind: 'updated', number: 2, commented: false })
    expect(calls).toEqual(['list', 'identity', 'update #2'])
  })

  it('our own duplicates are still closed (the oldest kept), outsiders among them left alone', async () => {
    const { api, calls } = fakeApi([issue(5, GITHUB_ACTIONS_BOT), issue(1, 'mallory'), issue(3, GITHUB_ACTIONS_BOT)])
    expect(await syncIssue(api, 'npm-token', state())).toEqual({ kind: 'updated', number: 3, commented: false })
    expect(calls).toEqual(['list', 'identity', 'close #5', 'update #3'])
  })

  it('on recovery only our issue is commented on and closed; an outsider one stays open', async () => {
    const { api, calls } = fakeApi([issue(1, 'mallory'), issue(2, GITHUB_ACTIONS_BOT)])
    expect(await syncIssue(api, 'npm-token', state({ severity: 'ok' }))).toEqual({ kind: 'closed', number: 2 })
    expect(calls).toEqual(['list', 'identity', 'comment #2', 'close #2'])
    const outsiderOnly = fakeApi([issue(1, 'mallory')])
    expect(await syncIssue(outsiderOnly.api, 'npm-token', state({ severity: 'ok' }))).toEqual({ kind: 'none' })
    expect(outsiderOnly.calls).toEqual(['list', 'identity'])
  })

  it("a personal access token's user is the identity: its issues are adopted (login case-insensitively), the Actions bot's are not", async () => {
    const { api, calls } = fakeApi([issue(1, GITHUB_ACTIONS_BOT), issue(2, 'Octo-Admin')], 'octo-admin')
    expect(await syncIssue(api, 'npm-token', state())).toEqual({ kind: 'updated', number: 2, commented: false })
    expect(calls).toEqual(['list', 'identity', 'update #2'])
  })

  it('an issue whose author GitHub did not give is not adopted', async () => {
    const { api, calls } = fakeApi([issue(1, undefined)])
    expect(await syncIssue(api, 'npm-token', state())).toEqual({ kind: 'opened', number: 100 })
    expect(calls).toEqual(['list', 'identity', 'create'])
  })

  it('an author named like the bot with other characters is someone else', async () => {
    const { api, calls } = fakeApi([issue(1, 'github-actions'), issue(2, 'github-actions[bot] '), issue(3, 'github-actions [bot]')])
    expect(await syncIssue(api, 'npm-token', state())).toEqual({ kind: 'opened', number: 100 })
    expect(calls).toEqual(['list', 'identity', 'create'])
  })

  it('a token without a user (GITHUB_TOKEN, a GitHub App) adopts a bot author: only an installed app can author as <app>[bot]', () => {
    expect(isOwnAuthor('my-release-app[bot]', GITHUB_ACTIONS_BOT)).toBe(true)
    expect(isOwnAuthor('mallory', GITHUB_ACTIONS_BOT)).toBe(false)
    expect(isOwnAuthor('my-release-app[bot]', 'octocat')).toBe(false) // a personal token adopts only its user's issues
    expect(isOwnAuthor(undefined, GITHUB_ACTIONS_BOT)).toBe(false)
  })

  it('asks for the identity only when an issue carries our marker', async () => {
    const { api, calls } = fakeApi([issue(1, 'mallory', 'no marker here'), issue(2, GITHUB_ACTIONS_BOT, marker(new URL('https://other.example.test/')))])
    expect(await syncIssue(api, 'npm-token', state())).toEqual({ kind: 'opened', number: 100 })
    expect(calls).toEqual(['list', 'create'])
  })
})
