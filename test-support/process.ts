// Where the repo is, which Node binary children run on, the clean environment they get, temp dirs that
// do not outlive their owner, and the one process runner (runProcess) with the process-group handling
// every child of the harness shares. Dependency-free, so tests (through ts-jest) and scripts (through
// Node's type stripping) share it.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { performance } from 'node:perf_hooks'

/** Repo root, resolved from this file's location (test-support/), never from the cwd. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * A Node >= `minMajor` binary. Under `npm test` the current process already is the Node 24 that `npm ci`
 * links into node_modules/.bin (scripts/dev-node.mjs; npm puts that folder first on PATH); a plain `node` on the host is Node 20,
 * which neither Verdaccio 6 nor the action's bundle (runs.using: node24) support.
 */
export function modernNode(minMajor = 22): string {
  const major = Number(process.versions.node.split('.')[0])
  if (major >= minMajor) return process.execPath
  const local = path.join(repoRoot, 'node_modules', '.bin', 'node')
  if (existsSync(local)) return local
  throw new Error(`Need Node >= ${minMajor}: running on ${process.version} and ${local} does not exist (npm ci links a Node 24 there: scripts/dev-node.mjs).`)
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

// ---------------------------------------------------------------------------------------------
// Children: each is spawned detached (it leads its own process group, so whatever it starts can be
// ended with it) and remembered until it exits. If this process exits first, the 'exit' hook
// SIGKILLs every remembered group and runs its cleanup (it does not fire inside Jest: see above).
// ---------------------------------------------------------------------------------------------

const live = new Map<ChildProcess, () => void>()
let exitHookInstalled = false

/** Remembers `child` until it exits; should this process exit first, its group is SIGKILLed and `cleanup` runs (synchronously). */
export function trackChild(child: ChildProcess, cleanup: () => void = () => {}): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', () => {
      for (const [c, clean] of live) {
        signalChild(c, 'SIGKILL')
        clean()
      }
    })
  }
  live.set(child, cleanup)
  child.once('exit', () => live.delete(child))
}

/** Sends `signal` to the process group `pid` leads, or to `pid` alone when it leads none. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return
  try {
    process.kill(-pid, signal)
  } catch {
    try {
      process.kill(pid, signal)
    } catch {
      /* already gone */
    }
  }
}

/** signalGroup for a child of ours, unless it has exited (its pid, and so its group id, may be reused). */
export function signalChild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) signalGroup(child.pid, signal)
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())

/**
 * Stops the process group `pid` leads: SIGTERM, then SIGKILL after `graceMs`. Resolves once `exited`
 * settles (a child of ours), or, for a process started elsewhere, once the pid is gone (given up
 * `graceMs` after the SIGKILL).
 */
export async function stopGroup(pid: number, exited?: Promise<unknown>, graceMs = 3000): Promise<void> {
  signalGroup(pid, 'SIGTERM')
  const kill = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs)
  try {
    if (exited) await exited
    else for (const deadline = Date.now() + 2 * graceMs; pidAlive(pid) && Date.now() < deadline;) await sleep(50)
  } finally {
    clearTimeout(kill)
  }
}

// ---------------------------------------------------------------------------------------------
// The process runner: every command the harness, the tests and the scripts run to completion.
// ---------------------------------------------------------------------------------------------

export interface RunOptions {
  cwd?: string
  /** Applied over sanitizedEnv() (undefined deletes): the child never sees the developer's npm config, runner variables or tokens. */
  env?: Record<string, string | undefined>
  /** SIGKILL the process group and throw after this long. Default 60 000. */
  timeoutMs?: number
  /** What the timeout error calls the command (default: the command line). */
  label?: string
}

export interface ProcessResult {
  /** Exit code; 128 + the signal's number when a signal ended it. */
  code: number
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Wall time from spawn to exit, ms. */
  ms: number
  /** The whole environment the child got. */
  env: Record<string, string>
}

const tail = (s: string, n = 4000): string => (s.length > n ? `…${s.slice(-n)}` : s)

/**
 * Runs `command` to completion in its own process group, with a sanitized environment and no stdin,
 * collecting stdout, stderr and the exit code. At the timeout the whole group is killed and the
 * promise rejects with the output so far. When the command exits but something it started still
 * holds its stdout/stderr open, that group is killed 2 s later rather than waited for.
 */
export async function runProcess(command: string, args: string[], opts: RunOptions = {}): Promise<ProcessResult> {
  const env = sanitizedEnv(opts.env)
  const timeoutMs = opts.timeoutMs ?? 60_000
  const started = performance.now()
  const child = spawn(command, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  trackChild(child)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const closed = new Promise<boolean>((resolve) => child.once('close', () => resolve(true)))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    signalChild(child, 'SIGKILL')
  }, timeoutMs)
  let exit: { code: number | null; signal: NodeJS.Signals | null }
  try {
    exit = await exited
  } finally {
    clearTimeout(timer)
  }
  const ms = performance.now() - started
  if (!(await Promise.race([closed, sleep(2000).then(() => false)]))) signalGroup(child.pid, 'SIGKILL')
  if (timedOut) {
    const label = opts.label ?? [command, ...args].join(' ')
    throw new Error(`${label} timed out after ${timeoutMs} ms and was killed.\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`)
  }
  const code = exit.code ?? 128 + (exit.signal ? os.constants.signals[exit.signal] : 0)
  return { code, signal: exit.signal, stdout, stderr, ms, env }
}
