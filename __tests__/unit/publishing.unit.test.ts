// Staged publishing and the end of direct token publishing: the pure policy, the staging-area client
// against a loopback server that pages as npm's registry does, and the assessment both adapters report.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpClient } from '../../src/http/client.js'
import { assessPublishing, type PublishingInput } from '../../src/publishing/assess.js'
import { DIRECT_TOKEN_PUBLISHING_END, PUBLISH_COMMAND, choosePublishMode, directPublishingCutoff, stagedFindings } from '../../src/publishing/policy.js'
import { listStaged, type StagedVersion } from '../../src/registry/stage-api.js'
import { parseSettings } from '../../src/settings/parse.js'

const NOW = new Date('2026-11-30T12:00:00Z')
const staged = (over: Partial<StagedVersion> = {}): StagedVersion => ({
  package: 'pkg',
  version: '1.2.0',
  tag: 'latest',
  stagedAt: '2026-11-25T11:00:00.000Z',
  id: 'a1b2',
  ...over,
})

describe('policy', () => {
  it('choosePublishMode: explicit wins; auto stages only a token known to be stage-only', () => {
    expect(choosePublishMode('stage', false).mode).toBe('stage')
    expect(choosePublishMode('direct', true).mode).toBe('direct')
    expect(choosePublishMode('auto', true)).toEqual({ mode: 'stage', reason: 'publish: auto and the token is stage-only' })
    expect(choosePublishMode('auto', undefined).mode).toBe('direct')
    expect(PUBLISH_COMMAND).toEqual({ direct: 'npm publish', stage: 'npm stage publish' })
  })
  it('the cutoff names the month, E_STAGE_REQUIRED and both ways on; past it, it says ended', () => {
    const f = directPublishingCutoff({
      trustCommands: [
        'npm trust github pkg --repo o/r --file release.yml --allow-publish --yes',
        'npm trust github two --repo o/r --file release.yml --allow-publish --yes',
      ],
      now: NOW,
    })
    expect(f.level).toBe('warning')
    expect(f.title).toBe('Direct publishing with tokens ends in January 2027')
    expect(f.message).toContain('E_STAGE_REQUIRED')
    expect(f.message).toContain('npm trust github pkg --repo o/r --file release.yml --allow-publish --yes')
    expect(f.message).toContain('npm trust github two --repo o/r')
    expect(f.message).toContain('id-token: write')
    expect(f.message).toContain('npm stage publish')
    expect(f.message).toContain('read-write-stage-only')
    expect(DIRECT_TOKEN_PUBLISHING_END.label).toBe('January 2027')
    expect(directPublishingCutoff({ trustCommands: ['x'], now: new Date('2027-02-01T00:00:00Z') }).title).toBe(
      'Direct publishing with tokens ended in January 2027',
    )
  })
  it('staged versions: a notice while fresh, a warning past stage-warn-days, with the approve command', () => {
    const [old, fresh, undated] = stagedFindings(
      [staged(), staged({ id: 'c3', stagedAt: '2026-11-29T12:00:00.000Z' }), staged({ id: 'd4', stagedAt: '' })],
      3,
      NOW,
    )
    expect(old).toMatchObject({ level: 'warning', title: 'pkg@1.2.0 waits for approval (5 days)' })
    expect(old.message).toContain('npm stage approve a1b2')
    expect(old.message).toContain('longer than stage-warn-days (3)')
    expect(fresh).toMatchObject({ level: 'notice', title: 'pkg@1.2.0 waits for approval (1 day)' })
    expect(undated.level).toBe('notice')
  })
  it('inputs: publish and stage-warn-days are validated with the value quoted', () => {
    const parse = (inputs: Record<string, string>) => parseSettings((n) => inputs[n] ?? '')
    expect(parse({})).toMatchObject({ publish: 'auto', stageWarnDays: 3 })
    expect(parse({ publish: 'STAGE', 'stage-warn-days': '7' })).toMatchObject({ publish: 'stage', stageWarnDays: 7 })
    expect(() => parse({ publish: 'later' })).toThrow(`Input 'publish': "later" is not one of 'auto', 'direct', 'stage'.`)
    expect(() => parse({ 'stage-warn-days': '-1' })).toThrow(`Input 'stage-warn-days': "-1" is not a whole number`)
  })
})

