// upgrade-npm: true with an npm too old for trusted publishing. The npm on PATH is a stand-in whose CLI
// records how it was called and, when asked to install npm@^11.5.1 globally, turns itself into 11.6.0 —
// what a real global upgrade does to the npm on PATH — so the flow is exercised end to end offline.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const __dirname_ = dirname(fileURLToPath(import.meta.url))
import { cleanupRunDirs, runAction } from '../../test-support/run-action.ts'
import { assertNoSecretLeak } from '../../test-support/canary.ts'
import type { FakeNpmjs } from '../../test-support/fake-npmjs.ts'
import { writeFixturePackage, writeStandInNpm } from '../../test-support/npm-cli.ts'
import { startTrustedPublishingRegistry, type IdTokenServer, type TrustedPublishing, type TrustedPublishingRegistry } from '../../test-support/oidc-fakes.ts'

const REPO = 'octo-org/octo-repo'
let fakes: TrustedPublishingRegistry
let idp: IdTokenServer
let tp: TrustedPublishing
let registry: FakeNpmjs
let tmp: string

beforeAll(async () => {
  fakes = await startTrustedPublishingRegistry()
  ;({ idp, tp, registry } = fakes)
  tmp = mkdtempSync(join(os.tmpdir(), 'upgrade-npm-'))
})
afterAll(async () => {
  cleanupRunDirs()
  rmSync(tmp, { recursive: true, force: true })
  await fakes.stop()
})

