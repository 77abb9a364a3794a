import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NpmrcError } from '../../src/errors.js'
import { BLOCK_END, BLOCK_START, blockEnd, blockStart, displacedPrefix, restoreMarkedBlock } from '../../src/config-files/marked-block.js'
import { mergeNpmrc, npmrcBlockKey, renderNpmrcLines, restoreNpmrc, type NpmrcContent } from '../../src/config-files/npmrc.js'
import { findNpmOnPath } from '../../src/registry/npm-config.js'
import { registryKey } from '../../src/registry/url.js'
import { readExisting, writeFileAtomic } from '../../src/config-files/safe-file.js'

// npm's own rule for the credentials key, loaded from the npm on PATH (wherever it is installed).
const NPM_ROOT = findNpmOnPath(process.env)?.root
if (!NPM_ROOT) throw new Error('no npm on PATH: these tests compare with the installed npm')
const nerfDart = createRequire(join(NPM_ROOT, 'package.json'))(join(NPM_ROOT, 'node_modules/@npmcli/config/lib/nerf-dart.js')) as (url: string) => string

describe('registryKey', () => {
  it.each([
    'https://registry.example.com',
    'https://registry.example.com/',
    'https://registry.example.com:443/',
    'http://registry.example.com:80/',
    'https://registry.example.com:8443/',
    'http://127.0.0.1:4873',
    'http://127.0.0.1:4873/',
    'https://REGISTRY.Example.COM/Path/',
    'https://registry.example.com/npm',
    'https://registry.example.com/npm/',
    'https://registry.example.com/a/b/c',
    'https://registry.example.com/a/b/c/',
    'https://pkgs.example.test/ORG/_packaging/FEED/npm/registry/',
    'https://registry.example.com/npm/?x=1',
    'https://registry.example.com/npm/#frag',
    'https://user:pass@registry.example.com/npm/',
    'https://[::1]:4873/',
    'https://registry.example.com/a%20b/',
  ])('is what npm derives for %s', (url) => {
    expect(registryKey(url)).toBe(nerfDart(url))
    expect(registryKey(new URL(url))).toBe(nerfDart(url))
  })

  it('keeps the path with a trailing slash and drops the last segment without one', () => {
    expect(registryKey('https://registry.example.com/npm/')).toBe('//registry.example.com/npm/')
    expect(registryKey('https://registry.example.com/npm')).toBe('//registry.example.com/')
    expect(registryKey('https://registry.example.com:443/')).toBe('//registry.example.com/')
  })
})

const REGISTRY = new URL('https://registry.example.com/npm/')
const content = (overrides: Partial<NpmrcContent> = {}): NpmrcContent => ({
  registry: REGISTRY,
  tokenEnv: 'NODE_AUTH_TOKEN',
  scope: '',
  setDefaultRegistry: false,
  ...overrides,
})

describe('renderNpmrcLines', () => {
  it('routes a scope to the registry (and never sets registry= then)', () => {
    expect(renderNpmrcLines(content({ scope: '@my-org', setDefaultRegistry: true }))).toEqual([
      '//registry.example.com/npm/:_authToken=${NODE_AUTH_TOKEN}',
      '@my-org:registry=https://registry.example.com/npm/',
    ])
  })

  it('sets registry= when asked and no scope is given', () => {
    expect(renderNpmrcLines(content({ setDefaultRegistry: true }))).toEqual([
      '//registry.example.com/npm/:_authToken=${NODE_AUTH_TOKEN}',
      'registry=https://registry.example.com/npm/',
    ])
  })

  it('writes no credential line when authLine is false', () => {
    expect(renderNpmrcLines(content({ scope: '@my-org', authLine: false }))).toEqual(['@my-org:registry=https://registry.example.com/npm/'])
    expect(renderNpmrcLines(content({ authLine: false }))).toEqual([])
  })

  it('writes only the credential for the default registry', () => {
    expect(renderNpmrcLines(content())).toEqual(['//registry.example.com/npm/:_authToken=${NODE_AUTH_TOKEN}'])
  })

  it('never writes an unscoped credential, and only references the env var', () => {
    for (const c of [content(), content({ scope: '@s' }), content({ setDefaultRegistry: true, tokenEnv: 'MY_TOKEN' })]) {
      for (const line of renderNpmrcLines(c)) {
        expect(line).not.toMatch(/^\s*_(authToken|auth|password)\s*=/)
        if (line.includes(':_authToken=')) {
          expect(line.startsWith('//')).toBe(true)
          expect(line).toMatch(new RegExp(`=\\$\\{${c.tokenEnv}\\}$`))
        }
      }
    }
  })
})

