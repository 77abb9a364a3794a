/**
 * upgrade-npm: the only child process the action starts, and only on that opt-in. Bounded by its own time
 * limit (UPGRADE_NPM_TIMEOUT_MS, stated in action.yml): on expiry the install is killed — its whole process
 * group, so npm's own children go too — and the step fails saying what was stopped and why.
 */
import { spawn } from 'node:child_process'
import { ActionError } from '../errors.js'
import type { Runner } from '../ports/runner.js'

/** 5 minutes: a healthy `npm install --global npm@11` takes seconds. */
export const UPGRADE_NPM_TIMEOUT_MS = 5 * 60_000
/**
 * For the action's own tests only (a stand-in npm that hangs must not hold a test for minutes): the limit
 * in milliseconds. Not an input and not documented for workflows.
 */
export const UPGRADE_NPM_TIMEOUT_ENV = 'SETUP_NPM_AUTH_TEST_UPGRADE_NPM_TIMEOUT_MS'

export const UPGRADE_NPM_ARGS = ['install', '--global', 'npm@^11.5.1', '--no-audit', '--no-fund']

export function upgradeTimeoutMs(env: NodeJS.ProcessEnv): number {
  const override = Number(env[UPGRADE_NPM_TIMEOUT_ENV])
  return Number.isInteger(override) && override > 0 ? override : UPGRADE_NPM_TIMEOUT_MS
}

export async function installCurrentNpm(runner: Runner): Promise<void> {
  const limitMs = upgradeTimeoutMs(runner.env)
  const command = `npm ${UPGRADE_NPM_ARGS.join(' ')}`
  const windows = process.platform === 'win32'
  runner.info(`Running ${command} (time limit ${describeMs(limitMs)}).`)
  const child = spawn(windows ? 'npm.cmd' : 'npm', UPGRADE_NPM_ARGS, {
    env: runner.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: on expiry npm and everything it started are killed together.
    detached: !windows,
    shell: windows,
    windowsHide: true,
  })
  const print = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) if (line.trim() !== '') runner.info(`  ${line}`)
  }
  child.stdout.on('data', print)
  child.stderr.on('data', print)
  let expired = false
  const kill = (): void => {
    try {
      if (!windows && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      else child.kill('SIGKILL')
    } catch {
      child.kill('SIGKILL')
    }
  }
  const timer = setTimeout(() => {
    expired = true
    kill()
  }, limitMs)
  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (code, signal) => resolve({ code, signal }))
      // Stopped: done once it exits, even if something it started still holds its output open.
      child.once('exit', (code, signal) => expired && resolve({ code, signal }))
    })
    child.stdout.destroy()
    child.stderr.destroy()
    if (expired) {
      throw new ActionError(
        `upgrade-npm: \`${command}\` did not finish within ${describeMs(limitMs)} and was stopped. ` +
          "The registry npm installs from (npm's configured registry, or a proxy) may be unreachable or very slow from this runner. " +
          'Install a current npm before this step (e.g. actions/setup-node with Node 24), or retry.',
      )
    }
    if (code !== 0) {
      throw new ActionError(
        `upgrade-npm: \`${command}\` failed (${signal ? `killed by ${signal}` : `exit code ${code}`}); its output is above. ` +
          'Install a current npm before this step (e.g. actions/setup-node with Node 24), or fix what npm reported.',
      )
    }
  } catch (error) {
    if (error instanceof ActionError) throw error
    throw new ActionError(`upgrade-npm: could not run npm (${error instanceof Error ? error.message : String(error)}). Is npm on PATH?`)
  } finally {
    clearTimeout(timer)
  }
}

function describeMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`
  if (ms % 1000 === 0) return `${ms / 1000} s`
  return `${ms} ms`
}
