// Issue #16, items 4 and 5: the advice follows the cause, the registry kind and the place, and today's
// policy. Every cause × registry kind × place is rendered and read for what it must and must not say —
// meaningful content, not snapshots.
import { describe, expect, it } from '@jest/globals'
import { NetworkError, ResponseError, TokenRejectedError } from '../../src/errors.js'
import { advise, adviceText, advisedFinding, causeOfError, type AdviceContext, type Place } from '../../src/registry/advice.js'
import type { AdviceCause, RegistryKind } from '../../src/types.js'

/** Every cause, checked complete by the type: a new cause fails to compile here until it is listed. */
const CAUSES: Record<AdviceCause, true> = {
  'token-rejected': true,
  'token-revoked': true,
  'token-expired': true,
  'token-expiring': true,
  'expiry-unknown': true,
  'expiry-record-stale': true,
  'token-classic': true,
  'token-read-only': true,
  'token-ip-limited': true,
  'token-needs-otp': true,
  'direct-publishing-ends': true,
  'trusted-publisher': true,
  unreachable: true,
  'timed-out': true,
  'registry-down': true,
  'rate-limited': true,
  'not-a-registry': true,
}
const KINDS: RegistryKind[] = ['npm', 'github-packages', 'azure', 'artifactory', 'generic']
const PLACES: Place[] = ['action', 'cli']

const URLS: Record<RegistryKind, string> = {
  npm: 'https://registry.npmjs.org/',
  'github-packages': 'https://npm.pkg.github.com/',
  azure: 'https://pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/',
  artifactory: 'https://acme.jfrog.io/artifactory/api/npm/npm-local/',
  generic: 'https://verdaccio.example.com/',
}
const ROTATE = 'npx setup-npm-auth token rotate --repo octo-org/octo-lib'
const TRUST = ['npm trust github @octo-org/lib --repo octo-org/octo-lib --file release.yml --allow-publish --yes']

/** The context as the action and the CLI build it: the rotate command only where npm's policies apply. */
function context(kind: RegistryKind, place: Place): AdviceContext {
  return { kind, place, registry: new URL(URLS[kind]), rotateCommand: kind === 'npm' ? ROTATE : undefined, trustCommands: TRUST }
}
const text = (cause: AdviceCause, kind: RegistryKind, place: Place) => adviceText(advise(cause, context(kind, place)))

const REGISTRY_TROUBLE: AdviceCause[] = ['unreachable', 'timed-out', 'registry-down', 'rate-limited', 'not-a-registry']
const NEW_TOKEN: AdviceCause[] = ['token-rejected', 'token-revoked', 'token-expired', 'token-expiring', 'token-classic']
const cases = Object.keys(CAUSES).flatMap((cause) => KINDS.flatMap((kind) => PLACES.map((place) => [cause as AdviceCause, kind, place] as const)))

