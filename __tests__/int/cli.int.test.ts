// The command-line check (dist/cli/index.js) outside GitHub Actions: the same report, exit codes
// 0 ok / 1 warning / 2 error, the token only ever from the environment and never printed. And the CLI as
// a CLI: --version is package.json's, no arguments is the help, --json failures are one JSON object on
// stdout, flags named by their flag, results on stdout and progress on stderr, colour only on a terminal
// and never with NO_COLOR.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import { makeOwnedTempDir, modernNode, repoRoot, runProcess, type ProcessResult } from '../../test-support/process.ts'
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
    expect(bad.stderr).toContain(`--warn-days: "soon" is not a whole number`)
    expect((await cli(['frobnicate'], {})).code).toBe(2)
    expect((await cli(['check', '--help'], {})).stdout).toContain('Exit codes: 0 ok, 1 warning, 2 error.')
  })
})

/** A loopback port nothing listens on: connections are refused. */
async function refusedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as net.AddressInfo
  await new Promise((done) => server.close(done))
  return port
}

/** Lines printed on both streams (blank lines aside). */
const sharedLines = (r: ProcessResult) => {
  const err = new Set(r.stderr.split('\n').filter((l) => l.trim() !== ''))
  return r.stdout.split('\n').filter((l) => l.trim() !== '' && err.has(l))
}

describe('setup-npm-auth as a CLI', () => {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }

  it("--version prints package.json's version, exit 0", async () => {
    for (const flag of ['--version', '-V']) {
      const r = await cli([flag], {})
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
    }
  })

  it('no arguments, help and --help: the general help on stdout, exit 0; help COMMAND: its help', async () => {
    const none = await cli([], {})
    expect(none.code).toBe(0)
    expect(none.stderr).toBe('')
    expect(none.stdout).toMatch(/^Usage: setup-npm-auth <command> \[options\]/)
    expect(none.stdout).toContain('-V, --version')
    expect(none.stdout).toContain('{"status": "error", "error": {"code": "network", "message": "…"}}')
    expect((await cli(['help'], {})).stdout).toBe(none.stdout)
    expect((await cli(['--help'], {})).stdout).toBe(none.stdout)
    const check = await cli(['help', 'check'], {})
    expect(check.code).toBe(0)
    expect(check.stdout).toMatch(/^Usage: setup-npm-auth check \[options\]/)
    expect((await cli(['help', 'token', 'rotate'], {})).stdout).toMatch(/^Usage: setup-npm-auth token rotate/)
  })

  it('--json and a usage error: one JSON object on stdout, nothing on stderr, exit 2', async () => {
    for (const args of [
      ['check', '--json', '--frob'],
      ['--json', 'frobnicate'],
      ['check', '--json', '--warn-days', 'soon'],
    ]) {
      const r = await cli(args, { NPM_TOKEN: token('Usage') })
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 2, stderr: '' })
      expect(JSON.parse(r.stdout)).toEqual({ status: 'error', error: expect.objectContaining({ code: 'usage', message: expect.any(String) }) })
    }
    const bad = await cli(['check', '--json', '--warn-days', 'soon'], { NPM_TOKEN: token('Usage') })
    expect((JSON.parse(bad.stdout) as { error: unknown }).error).toMatchObject({ flag: '--warn-days', message: expect.stringMatching(/^--warn-days: "soon"/) })
  })

  it('--json and a registry that refuses connections: one JSON object (network) on stdout, exit 2; without --json, stdout stays empty', async () => {
    const port = await refusedPort()
    const t = token('Refused')
    const args = ['check', '--registry', `http://127.0.0.1:${port}/`, '--timeout-seconds', '5']
    const json = await cli([...args, '--json'], { NPM_TOKEN: t })
    expect(json.code).toBe(2)
    const parsed = JSON.parse(json.stdout) as { status: string; error: { code: string; message: string } }
    expect(parsed).toMatchObject({ status: 'error', error: { code: 'network' } })
    expect(parsed.error.message).toContain(`127.0.0.1:${port}`)
    expect(json.stderr).not.toContain('{')
    const text = await cli(args, { NPM_TOKEN: t })
    expect(text.code).toBe(2)
    expect(text.stdout).toBe('')
    expect(text.stderr).toMatch(/^error: whoami \(GET http:\/\/127\.0\.0\.1:\d+\/-\/whoami\): connection failed \(ECONNREFUSED\)/m)
    // The retries are progress: on stderr, and not with --json.
    expect(text.stderr).toContain('retrying in')
    expect(json.stderr).not.toContain('retrying in')
    expect(json.stdout + json.stderr + text.stdout + text.stderr).not.toContain(t)
  })

  it('a bad value names the flag (--expires-on), not the action input', async () => {
    const r = await cli(['check', '--registry', registry.url, '--expires-on', 'next tuesday'], { NPM_TOKEN: token('Date') })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('error: --expires-on: "next tuesday" is not a valid date.')
    expect(r.stderr).not.toMatch(/Input '|expires-on input/)
  })

  it('results on stdout, progress on stderr, no line on both; findings in CLI words', async () => {
    const t = token('Split')
    registry.addToken({ token: t, username: 'cli-split', expiry: new Date(Date.now() + 5 * DAY + 60_000).toISOString() })
    const r = await cli(['check', '--registry', registry.url], { NPM_TOKEN: t })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^status\s+warning$/m)
    expect(r.stdout).toContain('within --warn-days (14)')
    expect(r.stdout).toMatch(/^registry\s+http:\/\/127\.0\.0\.1:\d+\/ \(--registry\)$/m)
    expect(r.stdout + r.stderr).not.toMatch(/registry-url input|within warn-days/)
    expect(sharedLines(r)).toEqual([])
    const json = await cli(['check', '--registry', registry.url, '--json'], { NPM_TOKEN: t })
    expect((JSON.parse(json.stdout) as { status: string }).status).toBe('warning')
    expect(sharedLines(json)).toEqual([])
  })

  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0
  ;(hasScript ? it : it.skip)('colour only on a terminal (a pty through script(1)), never with NO_COLOR', async () => {
    const user = 'cli-colour'
    registry.addToken({ token: token('Colour'), username: user, expiry: new Date(Date.now() - DAY).toISOString() })
    const home = makeOwnedTempDir('cli-colour-')
    writeFileSync(join(home, '.npmrc'), `registry=${registry.url}\n//127.0.0.1:${registry.port}/:_authToken=${registry.addSession(user)}\n`)
    const command = [modernNode(24), join(repoRoot, 'dist/cli/index.js'), 'token', 'list'].map((a) => `'${a}'`).join(' ')
    const onTerminal = (env: Record<string, string>) => runProcess('script', ['-qec', command, '/dev/null'], { env: { HOME: home, TERM: 'xterm', ...env } })
    const coloured = await onTerminal({})
    expect(coloured.stdout).toMatch(/\x1b\[31merror\s*\x1b\[0m/)
    for (const env of [{ NO_COLOR: '1' }, { TERM: 'dumb' }] as Array<Record<string, string>>) {
      const plain = await onTerminal(env)
      expect(plain.stdout).toMatch(/^error\s/m)
      expect(plain.stdout).not.toMatch(/\x1b|\\u001b/)
    }
    // Not a terminal: no colour either.
    const piped = await runProcess(modernNode(24), [join(repoRoot, 'dist/cli/index.js'), 'token', 'list'], { env: { HOME: home } })
    expect(piped.stdout).toMatch(/^error\s/m)
    expect(piped.stdout).not.toMatch(/\x1b|\\u001b/)
  })
})