describe('mergeNpmrc', () => {
  const existing = [
    '; user settings',
    'fund=false',
    '//other.example.test/:_authToken=${OTHER_TOKEN}',
    '//registry.example.com/npm/:_authToken=npm_oldStaticToken',
    '//registry.example.com/npm/:_password=c2VjcmV0',
    '//registry.example.com/npm/:always-auth=true',
    '//registry.example.com/npm/sub/:_authToken=${DEEPER}',
    'registry=https://mirror.example.test/',
    '@my-org:registry=https://old.example.test/',
    '@other:registry=https://other.example.test/',
    '',
  ].join('\n')

  const KEY = '//registry.example.com/npm/'
  const DISPLACED_PREFIX = displacedPrefix(KEY)

  it('keeps unrelated lines, displaces this registry credentials, and appends its block', () => {
    const merged = mergeNpmrc(existing, content({ scope: '@my-org' }))
    expect(merged.split('\n')).toEqual([
      '; user settings',
      'fund=false',
      '//other.example.test/:_authToken=${OTHER_TOKEN}',
      `${DISPLACED_PREFIX}//registry.example.com/npm/:_authToken=npm_oldStaticToken`,
      `${DISPLACED_PREFIX}//registry.example.com/npm/:_password=c2VjcmV0`,
      '//registry.example.com/npm/:always-auth=true',
      '//registry.example.com/npm/sub/:_authToken=${DEEPER}',
      'registry=https://mirror.example.test/',
      `${DISPLACED_PREFIX}@my-org:registry=https://old.example.test/`,
      '@other:registry=https://other.example.test/',
      blockStart(KEY),
      '//registry.example.com/npm/:_authToken=${NODE_AUTH_TOKEN}',
      '@my-org:registry=https://registry.example.com/npm/',
      blockEnd(KEY),
      '',
    ])
  })

  it('displaces registry= only when it sets the default registry itself', () => {
    expect(mergeNpmrc(existing, content({ setDefaultRegistry: true }))).toContain(`${DISPLACED_PREFIX}registry=https://mirror.example.test/`)
    expect(mergeNpmrc(existing, content())).toMatch(/^registry=https:\/\/mirror\.example\.test\/$/m)
  })

  it('leaves exactly one live credential line for the registry', () => {
    const merged = mergeNpmrc(existing, content())
    const live = merged.split('\n').filter((l) => l.startsWith('//registry.example.com/npm/:_'))
    expect(live).toEqual(['//registry.example.com/npm/:_authToken=${NODE_AUTH_TOKEN}'])
  })

  it('is idempotent: merging twice gives the same text as once', () => {
    for (const c of [content(), content({ scope: '@my-org' }), content({ setDefaultRegistry: true })]) {
      const once = mergeNpmrc(existing, c)
      expect(mergeNpmrc(once, c)).toBe(once)
    }
  })

  it('replaces a block left by a run with other settings', () => {
    const first = mergeNpmrc(existing, content({ tokenEnv: 'OLD_ENV' }))
    expect(mergeNpmrc(first, content())).toBe(mergeNpmrc(existing, content()))
  })

  it('keeps CRLF line endings', () => {
    const merged = mergeNpmrc('a=1\r\nb=2\r\n', content())
    expect(merged).toBe(`a=1\r\nb=2\r\n${blockStart(KEY)}\r\n//registry.example.com/npm/:_authToken=\${NODE_AUTH_TOKEN}\r\n${blockEnd(KEY)}\r\n`)
  })

  it('writes only the block into an empty file', () => {
    expect(mergeNpmrc('', content())).toBe(`${blockStart(KEY)}\n//registry.example.com/npm/:_authToken=\${NODE_AUTH_TOKEN}\n${blockEnd(KEY)}\n`)
  })

  it('keys the block by the registry in its markers', () => {
    expect(npmrcBlockKey(content())).toBe(KEY)
    expect(blockStart(KEY)).toBe('# >>> setup-npm-auth for //registry.example.com/npm/: lines below are removed by its post step')
    expect(blockEnd(KEY)).toBe('# <<< setup-npm-auth for //registry.example.com/npm/')
    expect(() => blockStart('two words')).toThrow(/one word/)
    expect(() => blockStart('a\nb')).toThrow(/one word/)
  })
})

