/**
 * Takes back what the main step wrote: a file it created is removed; a file it merged into gets our
 * block removed and the lines it displaced put back, so it is as it was before the job.
 */
import { chmodSync, rmSync } from 'node:fs'
import { restoreMarkedBlock } from './marked-block.js'
import { readExisting, writeFileAtomic } from './safe-file.js'

/**
 * `mode`: the octal permissions a merged-into file had before the job ('' when unknown or created).
 * `block`: the key of the block this step wrote (the .npmrc's registry key), so a second use of the action
 * in the job keeps the other's block; '' or undefined: every block (the .yarnrc.yml, or an older run's state).
 */
export function restoreConfigFile(path: string, created: boolean, mode = '', block?: string): string {
  const text = readExisting(path)
  if (text === undefined) return `${path} is already gone.`
  const restored = restoreMarkedBlock(text, block || undefined)
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
