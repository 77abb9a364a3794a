// The .npmrc credential key (`//host[:port]/path/`) checked against npm's own derivation: the nerf-dart
// of @npmcli/config (a devDependency used only as this oracle), over generated registry URLs — http and
// https, default ports written out (80, 443) or crossed (443 on http), other ports, upper-case and
// mixed-case names, IPv4 and IPv6 hosts, userinfo, paths with and without a trailing slash, dot
// segments, percent-escapes and unicode, queries and fragments.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { createRequire } from 'node:module'
import { parseRegistryUrl } from '../../src/settings/parse.js'
import { registryKey } from '../../src/registry/url.js'

// @npmcli/config has no "exports" map and no types for its lib/ files: a CommonJS require of the file.
const nerfDart = createRequire(import.meta.url)('@npmcli/config/lib/nerf-dart.js') as (url: string) => string

const RUNS = { numRuns: 1000 }

// ---- generators ----------------------------------------------------------------------------------

const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
const labelChar = fc.constantFrom(...`${letters}0123456789`.split(''))
/** A DNS label: letters/digits, inner hyphens, any case. */
const label = fc.tuple(labelChar, fc.array(fc.oneof(labelChar, fc.constant('-')), { maxLength: 10 }), labelChar).map(([a, mid, b]) => `${a}${mid.join('')}${b}`)
/** Names under reserved test TLDs only: nothing generated can name a real host. */
const domain = fc
  .tuple(
    fc.array(label, { minLength: 0, maxLength: 3 }),
    fc.constantFrom('example.test', 'EXAMPLE.TEST', 'Registry.Example.Invalid', 'localhost', 'corp.internal'),
  )
  .map(([labels, base]) => [...labels, base].join('.'))
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'))
/** IPv6 as written in a URL: bracketed, long-hand or compressed, any case (URL normalises it). */
const ipv6 = fc.ipV6().map((ip) => `[${ip.toUpperCase()}]`)
const host = fc.oneof({ weight: 4, arbitrary: domain }, { weight: 2, arbitrary: ipv4 }, { weight: 2, arbitrary: ipv6 })

const scheme = fc.constantFrom('http', 'https', 'HTTPS', 'Http')
/** No port, the scheme's default written out, the other scheme's default, or any port. */
const port = fc.oneof(
  fc.constant(''),
  fc.constant(':80'),
  fc.constant(':443'),
  fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`),
)
const userinfo = fc.oneof(
  { weight: 5, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constant('user:pass@') },
  { weight: 1, arbitrary: fc.constant('npm_TOKEN@') },
)

const segmentChar = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...`${letters}0123456789-_.~@`.split('')) },
  { weight: 1, arbitrary: fc.constantFrom('%2f', '%2F', '%40', '%20', ' ', 'é', '名', '+', '!', '$', "'") },
)
const segment = fc.oneof(
  { weight: 8, arbitrary: fc.array(segmentChar, { minLength: 1, maxLength: 12 }).map((c) => c.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('.', '..', '%2e', '%2E%2E', '-', 'npm', 'registry', '_packaging') },
)
const path = fc
  .tuple(fc.array(segment, { maxLength: 6 }), fc.boolean(), fc.boolean())
  .map(([segments, trailingSlash, doubleSlash]) => `/${segments.join(doubleSlash ? '//' : '/')}${trailingSlash && segments.length > 0 ? '/' : ''}`)
const suffix = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constant('?token=x') },
  { weight: 1, arbitrary: fc.constant('#frag') },
)

/** A registry URL as a user might write it. */
const registryUrl = fc.tuple(scheme, userinfo, host, port, path, suffix).map(([s, u, h, p, pa, x]) => `${s}://${u}${h}${p}${pa}${x}`)
/** The same without userinfo, query or fragment: what parseRegistryUrl accepts. */
const acceptedUrl = fc.tuple(scheme, host, port, path).map(([s, h, p, pa]) => `${s}://${h}${p}${pa}`)

// ---- properties -------------------------------------------------------------------------------------

describe('registryKey against npm (nerf-dart of @npmcli/config)', () => {
  it('matches npm for the URL as written', () => {
    fc.assert(
      fc.property(registryUrl, (url) => {
        expect(registryKey(url)).toBe(nerfDart(url))
      }),
      RUNS,
    )
  })

  it('matches npm for the registry-url input after validation and normalisation (what is written to .npmrc)', () => {
    fc.assert(
      fc.property(acceptedUrl, (raw) => {
        const registry = parseRegistryUrl(raw)!
        expect(registryKey(registry)).toBe(nerfDart(registry.href))
        // npm keys a registry URL and a request below it (a package document) alike: the credential is found for both.
        expect(nerfDart(new URL('some-package', registry).href)).toBe(registryKey(registry))
        expect(nerfDart(new URL('@my-org%2fpkg', registry).href)).toBe(registryKey(registry))
      }),
      RUNS,
    )
  })

  it('has the shape npm reads: //host[:port]/dir/, lower-case host, no default port, no scheme, userinfo, query or fragment', () => {
    fc.assert(
      fc.property(registryUrl, (url) => {
        const key = registryKey(url)
        const parsed = new URL(url)
        expect(key.startsWith('//')).toBe(true)
        expect(key.endsWith('/')).toBe(true)
        expect(key).not.toMatch(/[?#\s]/)
        const authority = key.slice(2, key.indexOf('/', 2))
        expect(authority).not.toContain('@') // no userinfo ('@' may appear in the path: /@scope/)
        expect(authority).toBe(authority.toLowerCase())
        expect(authority).toBe(parsed.host) // URL drops the scheme's default port, so must the key
        if (parsed.protocol === 'https:') expect(authority.endsWith(':443')).toBe(false)
        if (parsed.protocol === 'http:') expect(authority.endsWith(':80')).toBe(false)
      }),
      RUNS,
    )
  })

  it('normalising twice changes nothing, and the key does not depend on a trailing slash once normalised', () => {
    fc.assert(
      fc.property(acceptedUrl, (raw) => {
        const once = parseRegistryUrl(raw)!
        const twice = parseRegistryUrl(once.href)!
        expect(twice.href).toBe(once.href)
        expect(registryKey(once)).toBe(registryKey(twice))
        expect(registryKey(once)).toBe(`//${once.host}${once.pathname}`)
      }),
      RUNS,
    )
  })
})

describe('registryKey: hand-picked cases npm is known to key this way', () => {
  it.each([
    ['https://registry.example.test', '//registry.example.test/'],
    ['https://registry.example.test:443/', '//registry.example.test/'],
    ['http://registry.example.test:80/', '//registry.example.test/'],
    ['http://registry.example.test:443/', '//registry.example.test:443/'],
    ['https://REGISTRY.Example.TEST/NPM/', '//registry.example.test/NPM/'],
    ['https://registry.example.test/npm', '//registry.example.test/'],
    ['https://registry.example.test/npm/', '//registry.example.test/npm/'],
    ['http://[::1]:4873/', '//[::1]:4873/'],
    ['http://[0:0:0:0:0:0:0:1]/a/b', '//[::1]/a/'],
    ['https://user:pass@registry.example.test/x/', '//registry.example.test/x/'],
    ['https://registry.example.test/a/../b/', '//registry.example.test/b/'],
  ])('%s → %s', (url, key) => {
    expect(registryKey(url)).toBe(key)
    expect(nerfDart(url)).toBe(key)
  })
})
