// The bad-input corpus through the built action: every input action.yml declares × the values most
// likely to inject something (workflow commands, file-command heredocs, expressions, 100 KB, unicode),
// each one run of dist/ as the runner runs it. What must hold in every run, whatever the value:
//  - stdout carries only the workflow commands the action itself issues (group, endgroup, add-mask,
//    debug, notice, warning, error): no set-output / set-env / add-path / stop-commands …, and no
//    command made of the attacker's text (a line starting with `::` that came from a value);
//  - GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE hold only the action's own keys;
//  - an .npmrc, when written, holds only the action's own lines (one credential line, one registry line);
//  - no request leaves loopback (a loopback proxy stands for "anywhere else" and must see nothing).
// The whole corpus against parseSettings is __tests__/unit/input-corpus.unit.test.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../../test-support/process.ts'
import { readActionYml } from '../../test-support/action-yml.ts'
import { cleanupRunDirs, runAction, type RunActionResult } from '../../test-support/run-action.ts'
import { StateKey } from '../../src/state-keys.js'
import { assertNoSecretLeak } from '../../test-support/canary.ts'
import { startFakeNpmjs, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'
import { proxyEnvTo, startElsewhere, type Elsewhere } from '../../test-support/loopback.ts'

const MARK = 'INJ3CTED'
const TOKEN = `npm_INPUT${Math.random().toString(36).slice(2, 12)}corpus${Date.now().toString(36)}`
const ACTION = readActionYml(join(repoRoot, 'action.yml'))
const INPUTS = ACTION.inputs.map((i) => i.name)
const OUTPUTS = ACTION.outputs.map((o) => o.name)
/** The commands the action issues itself (runner-commands.ts); anything else on stdout was injected. */
const OWN_COMMANDS = new Set(['group', 'endgroup', 'add-mask', 'debug', 'notice', 'warning', 'error'])
const SECRET_INPUTS = new Set(['token', 'github-token'])

/** The corpus subset run end to end: the values most likely to inject (env strings cannot hold NUL). */
const VALUES: ReadonlyArray<readonly [string, string]> = [
  ['line break then set-output', `x\n::set-output name=${MARK}::y`],
  ['add-mask command', `::add-mask::${MARK}`],
  ['escaped line break then error', `%0A::error::${MARK}`],
  ['line break then error', `x\n::error title=${MARK}::${MARK}`],
  ['expression', `\${{ secrets.${MARK} }}`],
  ['GITHUB_ENV heredoc', `x\r\n${MARK}<<EOF\ny\nEOF`],
  ['100 KB', `${MARK}${'a'.repeat(100 * 1024)}`],
  ['unicode and right-to-left override', `ünï-🙂-\u202E${MARK}`],
]

let registry: FakeNpmjs
/** Stands for every host but loopback: the action is pointed at it as the proxy, and must never use it. */
let elsewhere: Elsewhere

beforeAll(async () => {
  registry = await startFakeNpmjs({ pageSize: 100 })
  registry.addToken({ token: TOKEN, username: 'input-user', expiry: new Date(Date.now() + 30 * 86_400_000).toISOString() })
  elsewhere = await startElsewhere()
})
afterAll(async () => {
  cleanupRunDirs()
  await Promise.all([registry?.stop(), elsewhere?.close()])
  // Not one request went anywhere but the loopback registry.
  expect(elsewhere.hits).toEqual([])
})

function run(inputs: Record<string, string>): Promise<RunActionResult> {
  return runAction({
    inputs: { token: TOKEN, 'registry-url': registry.url, 'timeout-seconds': '5', ...inputs },
    env: {
      // An empty registry-url resolves through npm's config: to the loopback registry, never a default.
      npm_config_registry: registry.url,
      ...proxyEnvTo(elsewhere.url),
    },
  })
}

/** The invariants of any run, whatever went into `input`. */
function expectNothingInjected(result: RunActionResult, input: string, value: string): void {
  expect([0, 1]).toContain(result.exitCode)
  expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)

  // Workflow commands: only the action's own kinds.
  const foreign = result.commands.filter((c) => !OWN_COMMANDS.has(c.command))
  expect(foreign).toEqual([])
  for (const c of result.commands) {
    const text = `${c.data}\n${Object.values(c.properties).join('\n')}`
    if (!text.includes(MARK)) continue
    if (c.command === 'add-mask') {
      // Masking the raw secret inputs (and their lines) is the action's own doing; nothing else is masked from input.
      expect(SECRET_INPUTS.has(input)).toBe(true)
      continue
    }
    // The value may be quoted inside the action's own message (escaped), never be the command itself.
    expect({ command: c.command, title: c.properties.title ?? '', startsWithValue: c.data.startsWith(MARK) || c.data.startsWith('::') }).toEqual({
      command: expect.stringMatching(/^(error|warning|notice|debug)$/),
      title: expect.not.stringContaining(MARK),
      startsWithValue: false,
    })
  }
  // No raw line of stdout starts with attacker text.
  for (const line of result.stdout.split(/\r?\n/)) expect(line.startsWith(MARK)).toBe(false)

  // File commands: only the action's own keys.
  for (const key of Object.keys(result.outputs)) expect(OUTPUTS).toContain(key)
  const tokenEnv = /^[A-Za-z_][A-Za-z0-9_]*$/.test(value) && input === 'token-env' ? value : 'NODE_AUTH_TOKEN'
  for (const key of Object.keys(result.env)) expect(['NPM_CONFIG_USERCONFIG', 'NPM_CONFIG_LOGS_DIR', tokenEnv]).toContain(key)
  for (const key of Object.keys(result.state)) expect(Object.values(StateKey) as string[]).toContain(key)

  // The .npmrc, when written: the action's lines only.
  const npmrc = result.outputs['npmrc-path']
  if (npmrc && existsSync(npmrc)) {
    const live = readFileSync(npmrc, 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    expect(live.length).toBeLessThanOrEqual(2)
    for (const line of live)
      expect(line).toMatch(/^(\/\/127\.0\.0\.1:\d+\/:_authToken=\$\{[A-Za-z_][A-Za-z0-9_]*\}|(@[a-z0-9][a-z0-9._~-]*:)?registry=http:\/\/127\.0\.0\.1:\d+\/)$/)
  }
  if (input !== 'token') assertNoSecretLeak(result, [TOKEN], result.env.NODE_AUTH_TOKEN ? { tokenEnv: 'NODE_AUTH_TOKEN' } : {})
}

describe('bad input through the built action: nothing injected, for every input', () => {
  const cells = INPUTS.flatMap((input) => VALUES.map(([label, value]) => [input, label, value] as const))
  it.concurrent.each(cells)('%s = %s', async (input, _label, value) => {
    const result = await run({ [input]: value })
    expectNothingInjected(result, input, value)
  })

  it('a registry-url carrying user:pass@ is refused and the credentials appear nowhere (log, summary, files)', async () => {
    const password = `pw-${Math.random().toString(36).slice(2, 14)}`
    const user = `npm_user${Math.random().toString(36).slice(2, 10)}`
    for (const value of [
      `http://${user}:${password}@127.0.0.1:${registry.port}/`,
      `https://${user}:${password}@registry.example.test/npm/`,
      `https://${user}:${password}@reg istry/`,
    ]) {
      const result = await run({ 'registry-url': value })
      expect(result.exitCode).toBe(1)
      expect(result.annotations.find((a) => a.level === 'error')?.message).toMatch(/Input 'registry-url': .*credentials|Input 'registry-url': .*not a URL/)
      assertNoSecretLeak(result, [password, user, TOKEN])
      expect(registry.requests.some((r) => r.headers.authorization?.includes(password))).toBe(false)
    }
  })

  it('self-test: these checks catch an action that echoes an input raw (so a green run means something)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-input-fixture-'))
    try {
      const entry = join(dir, 'echoes-input.mjs')
      writeFileSync(entry, "process.stdout.write(`Scope: ${process.env['INPUT_SCOPE']}\\n`)\n")
      for (const value of [VALUES[0][1], VALUES[3][1]]) {
        const result = await runAction({ inputs: { scope: value }, entry })
        expect(() => expectNothingInjected(result, 'scope', value)).toThrow()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('token-env must be an env var name: an invalid one is refused before anything is written or exported', async () => {
    for (const value of ['NODE-AUTH', 'X=Y', 'A B', '1TOKEN', `${MARK}<<EOF`]) {
      const result = await run({ 'token-env': value })
      expect(result.exitCode).toBe(1)
      expect(result.annotations.find((a) => a.level === 'error')?.message).toMatch(/^Input 'token-env': /)
      expect(result.env).toEqual({})
      expect(result.outputs['npmrc-path']).toBe('')
    }
  })

  it('scope must be an npm scope: one that would add an .npmrc line is refused', async () => {
    const result = await run({ scope: '@my-org:registry=http://127.0.0.1:1/\n//127.0.0.1:1/:_authToken=x' })
    expect(result.exitCode).toBe(1)
    expect(result.annotations.find((a) => a.level === 'error')?.message).toMatch(/^Input 'scope': /)
    expect(existsSync(join(result.dirs.runnerTemp, '.npmrc'))).toBe(false)
  })
})
