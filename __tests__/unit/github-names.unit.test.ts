// src/github's pure parts: OWNER/REPO from a flag and from a git remote, GitHub's rules for secret,
// variable and environment names, the API root a GHES URL gives, and the sealed box's key check.
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import { apiBase, DEFAULT_GITHUB_API_URL } from '../../src/github/actions-api.js'
import { environmentName, GitHubNameError, secretName, variableName } from '../../src/github/names.js'
import { parseRepoSlug, repoFromRemoteUrl } from '../../src/github/repo.js'
import { PublicKeyError, sealForGitHub } from '../../src/github/sealed-box.js'

describe('parseRepoSlug', () => {
  it.each([
    ['octo-org/octo-repo', 'octo-org', 'octo-repo'],
    ['  Octo/Repo.js  ', 'Octo', 'Repo.js'],
    ['a/b', 'a', 'b'],
    ['user_acme/x', 'user_acme', 'x'], // Enterprise Managed User
    ['o/.github', 'o', '.github'],
    ['o/some_repo-1.2', 'o', 'some_repo-1.2'],
    [`${'a'.repeat(39)}/${'r'.repeat(100)}`, 'a'.repeat(39), 'r'.repeat(100)],
  ])('%j → %s / %s', (value, owner, repo) => {
    expect(parseRepoSlug(value)).toEqual({ owner, repo })
  })

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['octo', 'no slash'],
    ['a/b/c', 'more than one slash'],
    ['/repo', 'owner is empty'],
    ['owner/', 'repository name is empty'],
    ['-owner/repo', 'does not start with a hyphen'],
    ['own er/repo', 'only letters, digits and hyphens'],
    [`${'a'.repeat(40)}/r`, 'at most 39'],
    ['o/re po', 'only letters, digits, hyphens, underscores and dots'],
    ['o/re$po', 'only letters'],
    [`o/${'r'.repeat(101)}`, 'at most 100'],
    ['o/..', 'reserved'],
    ['o/.', 'reserved'],
    ['https://github.com/o/r', 'give o/r'],
    ['git@github.com:o/r.git', 'give o/r'],
    ['ftp://x/y', 'that is a URL'],
  ])('%j is refused (%s)', (value, why) => {
    let thrown: unknown
    try {
      parseRepoSlug(value)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InputError)
    const message = (thrown as Error).message
    expect(message).toContain('--repo')
    expect(message).toContain('OWNER/REPO')
    expect(message).toContain(JSON.stringify(value))
    expect(message).toContain(why)
  })

  it('names the flag it is given, and shows a hostile value escaped on one line', () => {
    expect(() => parseRepoSlug('a/b\n::error::x', '--target')).toThrow(/--target.*got "a\/b\\n::error::x": /)
    expect(() => parseRepoSlug('a/b\u001b[31m')).toThrow(/\\u001b/)
  })
})

describe('repoFromRemoteUrl', () => {
  it.each([
    ['git@github.com:octo-org/octo-repo.git', 'octo-org', 'octo-repo', 'github.com'],
    ['git@github.com:octo-org/octo-repo', 'octo-org', 'octo-repo', 'github.com'],
    ['git@github.com:/octo-org/octo-repo.git/', 'octo-org', 'octo-repo', 'github.com'],
    ['github.com:o/r.git', 'o', 'r', 'github.com'],
    ['https://github.com/o/r', 'o', 'r', 'github.com'],
    ['https://github.com/o/r.git', 'o', 'r', 'github.com'],
    ['https://github.com/o/r/', 'o', 'r', 'github.com'],
    ['https://github.com/o/r.git/', 'o', 'r', 'github.com'],
    ['https://GitHub.com/O/R.GIT', 'O', 'R', 'github.com'],
    ['http://github.com/o/r', 'o', 'r', 'github.com'],
    ['https://user@ghe.example.com/o/r', 'o', 'r', 'ghe.example.com'],
    ['https://user:ghp_secret@ghe.example.com/o/r.git', 'o', 'r', 'ghe.example.com'],
    ['https://ghe.example.com:8443/o/r', 'o', 'r', 'ghe.example.com:8443'],
    ['ssh://git@github.com/o/r.git', 'o', 'r', 'github.com'],
    ['ssh://git@ghe.example.com:2222/o/r.git', 'o', 'r', 'ghe.example.com'],
    ['ssh://ghe.example.com/o/r', 'o', 'r', 'ghe.example.com'],
    ['git+ssh://git@github.com/o/r.git', 'o', 'r', 'github.com'],
    ['git://github.com/o/r.git', 'o', 'r', 'github.com'],
    ['  git@github.com:o/r.git\n', 'o', 'r', 'github.com'],
    ['https://github.com/o/my.repo.git', 'o', 'my.repo', 'github.com'],
  ])('%j → %s/%s on %s', (url, owner, repo, host) => {
    expect(repoFromRemoteUrl(url)).toEqual({ owner, repo, host })
  })

  it.each([
    '',
    '/home/me/repo',
    './repo',
    'C:/work/repo',
    'C:\\work\\repo',
    'file:///srv/git/o/r.git',
    'https://github.com/o',
    'https://github.com/o/r/tree/main',
    'https://github.com/o/r?x=1',
    'https://github.com/o/r#readme',
    'git@github.com:o',
    'git@github.com:a/b/c.git',
    'https://github.com/-o/r',
    'https://github.com/o/..',
    'not a url',
    'https://[bad',
  ])('%j is not a GitHub remote', (url) => {
    expect(repoFromRemoteUrl(url)).toBeUndefined()
  })

  it('never returns the credentials of an https remote', () => {
    expect(JSON.stringify(repoFromRemoteUrl('https://x-access-token:ghs_abcdefgh12345678@github.com/o/r.git'))).not.toContain('ghs_')
  })
})

