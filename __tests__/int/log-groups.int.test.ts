// Issue #16, item 7, through the BUILT action: the log as the runner shows it. A group's title is printed
// where the group starts, so every phase's group is printed once the phase has its result and carries
// it (`Token: ok — alice, expires 2027-01-05 (36 days)`); a phase that logged nothing is one line, never
// an empty group. Asserted on the workflow commands the runner parses from stdout.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { listenOnLoopback, type Loopback } from '../../test-support/loopback.ts'
import { writeFixturePackage } from '../../test-support/npm-cli.ts'
import { startTrustedPublishingRegistry, type TrustedPublishingRegistry } from '../../test-support/oidc-fakes.ts'
import { cleanupRunDirs, runAction, type RunActionResult } from '../../test-support/run-action.ts'

const DAY = 24 * 60 * 60 * 1000
const REPO = 'octo-org/octo-repo'
let fakes: TrustedPublishingRegistry
let down: Loopback
let tmp: string
let counter = 0

beforeAll(async () => {
  fakes = await startTrustedPublishingRegistry({ registry: { tokenList: 'any' } })
  down = await listenOnLoopback((_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' })
    res.end('down')
  })
  tmp = mkdtempSync(join(os.tmpdir(), 'log-groups-'))
})
afterAll(async () => {
  cleanupRunDirs()
  rmSync(tmp, { recursive: true, force: true })
  await Promise.all([fakes?.stop(), down?.stop()])
})

function token(spec: { expiry?: string; username?: string } = {}): string {
  const value = `npm_LoGgRoUp${String(++counter).padStart(4, '0')}${Math.random().toString(36).slice(2, 12)}Zz`
  fakes.registry.addToken({ token: value, username: spec.username ?? 'alice', ...spec })
  return value
}
const inDays = (days: number) => new Date(Date.now() + days * DAY + 60_000).toISOString()
const isoDay = (iso: string) => iso.slice(0, 10)

/** The groups as the runner shows them: title and the lines inside. */
function groups(result: RunActionResult): Array<{ title: string; lines: string[] }> {
  const out: Array<{ title: string; lines: string[] }> = []
  let open: { title: string; lines: string[] } | undefined
  for (const line of result.stdout.split('\n')) {
    if (line.startsWith('::group::')) {
      expect(open).toBeUndefined() // the runner has no nested groups
      open = { title: line.slice('::group::'.length), lines: [] }
    } else if (line.startsWith('::endgroup::')) {
      expect(open).toBeDefined()
      out.push(open!)
      open = undefined
    } else if (open && line.trim() !== '') open.lines.push(line)
  }
  expect(open).toBeUndefined() // every group is closed
  return out
}

/** What every run's log must be: no empty group, every title `Name: result`. */
function assertGroups(result: RunActionResult): Array<{ title: string; lines: string[] }> {
  // As the runner reads stdout: a group line is never followed straight by its endgroup (plain log lines are
  // no workflow commands, so this reads the lines, not only the parsed commands).
  const lines = result.stdout.split('\n').filter((l) => l.trim() !== '')
  for (let i = 0; i < lines.length - 1; i++) {
    if (lines[i].startsWith('::group::')) expect(lines[i + 1]).not.toMatch(/^::endgroup::/)
  }
  expect(result.commands.filter((c) => c.command === 'group').every((c) => c.data.trim() !== '')).toBe(true)
  const found = groups(result)
  for (const g of found) {
    expect(g.title).toMatch(/^[^:]+: \S.{2,}$/)
    expect(g.lines.length).toBeGreaterThan(0)
  }
  return found
}
const titles = (result: RunActionResult) => assertGroups(result).map((g) => g.title)
/** Lines outside any group that are a phase's title (the phase logged nothing). */
const titleLines = (result: RunActionResult, name: string) => result.stdout.split('\n').filter((l) => l.startsWith(`${name}: `))

