// Issue #11, items 2, 5, 6 and 7 at unit level: the shared Redactor (every case and encoding, no short
// "secrets"), the neutralising of text from outside (runner commands, controls, Markdown), what the main
// step shows of a config file, the run marker the post step checks, the exchange that refuses an
// implausible token, the CLI's redacted streams, and the username output.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createGitHubRunner } from '../../src/action/github-runner.js'
import { safeIo } from '../../src/cli/run-cli.js'
import { hasRunMarker, newRunNonce, refuseToTouch, withRunMarker } from '../../src/config-files/run-marker.js'
import { maskCredentialLine, shownBlock } from '../../src/config-files/shown-lines.js'
import { mergeNpmrc } from '../../src/config-files/npmrc.js'
import { restoreMarkedBlock } from '../../src/config-files/marked-block.js'
import { HttpClient } from '../../src/http/client.js'
import { exchangeIdToken } from '../../src/oidc/exchange.js'
import { usernameOutput } from '../../src/report/outputs.js'
import { MIN_SECRET_LENGTH, plausibleCredential, Redactor } from '../../src/util/redactor.js'
import { escapeControls, isPlainLine, neutraliseLog } from '../../src/util/untrusted.js'
import { json, startServer } from '../../test-support/tiny-server.ts'

const SECRET = 'npm_AbCdEf0123456789/+=xyz'

/** Lines the runner would take as commands: after leading white space, `::`; or `##[` anywhere. */
const commandLines = (stdout: string) => stdout.split(/\r?\n/).filter((l) => l.trimStart().startsWith('::') || l.includes('##['))

describe('Redactor', () => {
  it('redacts every case and encoding of a secret', () => {
    const r = new Redactor()
    r.add(SECRET)
    for (const form of [
      SECRET,
      SECRET.toLowerCase(),
      SECRET.toUpperCase(),
      encodeURIComponent(SECRET),
      encodeURIComponent(SECRET).toLowerCase(),
      Buffer.from(SECRET).toString('base64'),
      Buffer.from(`user:${SECRET}`).toString('base64'),
    ]) {
      const out = r.redact(`before ${form} after`)
      expect(out).not.toContain(form)
      expect(out).toMatch(/^before .*\*\*\*.* after$/)
    }
  })
  it('takes a 100 KB value too (no regular expression too large), and still finds the short ones', () => {
    const r = new Redactor()
    r.add(SECRET)
    r.add(`huge${'a'.repeat(100 * 1024)}`)
    expect(r.redact(`x ${SECRET.toLowerCase()} HUGE${'A'.repeat(100 * 1024)} y`)).toBe('x *** *** y')
  })
  it('takes no value shorter than a credential can be: "1" blanks nothing', () => {
    const r = new Redactor()
    expect(r.add('1')).toBe(false)
    expect(r.add('"')).toBe(false)
    expect(r.add('x'.repeat(MIN_SECRET_LENGTH - 1))).toBe(false)
    expect(r.redact('{"days-left":1,"a":"1"}')).toBe('{"days-left":1,"a":"1"}')
    expect(plausibleCredential('12345678')).toBe(true)
    expect(plausibleCredential('1234 5678')).toBe(false)
    expect(plausibleCredential('1234567\u0000')).toBe(false)
  })
})

describe('neutralising text from outside', () => {
  it('no line can start a runner command, controls are shown escaped', () => {
    const hostile = 'x\n::error::forged\n  ::stop-commands::abc\r\n::save-state name=npmrc-path::/etc/passwd\nok ##[set-output name=a;]b\n\u001b[31mred\u009b2J'
    const out = neutraliseLog(hostile)
    expect(commandLines(out)).toEqual([])
    expect(out).not.toMatch(/[\u001b\u009b\r]/)
    expect(out).toContain('\\u001b[31mred')
    expect(escapeControls('a\nb', true)).toBe('a\\nb')
  })
  it('a username output is one plain line or empty', () => {
    expect(usernameOutput('octo-publisher')).toBe('octo-publisher')
    for (const bad of ['x\n::error::forged', '::stop-commands::x', 'a\u001b[2Jb', 'a\rb', 'x'.repeat(300), '']) {
      expect(usernameOutput(bad)).toBe('')
      expect(isPlainLine(bad)).toBe(false)
    }
  })
})

describe('the GitHub runner prints nothing a hostile value can turn into a command', () => {
  let out = ''
  const write = process.stdout.write.bind(process.stdout)
  beforeEach(() => {
    out = ''
    process.stdout.write = (chunk: string | Uint8Array) => {
      out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
      return true
    }
  })
  afterEach(() => {
    process.stdout.write = write
  })
  it('info, debug, notice, warning, annotations and fail', () => {
    const exitCode = process.exitCode
    const runner = createGitHubRunner({})
    runner.mask(SECRET)
    runner.mask('1')
    const hostile = `User: x\n::error::forged\n::stop-commands::tok\n::save-state name=npmrc-path::/etc/passwd\n\u001b]8;;evil\u0007 ${SECRET.toLowerCase()} ${encodeURIComponent(SECRET)}`
    runner.info(hostile)
    runner.debug(hostile)
    runner.notice(hostile, hostile)
    runner.warning(hostile, hostile)
    runner.annotate({ level: 'error', title: hostile, message: hostile })
    runner.fail(hostile)
    process.exitCode = exitCode
    const lines = out.split('\n')
    // Only our own commands: the masks, then one debug, notice, warning and two errors, whole.
    expect(commandLines(out).map((l) => /^::([a-z-]+)/.exec(l)?.[1])).toEqual(['add-mask', 'debug', 'notice', 'warning', 'error', 'error'])
    expect(out).not.toContain('::add-mask::1')
    expect(lines.filter((l) => l.includes('forged')).every((l) => !l.startsWith('::error::forged'))).toBe(true)
    // The runner consumes ::add-mask:: lines and never shows them; everything else is clean.
    const shown = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n')
    expect(shown.toLowerCase()).not.toContain(SECRET.toLowerCase())
    expect(shown).not.toContain(encodeURIComponent(SECRET))
    expect(shown).not.toMatch(/[\u001b\u0007]/)
  })
})

