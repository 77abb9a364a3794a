// upgrade-npm: true with an npm too old for trusted publishing. The npm on PATH is a stand-in whose CLI
// records how it was called and, when asked to install npm@^11.5.1 globally, turns itself into 11.6.0 —
// what a real global upgrade does to the npm on PATH — so the flow is exercised end to end offline.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
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
})
