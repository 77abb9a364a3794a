// Issue #11, items 2, 5, 6 and 7 through the BUILT action and CLI, attacked as an attacker would: a
// hostile loopback registry answers a username that tries to forge runner commands (`::error::`,
// `::stop-commands::`, `::save-state …`), carries ANSI escapes, and echoes the token lower-cased and
// URL-encoded in npm-notice and in the body; a user .npmrc holds another registry's credentials; the
// post step is handed a forged path. stdout is parsed as the runner parses it (a line starting `::` is a
// command); the canary runs on every run; the token must not appear in any case or encoding.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { marked } from 'marked'
import { assertNoSecretLeak, processCanaryInput } from '../../test-support/canary.ts'
import { listenOnLoopback, sendJson, type Loopback } from '../../test-support/loopback.ts'
import { modernNode, repoRoot, runProcess } from '../../test-support/process.ts'
import { cleanupRunDirs, parseWorkflowCommands, runAction, type RunActionResult } from '../../test-support/run-action.ts'

const TOKEN = `npm_HoStIlE${Math.random().toString(36).slice(2, 12)}Echo${Date.now().toString(36)}`
const OTHER_CREDENTIAL = `npm_OtherRegistry${Math.random().toString(36).slice(2, 12)}Secret`
/** The commands the action issues itself; anything else on stdout was injected. */
const OWN_COMMANDS = new Set(['group', 'endgroup', 'add-mask', 'debug', 'notice', 'warning', 'error'])
const HOSTILE_NAME = `x\n::error::forged-username\n::stop-commands::pwned\n::save-state name=npmrc-path::/etc/passwd\n\u001b[31m${TOKEN.toLowerCase()} @octocat <img src=x>`

let mode: 'hostile-200' | 'hostile-401' = 'hostile-200'
let registry: Loopback
let scratch: string

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'hostile-output-'))
  registry = await listenOnLoopback((req, res) => {
    const notice = `::error::forged-notice ${TOKEN.toLowerCase()} ${encodeURIComponent(TOKEN)}`
    if (req.url?.startsWith('/-/whoami')) {
      if (mode === 'hostile-401') {
        sendJson(res, 401, { error: `bad token ${TOKEN.toUpperCase()}\n::error::forged-error` }, { 'npm-notice': notice })
        return
      }
      sendJson(res, 200, { username: HOSTILE_NAME }, { 'npm-notice': notice })
      return
    }
    sendJson(res, 404, { error: `not found: ${encodeURIComponent(TOKEN)}\n::error::forged-404` }, { 'npm-notice': notice })
  })
})
afterAll(async () => {
  await registry.stop()
  rmSync(scratch, { recursive: true, force: true })
  cleanupRunDirs()
})

/** Every line the runner would take as a command that the action did not issue, or that holds attacker text. */
function forged(stdout: string): string[] {
  const bad: string[] = []
  const lines = stdout.split('\n')
  for (const line of lines) if (line.includes('##[')) bad.push(line)
  for (const c of parseWorkflowCommands(stdout)) {
    if (!OWN_COMMANDS.has(c.command)) bad.push(`::${c.command}`)
    else if (/^forged/.test(c.data)) bad.push(`::${c.command}::${c.data}`)
  }
  // A stop-commands from a value would switch the parser off: it must not be there at all.
  if (lines.some((l) => l.trimStart().startsWith('::stop-commands::'))) bad.push('::stop-commands::')
  return bad
}

/** The token in any case or URL-encoding anywhere but the ::add-mask:: lines the runner consumes. */
function tokenShown(text: string): boolean {
  const visible = text
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')
    .toLowerCase()
  return visible.includes(TOKEN.toLowerCase()) || visible.includes(encodeURIComponent(TOKEN).toLowerCase())
}

