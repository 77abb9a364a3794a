import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import { parseSettings } from '../../src/settings/parse.js'
import type { Settings } from '../../src/types.js'

/** Inputs as the runner gives them: a missing input reads as ''. */
function settings(inputs: Record<string, string> = {}): Settings {
  return parseSettings((name) => inputs[name] ?? '')
}

/** The InputError thrown for these inputs (fails the test when none is thrown). */
function refusal(inputs: Record<string, string>): InputError {
  try {
    settings(inputs)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error(`expected parseSettings to refuse ${JSON.stringify(inputs)}`)
}

describe('parseSettings defaults', () => {
  it('gives the documented defaults when every input is empty', () => {
    expect(settings()).toMatchObject({
      registryUrl: undefined,
      scope: '',
      token: '',
      auth: 'auto',
      mode: 'setup',
      warnDays: 14,
      failDays: 0,
      expiresOn: undefined,
      tokenEnv: 'NODE_AUTH_TOKEN',
      exportToken: true,
      workingDirectory: '.',
      packages: [],
      openIssue: false,
      githubToken: '',
      timeoutMs: 25_000,
    })
  })

  it('treats whitespace-only inputs as empty', () => {
    expect(settings({ 'warn-days': '  ', mode: '\n', 'registry-url': ' ' })).toMatchObject({ warnDays: 14, mode: 'setup', registryUrl: undefined })
  })
})

describe('parseSettings registry-url', () => {
  it('adds the trailing slash npm keys registries with', () => {
    expect(settings({ 'registry-url': 'https://registry.example.com/npm' }).registryUrl?.href).toBe('https://registry.example.com/npm/')
    expect(settings({ 'registry-url': 'http://127.0.0.1:4873' }).registryUrl?.href).toBe('http://127.0.0.1:4873/')
    expect(settings({ 'registry-url': 'https://registry.example.com/a/b/' }).registryUrl?.href).toBe('https://registry.example.com/a/b/')
  })

  it('refuses something that is not a URL, quoting it', () => {
    const error = refusal({ 'registry-url': 'registry.example.com' })
    expect(error.input).toBe('registry-url')
    expect(error.message).toContain('"registry.example.com"')
    expect(error.message).toMatch(/not a URL/)
  })

  it.each(['ftp://registry.example.com/', 'file:///etc/npmrc', 'javascript:alert(1)'])('refuses the non-http URL %s', (value) => {
    const error = refusal({ 'registry-url': value })
    expect(error.input).toBe('registry-url')
    expect(error.message).toMatch(/http:\/\/ or https:\/\//)
  })

  it.each([
    'https://someone:hunter2-secret@registry.example.com/',
    'https://:hunter2-secret@registry.example.com/',
    'ftp://someone:hunter2-secret@registry.example.com/',
  ])('refuses credentials in %s without repeating the password', (value) => {
    const error = refusal({ 'registry-url': value })
    expect(error.input).toBe('registry-url')
    expect(error.message).toMatch(/credentials/)
    expect(error.message).not.toContain('hunter2-secret')
    expect(error.message).toContain('registry.example.com')
  })

  it('refuses a username-only URL (it may be a token) without repeating it', () => {
    const error = refusal({ 'registry-url': 'https://npm_TOKENLIKEVALUE@registry.example.com/' })
    expect(error.message).not.toContain('npm_TOKENLIKEVALUE')
  })

  it('does not repeat a password even when the URL does not parse', () => {
    const error = refusal({ 'registry-url': 'https://someone:hunter2-secret@bad host.example.com/' })
    expect(error.message).toMatch(/not a URL/)
    expect(error.message).not.toContain('hunter2-secret')
  })

  it.each(['https://registry.example.com/?tag=x', 'https://registry.example.com/npm/#top'])('refuses a query or fragment: %s', (value) => {
    const error = refusal({ 'registry-url': value })
    expect(error.message).toMatch(/query or fragment/)
  })
})

describe('parseSettings days', () => {
  it('reads whole numbers', () => {
    expect(settings({ 'warn-days': '30', 'fail-days': '7' })).toMatchObject({ warnDays: 30, failDays: 7 })
    expect(settings({ 'warn-days': '0' })).toMatchObject({ warnDays: 0, failDays: 0 })
    expect(settings({ 'warn-days': '3650', 'fail-days': '3650' })).toMatchObject({ warnDays: 3650, failDays: 3650 })
  })

  it.each([
    ['warn-days', '-1', /not a whole number/],
    ['warn-days', '1.5', /not a whole number/],
    ['warn-days', '1e3', /not a whole number/],
    ['warn-days', 'ten', /not a whole number/],
    ['warn-days', '3651', /out of range/],
    ['fail-days', '-3', /not a whole number/],
    ['fail-days', '99999999999999999999', /out of range/],
    ['timeout-seconds', '0', /out of range/],
    ['timeout-seconds', '601', /out of range/],
  ])('refuses %s=%s', (name, value, why) => {
    const error = refusal({ [name]: value })
    expect(error.input).toBe(name)
    expect(error.message).toMatch(why)
    expect(error.message).toContain(value)
  })

  it('refuses fail-days greater than warn-days, naming both', () => {
    const error = refusal({ 'warn-days': '5', 'fail-days': '6' })
    expect(error.input).toBe('fail-days')
    expect(error.message).toContain('6')
    expect(error.message).toContain('warn-days (5)')
  })

  it('refuses fail-days above the default warn-days when warn-days is not given', () => {
    expect(refusal({ 'fail-days': '15' }).input).toBe('fail-days')
    expect(settings({ 'fail-days': '14' }).failDays).toBe(14)
  })

  it('reads timeout-seconds as milliseconds', () => {
    expect(settings({ 'timeout-seconds': '5' }).timeoutMs).toBe(5000)
  })
})

describe('parseSettings expires-on', () => {
  it('reads a day as 00:00 UTC and a timestamp as given', () => {
    expect(settings({ 'expires-on': '2027-03-31' }).expiresOn?.toISOString()).toBe('2027-03-31T00:00:00.000Z')
    expect(settings({ 'expires-on': '2028-02-29' }).expiresOn?.toISOString()).toBe('2028-02-29T00:00:00.000Z')
    expect(settings({ 'expires-on': '2027-03-31T12:30:00+02:00' }).expiresOn?.toISOString()).toBe('2027-03-31T10:30:00.000Z')
  })

  it.each(['2027-02-30', '2027-02-29', '2027-13-01', '2027-00-10', 'tomorrow', '31/03/2027', '2027-3-31', '2027-03-31T10:00'])(
    'refuses %s, quoting it',
    (value) => {
      const error = refusal({ 'expires-on': value })
      expect(error.input).toBe('expires-on')
      expect(error.message).toContain(JSON.stringify(value))
      expect(error.message).toMatch(/YYYY-MM-DD/)
    },
  )
})

describe('parseSettings choices', () => {
  it('accepts the choices in any case', () => {
    expect(settings({ auth: 'TOKEN', mode: 'Check' })).toMatchObject({ auth: 'token', mode: 'check' })
    expect(settings({ auth: 'oidc' }).auth).toBe('oidc')
  })

  it.each([
    ['auth', 'password'],
    ['auth', 'tokens'],
    ['mode', 'publish'],
  ])('refuses %s=%s, listing the choices', (name, value) => {
    const error = refusal({ [name]: value })
    expect(error.input).toBe(name)
    expect(error.message).toContain(JSON.stringify(value))
    expect(error.message).toMatch(/is not one of/)
  })
})

describe('parseSettings token-env', () => {
  it('accepts an env name', () => {
    expect(settings({ 'token-env': 'MY_NPM_TOKEN' }).tokenEnv).toBe('MY_NPM_TOKEN')
    expect(settings({ 'token-env': '_T' }).tokenEnv).toBe('_T')
  })

  it.each(['1TOKEN', 'MY-TOKEN', 'MY TOKEN', '${NPM_TOKEN}', 'A=B'])('refuses %s', (value) => {
    const error = refusal({ 'token-env': value })
    expect(error.input).toBe('token-env')
    expect(error.message).toMatch(/not a valid environment variable name/)
  })
})

describe('parseSettings scope', () => {
  it("adds the '@' and keeps a given one", () => {
    expect(settings({ scope: 'my-org' }).scope).toBe('@my-org')
    expect(settings({ scope: '@my-org' }).scope).toBe('@my-org')
    expect(settings({ scope: ' @a.b_c~d ' }).scope).toBe('@a.b_c~d')
  })

  it.each(['My-Org', '@@x', '@', '@my org', '@my/org', '-org', '@.org'])('refuses %s', (value) => {
    const error = refusal({ scope: value })
    expect(error.input).toBe('scope')
    expect(error.message).toMatch(/not an npm scope/)
  })
})

describe('parseSettings token', () => {
  it('trims the token (a secret pasted with a final newline)', () => {
    expect(settings({ token: '  npm_abcdefghijklmnop\n' }).token).toBe('npm_abcdefghijklmnop')
  })

  it.each(['npm_firstHALFofit secondHALFofit', 'npm_firstHALFofit\nsecondHALFofit', 'npm_firstHALFofit\tsecondHALFofit'])(
    'refuses inner whitespace without showing the token',
    (token) => {
      const error = refusal({ token })
      expect(error.input).toBe('token')
      expect(error.message).toMatch(/whitespace/)
      expect(error.message).not.toContain('firstHALF')
      expect(error.message).not.toContain('secondHALF')
    },
  )

  it('refuses control characters without showing the token', () => {
    const error = refusal({ token: 'npm_secretPART\u0007rest' })
    expect(error.message).toMatch(/control characters/)
    expect(error.message).not.toContain('secretPART')
  })
})

describe('parseSettings booleans', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('reads %s', (value, expected) => {
    expect(settings({ 'export-token': value, 'open-issue': value })).toMatchObject({ exportToken: expected, openIssue: expected })
  })

  it.each(['yes', 'no', '1', '0', 'on', 'tRuE'])('refuses %s', (value) => {
    const error = refusal({ 'export-token': value })
    expect(error.input).toBe('export-token')
    expect(error.message).toMatch(/not a boolean/)
    expect(refusal({ 'open-issue': value }).input).toBe('open-issue')
  })
})

describe('parseSettings packages and other inputs', () => {
  it('splits on commas and new lines, trims and de-duplicates, keeping first-seen order', () => {
    expect(settings({ packages: 'a-pkg, @my-org/b\n\n c.js ,a-pkg\r\n@my-org/b,' }).packages).toEqual(['a-pkg', '@my-org/b', 'c.js'])
  })

  it.each(['Has-Upper', '@org', 'a b', '@org/', '.hidden', 'x'.repeat(215)])('refuses the package name %s', (name) => {
    const error = refusal({ packages: `ok-pkg, ${name}` })
    expect(error.input).toBe('packages')
  })

  it('keeps the working directory and refuses one with a line break', () => {
    expect(settings({ 'working-directory': 'packages/app' }).workingDirectory).toBe('packages/app')
    expect(refusal({ 'working-directory': 'a\nb' }).input).toBe('working-directory')
  })

  it('refuses an overlong input', () => {
    const error = refusal({ 'registry-url': `https://registry.example.com/${'a'.repeat(5000)}` })
    expect(error.message).toMatch(/at most 4096/)
  })

  it('passes the github-token through, trimmed', () => {
    expect(settings({ 'github-token': ' ghs_x \n' }).githubToken).toBe('ghs_x')
  })
})

describe('refusals never echo secrets and check every date part', () => {
  const messageOf = (inputs: Record<string, string>): string => {
    try {
      settings(inputs)
    } catch (error) {
      return (error as Error).message
    }
    throw new Error('expected a refusal')
  }

  it('refuses impossible timestamps, not only impossible days', () => {
    expect(messageOf({ 'expires-on': '2027-02-30T00:00:00Z' })).toMatch(/not a valid date/)
    expect(messageOf({ 'expires-on': '2027-01-10T25:00:00Z' })).toMatch(/not a valid date/)
    expect(settings({ 'expires-on': '2028-02-29T12:30:00+02:00' }).expiresOn?.toISOString()).toBe('2028-02-29T10:30:00.000Z')
  })

  it('does not repeat a query string that may hold a token', () => {
    const message = messageOf({ 'registry-url': 'https://registry.example.test/?token=npm_SECRETSECRET' })
    expect(message).not.toContain('SECRETSECRET')
    expect(message).toContain('https://registry.example.test/')
  })

  it('cuts a whole password from an unparsable URL, even one holding @ or /', () => {
    for (const url of ['https://user:p@ssSECRET@bad host/', 'https://user:pa/ssSECRET@bad host/']) {
      expect(messageOf({ 'registry-url': url })).not.toContain('SECRET')
    }
  })
})

describe('tokens and token-env are held to what can work safely', () => {
  const refusal = (inputs: Record<string, string>): string => {
    try {
      settings(inputs)
    } catch (error) {
      return (error as Error).message
    }
    throw new Error('expected a refusal')
  }
  it('refuses non-ASCII and oversized tokens without showing them', () => {
    const unicode = 'npm_tökenSECRET123'
    expect(refusal({ token: unicode })).toMatch(/outside printable ASCII/)
    expect(refusal({ token: unicode })).not.toContain('SECRET')
    expect(refusal({ token: `npm_${'A'.repeat(5000)}` })).toMatch(/more than the 4096/)
  })
  it('checks github-token like the token where it is used (check mode with open-issue)', () => {
    expect(refusal({ 'github-token': 'ghs_abc def', mode: 'check', 'open-issue': 'true' })).toMatch(/^Input 'github-token': the token contains whitespace/)
  })
  it('does not fail setup over a github-token it does not use (drops a malformed one)', () => {
    expect(settings({ 'github-token': 'ghs_abc def' }).githubToken).toBe('')
    expect(settings({ 'github-token': 'ghs_abc def', mode: 'check' }).githubToken).toBe('')
    expect(settings({ 'github-token': 'ghs_fine', mode: 'check', 'open-issue': 'true' }).githubToken).toBe('ghs_fine')
  })
  it.each([
    'PATH',
    'NODE_OPTIONS',
    'LD_PRELOAD',
    'GITHUB_TOKEN',
    'npm_config_registry',
    'RUNNER_TEMP',
    'HTTPS_PROXY',
    // by pattern: the loader, runtime options, credential helpers
    'LD_AUDIT',
    'ld_bind_now',
    'DYLD_INSERT_LIBRARIES',
    'JAVA_TOOL_OPTIONS',
    '_JAVA_OPTIONS',
    'JDK_JAVA_OPTIONS',
    'MAVEN_OPTS',
    'DOTNET_STARTUP_HOOKS',
    'PYTHONSTARTUP',
    'PERL5OPT',
    'RUBYOPT',
    'NODE_TLS_REJECT_UNAUTHORIZED',
    'GIT_ASKPASS',
    'SSH_ASKPASS',
    'SUDO_ASKPASS',
    'GIT_SSH_COMMAND',
    'GIT_CONFIG_PARAMETERS',
    'SSL_CERT_FILE',
    'CURL_CA_BUNDLE',
    'PROMPT_COMMAND',
    'IFS',
    'TMPDIR',
  ])('refuses token-env %s', (name) => {
    expect(refusal({ 'token-env': name })).toMatch(/a variable the runner, Node or npm reads for itself/)
  })
  it.each(['MY_NPM_TOKEN', 'NPM_TOKEN', 'NODE_AUTH_TOKEN', 'NODE_AUTH_TOKEN_GPR', 'GPR_TOKEN', 'ARTIFACTORY_TOKEN'])('accepts the ordinary name %s', (name) => {
    expect(settings({ 'token-env': name }).tokenEnv).toBe(name)
  })
  it('caps packages at 200 names with a clear input error', () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `pkg-${i}`).join(',')
    expect(settings({ packages: names(200) }).packages).toHaveLength(200)
    expect(refusal({ packages: names(201) })).toMatch(/^Input 'packages': lists 201 packages, more than the 200 one step checks/)
    expect(refusal({ packages: names(5000) })).toMatch(/lists 5000 packages/)
  })
})
