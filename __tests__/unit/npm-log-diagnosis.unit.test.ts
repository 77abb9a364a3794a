// The post step's diagnosis, pure parts: npm's debug log read into facts, each failure classified with
// its fix. The logs below are in the exact form npm 11 writes (taken from real runs against loopback
// registries); the integration suite runs real npm for each cause.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { commandKind, explainRun, packageOfUrl } from '../../src/diagnose/classify.js'
import { decodeContext, encodeContext, type DiagnosisContext } from '../../src/diagnose/context.js'
import { explainLogs } from '../../src/diagnose/explain-logs.js'
import { listDebugLogs } from '../../src/diagnose/log-files.js'
import { failed, parseNpmLog, readNpmLog } from '../../src/diagnose/npm-log.js'
import { explanationAnnotation, explanationsMarkdown, scrubSecrets } from '../../src/diagnose/render.js'
import { githubTrustCommand, shellWord } from '../../src/oidc/trust-command.js'

const REG = 'http://127.0.0.1:4873'
const TOKEN = 'npm_abcdefghijklmnopqrstuvwxyz0123456789'

/** A debug log as npm writes it: numbered lines; `body` are `<level> <text>` lines. */
function npmLog(title: string, body: string[], exit = 1): string {
  const head = [
    'verbose cli /usr/bin/node /usr/bin/npm',
    'info using npm@11.19.1',
    'info using node@v24.11.0',
    `verbose title npm ${title}`,
    `verbose argv "${title.split(' ').join('" "')}"`,
  ]
  const tail = [
    'verbose cwd /work/pkg',
    'verbose os Linux 6.1',
    'verbose node v24.11.0',
    'verbose npm  v11.19.1',
    `verbose exit ${exit}`,
    `verbose code ${exit}`,
  ]
  if (exit !== 0) tail.push('error A complete log of this run can be found in: /tmp/logs/2026-11-30T14_10_06_927Z-debug-0.log')
  return [...head, ...body, ...tail].map((line, i) => `${i} ${line}`).join('\n') + '\n'
}
const run = (title: string, body: string[], exit = 1) => parseNpmLog('/logs/x-debug-0.log', npmLog(title, body, exit).split('\n'))

const PUBLISH_404 = [
  "verbose publish [ '.' ]",
  'notice',
  'notice 📦  @acme/demo-pkg@1.0.0',
  'notice Tarball Contents',
  'notice 44B package.json',
  'notice shasum: c48af546f122cc3488e5f8862feb90d294bdb964',
  `http fetch GET 404 ${REG}/@acme%2fdemo-pkg 3ms (cache skip)`,
  `notice Publishing to ${REG}/ with tag latest and public access`,
  `http fetch PUT 404 ${REG}/@acme%2fdemo-pkg 2ms`,
  `verbose stack HttpErrorGeneral: 404 Not Found - PUT ${REG}/@acme%2fdemo-pkg - Not found`,
  'verbose statusCode 404',
  'verbose pkgid @acme/demo-pkg@1.0.0',
  'error code E404',
  `error 404 Not Found - PUT ${REG}/@acme%2fdemo-pkg - Not found`,
  'error 404',
]

const context = (over: Partial<DiagnosisContext> = {}): DiagnosisContext => ({
  startedAt: 0,
  logsDir: '/logs',
  logsDirTemporary: false,
  registry: `${REG}/`,
  isPublicRegistry: false,
  authMethod: 'token',
  tokenEnv: 'NODE_AUTH_TOKEN',
  preflight: null,
  claims: null,
  token: null,
  npmVersion: '11.19.1',
  ...over,
})
const OIDC = context({
  authMethod: 'oidc',
  preflight: [{ name: '@acme/demo-pkg', ok: false, status: 404 }],
  claims: { repository: 'acme/demo', workflowRef: 'acme/demo/.github/workflows/release.yml@refs/heads/main', environment: 'npm' },
})

