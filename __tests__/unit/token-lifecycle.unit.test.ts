import { describe, expect, it } from '@jest/globals'
import type { CreateTokenRequest, CreatedToken, RegistryToken } from '../../src/registry/token-admin.js'
import { parseTokenEntry } from '../../src/registry/token-admin.js'
import { formatExpiryRecord, matchesRedacted, redactedForm, splitExpiryRecord } from '../../src/registry/token-record.js'
import { parseExpiresOn } from '../../src/settings/parse.js'
import { createAndStore, findCurrent, LifecycleError, resolveOne, rotate, type SecretStorePort, type TokenRegistryPort } from '../../src/tokens/lifecycle.js'
import { namePattern, renderTable, tokenRows, worstRow } from '../../src/tokens/list-report.js'
import { defaultTokenName, parseCidrs, parseExpiresDays, parsePermission, successorRequest } from '../../src/tokens/plan.js'

const NOW = new Date('2026-11-30T12:00:00Z')
const DAY = 86_400_000
/** A turn of the event loop, as real I/O takes. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve))
const NEW_TOKEN = 'npm_NewNewNewNewNewNewNewNewNewNew1234'
const OLD_TOKEN = 'npm_OldOldOldOldOldOldOldOldOldOld9876'

function token(over: Partial<RegistryToken> = {}): RegistryToken {
  return {
    key: over.key ?? '3f1a2b3c-0000-4000-8000-000000000001',
    packages: ['pkg'],
    allPackages: false,
    scopes: [],
    orgs: [],
    cidr: [],
    revoked: false,
    granular: true,
    ...over,
  }
}

/** In-memory npm + GitHub, with a failure injectable at each step; every call recorded in order. */
function world(
  fail: Partial<Record<'create' | 'verify' | 'getVariable' | 'setVariable' | 'putSecret' | 'remove' | 'removeNew' | 'deleteVariable', boolean>> = {},
) {
  const calls: string[] = []
  const live = new Map<string, string>([['old-id', OLD_TOKEN]])
  const secrets = new Map<string, string>([['NPM_TOKEN', OLD_TOKEN]])
  const variables = new Map<string, string>([['NPM_TOKEN_EXPIRES_AT', '2026-12-01T00:00:00.000Z npm_OldO...9876 NPM_TOKEN']])
  const boom = (what: string) => {
    throw new Error(`${what} exploded`)
  }
  const registry: TokenRegistryPort = {
    list: async () => {
      await tick()
      return []
    },
    create: async (request: CreateTokenRequest): Promise<CreatedToken> => {
      await tick()
      calls.push('create')
      if (fail.create) boom('create')
      live.set('new-id', NEW_TOKEN)
      return {
        ...token({ key: 'new-id', name: request.name, expiresAt: new Date(NOW.getTime() + request.expiresDays * DAY), permission: request.permission }),
        token: NEW_TOKEN,
      }
    },
    remove: async (key) => {
      await tick()
      calls.push(`remove ${key}`)
      if (fail.remove && key === 'old-id') boom('revoke')
      if (fail.removeNew && key === 'new-id') boom('revoke')
      live.delete(key)
    },
    verify: async (t) => {
      await tick()
      calls.push('verify')
      if (fail.verify) boom('whoami')
      return [...live.values()].includes(t) ? 'alice' : boom('whoami')
    },
  }
  const store: SecretStorePort = {
    putSecret: async (name, value) => {
      await tick()
      calls.push(`putSecret ${name}`)
      if (fail.putSecret) boom('PUT secret')
      secrets.set(name, value)
      return 'updated'
    },
    getVariable: async (name) => {
      await tick()
      calls.push(`getVariable ${name}`)
      if (fail.getVariable) boom('GET variable')
      return variables.get(name)
    },
    setVariable: async (name, value) => {
      await tick()
      calls.push(`setVariable ${name}`)
      if (fail.setVariable && !calls.includes('putSecret NPM_TOKEN')) boom('PATCH variable')
      variables.set(name, value)
      return 'updated'
    },
    deleteVariable: async (name) => {
      await tick()
      calls.push(`deleteVariable ${name}`)
      if (fail.deleteVariable) boom('DELETE variable')
      variables.delete(name)
    },
  }
  return { calls, live, secrets, variables, registry, store }
}

