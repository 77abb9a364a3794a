// The CLI's shell in process: the version, help without arguments, one JSON object for every failure with
// --json, the command's flags in the core's messages, and colour that only the CLI itself can paint.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { CHECK_FLAGS, CHECK_USAGE } from '../../src/cli/commands/check.js'
import { TOKEN_CREATE_USAGE, TOKEN_USAGE } from '../../src/cli/commands/token-usage.js'
import { failureOf, FAILURE_CODES } from '../../src/cli/failure.js'
import { GENERAL_HELP } from '../../src/cli/help.js'
import { runCli, safeIo, type CliIo } from '../../src/cli/run-cli.js'
import { VERSION } from '../../src/cli/version.js'
import { cliWords, PLAIN_WORDS } from '../../src/cli/words.js'
import { ActionError, InputError, NetworkError, RegistryConfigError, ResponseError } from '../../src/errors.js'
import { PackageNameError } from '../../src/project/package-name.js'
import { LifecycleError } from '../../src/tokens/lifecycle.js'
import { repoRoot } from '../../test-support/process.ts'

async function cli(argv: string[], extra: Partial<CliIo> = {}) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { env: { HOME: '/nonexistent' }, out: (t) => void out.push(t), err: (t) => void err.push(t), ...extra })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

describe('--version', () => {
  it("is package.json's version (scripts/bundle.mjs writes src/cli/version.ts from it)", async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
    expect(VERSION).toBe(version)
    for (const argv of [['--version'], ['-V'], ['check', '--version'], ['token', 'list', '-V']]) {
      expect(await cli(argv)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
    }
    expect(JSON.parse((await cli(['--json', '--version'])).stdout)).toEqual({ version })
  })
})

describe('help', () => {
  it('no arguments, help and --help print the general help on stdout, exit 0', async () => {
    for (const argv of [[], ['help'], ['--help'], ['-h']]) {
      expect(await cli(argv)).toEqual({ code: 0, stdout: `${GENERAL_HELP}\n`, stderr: '' })
    }
    expect(GENERAL_HELP).toMatch(/^Usage: setup-npm-auth <command> \[options\]/)
    for (const code of Object.keys(FAILURE_CODES)) expect(GENERAL_HELP).toContain(`  ${code} `)
  })

  it("help COMMAND and COMMAND --help print that command's help", async () => {
    expect((await cli(['help', 'check'])).stdout).toBe(`${CHECK_USAGE}\n`)
    expect((await cli(['check', '--help'])).stdout).toBe(`${CHECK_USAGE}\n`)
    expect((await cli(['help', 'token'])).stdout).toBe(`${TOKEN_USAGE}\n`)
    expect((await cli(['token'])).stdout).toBe(`${TOKEN_USAGE}\n`)
    expect((await cli(['help', 'token', 'create'])).stdout).toBe(`${TOKEN_CREATE_USAGE}\n`)
    expect((await cli(['token', 'create', '-h'])).stdout).toBe(`${TOKEN_CREATE_USAGE}\n`)
  })

  it('help for no such command: exit 2, the error on stderr', async () => {
    const r = await cli(['help', 'frobnicate'])
    expect(r).toMatchObject({ code: 2, stdout: '' })
    expect(r.stderr).toMatch(/^error: No help for "frobnicate"/)
  })
})

