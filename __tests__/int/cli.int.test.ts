// The command-line check (dist/cli/index.js) outside GitHub Actions: the same report, exit codes
// 0 ok / 1 warning / 2 error, the token only ever from the environment and never printed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import { modernNode, repoRoot, runProcess, type ProcessResult } from '../../test-support/process.ts'
import { startFakeNpmjs, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'

const DAY = 86_400_000
let registry: FakeNpmjs
beforeAll(async () => {
  registry = await startFakeNpmjs({ tokenList: 'any' })
})
afterAll(async () => {
  await registry.stop()
})

function cli(args: string[], env: Record<string, string | undefined>): Promise<ProcessResult> {
  return runProcess(modernNode(24), [join(repoRoot, 'dist/cli/index.js'), ...args], { env: { HOME: '/nonexistent', ...env } })
}

const token = (tag: string) => `npm_Cli${tag}${Math.random().toString(36).slice(2, 12)}Tail`

describe('setup-npm-auth check (CLI)', () => {
  it('exit 0 and a readable report for a healthy token', async () => {
    const t = token('Ok')
    registry.addToken({ token: t, username: 'cli-user', expiry: new Date(Date.now() + 60 * DAY + 60_000).toISOString() })
    const r = await cli(['check', '--registry', registry.url], { NPM_TOKEN: t })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^user\s+cli-user$/m)
    expect(r.stdout).toMatch(/^token kind\s+granular$/m)
    expect(r.stdout).toMatch(/^days left\s+60$/m)
    expect(r.stdout + r.stderr).not.toContain(t)
  })

  it('exit 1 within warn-days, exit 2 within fail-days, with --json giving the action outputs', async () => {
    const t = token('Soon')
    registry.addToken({ token: t, username: 'cli-soon', expiry: new Date(Date.now() + 5 * DAY + 60_000).toISOString() })
    const warn = await cli(['check', `--registry=${registry.url}`, '--json'], { NODE_AUTH_TOKEN: t })
    expect(warn.code).toBe(1)
    const json: unknown = JSON.parse(warn.stdout)
    expect(json).toMatchObject({ status: 'warning', username: 'cli-soon', 'token-type': 'granular', 'days-left': 5, 'registry-url': registry.url })
    const fail = await cli(['check', '--registry', registry.url, '--fail-days', '7'], { NPM_TOKEN: t })
    expect(fail.code).toBe(2)
    expect(fail.stdout).toContain('error: npm token expires in 5 days')
    expect(warn.stdout + warn.stderr + fail.stdout + fail.stderr).not.toContain(t)
  })

  it('exit 2 for a rejected token, passing on the registry notice', async () => {
    const t = token('Dead')
    registry.addToken({ token: t, username: 'cli-dead', revoked: true })
    const r = await cli(['check', '--registry', registry.url], { NPM_TOKEN: t })
    expect(r.code).toBe(2)
    expect(r.stdout).toContain('Access token expired or revoked')
    expect(r.stdout + r.stderr).not.toContain(t)
  })

  it('refuses a token on the command line, a missing token, and bad options (exit 2)', async () => {
    const viaArgv = await cli(['check', '--token', 'npm_SecretOnArgv123', '--registry', registry.url], {})
    expect(viaArgv.code).toBe(2)
    expect(viaArgv.stderr).toContain('Set NPM_TOKEN instead')
    expect(viaArgv.stderr).not.toContain('npm_SecretOnArgv123')
    const none = await cli(['check', '--registry', registry.url], {})
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('set NPM_TOKEN')
    const bad = await cli(['check', '--warn-days', 'soon', '--registry', registry.url], { NPM_TOKEN: 'npm_whatever1234' })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain(`Input 'warn-days': "soon" is not a whole number`)
    expect((await cli(['frobnicate'], {})).code).toBe(2)
    expect((await cli(['--help'], {})).stdout).toContain('Exit codes: 0 ok, 1 warning, 2 error.')
  })
})