function clean(result: RunActionResult): void {
  expect(forged(result.stdout)).toEqual([])
  expect(tokenShown(result.stdout + result.stderr + result.summary + JSON.stringify(result.outputs))).toBe(false)
  expect(result.stdout).not.toMatch(/\u001b/)
  expect(result.summary).not.toMatch(/\u001b|@octocat/)
  // No HTML of the registry's: outside code (which shows its text as is) the only tags are our own folds.
  const outsideCode = result.summary.replace(/^(`{3,})[a-z]*\n[\s\S]*?\n\1$/gm, '').replace(/`[^`\n]*`/g, '')
  expect(outsideCode.replace(/<\/?(details|summary)>/g, '')).not.toContain('<')
  expect(marked.parse(result.summary, { gfm: true, async: false })).not.toMatch(/<img|<script|onerror=/i)
  for (const a of result.annotations) expect(a.message).not.toMatch(/^forged|\u001b/)
  for (const value of Object.values(result.outputs)) expect(value).not.toMatch(/\u001b|\n::/)
  assertNoSecretLeak(result, [TOKEN, TOKEN.toLowerCase(), OTHER_CREDENTIAL], { tokenEnv: 'NODE_AUTH_TOKEN' })
}

describe('a hostile registry against the built action', () => {
  it('check mode: a forged username forges nothing, the username output is empty with a warning, the echoed token shows nowhere', async () => {
    mode = 'hostile-200'
    const result = await runAction({ inputs: { token: TOKEN, mode: 'check', 'registry-url': registry.origin + '/' } })
    clean(result)
    expect(result.outputs.username).toBe('')
    expect(result.annotations.some((a) => a.level === 'warning' && a.title === 'Username not used')).toBe(true)
    // The info line showing it is there, escaped: one line, the command text behind a backslash.
    expect(result.stdout).toMatch(/^\\::error::forged-username$/m)
  })

  it('a rejection whose error text and npm-notice echo the token (upper-cased, URL-encoded) and forge commands', async () => {
    mode = 'hostile-401'
    const result = await runAction({ inputs: { token: TOKEN, mode: 'check', 'registry-url': registry.origin + '/' } })
    mode = 'hostile-200'
    clean(result)
    expect(result.exitCode).not.toBe(0)
    expect(result.annotations.some((a) => a.level === 'error' && /rejected the token/.test(a.message))).toBe(true)
  })

  it('setup mode: only our lines are logged (another registry credential in the user .npmrc stays out), and post refuses a forged path', async () => {
    mode = 'hostile-200'
    const userconfig = join(scratch, 'user.npmrc')
    writeFileSync(
      userconfig,
      `//other.example.test/:_authToken=${OTHER_CREDENTIAL}\n//other.example.test/:_password=${Buffer.from(OTHER_CREDENTIAL).toString('base64')}\n`,
    )
    const main = await runAction({ inputs: { token: TOKEN, 'registry-url': registry.origin + '/' }, env: { NPM_CONFIG_USERCONFIG: userconfig } })
    clean(main)
    expect(main.stdout).toContain(':_authToken=${NODE_AUTH_TOKEN}')
    expect(main.stdout).not.toContain(OTHER_CREDENTIAL)
    expect(readFileSync(userconfig, 'utf8')).toContain(OTHER_CREDENTIAL)

    // A victim the attacker names in forged state: an empty file post would remove as "created by us".
    const victim = join(scratch, 'victim')
    writeFileSync(victim, '')
    const forgedPost = await runAction({ step: 'post', dirs: main.dirs, state: { ...main.state, 'npmrc-path': victim, 'npmrc-created': 'true' } })
    expect(existsSync(victim)).toBe(true)
    expect(forgedPost.annotations.some((a) => a.level === 'warning' && /left .*victim alone/.test(a.message))).toBe(true)
    // Forged state without the run's nonce: refused as well.
    const noNonce = await runAction({ step: 'post', dirs: main.dirs, state: { 'npmrc-path': userconfig, 'npmrc-created': 'false' } })
    expect(readFileSync(userconfig, 'utf8')).toContain('setup-npm-auth')
    expect(noNonce.annotations.some((a) => a.level === 'warning' && /without the run marker/.test(a.message))).toBe(true)

    // The real post step: our block out, the user's file as it was.
    const post = await runAction({ step: 'post', dirs: main.dirs })
    expect(post.exitCode).toBe(0)
    expect(readFileSync(userconfig, 'utf8')).not.toContain('setup-npm-auth')
    expect(readFileSync(userconfig, 'utf8')).toContain(OTHER_CREDENTIAL)
  })
})

describe('a hostile registry against the CLI', () => {
  const cli = (args: string[]) =>
    runProcess(modernNode(24), [join(repoRoot, 'dist/cli/index.js'), 'check', '--registry', registry.origin + '/', ...args], {
      env: { HOME: scratch, NPM_TOKEN: TOKEN },
      cwd: scratch,
    })
  it.each([
    ['table', 'hostile-200', []],
    ['--json', 'hostile-200', ['--json']],
    ['rejection', 'hostile-401', []],
  ] as const)('%s: the token appears in no case or encoding, no line forges a command', async (_label, m, args) => {
    mode = m
    const r = await cli([...args])
    mode = 'hostile-200'
    const all = r.stdout + r.stderr
    expect(tokenShown(all)).toBe(false)
    expect(all.split('\n').filter((l) => l.trimStart().startsWith('::'))).toEqual([])
    expect(all).not.toMatch(/\u001b/)
    if ((args as readonly string[]).includes('--json')) expect(() => JSON.parse(r.stdout) as unknown).not.toThrow()
    assertNoSecretLeak(processCanaryInput(r, scratch), [TOKEN, TOKEN.toLowerCase()])
  })
})
