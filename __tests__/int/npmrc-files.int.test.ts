// How the built action writes and takes back the .npmrc, end to end: atomically (a temp file in the same
// folder, then rename), 0600 from the moment the file exists, never through a symlink planted at the
// path (RUNNER_TEMP/.npmrc or NPM_CONFIG_USERCONFIG), never inside the workspace by default, and the post
// step restores exactly what was there before. The file-system calls are observed in the action's own
// process by test-support/fixtures/spy-entry.mjs (what strace would show), not mocked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { constants, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { cleanupRunDirs, runAction, type RunActionOptions, type RunActionResult, type RunDirs, type SpyEvent } from '../../test-support/run-action.ts'
import { assertNoSecretLeak } from '../../test-support/canary.ts'
import { startFakeNpmjs, type FakeNpmjs } from '../../test-support/fake-npmjs.ts'

const TOKEN = `npm_FILES${Math.random().toString(36).slice(2, 12)}atomic${Date.now().toString(36)}`

let registry: FakeNpmjs
beforeAll(async () => {
  registry = await startFakeNpmjs({ pageSize: 100 })
  registry.addToken({ token: TOKEN, username: 'file-user', expiry: new Date(Date.now() + 50 * 86_400_000).toISOString() })
})
afterAll(async () => {
  cleanupRunDirs()
  await registry.stop()
})

const KEY_LINE = () => `//127.0.0.1:${registry.port}/:_authToken=\${NODE_AUTH_TOKEN}`

/** A fresh job's directories (from a cheap check-mode run), to plant files in before the step under test. */
async function freshDirs(): Promise<RunDirs> {
  return (await runAction({ inputs: { token: TOKEN, 'registry-url': registry.url, mode: 'check' } })).dirs
}

/** Runs a step under the spy; returns the run and the file-system calls it made (the command files left out). */
async function spied(opts: RunActionOptions): Promise<{ result: RunActionResult; events: SpyEvent[] }> {
  const dirs = opts.dirs ?? (await freshDirs())
  const result = await runAction({ inputs: { token: TOKEN, 'registry-url': registry.url }, ...opts, dirs, spy: true })
  const commandFiles = join(dirs.runnerTemp, '_runner_file_commands')
  return { result, events: result.spy!.events.filter((e) => !(e.path ?? e.to ?? '').startsWith(commandFiles)) }
}

const errorOf = (r: RunActionResult) => r.annotations.find((a) => a.level === 'error')?.message ?? ''

/** Asserts `path` was written the safe way: one exclusive, no-follow 0600 create of a temp file beside it, renamed over it. */
function expectAtomicWrite(events: SpyEvent[], path: string): void {
  const renames = events.filter((e) => e.op === 'rename' && e.to === path)
  expect(renames).toHaveLength(1)
  const temp = renames[0].from!
  expect(dirname(temp)).toBe(dirname(path)) // same folder: rename is atomic
  expect(basename(temp)).not.toBe(basename(path))
  const create = events.find((e) => e.op === 'create' && e.path === temp)
  expect(create).toBeDefined()
  expect(create!.modeAtCreation).toBe(0o600) // 0600 from the first moment, not chmod-ed later
  expect(create!.flags! & constants.O_EXCL).toBe(constants.O_EXCL) // never opens something planted there
  expect(create!.flags! & constants.O_NOFOLLOW).toBe(constants.O_NOFOLLOW)
  // Never written in place, never opened for writing under its own name.
  expect(events.filter((e) => (e.op === 'writeFile' || e.op === 'create') && e.path === path)).toEqual([])
  expect(readdirSync(dirname(path)).filter((n) => n.endsWith('.tmp'))).toEqual([]) // no temp file left
}