describe('parseNpmLog', () => {
  it('keeps the facts and drops the tarball listing', () => {
    const r = run('publish', PUBLISH_404)
    expect(r).toMatchObject({ title: 'npm publish', npmVersion: '11.19.1', pkgid: '@acme/demo-pkg@1.0.0', errorCode: 'E404', exitCode: 1 })
    expect(r.httpFailures).toEqual([
      { method: 'GET', status: 404, url: `${REG}/@acme%2fdemo-pkg` },
      { method: 'PUT', status: 404, url: `${REG}/@acme%2fdemo-pkg` },
    ])
    expect(r.notices).toEqual([`Publishing to ${REG}/ with tag latest and public access`])
    expect(r.errorLines[0]).toBe(`404 Not Found - PUT ${REG}/@acme%2fdemo-pkg - Not found`)
    expect(r.errorLines.join('\n')).not.toContain('A complete log')
    expect(failed(r)).toBe(true)
  })
  it('a successful run, a log cut before its exit line, and garbage', () => {
    expect(failed(run('publish', ['notice Publishing to x'], 0))).toBe(false)
    const cut = parseNpmLog('f', npmLog('publish', PUBLISH_404).split('\n').slice(0, 20))
    expect(cut.exitCode).toBeUndefined()
    expect(failed(cut)).toBe(true)
    const binary = parseNpmLog('f', ['\u0000\u0001PNG\u0000', 'not a log line', '12 nonsense level'])
    expect(binary).toMatchObject({ title: '', errorLines: [], httpFailures: [] })
    expect(failed(binary)).toBe(false)
  })
  it('caps what it keeps', () => {
    const many = Array.from({ length: 500 }, (_, i) => `http fetch GET 500 ${REG}/p${i} 1ms`)
    const r = run('install', [...many, `error ${'x'.repeat(5000)}`])
    expect(r.httpFailures.length).toBe(40)
    expect(r.errorLines[0].length).toBeLessThanOrEqual(601)
  })
})

describe('commandKind and packageOfUrl', () => {
  it.each([
    ['publish', 'publish'],
    ['stage publish', 'stage publish'],
    ['ci', 'install'],
    ['install', 'install'],
    ['dist-tag add a@1 next', 'dist-tag'],
    ['access set status=public', 'access'],
    ['run build', undefined],
  ])('npm %s → %s', (title, kind) => {
    expect(commandKind(run(title, []))).toBe(kind)
  })
  it('decodes the scoped name from a registry URL', () => {
    expect(packageOfUrl(`${REG}/@acme%2fdemo-pkg`)).toBe('@acme/demo-pkg')
    expect(packageOfUrl(`${REG}/-/npm/v1/oidc/token/exchange/package/x`)).toBe('x')
    expect(packageOfUrl('not a url')).toBeUndefined()
  })
})

