// Issue #11, items 10, 12 and 14, through the built action: two uses in one job (two registries), the
// runner's command files failing to take a line, a relative or missing RUNNER_TEMP, a github-token that is
// not used, an absurd expiry. Loopback registries only; every run through the canary.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, relative } from 'node:path'
import { cleanupRunDirs, runAction, type RunActionResult, type RunDirs } from '../../test-support/run-action.ts'
import { assertNoSecretLeak } from '../../test-support/canary.ts'
import { startFakeNpmjs, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'
import { installWith, NPMRC_CLIENTS, npmStepEnv, publishWith, runYarn, writeFixturePackage } from '../../test-support/npm-cli.ts'

const stamp = () => `${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36)}`
const TOKEN_A = `npm_RELA${stamp()}publishing`
const TOKEN_B = `npm_RELB${stamp()}privatescope`
const OLD = `npm_RELOLD${stamp()}userfile`

let a: FakeNpmjs
let b: FakeNpmjs
beforeAll(async () => {
  a = await startFakeNpmjs({ pageSize: 100, tokenList: 'any' })
  b = await startFakeNpmjs({ pageSize: 100 })
  a.addToken({ token: TOKEN_A, username: 'publisher', expiry: new Date(Date.now() + 60 * 86_400_000).toISOString() })
  b.addToken({ token: TOKEN_B, username: 'reader', expiry: new Date(Date.now() + 60 * 86_400_000).toISOString() })
})
afterAll(async () => {
  cleanupRunDirs()
  await a.stop()
  await b.stop()
})

const canary = (r: RunActionResult, extra: string[] = []) => {
  assertNoSecretLeak(r, [TOKEN_A, ...extra], { tokenEnv: 'NODE_AUTH_TOKEN' })
  assertNoSecretLeak(r, [TOKEN_B], { tokenEnv: 'GPR_TOKEN' })
  // The user's own credential stays in the user's file, never in the log.
  expect(`${r.stdout}\n${r.stderr}`).not.toContain(OLD)
}
const errorOf = (r: RunActionResult) =>
  r.annotations
    .filter((x) => x.level === 'error')
    .map((x) => x.message)
    .join('\n')
const noStack = (r: RunActionResult) => {
  expect(r.stdout).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
  expect(r.stderr).not.toMatch(/Unhandled|uncaught/i)
}

async function freshDirs(): Promise<RunDirs> {
  return (await runAction({ inputs: { token: TOKEN_A, 'registry-url': a.url, mode: 'check' } })).dirs
}

describe('two uses of the action in one job (item 10)', () => {
  it.each(NPMRC_CLIENTS)(
    'keeps both registries configured, %s uses both, and the reverse-order post steps give the file back byte for byte',
    async (client) => {
      const dirs = await freshDirs()
      const npmrc = join(dirs.runnerTemp, '.npmrc')
      // The user's own file, with a line each step displaces and no final line break.
      const before = `fund=false\n//127.0.0.1:${a.port}/:_authToken=${OLD}\n@acme:registry=https://old.example.test/`
      writeFileSync(npmrc, before, { mode: 0o644 })

      const first = await runAction({ inputs: { token: TOKEN_A, 'registry-url': a.url }, dirs })
      expect(first.exitCode).toBe(0)
      expect(first.outputs['npmrc-path']).toBe(npmrc)
      const second = await runAction({ inputs: { token: TOKEN_B, 'registry-url': b.url, scope: '@acme', 'token-env': 'GPR_TOKEN' }, dirs: first.dirs })
      expect(second.exitCode).toBe(0)
      expect(second.outputs['npmrc-path']).toBe(npmrc)

      const both = readFileSync(npmrc, 'utf8')
      expect(both).toMatch(new RegExp(`^//127\\.0\\.0\\.1:${a.port}/:_authToken=\\$\\{NODE_AUTH_TOKEN\\}$`, 'm'))
      expect(both).toMatch(new RegExp(`^//127\\.0\\.0\\.1:${b.port}/:_authToken=\\$\\{GPR_TOKEN\\}$`, 'm'))
      expect(both).toMatch(new RegExp(`^@acme:registry=http://127\\.0\\.0\\.1:${b.port}/$`, 'm'))
      expect(both.split('\n').filter((l) => l.startsWith('# >>> setup-npm-auth for //127.0.0.1:'))).toHaveLength(2)

      // A later step: publish to A (unscoped, default registry = a) and @acme/lib to B.
      const env = { ...npmStepEnv(join(dirs.root, 'npm-home')), ...first.env, ...second.env, npm_config_registry: a.url }
      const [unscoped, scoped] = [`two-step-${client}`, `@acme/lib-${client}`]
      const pkg = writeFixturePackage(join(dirs.workspace, 'pub'), unscoped, '1.0.0')
      const publish = await publishWith(client, { cwd: pkg, env })
      expect({ code: publish.code, stderr: publish.code === 0 ? '' : publish.stderr }).toEqual({ code: 0, stderr: '' })
      expect(a.published.map((p) => `${p.name}@${p.version} by ${p.username}`)).toContain(`${unscoped}@1.0.0 by publisher`)
      const lib = writeFixturePackage(join(dirs.workspace, 'lib'), scoped, '2.0.0')
      expect((await publishWith(client, { cwd: lib, env })).code).toBe(0)
      expect(b.published.map((p) => `${p.name}@${p.version} by ${p.username}`)).toContain(`${scoped}@2.0.0 by reader`)
      expect(a.published.map((p) => p.name)).not.toContain(scoped)
      // An install reading both registries (on a HOME of its own: nothing cached by the publishes): the scope from B, the unscoped package from A.
      const app = join(dirs.workspace, 'app')
      mkdirSync(app)
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: { [scoped]: '2.0.0', [unscoped]: '1.0.0' } }),
      )
      const aBefore = a.requests.length
      const bBefore = b.requests.length
      const install = await installWith(client, { cwd: app, env: { ...env, ...npmStepEnv(join(dirs.root, 'install-home')) } })
      expect({ code: install.code, stderr: install.code === 0 ? '' : install.stderr }).toEqual({ code: 0, stderr: '' })
      expect(existsSync(join(app, 'node_modules', '@acme', `lib-${client}`, 'package.json'))).toBe(true)
      expect(existsSync(join(app, 'node_modules', unscoped, 'package.json'))).toBe(true)
      const aRequests = a.requests.slice(aBefore)
      const bRequests = b.requests.slice(bBefore)
      expect(aRequests.map((r) => r.path)).toContain(`/${unscoped}/-/${unscoped}-1.0.0.tgz`)
      expect(bRequests.map((r) => r.path)).toContain(`/@acme/lib-${client}/-/lib-${client}-2.0.0.tgz`)
      for (const r of aRequests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN_A}`)
      for (const r of bRequests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN_B}`)

      // Post steps run in reverse order: the second's takes back its own block only.
      const post2 = await runAction({ step: 'post', dirs: second.dirs })
      expect(post2.exitCode).toBe(0)
      const afterPost2 = readFileSync(npmrc, 'utf8')
      expect(afterPost2).not.toContain('GPR_TOKEN')
      expect(afterPost2).toMatch(new RegExp(`^//127\\.0\\.0\\.1:${a.port}/:_authToken=\\$\\{NODE_AUTH_TOKEN\\}$`, 'm'))
      const post1 = await runAction({ step: 'post', dirs: first.dirs })
      expect(post1.exitCode).toBe(0)
      expect(readFileSync(npmrc, 'utf8')).toBe(before)
      for (const r of [first, second, post2, post1]) canary(r)
    },
  )

  it('a second step for the same registry replaces that registry block only', async () => {
    const first = await runAction({ inputs: { token: TOKEN_A, 'registry-url': a.url } })
    const other = await runAction({ inputs: { token: TOKEN_B, 'registry-url': b.url, scope: '@acme', 'token-env': 'GPR_TOKEN' }, dirs: first.dirs })
    const again = await runAction({ inputs: { token: TOKEN_A, 'registry-url': a.url, scope: '@pub' }, dirs: other.dirs })
    expect(again.exitCode).toBe(0)
    const text = readFileSync(again.outputs['npmrc-path'], 'utf8')
    expect(text).toContain(`@pub:registry=http://127.0.0.1:${a.port}/`)
    expect(text.split('\n').filter((l) => l.startsWith(`//127.0.0.1:${a.port}/:_authToken=`))).toHaveLength(1)
    expect(text).toContain(`//127.0.0.1:${b.port}/:_authToken=\${GPR_TOKEN}`)
    expect(text.split('\n').filter((l) => l.startsWith('# >>> setup-npm-auth for '))).toHaveLength(2)
    for (const r of [first, other, again]) canary(r)
  })
})