/** Everything under `dir`, with contents: to show a folder untouched. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name)
      const st = lstatSync(full)
      if (st.isDirectory()) walk(full)
      else out[full] = st.isSymbolicLink() ? `-> ${readlinkSync(full)}` : `${(st.mode & 0o777).toString(8)} ${readFileSync(full, 'utf8')}`
    }
  }
  walk(dir)
  return out
}

describe('.npmrc writing', () => {
  it('a new .npmrc: temp file + rename in the same folder, 0600 from the start; nothing written in the workspace; post removes it', async () => {
    const dirs = await freshDirs()
    const workspaceBefore = snapshot(dirs.workspace)
    const { result, events } = await spied({ dirs })
    expect(result.exitCode).toBe(0)
    const path = join(dirs.runnerTemp, '.npmrc')
    expect(result.outputs['npmrc-path']).toBe(path)
    expectAtomicWrite(events, path)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readFileSync(path, 'utf8')).toContain(KEY_LINE())
    expect(snapshot(dirs.workspace)).toEqual(workspaceBefore)
    assertNoSecretLeak(result, [TOKEN], { tokenEnv: 'NODE_AUTH_TOKEN' })

    const post = await runAction({ step: 'post', dirs: result.dirs })
    expect(post.exitCode).toBe(0)
    expect(existsSync(path)).toBe(false)
    expect(readdirSync(dirs.runnerTemp).filter((n) => n.includes('npmrc'))).toEqual([])
  })

  it('merging into an existing file (NPM_CONFIG_USERCONFIG) is atomic too, and post gives back the same bytes', async () => {
    const dirs = await freshDirs()
    const userconfig = join(dirs.root, 'elsewhere', 'user.npmrc')
    mkdirSync(dirname(userconfig), { recursive: true })
    // No final line break, a conflicting credential, a comment and unrelated settings.
    const original = `; my settings\n//127.0.0.1:${registry.port}/:_authToken=\${MY_OLD_TOKEN}\nfund=false\n@other:registry=https://other.example.test/`
    writeFileSync(userconfig, original, { mode: 0o600 })
    const { result, events } = await spied({ dirs, env: { NPM_CONFIG_USERCONFIG: userconfig } })
    expect(result.exitCode).toBe(0)
    expect(result.outputs['npmrc-path']).toBe(userconfig)
    expectAtomicWrite(events, userconfig)
    const merged = readFileSync(userconfig, 'utf8')
    expect(merged.split('\n').filter((l) => l.startsWith(`//127.0.0.1:${registry.port}/:`))).toEqual([KEY_LINE()])

    const { result: post, events: postEvents } = await spied({ step: 'post', dirs: result.dirs })
    expect(post.exitCode).toBe(0)
    expectAtomicWrite(postEvents, userconfig)
    expect(readFileSync(userconfig, 'utf8')).toBe(original)
  })

  it('post on a merged 0644 file: the bytes and the mode come back', async () => {
    const dirs = await freshDirs()
    const userconfig = join(dirs.root, 'elsewhere', 'shared.npmrc')
    mkdirSync(dirname(userconfig), { recursive: true })
    writeFileSync(userconfig, 'fund=false\n', { mode: 0o644 })
    const main = await runAction({ inputs: { token: TOKEN, 'registry-url': registry.url }, dirs, env: { NPM_CONFIG_USERCONFIG: userconfig } })
    expect(statSync(userconfig).mode & 0o777).toBe(0o600) // while it holds our lines
    const post = await runAction({ step: 'post', dirs: main.dirs })
    expect(post.exitCode).toBe(0)
    expect(readFileSync(userconfig, 'utf8')).toBe('fund=false\n')
    expect(statSync(userconfig).mode & 0o777).toBe(0o644)
  })

  it('post keeps lines a later step appended to a file the action created, taking out only its own', async () => {
    const dirs = await freshDirs()
    const main = await runAction({ inputs: { token: TOKEN, 'registry-url': registry.url }, dirs })
    const path = main.outputs['npmrc-path']
    writeFileSync(path, `${readFileSync(path, 'utf8')}cache=/tmp/npm-cache\n`)
    const post = await runAction({ step: 'post', dirs: main.dirs })
    expect(post.exitCode).toBe(0)
    expect(readFileSync(path, 'utf8')).toBe('cache=/tmp/npm-cache\n')
  })

  it('post does not fail the job when a later step already removed the file', async () => {
    const dirs = await freshDirs()
    const main = await runAction({ inputs: { token: TOKEN, 'registry-url': registry.url }, dirs })
    unlinkSync(main.outputs['npmrc-path'])
    const post = await runAction({ step: 'post', dirs: main.dirs })
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toContain('already gone')
  })
})

describe('.npmrc and planted symlinks', () => {
  /** A file outside the job's folders that a symlink will point at. */
  function victim(dirs: RunDirs, content = 'victim: do not touch\n'): { path: string; before: string; mode: number; mtimeMs: number } {
    const path = join(dirs.root, 'outside', `victim-${Math.random().toString(36).slice(2)}`)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, content, { mode: 0o644 })
    const st = statSync(path)
    return { path, before: content, mode: st.mode & 0o777, mtimeMs: st.mtimeMs }
  }
  function expectUntouched(v: ReturnType<typeof victim>): void {
    expect(readFileSync(v.path, 'utf8')).toBe(v.before)
    const st = statSync(v.path)
    expect(st.mode & 0o777).toBe(v.mode)
    expect(st.mtimeMs).toBe(v.mtimeMs)
  }

  it('a symlink at RUNNER_TEMP/.npmrc pointing at a file elsewhere: the step fails clearly, the file is unchanged', async () => {
    const dirs = await freshDirs()
    const v = victim(dirs)
    const link = join(dirs.runnerTemp, '.npmrc')
    symlinkSync(v.path, link)
    const { result, events } = await spied({ dirs })
    expect(result.exitCode).toBe(1)
    expect(errorOf(result)).toContain(link)
    expect(errorOf(result)).toMatch(/symbolic link/)
    expectUntouched(v)
    expect(readlinkSync(link)).toBe(v.path) // the link itself left as found
    expect(events).toEqual([]) // nothing created, renamed or written
    expect(result.env).toEqual({})
    expect(result.state).toEqual({})
    assertNoSecretLeak(result, [TOKEN])
  })

  it('a dangling symlink at RUNNER_TEMP/.npmrc: its target is never created', async () => {
    const dirs = await freshDirs()
    const target = join(dirs.root, 'outside', 'created-through-link')
    symlinkSync(target, join(dirs.runnerTemp, '.npmrc'))
    const result = await runAction({ inputs: { token: TOKEN, 'registry-url': registry.url }, dirs })
    expect(result.exitCode).toBe(1)
    expect(errorOf(result)).toMatch(/symbolic link/)
    expect(existsSync(target)).toBe(false)
  })

  it('NPM_CONFIG_USERCONFIG naming a symlink: refused the same way', async () => {
    const dirs = await freshDirs()
    const v = victim(dirs, 'fund=false\n')
    const link = join(dirs.root, 'user.npmrc')
    symlinkSync(v.path, link)
    const result = await runAction({ inputs: { token: TOKEN, 'registry-url': registry.url }, dirs, env: { NPM_CONFIG_USERCONFIG: link } })
    expect(result.exitCode).toBe(1)
    expect(errorOf(result)).toMatch(/symbolic link[^]*NPM_CONFIG_USERCONFIG/)
    expectUntouched(v)
  })

  it('post step: a symlink swapped in for the .npmrc after the main step is not written through (a warning, the job not failed)', async () => {
    const dirs = await freshDirs()
    const main = await runAction({ inputs: { token: TOKEN, 'registry-url': registry.url }, dirs })
    const path = main.outputs['npmrc-path']
    const v = victim(dirs, `${readFileSync(path, 'utf8')}# a copy of ours, elsewhere\n`)
    unlinkSync(path)
    symlinkSync(v.path, path)
    const post = await runAction({ step: 'post', dirs: main.dirs })
    expect(post.exitCode).toBe(0)
    expect(post.annotations.find((a) => a.level === 'warning')?.message).toMatch(/symbolic link/)
    expectUntouched(v)
    expect(readlinkSync(path)).toBe(v.path)
  })
})
