import { describe, expect, it } from '@jest/globals'
import { daysUntil, gradeExpiry, isoDay, kindFindings, worst, type KindInput } from '../../src/check/grade.js'
import type { TokenDetails } from '../../src/registry/token-api.js'

const DAY = 24 * 60 * 60 * 1000
const NOW = new Date('2026-06-15T12:00:00.000Z')
const REGISTRY = new URL('https://registry.example.com/')
const at = (ms: number) => new Date(NOW.getTime() + ms)

const ROTATE = 'npx setup-npm-auth token rotate --repo o/r'

/** Graded as the action grades a token on npm's registry (the advice in the action's words). */
function grade(expiresAt: Date | undefined, warnDays = 14, failDays = 0) {
  return gradeExpiry({
    expiresAt,
    now: NOW,
    warnDays,
    failDays,
    registry: REGISTRY,
    advice: { kind: 'npm', place: 'action', registry: REGISTRY, rotateCommand: ROTATE },
  })
}

describe('daysUntil', () => {
  it.each([
    [0, 0],
    [1, 0],
    [DAY - 1, 0],
    [DAY, 1],
    [10 * DAY + 5, 10],
    [-1, -1],
    [-DAY, -1],
    [-DAY - 1, -2],
  ])('%d ms ahead is %d whole days', (ms, days) => {
    expect(daysUntil(at(ms), NOW)).toBe(days)
  })
})

describe('gradeExpiry', () => {
  it('is ok with no finding when the expiry is unknown', () => {
    expect(grade(undefined, 3650, 3650)).toEqual({ status: 'ok', daysLeft: undefined })
  })

  it('is an error once expired, even 1 ms ago and with fail-days and warn-days 0', () => {
    const result = grade(at(-1), 0, 0)
    expect(result.status).toBe('error')
    expect(result.daysLeft).toBe(-1)
    expect(result.finding?.level).toBe('error')
    expect(result.finding?.title).toBe('npm token expired (2026-06-15)')
    expect(result.finding?.message).toContain(REGISTRY.href)
    expect(result.finding).toMatchObject({ cause: 'token-expired', problem: `The token for ${REGISTRY.href} expired on 2026-06-15 11:59 UTC.` })
    expect(result.finding?.message).toContain(
      `Rotate the token for registry.example.com with one command, from a machine logged in with \`npm login\`: \`${ROTATE}\`.`,
    )
  })

  it('is an error at the exact moment of expiry', () => {
    expect(grade(at(0), 0, 0).status).toBe('error')
  })

  it('says how many whole days ago it expired', () => {
    expect(grade(at(-2.5 * DAY)).finding?.title).toBe('npm token expired 2 days ago (2026-06-13)')
    expect(grade(at(-1.5 * DAY)).finding?.title).toBe('npm token expired 1 day ago (2026-06-14)')
  })

  it('warns exactly at warn-days and not 1 ms later', () => {
    const inside = grade(at(14 * DAY))
    expect(inside.status).toBe('warning')
    expect(inside.daysLeft).toBe(14)
    expect(inside.finding).toMatchObject({ level: 'warning', title: 'npm token expires in 14 days (2026-06-29)' })
    expect(inside.finding?.message).toMatch(/within warn-days \(14\)/)
    expect(grade(at(14 * DAY + 1))).toEqual({ status: 'ok', daysLeft: 14 })
  })

  it('fails just inside fail-days, warns just outside', () => {
    const inside = grade(at(7 * DAY - 1), 14, 7)
    expect(inside.status).toBe('error')
    expect(inside.daysLeft).toBe(6)
    expect(inside.finding?.message).toMatch(/within fail-days \(7\)/)
    expect(grade(at(7 * DAY), 14, 7).status).toBe('error')
    expect(grade(at(7 * DAY + 1), 14, 7).status).toBe('warning')
  })

  it('never fails before expiry with fail-days 0', () => {
    for (const ms of [1, 60_000, DAY / 2, 3 * DAY]) {
      expect(grade(at(ms), 14, 0).status).toBe('warning')
      expect(grade(at(ms), 0, 0).status).toBe('ok')
    }
  })

  it('names a single day in the singular', () => {
    expect(grade(at(DAY + 1)).finding?.title).toBe('npm token expires in 1 day (2026-06-16)')
    expect(grade(at(1)).finding?.title).toBe('npm token expires in 0 days (2026-06-15)')
  })
})

