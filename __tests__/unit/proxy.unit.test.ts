// Which requests go through a proxy: HTTPS_PROXY / HTTP_PROXY by the target's scheme, NO_PROXY bypassing
// them. Pure functions of the URL and the environment; the end-to-end proof (a real CONNECT proxy) is
// __tests__/int/proxy.int.test.ts.
import { describe, expect, it } from '@jest/globals'
import { bypassesProxy, proxyFor } from '../../src/http/proxy.js'

const PROXY = 'http://127.0.0.1:3128'
const OTHER = 'http://127.0.0.1:8080'

describe('proxyFor: which proxy variable applies', () => {
  it.each([
    ['https target, HTTPS_PROXY', 'https://registry.example.test/', { HTTPS_PROXY: PROXY }, PROXY],
    ['https target, https_proxy', 'https://registry.example.test/', { https_proxy: PROXY }, PROXY],
    [
      'https target, only HTTP_PROXY: direct (HTTPS_PROXY is the https one, as curl and npm read it)',
      'https://registry.example.test/',
      { HTTP_PROXY: PROXY },
      undefined,
    ],
    ['http target, HTTP_PROXY', 'http://registry.example.test/', { HTTP_PROXY: PROXY }, PROXY],
    ['http target, http_proxy', 'http://registry.example.test/', { http_proxy: PROXY }, PROXY],
    ['http target, only HTTPS_PROXY: direct', 'http://registry.example.test/', { HTTPS_PROXY: PROXY }, undefined],
    ['lower case wins over upper case', 'https://registry.example.test/', { https_proxy: PROXY, HTTPS_PROXY: OTHER }, PROXY],
    ['an empty lower-case value falls back to the upper-case one', 'https://registry.example.test/', { https_proxy: '', HTTPS_PROXY: PROXY }, PROXY],
    ['empty values: direct', 'https://registry.example.test/', { https_proxy: '', HTTPS_PROXY: '' }, undefined],
    ['nothing set: direct', 'https://registry.example.test/', {}, undefined],
  ])('%s', (_name, target, env, expected) => {
    expect(proxyFor(new URL(target), env)).toBe(expected)
  })

  it('NO_PROXY (either case) takes a host out', () => {
    const url = new URL('https://registry.example.test/')
    expect(proxyFor(url, { HTTPS_PROXY: PROXY, NO_PROXY: 'registry.example.test' })).toBeUndefined()
    expect(proxyFor(url, { HTTPS_PROXY: PROXY, no_proxy: 'registry.example.test' })).toBeUndefined()
    expect(proxyFor(url, { HTTPS_PROXY: PROXY, NO_PROXY: 'other.example.test' })).toBe(PROXY)
  })

  it('chooses per request: the registry through the proxy, the runner endpoint around it', () => {
    const env = { HTTPS_PROXY: PROXY, NO_PROXY: '.actions.example.test' }
    expect(proxyFor(new URL('https://registry.example.test/-/whoami'), env)).toBe(PROXY)
    expect(proxyFor(new URL('https://pipelines.actions.example.test/idtoken?audience=x'), env)).toBeUndefined()
  })
})

describe('bypassesProxy: NO_PROXY entries', () => {
  const cases: Array<[string, string, string, boolean]> = [
    // [what, target URL, NO_PROXY, bypassed]
    ['empty NO_PROXY', 'https://registry.example.test/', '', false],
    ['* bypasses everything', 'https://registry.example.test/', '*', true],
    ['exact host', 'https://registry.example.test/', 'registry.example.test', true],
    ['a domain covers its subdomains', 'https://registry.example.test/', 'example.test', true],
    ['.domain covers subdomains', 'https://registry.example.test/', '.example.test', true],
    ['.domain covers the domain itself', 'https://example.test/', '.example.test', true],
    ['*.domain covers subdomains', 'https://registry.example.test/', '*.example.test', true],
    ['a suffix is matched on a dot boundary only', 'https://registry.badexample.test/', 'example.test', false],
    ['another host', 'https://registry.example.test/', 'other.example.test', false],
    ['case-insensitive', 'https://Registry.Example.TEST/', 'REGISTRY.example.test', true],
    ['comma and space separated lists', 'https://registry.example.test/', 'a.test, b.test ,registry.example.test', true],
    ['whitespace-only separators', 'https://registry.example.test/', 'a.test registry.example.test', true],
    ['host:port with the matching port', 'http://127.0.0.1:4873/', '127.0.0.1:4873', true],
    ['host:port with another port', 'http://127.0.0.1:4873/', '127.0.0.1:8080', false],
    ['host:port against a default https port', 'https://registry.example.test/', 'registry.example.test:443', true],
    ['host:port against a default http port', 'http://registry.example.test/', 'registry.example.test:80', true],
    ['host:443 does not cover http (port 80)', 'http://registry.example.test/', 'registry.example.test:443', false],
    ['an IPv4 address, exactly', 'http://127.0.0.1:4873/', '127.0.0.1', true],
    ['an IPv4 address is not a domain suffix', 'http://127.0.0.1:4873/', '0.1', false],
    ['an IPv4 address is not a domain suffix (leading dot)', 'http://127.0.0.1:4873/', '.0.0.1', false],
    ['no DNS: localhost does not cover 127.0.0.1', 'http://127.0.0.1:4873/', 'localhost', false],
    ['localhost covers localhost', 'http://localhost:4873/', 'localhost', true],
    ['bracketed IPv6', 'http://[::1]:4873/', '[::1]', true],
    ['bracketed IPv6 with port', 'http://[::1]:4873/', '[::1]:4873', true],
    ['bracketed IPv6 with another port', 'http://[::1]:4873/', '[::1]:80', false],
    ['bare IPv6 (curl writes it so)', 'http://[::1]:4873/', '::1', true],
    ['bare IPv6, another address', 'http://[::1]:4873/', '::2', false],
    ['IPv6 written long-hand matches the compressed form', 'http://[2001:db8::1]/', '2001:DB8:0:0:0:0:0:1', true],
    ['no CIDR ranges (npm has none either)', 'http://10.1.2.3/', '10.0.0.0/8', false],
  ]
  it.each(cases)('%s', (_name, target, noProxy, bypassed) => {
    expect(bypassesProxy(new URL(target), noProxy)).toBe(bypassed)
  })
})