describe('two uses of the action in one job (issue #11, item 10)', () => {
  const npmjs: NpmrcContent = { registry: new URL('https://registry.npmjs.org/'), tokenEnv: 'NODE_AUTH_TOKEN', scope: '', setDefaultRegistry: false }
  const gpr: NpmrcContent = { registry: new URL('https://npm.pkg.github.com/'), tokenEnv: 'GPR_TOKEN', scope: '@acme', setDefaultRegistry: false }
  const originals = [
    '',
    'fund=false\n',
    'fund=false',
    'fund=false\r\n//registry.npmjs.org/:_authToken=npm_old\r\n@acme:registry=https://old.example.test/\r\n',
    '//registry.npmjs.org/:_authToken=npm_old\n@acme:registry=https://old.example.test/\n//npm.pkg.github.com/:_authToken=ghp_old\nregistry=https://mirror.example.test/',
  ]

  it.each(originals)('keeps both blocks, and reverse-order restores give back the file byte for byte (%j)', (original) => {
    const first = mergeNpmrc(original, npmjs)
    const both = mergeNpmrc(first, gpr)
    // Both registries' lines are live.
    expect(both).toContain('\n//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}')
    expect(both).toContain('\n//npm.pkg.github.com/:_authToken=${GPR_TOKEN}')
    expect(both).toContain('\n@acme:registry=https://npm.pkg.github.com/')
    expect(both.split(/\r?\n/).filter((l) => l.startsWith('# >>> setup-npm-auth'))).toHaveLength(2)
    // Post steps run in reverse order: the second's post takes back its own lines only.
    const afterSecondPost = restoreNpmrc(both, npmrcBlockKey(gpr))
    expect(afterSecondPost).toBe(first)
    expect(restoreNpmrc(afterSecondPost, npmrcBlockKey(npmjs))).toBe(original)
  })

  it('a second step for the same registry replaces that registry block only', () => {
    const both = mergeNpmrc(mergeNpmrc('fund=false\n', npmjs), gpr)
    const again = mergeNpmrc(both, { ...npmjs, tokenEnv: 'NPM_TOKEN' })
    expect(again).toContain('//registry.npmjs.org/:_authToken=${NPM_TOKEN}')
    expect(again).not.toContain('//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}')
    expect(again).toContain('//npm.pkg.github.com/:_authToken=${GPR_TOKEN}')
    expect(again.split('\n').filter((l) => l.startsWith('# >>> setup-npm-auth'))).toHaveLength(2)
    expect(restoreNpmrc(restoreNpmrc(again, npmrcBlockKey(npmjs)), npmrcBlockKey(gpr))).toBe('fund=false\n')
  })

  it('never displaces a line of the other step block', () => {
    const a: NpmrcContent = { registry: new URL('https://a.example.test/'), tokenEnv: 'A_TOKEN', scope: '', setDefaultRegistry: true }
    const b: NpmrcContent = { registry: new URL('https://b.example.test/'), tokenEnv: 'B_TOKEN', scope: '', setDefaultRegistry: true }
    const both = mergeNpmrc(mergeNpmrc('registry=https://mirror.example.test/\n', a), b)
    // The user's registry= is displaced once (by the first step); the first step's registry= stays as written.
    expect(both).toContain('\nregistry=https://a.example.test/\n')
    expect(both.match(/displaced/g)).toHaveLength(1)
    expect(restoreNpmrc(restoreNpmrc(both, npmrcBlockKey(b)), npmrcBlockKey(a))).toBe('registry=https://mirror.example.test/\n')
  })

  it('without a key, every block goes (a post step of an older run, whose state has no key)', () => {
    const both = mergeNpmrc(mergeNpmrc('fund=false\n', npmjs), gpr)
    expect(restoreNpmrc(both)).toBe('fund=false\n')
  })

  it('still restores a file with the unkeyed markers of an older version', () => {
    const old = `fund=false\n# setup-npm-auth displaced: registry=https://x.test/\n${BLOCK_START}\nregistry=https://y.test/\n${BLOCK_END}\n`
    expect(restoreMarkedBlock(old, '')).toBe('fund=false\nregistry=https://x.test/\n')
    expect(restoreMarkedBlock(old)).toBe('fund=false\nregistry=https://x.test/\n')
    // and a keyed merge over it replaces only its own block
    expect(restoreNpmrc(mergeNpmrc(old, npmjs), npmrcBlockKey(npmjs))).toBe(old)
  })
})