const destination = { owner: 'octo', repo: 'lib', secret: 'NPM_TOKEN' }
const request: CreateTokenRequest = {
  name: 'setup-npm-auth:octo/lib:NPM_TOKEN',
  expiresDays: 30,
  packages: ['pkg'],
  scopes: [],
  orgs: [],
  permission: 'read-write',
  cidr: [],
  bypass2fa: false,
}

function rotation(w: ReturnType<typeof world>, keepOld = false) {
  return rotate({
    current: token({ key: 'old-id', redacted: 'npm_OldO...9876' }),
    request,
    keepOld,
    registry: w.registry,
    store: { port: w.store, destination },
    progress: { step: () => {} },
    now: NOW,
    cli: 'npx setup-npm-auth',
  })
}

describe('token rotate: nothing is revoked until the successor is stored and verified', () => {
  it('in order: create, verify, record, store, then revoke the old token', async () => {
    const w = world()
    const result = await rotation(w)
    expect(w.calls).toEqual([
      'create',
      'verify',
      'getVariable NPM_TOKEN_EXPIRES_AT',
      'setVariable NPM_TOKEN_EXPIRES_AT',
      'putSecret NPM_TOKEN',
      'remove old-id',
    ])
    expect(w.secrets.get('NPM_TOKEN')).toBe(NEW_TOKEN)
    expect(w.variables.get('NPM_TOKEN_EXPIRES_AT')).toBe(`${new Date(NOW.getTime() + 30 * DAY).toISOString()} npm_NewN...1234 NPM_TOKEN`)
    expect([...w.live.keys()]).toEqual(['new-id'])
    expect(result.revokedOld).toBe(true)
    expect(JSON.stringify(result.stored)).not.toContain(NEW_TOKEN)
  })

  it('--keep-old leaves the old token alive', async () => {
    const w = world()
    await rotation(w, true)
    expect([...w.live.keys()].sort()).toEqual(['new-id', 'old-id'])
  })

  it('create fails: nothing changed anywhere', async () => {
    const w = world({ create: true })
    await expect(rotation(w)).rejects.toThrow('create exploded')
    expect(w.secrets.get('NPM_TOKEN')).toBe(OLD_TOKEN)
    expect([...w.live.keys()]).toEqual(['old-id'])
    expect(w.calls).toEqual(['create'])
  })

  it('verify fails: the new token is revoked again, secret and variable untouched', async () => {
    const w = world({ verify: true })
    const error = await rotation(w).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LifecycleError)
    expect(String(error)).toMatch(/revoked again.*everything else is as it was/)
    expect(w.calls).toEqual(['create', 'verify', 'remove new-id'])
    expect([...w.live.keys()]).toEqual(['old-id'])
    expect(w.secrets.get('NPM_TOKEN')).toBe(OLD_TOKEN)
  })

  it('the variable cannot be written: the new token is revoked, nothing else changed', async () => {
    const w = world({ setVariable: true })
    await expect(rotation(w)).rejects.toThrow(/Recording the expiry.*PATCH variable exploded.*revoked again/)
    expect([...w.live.keys()]).toEqual(['old-id'])
    expect(w.variables.get('NPM_TOKEN_EXPIRES_AT')).toContain('npm_OldO...9876')
  })

  it('the secret PUT fails: the variable is put back and the new token revoked; the old token stays', async () => {
    const w = world({ putSecret: true })
    await expect(rotation(w)).rejects.toThrow(/Storing the token in the secret NPM_TOKEN failed.*revoked again/)
    expect(w.variables.get('NPM_TOKEN_EXPIRES_AT')).toBe('2026-12-01T00:00:00.000Z npm_OldO...9876 NPM_TOKEN')
    expect(w.secrets.get('NPM_TOKEN')).toBe(OLD_TOKEN)
    expect([...w.live.keys()]).toEqual(['old-id'])
    expect(w.calls).not.toContain('remove old-id')
  })

  it('a variable that did not exist before is deleted again when the secret PUT fails', async () => {
    const w = world({ putSecret: true })
    w.variables.clear()
    await expect(rotation(w)).rejects.toThrow(LifecycleError)
    expect(w.calls).toContain('deleteVariable NPM_TOKEN_EXPIRES_AT')
    expect(w.variables.size).toBe(0)
  })

  it('the undo itself fails: says the new token is still alive and the one command that revokes it', async () => {
    const w = world({ putSecret: true, removeNew: true })
    const error = (await rotation(w).catch((e: unknown) => e)) as LifecycleError
    expect(error.state).toMatch(/could NOT be revoked/)
    expect(error.finish).toBe('npx setup-npm-auth token revoke new-id')
  })

  it('revoking the old token fails: the new one is in use, the message names the finishing command', async () => {
    const w = world({ remove: true })
    const error = (await rotation(w).catch((e: unknown) => e)) as LifecycleError
    expect(error).toBeInstanceOf(LifecycleError)
    expect(error.state).toMatch(/new token npm_NewN...1234 is stored in NPM_TOKEN and verified.*old token npm_OldO...9876 is still valid/)
    expect(error.finish).toBe('npx setup-npm-auth token revoke old-id')
    expect(w.secrets.get('NPM_TOKEN')).toBe(NEW_TOKEN)
  })

  it('create with --print-token: no GitHub side at all; the new token is handed for masking before verification', async () => {
    const w = world()
    const learned: string[] = []
    const result = await createAndStore({
      request,
      registry: w.registry,
      progress: { step: () => {} },
      now: NOW,
      cli: 'x',
      learned: (secret) => learned.push(`${secret} after ${w.calls.join(',')}`),
    })
    expect(learned).toEqual([`${NEW_TOKEN} after create`])
    expect(result.stored).toBeUndefined()
    expect(w.calls).toEqual(['create', 'verify'])
  })
})