describe('explainRun: one cause per failure, with the fix', () => {
  it('OIDC exchange failed, npm fell back, E404 → the exchange message, the claims and the npm trust command', () => {
    const r = run('publish', [
      `http fetch POST 404 ${REG}/-/npm/v1/oidc/token/exchange/package/@acme%2fother 13ms`,
      'verbose oidc Failed token exchange request with body message: OIDC token exchange error - package not found',
      `http fetch PUT 404 ${REG}/@acme%2fother 2ms`,
      'verbose pkgid @acme/other@2.0.0',
      'error code E404',
      `error 404 Not Found - PUT ${REG}/@acme%2fother - Not found`,
    ])
    const e = explainRun(r, OIDC)!
    expect(e.cause).toBe('oidc-exchange-failed')
    expect(e.title).toBe('Trusted publishing failed for @acme/other')
    expect(e.why).toContain('"OIDC token exchange error - package not found"')
    expect(e.why).toContain('repository acme/demo')
    expect(e.why).toMatch(/@acme\/other was not pre-flighted .* add it to `packages`/)
    expect(e.fix).toContain(`npm trust github @acme/other --repo acme/demo --file release.yml --env npm --allow-publish --registry ${REG}/ --yes`)
  })
  it('the same on a never-published package says trusted publishing cannot create it', () => {
    const r = run('publish', ['verbose oidc Failed token exchange request with body message: package not found', ...PUBLISH_404])
    const e = explainRun(r, OIDC)!
    expect(e.cause).toBe('oidc-exchange-failed')
    expect(e.why).toContain('never been published')
    expect(e.why).not.toContain('not pre-flighted')
    expect(e.fix).toMatch(/^Publish the first version of @acme\/demo-pkg by hand/)
  })
  it('stage publish under OIDC asks for --allow-stage-publish', () => {
    const r = run('stage publish', [
      'verbose oidc Failed token exchange request with body message: no matching publisher',
      `http fetch POST 404 ${REG}/-/stage/package/x 1ms`,
      'verbose pkgid x@1.0.0',
      'error code E404',
      'error 404 Not Found',
    ])
    expect(explainRun(r, context({ ...OIDC, preflight: [{ name: 'x', ok: false, status: 404 }] }))!.fix).toContain('--allow-stage-publish')
  })
  it('401 with npm-notice → the token is expired or revoked, quoting the registry', () => {
    const r = run('publish', [
      'notice Access token expired or revoked. Please try logging in again.',
      `http fetch PUT 401 ${REG}/pkg 2ms`,
      'verbose pkgid pkg@1.0.0',
      'error code E401',
      `error 401 Unauthorized - PUT ${REG}/pkg - Unauthorized`,
    ])
    const e = explainRun(r, context())!
    expect(e).toMatchObject({ cause: 'token-rejected', title: 'The registry rejected the token' })
    expect(e.why).toContain('The registry says: "Access token expired or revoked.')
  })
  it('EOTP → 2FA', () => {
    const r = run('publish', [
      `http fetch PUT 401 ${REG}/pkg 2ms`,
      'error code EOTP',
      'error This operation requires a one-time password from your authenticator.',
    ])
    expect(explainRun(r, context())!.cause).toBe('otp-required')
  })
  it('E_STAGE_REQUIRED → npm stage publish', () => {
    const r = run('publish', [
      `http fetch PUT 403 ${REG}/pkg 2ms`,
      'error code E403',
      `error 403 403 Forbidden - PUT ${REG}/pkg - E_STAGE_REQUIRED: stage-only token`,
    ])
    const e = explainRun(r, context())!
    expect(e.cause).toBe('stage-required')
    expect(e.fix).toContain('npm stage publish')
  })
  it('npm refusing to publish over an existing version → bump it', () => {
    const r = run('publish', ['error You cannot publish over the previously published versions: 1.0.0.'])
    expect(explainRun(r)!.cause).toBe('version-exists')
  })
  it('E422 provenance → the repository field', () => {
    const r = run('publish', [
      `http fetch PUT 422 ${REG}/pkg 2ms`,
      'error code E422',
      'error 422 Unprocessable Entity - PUT - Error verifying sigstore provenance bundle: package.json: "repository.url" is "", expected to match "https://github.com/acme/demo"',
    ])
    const e = explainRun(r, OIDC)!
    expect(e.cause).toBe('provenance')
    expect(e.fix).toContain('git+https://github.com/acme/demo.git')
  })
  it('first publish of a scoped package without --access public (402)', () => {
    const r = run('publish', [
      `http fetch GET 404 ${REG}/@acme%2fnew 1ms`,
      `http fetch PUT 402 ${REG}/@acme%2fnew 2ms`,
      'verbose pkgid @acme/new@1.0.0',
      'error code E402',
      'error 402 Payment Required',
    ])
    const e = explainRun(r, context())!
    expect(e.cause).toBe('first-publish')
    expect(e.fix).toContain('--access public')
  })
  it('403 on an existing package with a read-only token', () => {
    const r = run('publish', [`http fetch PUT 403 ${REG}/pkg 2ms`, 'verbose pkgid pkg@1.0.1', 'error code E403', 'error 403 Forbidden'])
    const e = explainRun(r, context({ token: { kind: 'granular', expiresAt: '', readonly: true } }))!
    expect(e.cause).toBe('no-write-access')
    expect(e.why).toContain('read-only')
  })
  it('ENEEDAUTH on the token path → the env variable was empty in that step', () => {
    const r = run('publish', ['error code ENEEDAUTH', 'error need auth This command requires you to be logged in.'])
    expect(explainRun(r, context({ tokenEnv: 'MY_TOKEN' }))!.why).toContain('MY_TOKEN was empty')
  })
  it('install refused on a private scope → which registry and which credential line', () => {
    const r = run('ci', [`http fetch GET 401 ${REG}/@acme%2fprivate 3ms`, 'error code E401', 'error 401 Unauthorized - GET'])
    const e = explainRun(r, context())!
    expect(e.cause).toBe('install-auth')
    expect(e.title).toBe('Install refused by 127.0.0.1:4873')
    const r403 = run('ci', [`http fetch GET 403 ${REG}/@acme%2fprivate 3ms`, 'error code E403', 'error 403 Forbidden - GET'])
    const e403 = explainRun(r403, context())!
    expect(e403.cause).toBe('install-auth')
    expect(e403.fix).toContain('//127.0.0.1:4873/:_authToken=${NODE_AUTH_TOKEN}')
  })
  it("anything else is npm's own error, marked unclassified; successes and other commands explain nothing", () => {
    const e = explainRun(run('publish', ['error code EBADTHING', 'error something odd']))!
    expect(e).toMatchObject({ cause: 'unclassified', npmSaid: 'EBADTHING: something odd' })
    expect(e.title).toContain('unclassified')
    expect(explainRun(run('publish', [], 0))).toBeUndefined()
    expect(explainRun(run('run build', ['error code ELIFECYCLE']))).toBeUndefined()
  })
})