describe('secret and variable names', () => {
  it.each([
    ['NPM_TOKEN', 'NPM_TOKEN'],
    ['npm_token', 'NPM_TOKEN'],
    ['_X', '_X'],
    ['A1', 'A1'],
    ['Npm_Token_Expires', 'NPM_TOKEN_EXPIRES'],
  ])('%j is stored as %j', (name, stored) => {
    expect(secretName(name)).toBe(stored)
    expect(variableName(name)).toBe(stored)
  })

  it.each([
    ['', 'empty'],
    ['NPM-TOKEN', 'only letters A–Z, digits 0–9 and underscores'],
    ['NPM TOKEN', 'only letters'],
    ['NPM.TOKEN', 'only letters'],
    ['NPM_TÖKEN', 'only letters'],
    ['1NPM', 'must not start with a digit'],
    ['GITHUB_TOKEN', 'reserved'],
    ['github_npm', 'reserved'],
  ])('%j is refused (%s)', (name, why) => {
    expect(() => secretName(name)).toThrow(GitHubNameError)
    expect(() => secretName(name)).toThrow(new RegExp(`secret name .*${why}`))
    expect(() => variableName(name)).toThrow(new RegExp(`variable name .*${why}`))
  })

  it('GITHUB without the underscore is an ordinary name', () => {
    expect(secretName('GITHUBX')).toBe('GITHUBX')
  })

  it('environment names: any plain line up to 255 characters', () => {
    expect(environmentName('production')).toBe('production')
    expect(environmentName('release/v1 (EU)')).toBe('release/v1 (EU)')
    expect(() => environmentName('')).toThrow(/empty/)
    expect(() => environmentName('  ')).toThrow(/empty/)
    expect(() => environmentName('x'.repeat(256))).toThrow(/at most 255/)
    expect(() => environmentName('prod\nuction')).toThrow(/control characters/)
  })
})

describe('apiBase', () => {
  it('GitHub by default; a GHES root keeps its path, so requests resolve below it', () => {
    expect(apiBase(undefined).href).toBe(`${DEFAULT_GITHUB_API_URL}/`)
    expect(apiBase('').href).toBe('https://api.github.com/')
    expect(apiBase('https://ghe.example.com/api/v3').href).toBe('https://ghe.example.com/api/v3/')
    expect(apiBase('https://ghe.example.com/api/v3/').href).toBe('https://ghe.example.com/api/v3/')
    expect(new URL('repos/o/r', apiBase('https://ghe.example.com/api/v3')).href).toBe('https://ghe.example.com/api/v3/repos/o/r')
  })

  it('refuses what is not an http(s) URL, and credentials in it (without echoing them)', () => {
    expect(() => apiBase('api.github.com')).toThrow(/GITHUB_API_URL.*not a URL/)
    expect(() => apiBase('ftp://x')).toThrow(/not http\(s\)/)
    let message = ''
    try {
      apiBase('https://u:hunter2hunter2@ghe.example.com/api/v3')
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/credentials/)
    expect(message).not.toContain('hunter2')
  })
})

describe('sealForGitHub', () => {
  it('refuses a key that is not 32 bytes of base64, without loading anything else', async () => {
    for (const key of [
      '',
      'abc',
      Buffer.alloc(31).toString('base64'),
      Buffer.alloc(33).toString('base64'),
      `${'A'.repeat(43)}`,
      `${'A'.repeat(42)}B=`,
      '!'.repeat(44),
    ]) {
      await expect(sealForGitHub(key, 'value')).rejects.toThrow(PublicKeyError)
    }
    await expect(sealForGitHub('abc', 'v')).rejects.toThrow(/32-byte Curve25519 key in base64 \(got 3 characters/)
  })

  it('a sealed box of the right size, in standard base64, that opens with the private key', async () => {
    const sodium = (await import('libsodium-wrappers')).default
    await sodium.ready
    const pair = sodium.crypto_box_keypair()
    const publicKey = Buffer.from(pair.publicKey).toString('base64')
    const value = 'npm_Ünïcode-value-0123456789'
    const sealed = await sealForGitHub(publicKey, value)
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+={0,2}$/)
    expect(Buffer.from(sealed, 'base64').length).toBe(48 + Buffer.byteLength(value))
    expect(Buffer.from(sodium.crypto_box_seal_open(Buffer.from(sealed, 'base64'), pair.publicKey, pair.privateKey)).toString('utf8')).toBe(value)
    // Sealed boxes are randomised: the same value twice gives two different boxes.
    expect(await sealForGitHub(publicKey, value)).not.toBe(sealed)
  })
})