describe('restoreNpmrc', () => {
  it.each([
    ['empty', ''],
    ['a lone newline', '\n'],
    ['LF', 'fund=false\naudit=false\n'],
    ['CRLF', 'fund=false\r\n//registry.example.com/npm/:_authToken=npm_old\r\n'],
    ['no trailing newline', 'fund=false\n//registry.example.com/npm/:_authToken=npm_old'],
    ['CRLF without trailing newline', 'fund=false\r\nregistry=https://mirror.example.test/'],
    ['trailing blank lines', 'fund=false\n\n\n'],
    [
      'other registries tokens',
      '//other.example.test/:_authToken=npm_otherToken\n//registry.example.com/npm/:_authToken=npm_old\n@my-org:registry=https://old.example.test/\nregistry=https://mirror.example.test/\n',
    ],
  ])('gives back the original file (%s)', (_name, original) => {
    for (const c of [content(), content({ scope: '@my-org' }), content({ setDefaultRegistry: true })]) {
      expect(restoreNpmrc(mergeNpmrc(original, c))).toBe(original)
    }
  })

  it('leaves a file without our block as it is', () => {
    const text = '# a comment\nfund=false'
    expect(restoreNpmrc(text)).toBe(text)
  })

  it('keeps lines another tool appended after our block', () => {
    const merged = mergeNpmrc('fund=false\n', content())
    expect(restoreNpmrc(`${merged}audit=false\n`)).toBe('fund=false\naudit=false\n')
    // The user's last line had no line break; the appended line decides how the file ends.
    expect(restoreNpmrc(`${mergeNpmrc('fund=false', content())}audit=false\n`)).toBe('fund=false\naudit=false\n')
  })
})

describe('files', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'npmrc-unit-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writeFileAtomic writes a 0600 file, also over an existing 0644 one, leaving no temp files', () => {
    const sub = join(dir, 'atomic')
    mkdirSync(sub)
    const path = join(sub, '.npmrc')
    writeFileAtomic(path, 'a=1\n')
    expect(readFileSync(path, 'utf8')).toBe('a=1\n')
    expect(statSync(path).mode & 0o777).toBe(0o600)

    writeFileSync(path, 'old\n', { mode: 0o644 })
    writeFileAtomic(path, 'b=2\n')
    expect(readFileSync(path, 'utf8')).toBe('b=2\n')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readdirSync(sub)).toEqual(['.npmrc'])
  })

  it('writeFileAtomic replaces a planted symlink without writing through it', () => {
    const target = join(dir, 'victim.txt')
    writeFileSync(target, 'do not touch\n', { mode: 0o644 })
    const path = join(dir, 'linked.npmrc')
    symlinkSync(target, path)
    writeFileAtomic(path, '//registry.example.com/:_authToken=${NODE_AUTH_TOKEN}\n')
    expect(readFileSync(target, 'utf8')).toBe('do not touch\n')
    expect(statSync(target).mode & 0o777).toBe(0o644)
    expect(lstatSync(path).isSymbolicLink()).toBe(false)
    expect(readFileSync(path, 'utf8')).toBe('//registry.example.com/:_authToken=${NODE_AUTH_TOKEN}\n')
  })

  it('writeFileAtomic reports a missing folder as an NpmrcError naming the path', () => {
    const path = join(dir, 'missing', '.npmrc')
    expect(() => writeFileAtomic(path, 'x')).toThrow(NpmrcError)
    expect(() => writeFileAtomic(path, 'x')).toThrow(path)
  })

  it('readExisting reads a file, and gives undefined when there is none', () => {
    const path = join(dir, 'plain.npmrc')
    writeFileSync(path, 'fund=false\n')
    expect(readExisting(path)).toBe('fund=false\n')
    expect(readExisting(join(dir, 'absent.npmrc'))).toBeUndefined()
  })

  it('readExisting refuses a symlink and a folder', () => {
    const target = join(dir, 'real.npmrc')
    writeFileSync(target, 'fund=false\n')
    const link = join(dir, 'link.npmrc')
    symlinkSync(target, link)
    expect(() => readExisting(link)).toThrow(NpmrcError)
    expect(() => readExisting(link)).toThrow(/symbolic link/)
    const folder = join(dir, 'folder.npmrc')
    mkdirSync(folder)
    expect(() => readExisting(folder)).toThrow(/not a regular file/)
  })
})