describe('two uses of the action in one job, for Yarn 2+ (item 10)', () => {
  it('the user-level .yarnrc.yml holds both registries for Yarn, Yarn 4 publishes to and installs from both with their tokens, and the reverse-order posts give it back byte for byte', async () => {
    const dirs = await freshDirs()
    const yarnrc = join(dirs.home, '.yarnrc.yml')
    const before = 'enableTelemetry: false\nnpmRegistries:\n  "https://old.example.test/":\n    npmAuthToken: "${OLD_TOKEN}"\n'
    writeFileSync(yarnrc, before, { mode: 0o644 })
    const yarn = { 'package-manager': 'yarn' }
    const first = await runAction({ inputs: { token: TOKEN_A, 'registry-url': a.url, ...yarn }, dirs })
    expect(first.exitCode).toBe(0)
    const second = await runAction({ inputs: { token: TOKEN_B, 'registry-url': b.url, scope: '@acme', 'token-env': 'GPR_TOKEN', ...yarn }, dirs: first.dirs })
    expect(second.exitCode).toBe(0)
    expect(second.annotations.filter((x) => x.level !== 'notice')).toEqual([])

    // What Yarn reads now: both registries (and the user's own), each key once.
    const { parse } = await import('yaml')
    const seen = parse(readFileSync(yarnrc, 'utf8'), { uniqueKeys: true }) as {
      npmRegistries: Record<string, { npmAuthToken?: string }>
      enableTelemetry: string
    }
    expect(Object.keys(seen.npmRegistries)).toEqual(expect.arrayContaining(['https://old.example.test/', `//127.0.0.1:${a.port}/`, `//127.0.0.1:${b.port}/`]))
    expect(seen.npmRegistries[`//127.0.0.1:${a.port}/`].npmAuthToken).toBe('${NODE_AUTH_TOKEN}')
    expect(seen.npmRegistries[`//127.0.0.1:${b.port}/`].npmAuthToken).toBe('${GPR_TOKEN}')

    // Yarn 4 itself, in later steps: it publishes and installs the unscoped package on A with A's token, @acme's on B with B's.
    // OLD_TOKEN: the user's own entry references it, and Yarn refuses a config naming an unset variable.
    const yarnEnv = { ...first.env, ...second.env, HOME: dirs.home, OLD_TOKEN: 'unused', YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' }
    const [aBefore, bBefore] = [a.requests.length, b.requests.length]
    for (const [name, version] of [
      ['two-step-yarn', '1.0.0'],
      ['@acme/lib-yarn', '2.0.0'],
    ]) {
      const pkg = writeFixturePackage(join(dirs.workspace, name.replace('/', '-')), name, version)
      writeFileSync(join(pkg, 'yarn.lock'), '')
      expect((await runYarn(['install'], { cwd: pkg, env: yarnEnv })).code).toBe(0) // no dependencies: its lockfile only
      const published = await runYarn(['npm', 'publish'], { cwd: pkg, env: yarnEnv })
      expect({ code: published.code, out: published.code === 0 ? '' : published.stdout }).toEqual({ code: 0, out: '' })
    }
    expect(a.published.map((p) => `${p.name}@${p.version} by ${p.username}`)).toContain('two-step-yarn@1.0.0 by publisher')
    expect(b.published.map((p) => `${p.name}@${p.version} by ${p.username}`)).toContain('@acme/lib-yarn@2.0.0 by reader')
    const project = join(dirs.workspace, 'yarn-app')
    mkdirSync(project)
    // The seeded versions are seconds old: Yarn 4.10+ holds back versions younger than a day unless preapproved.
    writeFileSync(join(project, '.yarnrc.yml'), 'nodeLinker: node-modules\nnpmPreapprovedPackages: ["two-step-yarn", "@acme/*"]\n')
    writeFileSync(join(project, 'yarn.lock'), '')
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'app', private: true, dependencies: { '@acme/lib-yarn': '2.0.0', 'two-step-yarn': '1.0.0' } }),
    )
    const install = await runYarn(['install'], { cwd: project, env: yarnEnv })
    expect({ code: install.code, out: install.code === 0 ? '' : install.stdout }).toEqual({ code: 0, out: '' })
    expect(existsSync(join(project, 'node_modules', '@acme', 'lib-yarn', 'package.json'))).toBe(true)
    expect(a.requests.slice(aBefore).map((r) => r.path)).toContain('/two-step-yarn/-/two-step-yarn-1.0.0.tgz')
    expect(b.requests.slice(bBefore).map((r) => decodeURIComponent(r.path))).toContain('/@acme/lib-yarn/-/lib-yarn-2.0.0.tgz')
    for (const r of a.requests.slice(aBefore)) expect(r.headers.authorization).toBe(`Bearer ${TOKEN_A}`)
    for (const r of b.requests.slice(bBefore)) expect(r.headers.authorization).toBe(`Bearer ${TOKEN_B}`)

    const post2 = await runAction({ step: 'post', dirs: second.dirs })
    expect(post2.exitCode).toBe(0)
    const afterPost2 = parse(readFileSync(yarnrc, 'utf8'), { uniqueKeys: true }) as { npmRegistries: Record<string, unknown> }
    expect(Object.keys(afterPost2.npmRegistries)).toEqual(expect.arrayContaining(['https://old.example.test/', `//127.0.0.1:${a.port}/`]))
    expect(Object.keys(afterPost2.npmRegistries)).not.toContain(`//127.0.0.1:${b.port}/`)
    const post1 = await runAction({ step: 'post', dirs: first.dirs })
    expect(post1.exitCode).toBe(0)
    expect(readFileSync(yarnrc, 'utf8')).toBe(before)
    for (const r of [first, second, post2, post1]) canary(r)
  })
})