describe('finding the token to replace or revoke', () => {
  const a = token({ key: 'aaaaaaaa-1111-4000-8000-000000000001', name: 'setup-npm-auth:octo/lib:NPM_TOKEN', redacted: 'npm_AAAA...1111' })
  const b = token({ key: 'aaaaaaab-2222-4000-8000-000000000002', name: 'setup-npm-auth:octo/lib:NPM_TOKEN', redacted: 'npm_BBBB...2222' })
  const c = token({ key: 'cccccccc-3333-4000-8000-000000000003', name: 'website', redacted: 'npm_CCCC...3333' })
  const dead = token({ key: 'dddddddd-4444-4000-8000-000000000004', name: 'website', revoked: true })

  it('by name; two of that name are settled by the recorded fingerprint', () => {
    expect(findCurrent([a, c], { name: a.name! }).key).toBe(a.key)
    expect(findCurrent([a, b, c], { name: a.name!, recorded: '2027-01-01T00:00:00.000Z npm_BBBB...2222 NPM_TOKEN' }).key).toBe(b.key)
    expect(() => findCurrent([a, b], { name: a.name! })).toThrow(/2 live tokens are named .*--token-id/)
    expect(() => findCurrent([c], { name: a.name! })).toThrow(/No live token is named .*--token-id/)
  })

  it('by id, a unique id prefix (6+), a name or the redacted form; ambiguous and unknown refused; revoked never', () => {
    expect(resolveOne([a, b, c], c.key).key).toBe(c.key)
    expect(resolveOne([a, b, c], 'cccccc').key).toBe(c.key)
    expect(
      resolveOne(
        [a, b, c, dead].filter((t) => !t.revoked),
        'website',
      ).key,
    ).toBe(c.key)
    expect(resolveOne([a, b, c], 'npm_CCCC...3333').key).toBe(c.key)
    expect(() => resolveOne([a, b, c], 'aaaaaa')).toThrow(/matches 2 tokens/)
    expect(() => resolveOne([a, b, c], 'ccc')).toThrow(/No token matches/)
    expect(() => resolveOne([a, b], a.name!)).toThrow(/matches 2 tokens/)
  })

  it('the successor copies packages, scopes, orgs, permission, CIDR and 2FA; expiry from the old lifetime, capped', () => {
    const old = token({
      packages: ['a', 'b'],
      scopes: ['@x'],
      orgs: ['o'],
      orgsPermission: 'read-only',
      permission: 'read-write-stage-only',
      cidr: ['192.0.2.0/24'],
      bypass2fa: true,
      createdAt: new Date('2026-01-01T00:00:00Z'),
      expiresAt: new Date('2026-03-02T00:00:00Z'),
    })
    expect(successorRequest(old, 'n', undefined)).toMatchObject({
      name: 'n',
      expiresDays: 60,
      packages: ['a', 'b'],
      scopes: ['@x'],
      orgs: ['o'],
      orgsPermission: 'read-only',
      permission: 'read-write-stage-only',
      cidr: ['192.0.2.0/24'],
      bypass2fa: true,
    })
    expect(successorRequest({ ...old, expiresAt: new Date('2027-06-01T00:00:00Z') }, 'n', undefined).expiresDays).toBe(90)
    expect(successorRequest(old, 'n', 7).expiresDays).toBe(7)
  })
})

