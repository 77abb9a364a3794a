// The bad-input corpus against parseSettings, for EVERY input action.yml declares (read from the file, so
// a new input is covered the day it is added): empty, whitespace, 100 KB, unicode, control characters,
// line breaks, values that look like workflow commands, file-command heredocs, .npmrc lines or
// expressions. Each value is either refused with an InputError naming that input (one line, bounded,
// never quoting a secret) or accepted into a Settings object whose every field keeps its invariant, so
// nothing taken from an input can become a second .npmrc line, an env name or a workflow command.
// The same corpus (a subset) goes through the built action in __tests__/int/bad-input.int.test.ts.
import { describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import { repoRoot } from '../../test-support/process.ts'
import { readActionInputs } from '../../test-support/action-yml.ts'
import { InputError } from '../../src/errors.js'
import { parseSettings } from '../../src/settings/parse.js'
import type { Settings } from '../../src/types.js'
import { renderNpmrcLines } from '../../src/config-files/npmrc.js'

const INPUTS = readActionInputs(join(repoRoot, 'action.yml'))
/** action.yml defaults, with expressions (`${{ github.token }}`) evaluated to '' as the harness does. */
const DEFAULTS: Record<string, string> = Object.fromEntries(INPUTS.map((i) => [i.name, i.default === undefined || i.default.includes('${{') ? '' : i.default]))
/** Inputs whose value is a secret: masked, never quoted back. */
const SECRET_INPUTS = new Set(['token', 'github-token'])
const MARK = 'INJ3CTED'

export const CORPUS: ReadonlyArray<readonly [string, string]> = [
  ['empty', ''],
  ['whitespace only', ' \t  \u00a0 '],
  ['100 KB', 'a'.repeat(100 * 1024)],
  ['100 KB of multi-byte unicode', 'é'.repeat(100 * 1024)],
  ['unicode', 'ünïcødé-名前-🙂'],
  ['right-to-left override', `abc\u202Egnp.${MARK}`],
  ['zero-width space', `npm\u200B${MARK}`],
  ['full-width @ and letters', '＠ｍｙ－ｏｒｇ'],
  ['NUL', `a\u0000${MARK}`],
  ['line break', `a\n${MARK}`],
  ['CR LF', `a\r\n${MARK}`],
  ['bare CR', `a\r${MARK}`],
  ['set-output command', `::set-output name=x::${MARK}`],
  ['line break then a command', `x\n::set-output name=${MARK}::y`],
  ['add-mask command', '::add-mask::'],
  ['escaped line break then error', `%0A::error::${MARK}`],
  ['line break then error', `x\n::error title=${MARK}::${MARK}`],
  ['stop-commands', `::stop-commands::${MARK}`],
  ['expression', `\${{ secrets.${MARK} }}`],
  ['env reference', `\${${MARK}}`],
  ['GITHUB_ENV heredoc', `x\n${MARK}<<EOF\ny\nEOF`],
  ['GITHUB_OUTPUT line', `x\n${MARK}=y`],
  ['.npmrc line', `x\n//evil.example.test/:_authToken=${MARK}`],
  ['= sign', `a=${MARK}`],
  ['shell metacharacters', `$(echo ${MARK});\`id\``],
  ['path traversal', `../../${MARK}`],
  ['URL with user:password@', `https://user:pa55-${MARK}@registry.example.test/`],
  ['URL with a token as user', `https://npm_${MARK}abcdefgh@registry.example.test/`],
  ['URL with a query', `https://registry.example.test/?token=${MARK}`],
]

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const SCOPE = /^@[a-z0-9][a-z0-9._~-]*$/
const PACKAGE = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/
const CONTROL = /[\u0000-\u001f\u007f]/

function parseWith(name: string, value: string): { settings?: Settings; error?: unknown } {
  try {
    return { settings: parseSettings((n) => (n === name ? value : (DEFAULTS[n] ?? ''))) }
  } catch (error) {
    return { error }
  }
}

/** Every field's invariant: what makes it safe to print, export, write to .npmrc or send. */
function expectSafe(settings: Settings): void {
  expect(settings.tokenEnv).toMatch(ENV_NAME)
  if (settings.scope !== '') expect(settings.scope).toMatch(SCOPE)
  if (settings.registryUrl) {
    const url = settings.registryUrl
    expect(['http:', 'https:']).toContain(url.protocol)
    expect({ username: url.username, password: url.password, search: url.search, hash: url.hash }).toEqual({ username: '', password: '', search: '', hash: '' })
    expect(url.href).not.toMatch(/[\s\u0000-\u001f\u007f]/)
    expect(url.href).not.toContain('${')
    expect(url.href.endsWith('/')).toBe(true)
  }
  expect(settings.token).not.toMatch(/\s/)
  expect(settings.token).not.toMatch(CONTROL)
  for (const name of settings.packages) expect(name).toMatch(PACKAGE)
  expect(settings.workingDirectory).not.toMatch(/[\r\n\u0000]/)
  expect(settings.issueLabel).not.toMatch(/[\r\n,]/)
  expect(settings.issueLabel.length).toBeLessThanOrEqual(50)
  for (const n of [settings.warnDays, settings.failDays, settings.timeoutMs]) expect(Number.isSafeInteger(n) && n >= 0).toBe(true)
  expect(['auto', 'oidc', 'token']).toContain(settings.auth)
  expect(['setup', 'check']).toContain(settings.mode)
  for (const flag of [settings.exportToken, settings.upgradeNpm, settings.openIssue]) expect(typeof flag).toBe('boolean')
  if (settings.expiresOn) expect(Number.isNaN(settings.expiresOn.getTime())).toBe(false)

  // What reaches the .npmrc: single lines of the expected shapes, the only `${` being the token env.
  const lines = renderNpmrcLines({
    registry: settings.registryUrl ?? new URL('http://127.0.0.1:4873/'),
    tokenEnv: settings.tokenEnv,
    scope: settings.scope,
    setDefaultRegistry: true,
  })
  expect(lines).toHaveLength(2)
  for (const line of lines) {
    expect(line).not.toMatch(/[\r\n\u0000]/)
    expect(line).toMatch(/^(\/\/\S+\/:_authToken=\$\{[A-Za-z_][A-Za-z0-9_]*\}|(@[a-z0-9][a-z0-9._~-]*:)?registry=https?:\/\/\S+)$/)
  }
  expect(lines.join('\n').match(/\$\{/g)).toHaveLength(1)
}

describe('bad-input corpus: every input × every value, through parseSettings', () => {
  it('reads the inputs from action.yml (so a new input is covered as soon as it is declared)', () => {
    expect(INPUTS.length).toBeGreaterThanOrEqual(17)
    expect(INPUTS.map((i) => i.name)).toEqual(
      expect.arrayContaining(['registry-url', 'scope', 'token', 'token-env', 'working-directory', 'packages', 'github-token']),
    )
  })

  const cells = INPUTS.flatMap((input) => CORPUS.map(([label, value]) => [input.name, label, value] as const))
  it.each(cells)('%s = %s: refused clearly or accepted safely', (name, _label, value) => {
    const { settings, error } = parseWith(name, value)
    if (error !== undefined) {
      // Refused: our error, naming this input, one bounded line, never echoing a secret.
      expect(error).toBeInstanceOf(InputError)
      const e = error as InputError
      expect(e.input).toBe(name)
      expect(e.message.startsWith(`Input '${name}': `)).toBe(true)
      expect(e.message).not.toMatch(CONTROL)
      expect(e.message.length).toBeLessThan(600)
      if (SECRET_INPUTS.has(name) && value.trim().length >= 4) expect(e.message).not.toContain(value.trim())
      if (name === 'registry-url' && value.includes('@') && value.includes('://')) {
        // userinfo of the registry URL may be a password or a token: never quoted back.
        const userinfo = value.slice(value.indexOf('://') + 3, value.lastIndexOf('@'))
        expect(e.message).not.toContain(userinfo)
      }
      return
    }
    expectSafe(settings!)
  })
})

describe('bad-input corpus: what must be refused', () => {
  const refused: Array<[string, string]> = [
    ['token-env', 'NODE-AUTH-TOKEN'],
    ['token-env', 'A B'],
    ['token-env', 'X=Y'],
    ['token-env', '1TOKEN'],
    ['token-env', 'TOKEN\nEVIL'],
    ['token-env', 'ТОКЕН'], // Cyrillic
    ['token-env', 'BASH_FUNC_x%%'],
    ['token-env', '${{ secrets.X }}'],
    ['scope', '@My-Org'],
    ['scope', '@my org'],
    ['scope', '@my-org\nregistry=https://evil.example.test/'],
    ['scope', '@my-org:registry'],
    ['scope', '@my-org/pkg'],
    ['scope', '@'],
    ['scope', '@-org'],
    ['scope', '@ｍｙ-org'],
    ['scope', '@my-org=x'],
    ['registry-url', 'https://user:hunter2@registry.example.test/'],
    ['registry-url', 'https://npm_abcdefgh12345678@registry.example.test/'],
    ['registry-url', 'https://:hunter2@registry.example.test/'],
    ['registry-url', 'https://user:hun ter2@registry.example.test/'],
    ['registry-url', 'registry.example.test'],
    ['registry-url', 'file:///etc/passwd'],
    ['registry-url', 'javascript:alert(1)'],
    ['registry-url', 'https://registry.example.test/#frag'],
    ['working-directory', 'a\nb'],
    ['packages', 'pkg\n::set-output name=x::y'],
    ['issue-label', 'a,b'],
    ['timeout-seconds', '0'],
    ['timeout-seconds', '1e3'],
    ['warn-days', '١٤'], // Arabic-Indic digits
  ]
  it.each(refused)('%s = %j is refused', (name, value) => {
    const { error } = parseWith(name, value)
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(name)
  })

  it('a registry-url carrying credentials is refused without echoing them (the URL shown without userinfo)', () => {
    for (const value of [
      'https://user:hunter2@registry.example.test/npm/',
      'https://npm_abcdefgh12345678@registry.example.test/npm/',
      'https://user:hun ter2@registry example/',
    ]) {
      const { error } = parseWith('registry-url', value)
      const message = (error as InputError).message
      expect(message).not.toMatch(/hunter2|hun ter2|npm_abcdefgh12345678/)
    }
    expect((parseWith('registry-url', 'https://user:hunter2@registry.example.test/npm/').error as InputError).message).toContain(
      '"https://registry.example.test/npm/"',
    )
  })

  it('a token never appears in its own refusal', () => {
    for (const value of ['npm_abc def', 'npm_abc\ndef', `npm_abc\u0007def`]) {
      expect((parseWith('token', value).error as InputError).message).not.toContain('npm_abc')
    }
  })
})
