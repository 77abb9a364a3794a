// The terminal path of the token commands' one-time password, in process (a test cannot be a TTY): with
// no --otp and an interactive terminal the CLI asks once, sends the code in npm's header, and refuses —
// without asking again — a code the registry does not take.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../src/cli/run-cli.js'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.ts'
import { FAKE_OTP, startFakeNpmjs, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'
import { makeOwnedTempDir } from '../../test-support/process.ts'

const GH_TOKEN = 'ghp_FakeGitHubTokenForOtpPrompt00000001'
let npm: FakeNpmjs
let github: FakeGitHub
let home: string

beforeAll(async () => {
  npm = await startFakeNpmjs()
  github = await startFakeGitHub({ token: GH_TOKEN, repos: ['octo/otp'] })
  const session = npm.addSession('otp-user')
  home = makeOwnedTempDir('otp-home-')
  writeFileSync(join(home, '.npmrc'), `registry=${npm.url}\n//127.0.0.1:${npm.port}/:_authToken=${session}\n`)
})
afterAll(async () => {
  await npm.stop()
  await github.stop()
})

function io(answers: string[]) {
  const asked: string[] = []
  const out: string[] = []
  const err: string[] = []
  return {
    asked,
    out,
    err,
    io: {
      env: { HOME: home, GH_TOKEN, GITHUB_API_URL: github.url, PATH: process.env.PATH },
      out: (t: string) => void out.push(t),
      err: (t: string) => void err.push(t),
      interactive: true,
      prompt: (question: string) => {
        asked.push(question)
        return Promise.resolve(answers.shift())
      },
    },
  }
}

describe('one-time password on a terminal', () => {
  it('asks once and creates the token with the code typed', async () => {
    const t = io([FAKE_OTP])
    const code = await runCli(['token', 'create', '--repo', 'octo/otp', '--packages', 'otp-pkg', '--permission', 'read-only'], t.io)
    expect(t.err.join('')).not.toContain('error:')
    expect(code).toBe(0)
    expect(t.asked).toHaveLength(1)
    expect(t.asked[0]).toMatch(/one-time password to create a token/)
    const token = github.secretValue('octo/otp', 'NPM_TOKEN')!
    expect(npm.credentialOf({ headers: { authorization: `Bearer ${token}` } } as never).kind).toBe('ok')
    expect(npm.requests.filter((r) => r.method === 'POST').map((r) => r.headers['npm-otp'])).toEqual([undefined, FAKE_OTP])
  })

  it('a wrong code: one refusal, no second question, nothing created', async () => {
    const before = npm.tokenList('otp-user').length
    const t = io(['000000', FAKE_OTP])
    const code = await runCli(['token', 'create', '--repo', 'octo/otp', '--secret', 'OTHER', '--packages', 'otp-pkg', '--permission', 'read-only'], t.io)
    expect(code).toBe(2)
    expect(t.asked).toHaveLength(1)
    expect(t.err.join('')).toMatch(/did not accept the one-time password. Run again with a fresh code/)
    expect(npm.tokenList('otp-user').length).toBe(before)
    expect(github.secretValue('octo/otp', 'OTHER')).toBeUndefined()
  })

  it('no terminal, no --otp, no web flow: says to pass --otp', async () => {
    const plain = await startFakeNpmjs({ webAuth: false })
    const session = plain.addSession('otp-user')
    const dir = makeOwnedTempDir('otp-plain-')
    writeFileSync(join(dir, '.npmrc'), `registry=${plain.url}\n//127.0.0.1:${plain.port}/:_authToken=${session}\n`)
    const t = io([])
    const code = await runCli(['token', 'revoke', 'nothing-here'], { ...t.io, interactive: false, env: { ...t.io.env, HOME: dir } })
    expect(code).toBe(2)
    // Nothing to revoke: the list is read (no OTP needed) and the argument matches no token.
    expect(t.err.join('')).toMatch(/No token matches "nothing-here"/)
    const created = await runCli(['token', 'create', '--print-token', '--name', 'x', '--packages', 'p', '--permission', 'read-only'], {
      ...t.io,
      outSecret: () => {},
      interactive: false,
      env: { ...t.io.env, HOME: dir },
    })
    expect(created).toBe(2)
    expect(t.err.join('')).toMatch(/asks for a one-time password .*Pass it with --otp CODE/)
    await plain.stop()
  })
})