describe('log groups carry their phase’s result', () => {
  it('setup with a healthy token: Registry, Token with user and expiry, .npmrc where it was written; Inputs a single line', async () => {
    const expiry = inDays(36)
    const result = await runAction({ inputs: { token: token({ expiry }), 'registry-url': fakes.registry.url } })
    expect(result.exitCode).toBe(0)
    const all = titles(result)
    expect(all).toEqual([
      `Registry: ${fakes.registry.url} (npm-compatible registry, the registry-url input)`,
      `Token: ok — alice, expires ${isoDay(expiry)} (36 days)`,
      `.npmrc: written, ${result.outputs['npmrc-path']}`,
    ])
    // Inputs logs nothing of its own: its result is one line, not an empty group.
    expect(titleLines(result, 'Inputs')).toEqual(['Inputs: mode setup, auth auto, warn-days 14, fail-days 0'])
    // The Token group holds what the phase found.
    expect(assertGroups(result)[1].lines.join('\n')).toMatch(/^User: alice; token kind: granular; expiry: /m)
  })

  it('a token expiring soon, and one the registry rejects', async () => {
    const soon = inDays(5)
    const warning = await runAction({ inputs: { token: token({ expiry: soon }), 'registry-url': fakes.registry.url } })
    expect(titles(warning)).toContain(`Token: warning — alice, expires ${isoDay(soon)} (5 days); 1 finding`)

    const rejected = await runAction({ inputs: { token: 'npm_NotKnownHere0000000000000000000000', 'registry-url': fakes.registry.url } })
    expect(rejected.exitCode).toBe(1)
    expect([...titles(rejected), ...titleLines(rejected, 'Token')]).toContain('Token: rejected by the registry')
  })

  it('a registry that is down: the phase says it failed, and why', async () => {
    const result = await runAction({ inputs: { token: token(), 'registry-url': `${down.origin}/` } })
    expect(result.exitCode).toBe(1)
    const token_ = [...titles(result), ...titleLines(result, 'Token')].find((t) => t.startsWith('Token: '))
    expect(token_).toMatch(
      /^Token: failed — whoami \(http:\/\/127\.0\.0\.1:\d+\/-\/whoami\): the registry answered HTTP 503, and kept failing after retries\.$/,
    )
    // The retries it waited through are inside the group.
    const group = assertGroups(result).find((g) => g.title.startsWith('Token: '))
    expect(group?.lines.some((l) => /retrying in/.test(l))).toBe(true)
  })

  it('check mode with open-issue: the Issue phase says what it did', async () => {
    const { startFakeGitHub } = await import('../../test-support/fake-github.ts')
    const gh = await startFakeGitHub({ token: 'ghs_LogGroupsIssueToken000000000000000000' })
    try {
      const result = await runAction({
        inputs: {
          token: token({ expiry: inDays(4) }),
          'registry-url': fakes.registry.url,
          mode: 'check',
          'open-issue': 'true',
          'github-token': 'ghs_LogGroupsIssueToken000000000000000000',
        },
        env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: REPO },
      })
      expect(result.outputs['issue-number']).toBe('1')
      expect([...titles(result), ...titleLines(result, 'Issue')]).toContain('Issue: opened #1')
    } finally {
      await gh.stop()
    }
  })

  it('trusted publishing: the pre-flight counts the packages that failed', async () => {
    const { idp, tp } = fakes
    const dir = join(tmp, 'workspace')
    writeFixturePackage(dir, 'log-groups-ws', '0.0.0', { private: true, workspaces: ['packages/*'] })
    const repository = { type: 'git', url: `git+https://github.com/${REPO}.git` }
    for (const name of ['log-groups-a', 'log-groups-b', 'log-groups-c']) {
      writeFixturePackage(join(dir, 'packages', name), name, '1.1.0', { repository })
      await tp.seedPackage(name)
    }
    tp.publishers.set('log-groups-a', { repository: REPO, workflowFile: 'publish.yml' })
    const result = await runAction({
      inputs: { 'working-directory': dir, 'registry-url': fakes.registry.url },
      env: { ...idp.env(), RUNNER_ENVIRONMENT: 'github-hosted' },
    })
    expect(result.exitCode).toBe(1)
    expect(titles(result)).toContain('Trusted publishing (OIDC) pre-flight: 2 of 3 packages failed')
  })
})
