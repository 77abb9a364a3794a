// Against a real npm registry (Verdaccio on loopback), the .npmrc the action writes is proven by the
// real clients that read it (npm 11, npm 12, pnpm 12): whoami and publish succeed through it in a later "step".
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { cleanupRunDirs, runAction } from '../../test-support/run-action.ts'
import { startVerdaccio, type Verdaccio } from '../../test-support/verdaccio.ts'
import { assertNoSecretLeak } from '../../test-support/canary.ts'
import { NPMRC_CLIENTS, npmOnPath, npmStepEnv, publishWith, runNpmrcClient, writeFixturePackage } from '../../test-support/npm-cli.ts'

let verdaccio: Verdaccio
beforeAll(async () => {
  verdaccio = await startVerdaccio()
}, 30_000)
afterAll(async () => {
  cleanupRunDirs()
  await verdaccio?.stop()
})

/** Creates a token through Verdaccio's own token API (as `npm token create` does). */
async function createToken(loginToken: string, password: string, readonly: boolean): Promise<string> {
  const response = await fetch(`${verdaccio.url}-/npm/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${loginToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password, readonly, cidr_whitelist: [] }),
  })
  const body = (await response.json()) as { token?: string }
  if (!response.ok || !body.token) throw new Error(`token create failed: ${response.status}`)
  return body.token
}

describe('token path against Verdaccio, proven by the real clients', () => {
  it.each(NPMRC_CLIENTS)('writes an .npmrc through which %s whoami and publish work, and the post step removes it', async (client) => {
    const user = `publisher-${client}`
    const token = await verdaccio.addUser(user, 'correct-horse-battery')
    const result = await runAction({ inputs: { token, 'registry-url': verdaccio.url }, env: npmOnPath(client) })
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ username: user, status: 'ok', 'registry-url': verdaccio.url })
    const npmrcPath = result.outputs['npmrc-path']
    expect(readFileSync(npmrcPath, 'utf8')).not.toContain(token)

    // A later step: the runner applies GITHUB_ENV; nothing else is configured.
    const env = { ...npmStepEnv(result.dirs.home), ...result.env }
    const whoami = await runNpmrcClient(client, ['whoami'], { cwd: result.dirs.workspace, env })
    expect(whoami.stdout.trim()).toBe(user)

    const name = `setup-npm-auth-fixture-${client}`
    const pkg = writeFixturePackage(join(result.dirs.workspace, 'pkg'), name, '1.0.0')
    const publish = await publishWith(client, { cwd: pkg, env })
    expect({ code: publish.code, out: publish.code === 0 ? '' : `${publish.stdout}\n${publish.stderr}` }).toEqual({ code: 0, out: '' })
    const view = await runNpmrcClient(client, ['view', name, 'version'], { cwd: pkg, env })
    expect(view.stdout.trim()).toBe('1.0.0')
    assertNoSecretLeak(result, [token], { tokenEnv: 'NODE_AUTH_TOKEN' })

    const post = await runAction({ step: 'post', dirs: result.dirs })
    expect(post.exitCode).toBe(0)
    expect(existsSync(npmrcPath)).toBe(false)
    // Without the file, the client has no credentials for the registry any more.
    const after = await runNpmrcClient(client, ['whoami', '--registry', verdaccio.url], { cwd: pkg, env: { ...env, NPM_CONFIG_USERCONFIG: npmrcPath } })
    expect(after.code).not.toBe(0)
  })

  it.each(NPMRC_CLIENTS)('with export-token false the .npmrc still works for %s once the publish step sets the env itself', async (client) => {
    const user = `quiet-${client}`
    const token = await verdaccio.addUser(user, 'correct-horse-battery')
    const result = await runAction({ inputs: { token, 'registry-url': verdaccio.url, 'export-token': 'false', 'token-env': 'MY_NPM_TOKEN' } })
    expect(result.exitCode).toBe(0)
    expect(result.env.MY_NPM_TOKEN).toBeUndefined()
    expect(readFileSync(result.outputs['npmrc-path'], 'utf8')).toContain(':_authToken=${MY_NPM_TOKEN}')
    const env = { ...npmStepEnv(result.dirs.home), ...result.env, MY_NPM_TOKEN: token }
    expect((await runNpmrcClient(client, ['whoami'], { cwd: result.dirs.workspace, env })).stdout.trim()).toBe(user)
    assertNoSecretLeak(result, [token])
  })

  it('rejects a bad token even though Verdaccio answers whoami with 200 {}', async () => {
    const token = 'bm90LWEtcmVhbC10b2tlbi1hdC1hbGwtMTIzNDU2Nzg5MA=='
    const result = await runAction({ inputs: { token, 'registry-url': verdaccio.url } })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('error')
    expect(result.annotations.find((a) => a.level === 'error')?.message).toMatch(/rejected the token \(HTTP 200 without a username\)/)
    assertNoSecretLeak(result, [token])
  })

  // The refusal is the registry's: one client shows it.
  it('finds a token Verdaccio lists (read-only) by its visible characters, and publish through it is refused', async () => {
    const login = await verdaccio.addUser('reader', 'correct-horse-battery')
    const readonlyToken = await createToken(login, 'correct-horse-battery', true)
    const result = await runAction({ inputs: { token: readonlyToken, 'registry-url': verdaccio.url } })
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ username: 'reader', 'token-type': 'legacy' })
    expect(result.summary).toContain('read-only')
    const env = { ...npmStepEnv(result.dirs.home), ...result.env }
    const pkg = writeFixturePackage(join(result.dirs.workspace, 'ro'), 'setup-npm-auth-readonly', '1.0.0')
    const publish = await publishWith('npm11', { cwd: pkg, env })
    expect(publish.code).not.toBe(0)
    expect(`${publish.stdout}\n${publish.stderr}`).toMatch(/403/)
    assertNoSecretLeak(result, [readonlyToken, login], { tokenEnv: 'NODE_AUTH_TOKEN' })
  })
})