describe('rendering never shows a secret', () => {
  it('scrubs tokens, auth lines, bearer values, JWTs and URL userinfo', () => {
    const text = `${TOKEN} //r/:_authToken=abc123secret Bearer abcdefgh12345678 https://user:p4ss@host/x eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.c2lnbmF0dXJlMTIz ghp_abcdefghijklmnopqrstuvwxyz`
    const out = scrubSecrets(text)
    for (const secret of [TOKEN, 'abc123secret', 'abcdefgh12345678', 'p4ss', 'eyJhbGciOiJSUzI1NiJ9', 'ghp_abcdefghijklmnopqrst'])
      expect(out).not.toContain(secret)
    expect(out).toContain('https://***@host/x')
  })
  it('annotation and summary carry the cause, escaped, without the token a registry echoed', () => {
    const r = run('publish', [`http fetch PUT 401 ${REG}/pkg 2ms`, 'error code E401', `error 401 Unauthorized - bad token ${TOKEN} | <b>`])
    const e = explainRun(r, context())!
    const a = explanationAnnotation(e)
    expect(a.message).toContain('Why: ')
    expect(a.message).not.toContain(TOKEN)
    const md = explanationsMarkdown([e])
    expect(md).toMatch(/^## Why the publish failed/)
    expect(md).not.toContain(TOKEN)
    expect(md).toContain('\\|')
    expect(md).not.toContain('<b>')
    expect(explanationsMarkdown([])).toBe('')
  })
})

describe('trust command', () => {
  it('quotes what the shell would split', () => {
    expect(shellWord("it's here")).toBe(`'it'\\''s here'`)
    expect(githubTrustCommand({ packageName: 'p', claims: {}, stage: false })).toBeUndefined()
    expect(
      githubTrustCommand({
        packageName: 'p',
        claims: { repository: 'o/r', workflowRef: 'o/r/.github/workflows/my release.yml@refs/heads/main' },
        stage: false,
        isPublicRegistry: true,
        registry: new URL('https://x/'),
      }),
    ).toBe("npm trust github p --repo o/r --file 'my release.yml' --allow-publish --yes")
  })
})

describe('context and log files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'diag-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  it('the context round-trips and anything else decodes to undefined', () => {
    expect(decodeContext(encodeContext(OIDC))).toEqual(OIDC)
    for (const bad of ['', '{', 'null', '[]', '{"logsDir":1}']) expect(decodeContext(bad)).toBeUndefined()
  })
  it('lists only debug logs written since the job started, and reads them within the budget', async () => {
    const old = join(dir, '2026-01-01T00_00_00_000Z-debug-0.log')
    const mine = join(dir, '2026-11-30T14_10_06_927Z-debug-0.log')
    writeFileSync(old, npmLog('publish', PUBLISH_404))
    writeFileSync(mine, npmLog('publish', PUBLISH_404))
    writeFileSync(join(dir, 'notes.txt'), 'x')
    utimesSync(old, new Date('2026-01-01'), new Date('2026-01-01'))
    const files = listDebugLogs(dir, Date.parse('2026-06-01'))
    expect(files.map((f) => f.path)).toEqual([mine])
    expect(listDebugLogs(join(dir, 'missing'))).toEqual([])
    const explanations = await explainLogs({ files, context: context(), skip: () => {} })
    expect(explanations.map((e) => e.cause)).toEqual(['first-publish'])
    const skipped: string[] = []
    const none = await explainLogs({
      files: [...files, { path: join(dir, 'gone-debug-0.log'), mtimeMs: Date.now(), size: 1 }],
      skip: (f) => skipped.push(f),
      budget: { maxFiles: 5, maxBytesPerFile: 100, maxTotalBytes: 150 },
    })
    expect(none).toEqual([]) // cut to 100 bytes: the error lines are never reached
    expect(skipped.some((f) => f.endsWith('gone-debug-0.log'))).toBe(true)
  })
  it('reads a file as a stream, stopping at the byte cap', async () => {
    const big = join(dir, 'big-debug-0.log')
    writeFileSync(big, npmLog('publish', [...Array.from({ length: 20000 }, (_, i) => `silly filler ${i} ${'y'.repeat(80)}`), ...PUBLISH_404]))
    const cut = await readNpmLog(big, 64 * 1024)
    expect(cut.truncated).toBe(true)
    expect(cut.errorCode).toBeUndefined()
    const whole = await readNpmLog(big, 64 * 1024 * 1024)
    expect(whole).toMatchObject({ truncated: false, errorCode: 'E404' })
    const utf8 = join(dir, 'utf8-debug-0.log')
    writeFileSync(utf8, npmLog('publish', ['notice 📦  pkg@1.0.0', 'notice Zugriff verweigert: Paket „ä“ 名', 'error code E403', 'error 403 Forbidden – café']))
    const read = await readNpmLog(utf8, 1024 * 1024)
    expect(read.notices).toEqual(['Zugriff verweigert: Paket „ä“ 名'])
    expect(read.errorLines[0]).toBe('403 Forbidden – café')
  })
})