describe('failures', () => {
  it('bad usage: one error line and where the help is, on stderr', async () => {
    expect(await cli(['frobnicate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: Unknown command "frobnicate".\nRun `setup-npm-auth --help` for the commands.\n',
    })
    expect(await cli(['check', '--frob'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: Unknown option "--frob".\nRun `setup-npm-auth check --help` for its options.\n',
    })
    expect((await cli(['token', 'frob'])).stderr).toContain('Run `setup-npm-auth token --help`')
  })

  it('with --json, anywhere on the line: ONE JSON object on stdout, nothing on stderr, exit 2', async () => {
    const cases: Array<[string[], object]> = [
      [['frobnicate', '--json'], { code: 'usage', message: 'Unknown command "frobnicate".' }],
      [['--json'], { code: 'usage' }],
      [['--json', 'check', '--frob'], { code: 'usage', flag: '--frob' }],
      [['check', '--json', '--warn-days'], { code: 'usage', message: '--warn-days needs a value.', flag: '--warn-days' }],
      [['check', '--json=false'], { code: 'usage', flag: '--json' }],
      [['check', 'extra', '--json'], { code: 'usage', message: 'Unexpected argument "extra".' }],
      [['token', 'frob', '--json'], { code: 'usage' }],
      [['help', 'frob', '--json'], { code: 'usage' }],
      [['check', '--json'], { code: 'usage', message: 'No token: set NPM_TOKEN (or NODE_AUTH_TOKEN) in the environment.' }],
    ]
    for (const [argv, error] of cases) {
      const r = await cli(argv)
      expect({ argv, code: r.code, stderr: r.stderr }).toEqual({ argv, code: 2, stderr: '' })
      expect(JSON.parse(r.stdout)).toEqual({ status: 'error', error: expect.objectContaining(error) })
    }
  })

  it("a bad flag value names the flag, not the action's input", async () => {
    const env = { HOME: '/nonexistent', NPM_TOKEN: 'npm_SomeToken0123456789' }
    const bad = await cli(['check', '--warn-days', 'soon', '--registry', 'http://127.0.0.1:9/'], { env })
    expect(bad.stderr).toContain('error: --warn-days: "soon" is not a whole number.')
    expect(bad.stderr).not.toContain('Input')
    const json = await cli(['check', '--fail-days', '20', '--json', '--registry', 'http://127.0.0.1:9/'], { env })
    expect((JSON.parse(json.stdout) as { error: unknown }).error).toEqual({
      code: 'usage',
      flag: '--fail-days',
      message: '--fail-days: 20 is greater than --warn-days (14). Use a --fail-days no greater than --warn-days, so a warning comes before a failure.',
    })
    const url = await cli(['check', '--registry', 'ftp://x/', '--json'], { env })
    expect((JSON.parse(url.stdout) as { error: unknown }).error).toMatchObject({
      flag: '--registry',
      message: expect.stringMatching(/^--registry: "ftp:\/\/x\/" uses "ftp:"/),
    })
    const token = await cli(['check', '--registry', 'http://127.0.0.1:9/'], { env: { HOME: '/nonexistent', NODE_AUTH_TOKEN: 'npm_two words' } })
    expect(token.stderr).toMatch(/^error: NODE_AUTH_TOKEN: the token contains whitespace/)
  })
})

describe('CLI words', () => {
  const words = cliWords(CHECK_FLAGS, { token: 'NPM_TOKEN' })

  it("turns the action's input names into the command's flags", () => {
    expect(words.say('Expiry unknown. Set the expires-on input (YYYY-MM-DD) to be warned.')).toBe('Expiry unknown. Set --expires-on (YYYY-MM-DD) to be warned.')
    expect(words.say('expires within warn-days (14); raise timeout-seconds if slow.')).toBe('expires within --warn-days (14); raise --timeout-seconds if slow.')
    expect(words.say('longer than stage-warn-days (3)')).toBe('longer than --stage-warn-days (3)')
    expect(words.say('npm publish (publish: auto)')).toBe('npm publish (--publish auto)')
    expect(words.say('set registry-url (CLI: --registry) to the registry')).toBe('set --registry to the registry')
    expect(words.say('Pass the registry token in the token input.')).toBe('Pass the registry token in NPM_TOKEN.')
  })

  it('leaves alone what only looks like an input: words, flags, URLs, workflow lines', () => {
    for (const text of [
      'the scope @x has no registry',
      'run with --warn-days 3',
      'see https://example.com/docs/warn-days.html',
      'pass `expires-on: ${{ vars.NPM_TOKEN_EXPIRES_AT }}` to the action',
      "the output 'expires-on'",
      'publish with npm publish',
    ]) {
      expect(words.say(text)).toBe(text)
    }
    expect(PLAIN_WORDS.say('the registry-url input')).toBe('the registry-url input')
  })
})

describe('error codes (--json error.code)', () => {
  const code = (error: unknown) => failureOf(error, PLAIN_WORDS)
  it('by who has to act', () => {
    expect(code(new NetworkError('down'))).toMatchObject({ code: 'network', message: expect.stringContaining('down') })
    expect(code(new ResponseError('odd answer', 502))).toMatchObject({ code: 'registry', httpStatus: 502 })
    expect(code(new RegistryConfigError('no registry'))).toMatchObject({ code: 'config' })
    expect(code(new InputError('scope', 'bad'))).toEqual({ code: 'usage', message: 'scope: bad' })
    expect(code(new LifecycleError('Storing failed.', 'The new token was revoked.', 'npx setup-npm-auth token rotate'))).toMatchObject({
      code: 'lifecycle',
      state: 'The new token was revoked.',
      finish: 'npx setup-npm-auth token rotate',
    })
    expect(code(new ActionError('no'))).toEqual({ code: 'failed', message: 'no' })
    const packages = cliWords({ '--packages': 'packages' })
    expect(failureOf(new PackageNameError('"A" (the packages input) is not a valid npm package name.'), packages)).toEqual({
      code: 'usage',
      flag: '--packages',
      message: '"A" (--packages) is not a valid npm package name.',
    })
    expect(failureOf(new PackageNameError('"A" (the name in package.json) is not a valid npm package name.'), packages)).toMatchObject({ code: 'config' })
    expect(code(new TypeError('x is undefined'))).toEqual({ code: 'internal', message: 'Unexpected TypeError: x is undefined' })
  })
})

describe('colour', () => {
  const red = '\x1b[31mexpired\x1b[0m'
  const hostile = 'name\x1b[2J\x1b]8;;http://x\x07'
  it("on a colour terminal only the CLI's own colours pass; every other escape is shown escaped", () => {
    const seen: string[] = []
    const io: CliIo = { env: {}, out: (t) => void seen.push(t), err: () => {}, colour: true }
    safeIo(io).out(`${red} ${hostile}`)
    expect(seen[0]).toBe(`${red} name\\u001b[2J\\u001b]8;;http://x\\u0007`)
    safeIo({ ...io, colour: false }).out(red)
    expect(seen[1]).toBe('\\u001b[31mexpired\\u001b[0m')
  })
})