describe('the staging area over HTTP', () => {
  let server: Server
  let base: string
  const seen: string[] = []
  const items = Array.from({ length: 130 }, (_, i) => ({
    id: `id-${i}`,
    packageName: '@acme/pkg',
    version: `1.0.${i}`,
    tag: 'next',
    createdAt: '2026-11-20T00:00:00Z',
  }))
  let answer: 'paged' | 'missing' | 'broken' = 'paged'
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`)
      const url = new URL(req.url!, 'http://x')
      if (answer === 'missing') return res.writeHead(404).end('{}')
      if (answer === 'broken') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"nope":1}')
      const page = Number(url.searchParams.get('page'))
      const perPage = Number(url.searchParams.get('perPage'))
      if (url.searchParams.get('package') === 'small') {
        // A registry that pages smaller than asked: 2 per page whatever perPage says.
        const three = items.slice(0, 3).map((i) => ({ ...i, packageName: 'small' }))
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end(JSON.stringify({ items: three.slice(page * 2, page * 2 + 2), page, perPage: 2, total: 3 }))
      }
      const mine = url.searchParams.get('package') === '@acme/pkg' ? items : []
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ items: mine.slice(page * perPage, (page + 1) * perPage), page, perPage, total: mine.length }))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))
  const http = () => new HttpClient({ deadline: Date.now() + 10_000, retryBaseMs: 10 })

  it('pages as npm stage list does, per package, with that package’s token', async () => {
    seen.length = 0
    answer = 'paged'
    const result = await listStaged({
      http: http(),
      registry: new URL(base),
      token: (n) => (n === 'other' ? undefined : `tok-${n}`),
      packages: ['@acme/pkg', 'other'],
    })
    expect(result.kind).toBe('listed')
    const versions = result.kind === 'listed' ? result.versions : []
    expect(versions).toHaveLength(130)
    expect(versions[0]).toEqual({ package: '@acme/pkg', version: '1.0.0', tag: 'next', stagedAt: '2026-11-20T00:00:00.000Z', id: 'id-0' })
    expect(seen).toEqual([
      'GET /-/stage?package=%40acme%2Fpkg&page=0&perPage=100 Bearer tok-@acme/pkg',
      'GET /-/stage?package=%40acme%2Fpkg&page=1&perPage=100 Bearer tok-@acme/pkg',
    ])
  })
  it('keeps paging until the total when the registry pages smaller than asked', async () => {
    answer = 'paged'
    const result = await listStaged({ http: http(), registry: new URL(base), token: () => 't', packages: ['small'] })
    expect(result.kind === 'listed' ? result.versions.map((v) => v.id) : []).toEqual(['id-0', 'id-1', 'id-2'])
  })
  it('a registry without staging (404) or with a broken answer is "unavailable", not an error', async () => {
    answer = 'missing'
    expect(await listStaged({ http: http(), registry: new URL(base), token: () => 't', packages: ['p'] })).toEqual({
      kind: 'unavailable',
      reason: 'the registry has no staging area (HTTP 404)',
    })
    answer = 'broken'
    expect((await listStaged({ http: http(), registry: new URL(base), token: () => 't', packages: ['p'] })).kind).toBe('unavailable')
  })
  it('assessPublishing: cutoff only for a direct token publish on npm’s registry; staged versions listed and graded', async () => {
    answer = 'paged'
    const settings = parseSettings((n) => ({ packages: '@acme/pkg' })[n] ?? '')
    const input = (over: Partial<PublishingInput>): PublishingInput => ({
      http: http(),
      registry: new URL(base),
      npmRegistry: true,
      isPublicRegistry: true,
      method: 'token',
      settings,
      tokenFor: () => 'tok',
      tokenStageOnly: false,
      env: { GITHUB_REPOSITORY: 'acme/pkg', GITHUB_WORKFLOW_REF: 'acme/pkg/.github/workflows/release.yml@refs/heads/main' },
      now: NOW,
      ...over,
    })
    const direct = await assessPublishing(input({}))
    expect(direct.command).toBe('npm publish')
    expect(direct.findings[0].title).toBe('Direct publishing with tokens ends in January 2027')
    expect(direct.findings[0].message).toContain('npm trust github @acme/pkg --repo acme/pkg --file release.yml --allow-publish --yes')
    expect(direct.staged).toHaveLength(130)
    expect(direct.status).toBe('warning')

    const stageOnly = await assessPublishing(input({ tokenStageOnly: true }))
    expect(stageOnly.command).toBe('npm stage publish')
    expect(stageOnly.findings.some((f) => f.title.startsWith('Direct publishing'))).toBe(false)

    const elsewhere = await assessPublishing(input({ npmRegistry: false, isPublicRegistry: false }))
    expect(elsewhere.findings).toEqual([])
    expect(elsewhere.staged).toBeUndefined() // no staging request at all off npm's registry with direct publishing

    const oidc = await assessPublishing(input({ method: 'oidc', settings: { ...settings, publish: 'stage' } }))
    expect(oidc.note).toContain('does not say which actions the trusted publisher allows')
    expect(oidc.findings.map((f) => f.title)).toContain('The trusted publisher must allow staged publishing')
    expect(oidc.findings.some((f) => f.title.startsWith('Direct publishing'))).toBe(false)
  })
})
