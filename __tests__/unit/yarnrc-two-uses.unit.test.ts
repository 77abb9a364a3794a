// Two uses of the action in one job, for Yarn 2+: YAML allows each top-level key once, so the second
// step's block carries the first step's registry merged in and comments the first's lines out; the post
// steps, in reverse order, give every file back byte for byte — and in between Yarn sees both registries.
import { describe, expect, it } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import { restoreMarkedBlock } from '../../src/config-files/marked-block.js'
import { mergeYarnrc, yarnrcNeedsParser, type YarnrcContent } from '../../src/config-files/yarnrc.js'
import { registryKey } from '../../src/registry/url.js'

const parse = (text: string) => parseYaml(text, { schema: 'failsafe', uniqueKeys: false }) as unknown
const content = (url: string, scope = ''): YarnrcContent => ({
  registry: new URL(url),
  tokenEnv: 'NODE_AUTH_TOKEN',
  scope,
  setDefaultRegistry: false,
  authLine: true,
  tokenExported: true,
})
const A = content('https://a.example.test/')
const B = content('https://b.example.test/npm/', '@acme')
const keyA = registryKey(A.registry)
const keyB = registryKey(B.registry)

function twoSteps(original: string): { afterA: string; afterB: string } {
  const afterA = mergeYarnrc(original, A, yarnrcNeedsParser(original, keyA) ? parse : undefined, keyA)
  const afterB = mergeYarnrc(afterA, B, yarnrcNeedsParser(afterA, keyB) ? parse : undefined, keyB)
  return { afterA, afterB }
}

describe('.yarnrc.yml: two uses of the action in one job', () => {
  it.each([
    ['no file', ''],
    ['a user file with its own registry', 'npmRegistries:\n  "https://other.example.test/":\n    npmAuthToken: "${OTHER}"\nenableTelemetry: false\n'],
    ['a user file without a final line break', 'enableTelemetry: false'],
    ['CRLF', 'enableTelemetry: false\r\nnpmScopes:\r\n  other:\r\n    npmRegistryServer: "https://other.example.test/"\r\n'],
  ])('%s: Yarn sees both registries, and the reverse-order posts give the file back byte for byte', (_name, original) => {
    const { afterA, afterB } = twoSteps(original)
    const seen = parse(afterB) as { npmRegistries: Record<string, unknown>; npmScopes?: Record<string, unknown> }
    expect(Object.keys(seen.npmRegistries)).toEqual(expect.arrayContaining(['//a.example.test/', '//b.example.test/npm/']))
    expect(seen.npmScopes?.acme).toMatchObject({ npmRegistryServer: 'https://b.example.test/npm/' })
    // post B (runs first), then post A
    const afterPostB = restoreMarkedBlock(afterB, keyB)
    expect(afterPostB).toBe(afterA)
    expect(restoreMarkedBlock(afterPostB, keyA)).toBe(original)
  })
  it('the same registry a second time replaces only its own block', () => {
    const { afterB } = twoSteps('')
    const again = mergeYarnrc(afterB, B, parse, keyB)
    expect(again).toBe(afterB)
  })
})