/** A stand-in npm 10 whose `install --global npm@…` rewrites its own version, logging every call. */
function oldNpm(root: string, upgradeTo: string | undefined): { bin: string; log: string } {
  const bin = writeStandInNpm(root, registry.url, '10.9.2')
  const log = join(root, 'calls.log')
  const manifest = join(root, 'lib', 'node_modules', 'npm', 'package.json')
  const cli = join(root, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js')
  writeFileSync(
    cli,
    `#!/usr/bin/env node
const fs = require('node:fs')
fs.appendFileSync(${JSON.stringify(log)}, process.argv.slice(2).join(' ') + '\\n')
const args = process.argv.slice(2)
if (args[0] === 'install' && args.includes('--global') && args.some((a) => a.startsWith('npm@'))) {
  ${upgradeTo ? `fs.writeFileSync(${JSON.stringify(manifest)}, JSON.stringify({ name: 'npm', version: ${JSON.stringify(upgradeTo)} }))` : ''}
  console.log('changed 1 package')
  process.exit(0)
}
process.exit(1)
`,
  )
  chmodSync(cli, 0o755)
  return { bin, log }
}

describe('upgrade-npm', () => {
  it('installs a current npm when the one on PATH is too old, then trusts npm to exchange by itself', async () => {
    const name = 'upgrade-npm-pkg'
    await tp.seedPackage(name)
    tp.publishers.set(name, { repository: REPO, workflowFile: 'publish.yml' })
    const dir = writeFixturePackage(join(tmp, name), name, '1.1.0', { repository: { type: 'git', url: `git+https://github.com/${REPO}.git` } })
    const { bin, log } = oldNpm(join(tmp, 'npm-up'), '11.6.0')

    const result = await runAction({
      inputs: { 'registry-url': registry.url, 'upgrade-npm': 'true', 'working-directory': dir },
      env: { ...idp.env(), GITHUB_ACTIONS: 'true', RUNNER_ENVIRONMENT: 'github-hosted', PATH: `${bin}:${process.env.PATH}` },
    })
    expect(result.exitCode).toBe(0)
    expect(readFileSync(log, 'utf8')).toMatch(/^install --global npm@\^11\.5\.1 /m)
    expect(result.stdout).toContain('installing npm 11 (upgrade-npm: true)')
    expect(result.summary).toContain('11.6.0')
    // Upgraded: nothing exported, no credential line; npm's own exchange does the publishing.
    expect(result.env.NODE_AUTH_TOKEN).toBeUndefined()
    expect(readFileSync(result.outputs['npmrc-path'], 'utf8')).not.toContain('_authToken')
    assertNoSecretLeak(result, [idp.requestToken, ...idp.minted, ...tp.issued])
  })

  it('fails clearly when the upgrade leaves an old npm on PATH', async () => {
    const name = 'upgrade-npm-stuck'
    await tp.seedPackage(name)
    tp.publishers.set(name, { repository: REPO, workflowFile: 'publish.yml' })
    const dir = writeFixturePackage(join(tmp, name), name, '1.1.0', { repository: { type: 'git', url: `git+https://github.com/${REPO}.git` } })
    const { bin } = oldNpm(join(tmp, 'npm-stuck'), undefined)
    const result = await runAction({
      inputs: { 'registry-url': registry.url, 'upgrade-npm': 'true', 'working-directory': dir },
      env: { ...idp.env(), GITHUB_ACTIONS: 'true', RUNNER_ENVIRONMENT: 'github-hosted', PATH: `${bin}:${process.env.PATH}` },
    })
    expect(result.exitCode).toBe(1)
    expect(result.annotations.find((a) => a.level === 'error')?.message).toMatch(/the npm on PATH is still 10\.9\.2/)
    assertNoSecretLeak(result, [idp.requestToken, ...idp.minted, ...tp.issued])
  })

  it('stops an install that hangs at its time limit, kills it, and says why (issue #11, item 11)', async () => {
    const name = 'upgrade-npm-hangs'
    await tp.seedPackage(name)
    tp.publishers.set(name, { repository: REPO, workflowFile: 'publish.yml' })
    const dir = writeFixturePackage(join(tmp, name), name, '1.1.0', { repository: { type: 'git', url: `git+https://github.com/${REPO}.git` } })
    const root = join(tmp, 'npm-hangs')
    const bin = writeStandInNpm(root, registry.url, '10.9.2')
    const pidFile = join(root, 'install.pid')
    const cli = join(root, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js')
    writeFileSync(
      cli,
      `#!/usr/bin/env node
const args = process.argv.slice(2)
if (args[0] === 'install') {
  require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid))
  console.log('fetching npm@^11.5.1 …')
  setInterval(() => {}, 1000) // hangs, as an install against an unreachable registry can
} else process.exit(1)
`,
    )
    chmodSync(cli, 0o755)
    const result = await runAction({
      inputs: { 'registry-url': registry.url, 'upgrade-npm': 'true', 'working-directory': dir },
      env: {
        ...idp.env(),
        GITHUB_ACTIONS: 'true',
        RUNNER_ENVIRONMENT: 'github-hosted',
        PATH: `${bin}:${process.env.PATH}`,
        // The tests' own override of the 5-minute limit (see src/action/upgrade-npm.ts).
        SETUP_NPM_AUTH_TEST_UPGRADE_NPM_TIMEOUT_MS: '1500',
      },
      timeoutMs: 30_000,
    })
    expect(result.exitCode).toBe(1)
    expect(result.ms).toBeLessThan(15_000)
    const error = result.annotations.find((a) => a.level === 'error')?.message ?? ''
    expect(error).toMatch(/^upgrade-npm: `npm install --global npm@\^11\.5\.1 --no-audit --no-fund` did not finish within 1500 ms and was stopped\./)
    expect(error).toMatch(/may be unreachable/)
    expect(result.stdout).toContain('fetching npm@^11.5.1')
    expect(result.stdout).not.toMatch(/^\s+at /m)
    expect(result.stderr).not.toMatch(/^\s+at /m)
    // The hung install is gone, not left running after the step.
    const pid = Number(readFileSync(pidFile, 'utf8'))
    expect(() => process.kill(pid, 0)).toThrow()
    assertNoSecretLeak(result, [idp.requestToken, ...idp.minted, ...tp.issued])
  })

  it('states its time limit in action.yml', () => {
    expect(readFileSync(join(__dirname_, '..', '..', 'action.yml'), 'utf8')).toMatch(/upgrade-npm:\n {4}description: '[^']*time limit of 5 minutes[^']*killed/)
  })
})
