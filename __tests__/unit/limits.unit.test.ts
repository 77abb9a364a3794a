// Issue #11, items 11, 12 and 14: limits on what the action reads and writes.
import { describe, expect, it } from '@jest/globals'
import { matchToken, sha512Hex } from '../../src/registry/token-api.js'
import { capChars, capUtf8Bytes, ISSUE_BODY_MAX_CHARS, SUMMARY_MAX_BYTES } from '../../src/util/text-limit.js'
import { issueBody } from '../../src/issue/sync-issue.js'
import { UPGRADE_NPM_TIMEOUT_ENV, UPGRADE_NPM_TIMEOUT_MS, upgradeTimeoutMs } from '../../src/action/upgrade-npm.js'

describe('expiry dates from a registry', () => {
  const token = 'npm_' + 'A'.repeat(36)
  const entry = (expiry: unknown) => matchToken([{ key: sha512Hex(token), token: 'npm_AA...AA', expiry, created: '2025-01-01T00:00:00Z' }], token)
  it.each([8.64e15, -8.64e15, '+275760-09-13T00:00:00.000Z', 1e14, '1969-12-31T00:00:00Z', '2200-01-01T00:00:00Z', 'not a date'])(
    'takes %j as unknown, never a non-ISO date',
    (expiry) => {
      expect(entry(expiry)?.expiresAt).toBeUndefined()
    },
  )
  it('keeps a sane one', () => {
    expect(entry('2030-06-01T00:00:00Z')?.expiresAt?.toISOString()).toBe('2030-06-01T00:00:00.000Z')
    expect(entry(Date.UTC(2031, 0, 1))?.expiresAt?.toISOString()).toBe('2031-01-01T00:00:00.000Z')
  })
})

describe('GitHub size limits', () => {
  it('leaves text under the limit alone', () => {
    expect(capUtf8Bytes('a\nb\n', 100)).toBe('a\nb\n')
    expect(capChars('a\nb\n', 100)).toBe('a\nb\n')
  })
  it('cuts a 5.9 MB summary to under 1 MiB, at a line break, with a note', () => {
    const big = Array.from({ length: 60_000 }, (_, i) => `| pkg-${i} | ✅ published | ${'x'.repeat(80)} |`).join('\n')
    expect(Buffer.byteLength(big)).toBeGreaterThan(5_000_000)
    const capped = capUtf8Bytes(big, SUMMARY_MAX_BYTES)
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES)
    expect(SUMMARY_MAX_BYTES).toBeLessThan(1024 * 1024)
    expect(capped).toMatch(/Truncated: the full text is over GitHub's size limit/)
    // Every kept line is whole (the cut is at a line break, never inside a multi-byte character).
    const lines = capped.split('\n').filter((l) => l.startsWith('|'))
    for (const line of lines) expect(line).toMatch(/^\| pkg-\d+ \| ✅ published \| x{80} \|$/)
    expect(capped).not.toContain('\uFFFD')
  })
  it('never splits a character, even without line breaks', () => {
    const capped = capUtf8Bytes('é'.repeat(10_000), 1001)
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(1001)
    expect(capped).not.toContain('\uFFFD')
  })
  it('keeps an issue body under 65,536 characters, markers first and footer last', () => {
    const body = issueBody(
      { registry: new URL('https://registry.npmjs.org/'), severity: 'warning', report: 'line\n'.repeat(50_000), title: 't' } as unknown as Parameters<
        typeof issueBody
      >[0],
      'https://github.com/o/r/actions/runs/1',
    )
    expect(body.length).toBeLessThanOrEqual(ISSUE_BODY_MAX_CHARS)
    expect(body.length).toBeLessThan(65_536)
    expect(body).toMatch(/^<!-- setup-npm-auth/)
    expect(body).toMatch(/Truncated/)
    expect(body).toMatch(/closed automatically once the token is healthy\._$/)
  })
})

describe('upgrade-npm time limit', () => {
  it('is 5 minutes unless the tests set their own', () => {
    expect(UPGRADE_NPM_TIMEOUT_MS).toBe(300_000)
    expect(upgradeTimeoutMs({})).toBe(300_000)
    expect(upgradeTimeoutMs({ [UPGRADE_NPM_TIMEOUT_ENV]: '1500' })).toBe(1500)
    for (const bad of ['', '0', '-1', 'soon', '1.5']) expect(upgradeTimeoutMs({ [UPGRADE_NPM_TIMEOUT_ENV]: bad })).toBe(300_000)
  })
})
