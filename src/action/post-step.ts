/**
 * The post step: takes back the .npmrc (and, for Yarn 2+, the user-level .yarnrc.yml) the main step
 * wrote, from what the main step saved in state. Cleanup trouble is a warning, never a failed job.
 */
import { restoreConfigFile } from '../config-files/restore.js'
import { describeError } from '../errors.js'
import type { Logger } from '../ports/logger.js'
import { StateKey } from '../config-files/state-keys.js'

/** Reads a value the main step saved (the runner hands it to the post step as STATE_<name>). */
export type StateReader = (name: string) => string

export function runPost(state: StateReader, log: Logger): void {
  const files = [
    { path: state(StateKey.NpmrcPath), created: state(StateKey.NpmrcCreated) === 'true', mode: state(StateKey.NpmrcMode) },
    { path: state(StateKey.YarnrcPath), created: state(StateKey.YarnrcCreated) === 'true', mode: state(StateKey.YarnrcMode) },
  ].filter((f) => f.path !== '')
  if (files.length === 0) {
    log.info('Nothing to clean up: the main step wrote no .npmrc.')
    return
  }
  for (const { path, created, mode } of files) {
    try {
      log.info(restoreConfigFile(path, created, mode))
    } catch (error) {
      // Cleanup trouble should be seen, but a finished job's result is not worth failing over it.
      log.warning(`Post step could not clean up ${path}: ${describeError(error)}`)
    }
  }
}