describe('create options', () => {
  it('expiry: 1..90 days for a write token (npm cap), longer for read-only; 0, -1, 400, 1.5 refused', () => {
    expect(parseExpiresDays(undefined, 'read-write')).toBe(30)
    expect(parseExpiresDays('90', 'read-write-stage-only')).toBe(90)
    expect(parseExpiresDays('400', 'read-only')).toBe(400)
    for (const bad of ['0', '-1', '400', '91', '1.5', 'soon'])
      expect(() => parseExpiresDays(bad, 'read-write')).toThrow(/--expires.*1 to 90.*cap for a token that can publish is 90 days/)
  })

  it('permission words', () => {
    expect(parsePermission(undefined)).toBe('read-write')
    expect(parsePermission('stage-only')).toBe('read-write-stage-only')
    expect(parsePermission('read-only')).toBe('read-only')
    expect(() => parsePermission('admin')).toThrow(/"admin" is not a permission. Expected read-write, stage-only or read-only/)
  })

  it("CIDR: IPv4 ranges, refused in npm's own words", () => {
    expect(parseCidrs('192.0.2.0/24, 10.0.0.0/8')).toEqual(['192.0.2.0/24', '10.0.0.0/8'])
    expect(() => parseCidrs('192.0.2.0/33')).toThrow('CIDR whitelist contains invalid CIDR entry: "192.0.2.0/33"')
    expect(() => parseCidrs('300.1.1.1/8')).toThrow('CIDR whitelist contains invalid CIDR entry')
    expect(() => parseCidrs('10.0.0.1')).toThrow('CIDR whitelist contains invalid CIDR entry')
    expect(() => parseCidrs('2001:db8::/32')).toThrow('CIDR whitelist can only contain IPv4 addresses, "2001:db8::/32" is IPv6')
  })

  it('default name: rotation finds the token by it', () => {
    expect(defaultTokenName(destination)).toBe('setup-npm-auth:octo/lib:NPM_TOKEN')
    expect(defaultTokenName({ ...destination, environment: 'prod' })).toBe('setup-npm-auth:octo/lib:NPM_TOKEN@prod')
  })
})