describe('worst and isoDay', () => {
  it('orders error over warning over ok', () => {
    expect(worst()).toBe('ok')
    expect(worst('ok', 'warning')).toBe('warning')
    expect(worst('warning', 'error', 'ok')).toBe('error')
  })

  it('prints the UTC day', () => {
    expect(isoDay(new Date('2027-03-31T23:59:59.999Z'))).toBe('2027-03-31')
  })
})

const granularWrite: TokenDetails = { type: 'granular', matchedBy: 'key', readonly: false, cidr: [], bypass2fa: true }

function findings(details: Partial<TokenDetails> | undefined, overrides: Partial<Omit<KindInput, 'details'>> = {}) {
  return kindFindings({
    details: details && { ...granularWrite, ...details },
    isPublicRegistry: true,
    mode: 'setup',
    runnerEnvironment: 'github-hosted',
    ...overrides,
  })
}
const titles = (list: ReturnType<typeof findings>) => list.map((f) => f.title)

describe('kindFindings', () => {
  it('finds nothing for a granular write token that bypasses 2FA', () => {
    expect(findings({})).toEqual([])
  })

  it('finds nothing without details', () => {
    expect(findings(undefined)).toEqual([])
  })

  it('warns about a legacy token', () => {
    expect(titles(findings({ type: 'legacy', bypass2fa: undefined }))).toEqual(['npm classic (legacy) token'])
  })

  it('warns about a read-only token in setup mode only', () => {
    expect(titles(findings({ readonly: true }))).toEqual(['npm token is read-only'])
    expect(findings({ readonly: true }, { mode: 'check' })).toEqual([])
  })

  it('warns about CIDR ranges on GitHub-hosted (or unknown) runners, not on self-hosted ones', () => {
    const cidr = ['192.0.2.0/24', '198.51.100.0/24']
    const hosted = findings({ cidr })
    expect(titles(hosted)).toEqual(['npm token is limited to IP ranges'])
    expect(hosted[0].message).toContain('192.0.2.0/24, 198.51.100.0/24')
    expect(titles(findings({ cidr }, { runnerEnvironment: undefined }))).toEqual(['npm token is limited to IP ranges'])
    expect(findings({ cidr }, { runnerEnvironment: 'self-hosted' })).toEqual([])
  })

  it('warns when a granular write token does not bypass 2FA, in setup mode', () => {
    const result = findings({ bypass2fa: false })
    expect(titles(result)).toEqual(['npm token does not bypass 2FA'])
    expect(result[0].message).toMatch(/EOTP/)
    expect(findings({ bypass2fa: false }, { mode: 'check' })).toEqual([])
    // Unknown 2FA setting, a read-only token, or a legacy token: nothing to say about 2FA.
    expect(findings({ bypass2fa: undefined })).toEqual([])
    expect(titles(findings({ bypass2fa: false, readonly: true }))).toEqual(['npm token is read-only'])
    expect(titles(findings({ type: 'legacy', bypass2fa: false }))).toEqual(['npm classic (legacy) token'])
  })

  it('reports every problem of a token that has several, all as warnings', () => {
    const result = findings({ type: 'legacy', readonly: true, cidr: ['192.0.2.1/32'] })
    expect(titles(result)).toEqual(['npm classic (legacy) token', 'npm token is read-only', 'npm token is limited to IP ranges'])
    expect(result.every((f) => f.level === 'warning')).toBe(true)
  })

  it('finds nothing for a registry that is not the public one', () => {
    expect(findings({ type: 'legacy', readonly: true, cidr: ['192.0.2.1/32'], bypass2fa: false }, { isPublicRegistry: false })).toEqual([])
  })
})