describe('what the main step shows of a config file', () => {
  it('only our block, every credential value masked, env references kept', () => {
    const user = [
      '//other.test/:_authToken=other-secret-token',
      '//other.test/:_auth=dXNlcjpwYXNz',
      '//other.test/:_password=cGFzcw==',
      'email=me@example.test',
    ].join('\n')
    const text = mergeNpmrc(user, { registry: new URL('https://registry.example.test/'), tokenEnv: 'NODE_AUTH_TOKEN', scope: '', setDefaultRegistry: true })
    const shown = shownBlock(withRunMarker(text, newRunNonce()))
    expect(shown).toContain('//registry.example.test/:_authToken=${NODE_AUTH_TOKEN}')
    expect(shown).not.toMatch(/other-secret-token|dXNlcjpwYXNz|cGFzcw|me@example/)
    expect(shown).not.toContain('# setup-npm-auth run ')
  })
  it('masks credentials in .npmrc and .yarnrc.yml forms', () => {
    const masked = [
      '//h/:_authToken=abc',
      '//h:8080/path/:_auth = abc',
      '//h/:_password=abc',
      'TOKEN=abc',
      '//h/:key=-----BEGIN PRIVATE KEY-----',
      '    npmAuthToken: "abc"',
      '    npmAuthIdent: user:abc',
      '  "npmAuthToken": abc',
      '  myPassword: abc',
    ].map(maskCredentialLine)
    for (const line of masked) expect(line).toMatch(/\*\*\*$/)
    expect(maskCredentialLine('    npmAuthToken: "${NODE_AUTH_TOKEN}"')).toBe('    npmAuthToken: "${NODE_AUTH_TOKEN}"')
    expect(maskCredentialLine('    npmAuthToken: "${NODE_AUTH_TOKEN:-}"')).toBe('    npmAuthToken: "${NODE_AUTH_TOKEN:-}"')
    expect(maskCredentialLine('    npmAlwaysAuth: true')).toBe('    npmAlwaysAuth: true')
    expect(maskCredentialLine('registry=https://r.test/')).toBe('registry=https://r.test/')
  })
})

describe('the run marker the post step checks', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'run-marker-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
  it('binds the file to the run; restoring takes the marker out with the block', () => {
    const nonce = newRunNonce()
    const text = withRunMarker(mergeNpmrc('a=b\n', { registry: new URL('https://r.test/'), tokenEnv: 'T', scope: '', setDefaultRegistry: true }), nonce)
    expect(hasRunMarker(text, nonce)).toBe(true)
    expect(hasRunMarker(text, newRunNonce())).toBe(false)
    expect(restoreMarkedBlock(text)).toBe('a=b\n')
    const ours = join(dir, 'ours')
    const theirs = join(dir, 'theirs')
    writeFileSync(ours, text)
    writeFileSync(theirs, 'keep me\n')
    expect(refuseToTouch(ours, nonce)).toBeUndefined()
    expect(refuseToTouch(theirs, nonce)).toMatch(/does not carry this run's marker/)
    expect(refuseToTouch(ours, '')).toMatch(/without the run marker/)
    expect(refuseToTouch('relative/.npmrc', nonce)).toMatch(/not an absolute path/)
  })
})

describe('the OIDC exchange', () => {
  it.each(['1', '"', 'short', 'has space in it', 'tab\there-long', 'ctl\u0001abcdefgh'])(
    'refuses the implausible token %j: a failed exchange, nothing masked',
    async (token) => {
      const server = await startServer((_req, res) => json(res, 201, { token }))
      try {
        const secrets: string[] = []
        const http = new HttpClient({ deadline: Date.now() + 5000 })
        const result = await exchangeIdToken({ http, registry: server.url(), packageName: 'pkg', idToken: 'a.b.c', onSecret: (s) => secrets.push(s) })
        expect(result.ok).toBe(false)
        expect(result.ok ? '' : result.message).toMatch(/cannot be one/)
        expect(secrets).toEqual([])
      } finally {
        await server.close()
      }
    },
  )
})

describe('the CLI streams', () => {
  it('redact the env tokens and secrets learned, in every form, and neutralise commands', () => {
    const printed: string[] = []
    const io = safeIo({ env: { NPM_TOKEN: SECRET, NODE_AUTH_TOKEN: '1' }, out: (t) => printed.push(t), err: (t) => printed.push(t) })
    io.mask?.('exchanged-token-value')
    io.out(`user ${SECRET.toLowerCase()}\n::error::forged ${encodeURIComponent(SECRET)} EXCHANGED-TOKEN-VALUE\n`)
    io.err(`{"days-left": 1}\n`)
    const all = printed.join('')
    expect(all.toLowerCase()).not.toContain(SECRET.toLowerCase())
    expect(all).not.toContain(encodeURIComponent(SECRET))
    expect(all.toLowerCase()).not.toContain('exchanged-token-value')
    expect(commandLines(all)).toEqual([])
    expect(all).toContain('{"days-left": 1}')
  })
})
