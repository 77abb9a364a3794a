/**
 * The post step: first takes back the .npmrc (and, for Yarn 2+, the user-level .yarnrc.yml) the main step
 * wrote; then, when an npm command of this job failed, explains why from npm's own debug logs. Neither
 * part can fail the job: cleanup trouble is a warning, diagnosis trouble a debug line.
 */
import { rmdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname } from 'node:path'
import { restoreConfigFile } from '../config-files/restore.js'
import { refuseToTouch } from '../config-files/run-marker.js'
import { StateKey } from '../state-keys.js'
import { LOGS_DIR_PREFIX, decodeContext, type DiagnosisContext } from '../diagnose/context.js'
import { explainLogs } from '../diagnose/explain-logs.js'
import { listDebugLogs } from '../diagnose/log-files.js'
import { explanationAnnotation, explanationsMarkdown } from '../diagnose/render.js'
import { describeError } from '../errors.js'
import type { ActionRunner } from '../ports/runner.js'

/** Reads a value the main step saved (the runner hands it to the post step as STATE_<name>). */
export type StateReader = (name: string) => string

export async function runPost(state: StateReader, runner: ActionRunner): Promise<void> {
  cleanUp(state, runner)
  try {
    await explainFailedCommands(state, runner)
  } catch (error) {
    runner.debug(`Could not diagnose npm's logs: ${describeError(error)}`)
  }
  removeTemporaryLogsDir(decodeContext(state(StateKey.Diagnosis)), runner)
}

/** RUNNER_TEMP unset: main made the npm logs folder in the system temp folder; removed once read, if provably ours. */
function removeTemporaryLogsDir(context: DiagnosisContext | undefined, runner: ActionRunner): void {
  if (!context?.logsDirTemporary) return
  const dir = context.logsDir
  if (dirname(dir) !== tmpdir() || !basename(dir).startsWith(LOGS_DIR_PREFIX)) {
    runner.warning(`Post step left ${dir} alone: it is not the npm logs folder the main step makes.`)
    return
  }
  try {
    rmSync(dir, { recursive: true, force: true })
    runner.info(`Removed ${dir} (npm's debug logs of this job).`)
  } catch (error) {
    runner.warning(`Post step could not remove ${dir}: ${describeError(error)}`)
  }
}

function cleanUp(state: StateReader, runner: ActionRunner): void {
  const files = [
    { path: state(StateKey.NpmrcPath), created: state(StateKey.NpmrcCreated) === 'true', mode: state(StateKey.NpmrcMode), block: state(StateKey.NpmrcBlock) },
    {
      path: state(StateKey.YarnrcPath),
      created: state(StateKey.YarnrcCreated) === 'true',
      mode: state(StateKey.YarnrcMode),
      block: state(StateKey.YarnrcBlock),
    },
  ].filter((f) => f.path !== '')
  if (files.length === 0) {
    runner.info('Nothing to clean up: the main step wrote no .npmrc.')
    return
  }
  for (const { path, created, mode, block } of files) {
    try {
      // Only a file this run provably wrote (it carries the nonce saved with its path) is touched.
      const refusal = refuseToTouch(path, state(StateKey.RunNonce))
      if (refusal) {
        runner.warning(`Post step left ${path} alone: ${refusal}.`, 'Not cleaned up')
        continue
      }
      runner.info(restoreConfigFile(path, created, mode, block))
    } catch (error) {
      // Cleanup trouble should be seen, but a finished job's result is not worth failing over it.
      runner.warning(`Post step could not clean up ${path}: ${describeError(error)}`)
    }
  }
  removeOwnTempDir(state(StateKey.NpmrcTempDir), state(StateKey.NpmrcPath), runner)
}

/**
 * RUNNER_TEMP unset: main made a folder of its own for the .npmrc. Removed once empty, and only when it is
 * provably ours: directly in the system temp folder, named as main names it, and the folder the .npmrc was in.
 */
function removeOwnTempDir(dir: string, npmrcPath: string, runner: ActionRunner): void {
  if (!dir) return
  if (dirname(dir) !== tmpdir() || !basename(dir).startsWith('setup-npm-auth-') || dirname(npmrcPath) !== dir) {
    runner.warning(`Post step left ${dir} alone: it is not the temp folder the main step makes.`)
    return
  }
  try {
    rmdirSync(dir)
    runner.info(`Removed ${dir}.`)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') runner.warning(`Post step could not remove ${dir}: ${describeError(error)}`)
  }
}

async function explainFailedCommands(state: StateReader, runner: ActionRunner): Promise<void> {
  const context = decodeContext(state(StateKey.Diagnosis))
  if (!context) return
  // The token the job exported is in the post step's env too: masked before any log text is handled.
  runner.mask(runner.env[context.tokenEnv] ?? '')
  // A second of slack: file times and the clock can disagree by a little.
  const files = listDebugLogs(context.logsDir, context.startedAt - 1000)
  if (files.length === 0) return
  const explanations = await explainLogs({ files, context, skip: (file, why) => runner.debug(`Skipped npm log ${file}: ${why}`) })
  if (explanations.length === 0) {
    runner.debug(`npm logs of this job: ${files.length}; no failed publish or install to explain.`)
    return
  }
  for (const e of explanations) runner.annotate({ level: 'error', ...explanationAnnotation(e) })
  if (runner.hasSummary()) {
    try {
      await runner.appendSummary(explanationsMarkdown(explanations))
    } catch (error) {
      runner.debug(`Could not write the job summary: ${describeError(error)}`)
    }
  }
}
