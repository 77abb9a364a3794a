/**
 * Post step: takes back what the main step wrote. A file it created is removed; a file it merged into
 * gets our block removed and the lines it displaced put back, so it is as it was before.
 */
import * as core from './runner-commands.js'
import { rmSync } from 'node:fs'
import { describeError } from './errors.js'
import { readExisting, restoreNpmrc, writeFileAtomic } from './npmrc.js'
import { StateKey } from './state.js'

export function cleanUp(path: string, created: boolean): string {
  const text = readExisting(path)
  if (text === undefined) return `${path} is already gone.`
  const restored = restoreNpmrc(text)
  if (created && restored.trim() === '') {
    rmSync(path, { force: true })
    return `Removed ${path}.`
  }
  if (restored === text) return `${path} holds nothing of ours; left as it is.`
  writeFileAtomic(path, restored)
  return created ? `Took our lines out of ${path} (other lines were added to it since; kept).` : `Restored ${path} to what it was before this job.`
}

export async function runPost(): Promise<void> {
  try {
    const path = core.getState(StateKey.NpmrcPath)
    if (!path) {
      core.info('Nothing to clean up: the main step wrote no .npmrc.')
      return
    }
    core.info(cleanUp(path, core.getState(StateKey.NpmrcCreated) === 'true'))
  } catch (error) {
    // Cleanup trouble should be seen, but a finished job's result is not worth failing over it.
    core.warning(`Post step could not clean up: ${describeError(error)}`)
  }
}

await runPost()