describe('the expiry record and the fingerprint', () => {
  it("the fingerprint is npm's redacted form: 8 + 4 for granular tokens, 4 + 4 otherwise, none when short", () => {
    expect(redactedForm(NEW_TOKEN)).toBe('npm_NewN...1234')
    expect(redactedForm('abcdefghijklmnopqrstuvwxyz')).toBe('abcd...wxyz')
    expect(redactedForm('short-token')).toBeUndefined()
    expect(matchesRedacted('npm_NewN...1234', NEW_TOKEN)).toBe(true)
    expect(matchesRedacted('npm_NewN...1235', NEW_TOKEN)).toBe(false)
  })

  it('round-trips through the variable and is read by expires-on; a plain date still works', () => {
    const record = formatExpiryRecord({
      expiresAt: new Date('2027-02-28T10:00:00Z'),
      fingerprint: 'npm_NewN...1234',
      secret: 'NPM_TOKEN',
      environment: 'prod eu',
    })
    expect(record).toBe('2027-02-28T10:00:00.000Z npm_NewN...1234 NPM_TOKEN@prod%20eu')
    expect(splitExpiryRecord(record)).toEqual({ date: '2027-02-28T10:00:00.000Z', fingerprint: 'npm_NewN...1234', secret: 'NPM_TOKEN', environment: 'prod eu' })
    expect(parseExpiresOn(record)).toEqual({
      expiresOn: new Date('2027-02-28T10:00:00Z'),
      expiryRecord: { fingerprint: 'npm_NewN...1234', secret: 'NPM_TOKEN', environment: 'prod eu' },
    })
    expect(parseExpiresOn('2027-03-31')).toEqual({ expiresOn: new Date('2027-03-31T00:00:00Z') })
    expect(parseExpiresOn('2027-03-31T10:00:00+02:00').expiresOn?.toISOString()).toBe('2027-03-31T08:00:00.000Z')
    for (const bad of ['2027-02-30', '2027-02-28 junk', '2027-02-28 npm_NewN...1234 lower', '2027-02-28 a b c d'])
      expect(() => parseExpiresOn(bad)).toThrow(/expires-on/)
  })
})

describe('token list', () => {
  const entries = [
    {
      key: 'k1',
      name: 'far',
      token: 'npm_Far0...0001',
      expiry: new Date(NOW.getTime() + 60 * DAY).toISOString(),
      permissions: [{ name: 'package', action: 'write' }],
      scopes: [{ type: 'package', name: 'a' }],
    },
    {
      key: 'k2',
      name: 'soon',
      token: 'npm_Soon...0002',
      expiry: new Date(NOW.getTime() + 5 * DAY).toISOString(),
      permissions: [{ name: 'package', action: 'read-write-stage-only' }],
      scopes: [{ type: 'scope', name: '@x' }],
      cidr: ['192.0.2.0/24'],
      bypass_2fa: false,
    },
    {
      key: 'k3',
      name: 'gone',
      token: 'npm_Gone...0003',
      expiry: new Date(NOW.getTime() - 2 * DAY).toISOString(),
      permissions: [{ name: 'package', action: 'read' }],
      scopes: [{ type: 'package', name: '*' }],
      revoked: true,
    },
    { key: 'k4', name: 'forever', token: 'npm_Ever...0004', expiry: null, permissions: [{ name: 'package', action: 'read' }], scopes: [] },
  ].map((e) => parseTokenEntry(e)!)

  it('soonest expiry first, graded like the action; revoked tokens shown but not graded', () => {
    const rows = tokenRows(entries, { now: NOW, warnDays: 14, failDays: 0, registry: new URL('http://127.0.0.1/') })
    expect(rows.map((r) => [r.name, r.status, r.daysLeft, r.permission])).toEqual([
      ['soon', 'warning', 5, 'stage-only'],
      ['far', 'ok', 60, 'read-write'],
      ['forever', 'ok', null, 'read-only'],
      ['gone', 'revoked', -2, 'read-only'],
    ])
    expect(worstRow(rows)).toBe('warning')
    expect(rows[0].scopes).toEqual(['@x'])
    expect(rows[0].cidr).toEqual(['192.0.2.0/24'])
    const table = renderTable(rows, false)
    expect(table.split('\n')[0]).toMatch(/^STATUS\s+EXPIRES\s+DAYS\s+NAME\s+TOKEN\s+ID\s+KIND\s+PERMISSION/)
    expect(table).not.toContain('\x1b[')
    expect(renderTable(rows, true)).toContain('\x1b[33m')
  })

  it('--name patterns', () => {
    expect(namePattern('setup-npm-auth:*')('setup-npm-auth:o/r:NPM_TOKEN')).toBe(true)
    expect(namePattern('a.b')('axb')).toBe(false)
  })
})