describe('command files that cannot be written (item 12)', () => {
  const targets: Array<[string, (dirs: RunDirs) => string]> = [['a directory', (dirs) => mkdirP(join(dirs.root, 'not-a-file'))]]
  if (existsSync('/dev/full')) targets.push(['/dev/full (a full disk)', () => '/dev/full'])

  it.each(targets)('GITHUB_STATE is %s: a clean error and no .npmrc left without its state', async (_name, target) => {
    const dirs = await freshDirs()
    const result = await runAction({ inputs: { token: TOKEN_A, 'registry-url': a.url }, dirs, env: { GITHUB_STATE: target(dirs) } })
    expect(result.exitCode).toBe(1)
    expect(errorOf(result)).toMatch(/Could not save the state the post step needs to remove the \.npmrc \(.*(EISDIR|ENOSPC).*\); wrote nothing\./)
    noStack(result)
    expect(existsSync(join(dirs.runnerTemp, '.npmrc'))).toBe(false)
    expect(result.env.NPM_CONFIG_USERCONFIG).toBeUndefined()
    canary(result)
  })

  it.each(targets)('GITHUB_OUTPUT is %s: a clean error; the post step still removes the .npmrc', async (_name, target) => {
    const dirs = await freshDirs()
    const result = await runAction({ inputs: { token: TOKEN_A, 'registry-url': a.url }, dirs, env: { GITHUB_OUTPUT: target(dirs) } })
    expect(result.exitCode).toBe(1)
    expect(errorOf(result)).toMatch(/Could not write the step's outputs \(GITHUB_OUTPUT \/ GITHUB_STATE\): .*(EISDIR|ENOSPC)/)
    noStack(result)
    const npmrc = join(dirs.runnerTemp, '.npmrc')
    expect(result.state['npmrc-path']).toBe(npmrc)
    const post = await runAction({ step: 'post', dirs: result.dirs })
    expect(post.exitCode).toBe(0)
    expect(existsSync(npmrc)).toBe(false)
    canary(result)
  })

  it('GITHUB_STEP_SUMMARY is a directory: a clean error, no stack', async () => {
    const dirs = await freshDirs()
    const result = await runAction({
      inputs: { token: TOKEN_A, 'registry-url': a.url },
      dirs,
      env: { GITHUB_STEP_SUMMARY: mkdirP(join(dirs.root, 'summary-dir')) },
    })
    expect(result.exitCode).toBe(1)
    expect(errorOf(result)).toMatch(/Could not write the job summary \(GITHUB_STEP_SUMMARY\): .*EISDIR/)
    noStack(result)
    canary(result)
  })
})

describe('limits and edges (item 14)', () => {
  it('a relative RUNNER_TEMP exports an absolute NPM_CONFIG_USERCONFIG (and logs dir)', async () => {
    const dirs = await freshDirs()
    const rel = relative(dirs.workspace, dirs.runnerTemp)
    expect(isAbsolute(rel)).toBe(false)
    const result = await runAction({ inputs: { token: TOKEN_A, 'registry-url': a.url }, dirs, env: { RUNNER_TEMP: rel } })
    expect(result.exitCode).toBe(0)
    expect(result.env.NPM_CONFIG_USERCONFIG).toBe(join(dirs.runnerTemp, '.npmrc'))
    expect(isAbsolute(result.env.NPM_CONFIG_LOGS_DIR)).toBe(true)
    canary(result)
  })

  it('with RUNNER_TEMP unset, the post step removes the temp folder the main step made', async () => {
    const dirs = await freshDirs()
    const result = await runAction({ inputs: { token: TOKEN_A, 'registry-url': a.url }, dirs, env: { RUNNER_TEMP: undefined } })
    expect(result.exitCode).toBe(0)
    const npmrc = result.env.NPM_CONFIG_USERCONFIG
    const folder = dirname(npmrc)
    expect(dirname(folder)).toBe(tmpdir())
    expect(existsSync(npmrc)).toBe(true)
    // npm's debug-log folder for the post step's diagnosis is in the system temp folder too.
    const logs = result.env.NPM_CONFIG_LOGS_DIR
    expect(dirname(logs)).toBe(tmpdir())
    expect(existsSync(logs)).toBe(true)
    const post = await runAction({ step: 'post', dirs: result.dirs, env: { RUNNER_TEMP: undefined } })
    expect(post.exitCode).toBe(0)
    expect(existsSync(folder)).toBe(false)
    expect(existsSync(logs)).toBe(false)
    expect(post.annotations.filter((x) => x.level !== 'notice')).toEqual([])
    canary(result)
  })

  it('a github-token with a space does not fail setup, where it is not used', async () => {
    const result = await runAction({ inputs: { token: TOKEN_A, 'registry-url': a.url, 'github-token': 'ghs_not a token' } })
    expect(result.exitCode).toBe(0)
    expect(errorOf(result)).toBe('')
  })

  it('refuses more than 200 packages with a clear input error', async () => {
    const packages = Array.from({ length: 5000 }, (_, i) => `pkg-${i}`).join('\n')
    const requests = a.requests.length
    const result = await runAction({ inputs: { token: TOKEN_A, 'registry-url': a.url, packages } })
    expect(result.exitCode).toBe(1)
    expect(errorOf(result)).toMatch(/Input 'packages': lists 5000 packages, more than the 200 one step checks/)
    expect(a.requests.length).toBe(requests)
    expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024)
    canary(result)
  })

  it.each(['LD_AUDIT', 'JAVA_TOOL_OPTIONS', 'GIT_ASKPASS', 'DYLD_INSERT_LIBRARIES', 'SSH_ASKPASS'])(
    'refuses token-env %s and exports nothing',
    async (name) => {
      const result = await runAction({ inputs: { token: TOKEN_A, 'registry-url': a.url, 'token-env': name } })
      expect(result.exitCode).toBe(1)
      expect(errorOf(result)).toMatch(/Input 'token-env'/)
      expect(result.env[name]).toBeUndefined()
      canary(result)
    },
  )

  it('an absurd expiry (8.64e15) is unknown, never a non-ISO expires-at', async () => {
    const token = `npm_RELX${stamp()}absurdexpiry`
    a.addToken({ token, username: 'absurd', expiry: 8.64e15 as unknown as string })
    const result = await runAction({ inputs: { token, 'registry-url': a.url } })
    expect(result.outputs['expires-at'] ?? '').not.toMatch(/^\+|^-\d{6}/)
    expect(result.outputs['expires-at'] ?? '').toMatch(/^(|\d{4}-\d{2}-\d{2}T[\d:.]+Z)$/)
    expect(result.stdout).not.toContain('+275760')
    canary(result, [token])
  })
})

function mkdirP(dir: string): string {
  mkdirSync(dir, { recursive: true })
  return dir
}
void readdirSync