describe('advice for every cause × registry kind × place', () => {
  it.each(cases)('%s at %s, in the %s: said, in its own words', (cause, kind, place) => {
    const advice = advise(cause, context(kind, place))
    const words = adviceText(advice)
    expect(advice.cause).toBe(cause)
    expect(advice.lead.length).toBeGreaterThan(20)
    // npm's website, caps and commands only where npm's policies apply.
    if (kind !== 'npm') expect(words).not.toMatch(/npmjs\.com|granular|90 days|token rotate|token create|npm stage/i)
    // `npm trust` only where trusted publishing may exist (a registry that may implement npm's exchange).
    if (kind !== 'npm' && !(cause === 'trusted-publisher' && (kind === 'artifactory' || kind === 'generic'))) expect(words).not.toMatch(/npm trust/)
    // The place's own words: inputs and the repository secret in a workflow, flags and NPM_TOKEN in a terminal.
    if (place === 'cli') {
      expect(words).not.toMatch(/repository secret|re-run the (job|check)|`expires-on`|`publish: stage`|`timeout-seconds`|`registry-url`|`auth: token`/)
    } else {
      expect(words).not.toMatch(/--expires-on|--timeout-seconds|--publish stage|run the check again|NPM_TOKEN \(and wherever/)
    }
    // Today's policy: nobody is told to turn on bypass-2FA to publish from CI.
    expect(words).not.toMatch(/Bypass two-factor authentication if|with "Bypass 2FA" enabled|enable bypass/i)
  })

  it.each(REGISTRY_TROUBLE.flatMap((cause) => KINDS.flatMap((kind) => PLACES.map((place) => [cause, kind, place] as const))))(
    '%s at %s (%s): wait or fix the URL, never a new token',
    (cause, kind, place) => {
      const words = text(cause, kind, place)
      expect(words).not.toMatch(/rotat|replace|new token|revoke|granular|personal access token/i)
      expect(words).toContain(new URL(URLS[kind]).host)
      if (cause !== 'not-a-registry') expect(words).toMatch(/keep it/)
      if (place === 'action') expect(words).toMatch(/re-run the job/)
      else expect(words).toMatch(/run the check again/)
      const status = { npm: 'https://status.npmjs.org', 'github-packages': 'https://www.githubstatus.com', azure: 'https://status.dev.azure.com' }[
        kind as string
      ]
      if (cause !== 'not-a-registry' && cause !== 'rate-limited') expect(words).toContain(status ?? `whoever runs ${new URL(URLS[kind]).host}`)
    },
  )

  it('a slow registry: the timeout by its name in each place; rate limiting: the cron minute in a workflow', () => {
    expect(text('timed-out', 'npm', 'action')).toContain('raise `timeout-seconds`')
    expect(text('timed-out', 'npm', 'cli')).toContain('raise `--timeout-seconds`')
    expect(text('rate-limited', 'npm', 'action')).toMatch(/cron minute/)
    expect(text('rate-limited', 'npm', 'cli')).not.toMatch(/cron/)
  })

  it('a URL that is no registry: the form of a URL of that kind', () => {
    expect(text('not-a-registry', 'artifactory', 'action')).toContain('/artifactory/api/npm/REPO/')
    expect(text('not-a-registry', 'azure', 'action')).toContain('/_packaging/FEED/npm/registry/')
    expect(text('not-a-registry', 'github-packages', 'cli')).toContain('https://npm.pkg.github.com/')
    expect(text('not-a-registry', 'npm', 'cli')).toContain('`--registry`')
    expect(text('not-a-registry', 'generic', 'action')).toContain('`registry-url`')
  })

  describe('a new token, the way each registry makes one', () => {
    it.each(NEW_TOKEN)("%s on npm's registry, in a workflow: the rotate command first, then by hand, then trusted publishing", (cause) => {
      const advice = advise(cause, context('npm', 'action'))
      expect(advice.commands?.[0]).toBe(cause === 'token-classic' ? ROTATE.replace(' rotate ', ' create ') : ROTATE)
      const words = adviceText(advice)
      expect(words).toMatch(/Granular Access Token/)
      expect(words).toMatch(/90 days/)
      expect(words).toMatch(/repository secret NPM_TOKEN/)
      expect(words).toMatch(/re-run the job/)
      expect(advice.otherwise?.commands).toEqual(TRUST)
      expect(words.indexOf(ROTATE.split(' --')[0].replace('rotate', cause === 'token-classic' ? 'create' : 'rotate'))).toBeLessThan(words.indexOf(TRUST[0]))
    })

    it.each(NEW_TOKEN)("%s on npm's registry, in a terminal: rotate for a GitHub secret, create --print-token for any other CI, NPM_TOKEN", (cause) => {
      const advice = advise(cause, context('npm', 'cli'))
      expect(advice.commands).toContain('npx setup-npm-auth token create --print-token')
      expect(adviceText(advice)).toMatch(/NPM_TOKEN/)
      expect(adviceText(advice)).toMatch(/run the check again/)
    })

    it('a job that stages: the stage-only permission, not read and write', () => {
      const words = adviceText(advise('token-expiring', { ...context('npm', 'action'), staged: true }))
      expect(words).toMatch(/read-write-stage-only/)
      expect(words).not.toMatch(/read and write access/)
    })

    it.each(NEW_TOKEN.flatMap((cause) => PLACES.map((place) => [cause, place] as const)))('%s on GitHub Packages (%s)', (cause, place) => {
      const words = text(cause, 'github-packages', place)
      if (place === 'action') {
        expect(words).toMatch(/GITHUB_TOKEN/)
        expect(words).toMatch(/permissions: packages: write/)
      } else {
        expect(words).toMatch(/read:packages/)
        expect(words).toMatch(/NPM_TOKEN/)
      }
      expect(words).toMatch(/classic/)
    })

    it.each(NEW_TOKEN.flatMap((cause) => PLACES.map((place) => [cause, place] as const)))(
      '%s on Azure Artifacts, Artifactory, a generic registry (%s)',
      (cause, place) => {
        expect(text(cause, 'azure', place)).toMatch(/Azure DevOps.*Packaging.*the PAT itself/)
        expect(text(cause, 'artifactory', place)).toMatch(/Artifactory.*Identity Token/)
        expect(text(cause, 'generic', place)).toContain('`npm login --registry https://verdaccio.example.com/`')
        for (const kind of ['azure', 'artifactory', 'generic'] as const) {
          expect(text(cause, kind, place)).toMatch(place === 'action' ? /repository secret NPM_TOKEN/ : /NPM_TOKEN/)
        }
      },
    )
  })

  describe('an unknown expiry', () => {
    it("npm's registry in a workflow: the rotate command records it, then expires-on from the variable", () => {
      const words = text('expiry-unknown', 'npm', 'action')
      expect(words).toContain(`\`${ROTATE}\``)
      expect(words).toContain('expires-on: ${{ vars.NPM_TOKEN_EXPIRES_AT }}')
    })
    it("npm's registry in a terminal: --expires-on, from token list", () => {
      const words = text('expiry-unknown', 'npm', 'cli')
      expect(words).toContain('`--expires-on YYYY-MM-DD`')
      expect(words).toContain('npx setup-npm-auth token list')
    })
    it('GitHub Packages: the job token expires with the job; other registries: where the expiry shows', () => {
      expect(text('expiry-unknown', 'github-packages', 'action')).toMatch(/no token list.*GITHUB_TOKEN.*expires with the job/)
      expect(text('expiry-unknown', 'azure', 'action')).toMatch(/User settings → Personal access tokens: pass it as `expires-on`/)
      expect(text('expiry-unknown', 'artifactory', 'cli')).toMatch(/Artifactory.*pass it as `--expires-on`/)
      expect(text('expiry-unknown', 'generic', 'action')).toMatch(/shown when it was created: pass it as `expires-on`/)
    })
    it('a record of another token: the rotate command on npm, else the date to update', () => {
      expect(text('expiry-record-stale', 'npm', 'action')).toContain(`\`${ROTATE}\``)
      expect(text('expiry-record-stale', 'generic', 'action')).toMatch(/Update `expires-on` \(or the variable NPM_TOKEN_EXPIRES_AT\)/)
      expect(text('expiry-record-stale', 'npm', 'cli')).toMatch(/Update `--expires-on`/)
    })
  })

  describe("npm's policy (late 2026)", () => {
    it('a write token without bypass-2FA: stage or trusted publishing; bypass-2FA only until January 2027', () => {
      const words = text('token-needs-otp', 'npm', 'action')
      expect(words).toMatch(/Staged publishing needs no 2FA/)
      expect(words).toContain('`publish: stage`')
      expect(words).toMatch(/publishes directly only until January 2027/)
      expect(words).toContain(TRUST[0])
      expect(text('token-needs-otp', 'npm', 'cli')).toContain('`--publish stage`')
    })
    it('the end of direct publishing: trusted publishing with the commands, or stage-only tokens', () => {
      const advice = advise('direct-publishing-ends', context('npm', 'action'))
      expect(advice.commands).toEqual(TRUST)
      expect(advice.covers).toContain('trusted-publishing')
      const words = adviceText(advice)
      expect(words).toMatch(/id-token: write/)
      expect(words).toMatch(/read-write-stage-only/)
      expect(words).toMatch(/npm stage approve <id>/)
      expect(text('direct-publishing-ends', 'artifactory', 'action')).toMatch(/nothing changes/)
    })
    it('a classic token: replaced by a granular one (token create), not rotated', () => {
      const advice = advise('token-classic', context('npm', 'action'))
      expect(advice.commands).toEqual([ROTATE.replace(' token rotate ', ' token create ')])
      expect(advice.lead).toMatch(/granular access token/)
    })
    it('trusted publishing that fails: the publisher to add on npm; none where the registry has no trusted publishing', () => {
      expect(advise('trusted-publisher', context('npm', 'action')).commands).toEqual(TRUST)
      expect(text('trusted-publisher', 'github-packages', 'action')).toMatch(/GitHub Packages has no trusted publishing.*`auth: token`/)
      expect(text('trusted-publisher', 'azure', 'cli')).toMatch(/Azure Artifacts has no trusted publishing.*NPM_TOKEN/)
      expect(text('trusted-publisher', 'generic', 'action')).toMatch(/may not implement.*`auth: token`.*Where it does/)
      expect(advise('trusted-publisher', context('generic', 'action')).commands).toEqual(TRUST)
    })
  })
})

describe('advice as text and as a finding', () => {
  it('one command goes inline, after the lead; several go on lines of their own', () => {
    expect(text('token-expiring', 'npm', 'action').split('\n')[0]).toBe(
      `Rotate the token for registry.npmjs.org with one command, from a machine logged in with \`npm login\`: \`${ROTATE}\`.`,
    )
    expect(text('token-expiring', 'npm', 'cli')).toContain(`\n  ${ROTATE}\n  npx setup-npm-auth token create --print-token`)
  })

  it('a finding keeps the problem and its cause, and its message is the problem then the advice', () => {
    const finding = advisedFinding({ level: 'warning', title: 't', problem: 'The token expires soon.', cause: 'token-expiring' }, context('npm', 'action'))
    expect(finding).toMatchObject({ level: 'warning', title: 't', problem: 'The token expires soon.', cause: 'token-expiring' })
    expect(finding.message.startsWith('The token expires soon.\nRotate the token')).toBe(true)
  })

  it("a thrown failure's cause: from the error", () => {
    expect(causeOfError(new NetworkError('x'))).toBe('unreachable')
    expect(causeOfError(new NetworkError('x', 'timed-out'))).toBe('timed-out')
    expect(causeOfError(new ResponseError('x', 503))).toBe('registry-down')
    expect(causeOfError(new ResponseError('x', 429))).toBe('rate-limited')
    expect(causeOfError(new ResponseError('x', 404, 'not-a-registry'))).toBe('not-a-registry')
    expect(causeOfError(new ResponseError('x', 404))).toBeUndefined()
    expect(causeOfError(new TokenRejectedError('x'))).toBe('token-rejected')
    expect(causeOfError(new Error('x'))).toBeUndefined()
  })
})
