import { describe, expect, it } from '@jest/globals'
import { issueTitle, severityOf, type TokenState } from '../../src/issue/sync-issue.js'

const registry = new URL('https://registry.example.test/')
const state = (over: Partial<TokenState>): TokenState => ({ registry, severity: 'warning', daysLeft: 10, expiresAt: undefined, report: '', ...over })

describe('issue titles say what is wrong', () => {
  it('names the days left when expiry is the problem', () => {
    expect(issueTitle(state({ expiryIsTheCause: true }))).toBe('npm token for registry.example.test expires in 10 days')
    expect(issueTitle(state({ daysLeft: 1, expiryIsTheCause: true }))).toBe('npm token for registry.example.test expires in 1 day')
  })
  it('names the finding when something else is (a read-only token 60 days from expiry)', () => {
    expect(issueTitle(state({ daysLeft: 60, expiryIsTheCause: false, cause: 'npm token is read-only' }))).toBe(
      'npm token for registry.example.test needs attention: npm token is read-only',
    )
  })
  it('says expired and rejected plainly', () => {
    expect(issueTitle(state({ severity: 'expired' }))).toBe('npm token for registry.example.test expired')
    expect(issueTitle(state({ severity: 'rejected' }))).toBe('npm token for registry.example.test is rejected')
  })
  it('grades severity: rejected > expired > failing > warning > ok', () => {
    const now = new Date('2027-01-10T00:00:00Z')
    expect(severityOf('error', true, undefined, now)).toBe('rejected')
    expect(severityOf('error', false, new Date('2027-01-09T00:00:00Z'), now)).toBe('expired')
    expect(severityOf('error', false, new Date('2027-01-12T00:00:00Z'), now)).toBe('failing')
    expect(severityOf('warning', false, new Date('2027-01-20T00:00:00Z'), now)).toBe('warning')
    expect(severityOf('ok', false, undefined, now)).toBe('ok')
  })
})
