/**
 * Post step: takes back what the main step wrote — the .npmrc, and the user-level .yarnrc.yml for Yarn 2+.
 * A file it created is removed; a file it merged into gets our block removed and the lines it displaced
 * put back, so it is as it was before. Both files use the same marked block.
 */
import * as core from './runner-commands.js'
import { chmodSync, rmSync } from 'node:fs'
import { describeError } from './errors.js'
import { readExisting, restoreMarkedBlock, writeFileAtomic } from './npmrc.js'
import { StateKey } from './state.js'

/** `mode`: the octal permissions a merged-into file had before the job ('' when unknown or created). */
export function cleanUp(path: string, created: boolean, mode = ''): string {
  const text = readExisting(path)
  if (text === undefined) return `${path} is already gone.`
  const restored = restoreMarkedBlock(text)
  if (created && restored.trim() === '') {
    rmSync(path, { force: true })
    return `Removed ${path}.`
  }
  if (restored === text) return `${path} holds nothing of ours; left as it is.`
  writeFileAtomic(path, restored)
  // Written 0600 while it held our lines; once they are out it gets its own mode back.
  if (!created && /^[0-7]{3}$/.test(mode)) chmodSync(path, parseInt(mode, 8))
  return created ? `Took our lines out of ${path} (other lines were added to it since; kept).` : `Restored ${path} to what it was before this job.`
}

export async function runPost(): Promise<void> {
  const files = [
    { path: core.getState(StateKey.NpmrcPath), created: core.getState(StateKey.NpmrcCreated) === 'true', mode: core.getState(StateKey.NpmrcMode) },
    { path: core.getState(StateKey.YarnrcPath), created: core.getState(StateKey.YarnrcCreated) === 'true', mode: core.getState(StateKey.YarnrcMode) },
  ].filter((f) => f.path !== '')
  if (files.length === 0) {
    core.info('Nothing to clean up: the main step wrote no .npmrc.')
    return
  }
  for (const { path, created, mode } of files) {
    try {
      core.info(cleanUp(path, created, mode))
    } catch (error) {
      // Cleanup trouble should be seen, but a finished job's result is not worth failing over it.
      core.warning(`Post step could not clean up ${path}: ${describeError(error)}`)
    }
  }
}

await runPost()
