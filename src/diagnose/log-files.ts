/**
 * Which npm debug logs to read: those in a logs directory written since a moment (this job's, in the
 * post step), newest last, within a file-count and a total-size budget.
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { readNpmLog, type NpmRun } from './npm-log.js'

/** npm names its logs `<ISO time with _ for :>-debug-<n>.log`. */
const DEBUG_LOG = /-debug-\d+\.log$/

export interface LogBudget {
  /** Read at most this many files (the newest). */
  maxFiles: number
  /** Read at most this much of one file. */
  maxBytesPerFile: number
  /** Stop once this much has been read in all. */
  maxTotalBytes: number
}

export const DEFAULT_BUDGET: LogBudget = { maxFiles: 200, maxBytesPerFile: 8 * 1024 * 1024, maxTotalBytes: 64 * 1024 * 1024 }

export interface LogFile {
  path: string
  mtimeMs: number
  size: number
}

/** The debug logs in `dir` modified at or after `since` (epoch ms), oldest first; [] when the folder is missing. */
export function listDebugLogs(dir: string, since = 0, maxFiles = DEFAULT_BUDGET.maxFiles): LogFile[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const files: LogFile[] = []
  for (const name of names) {
    if (!DEBUG_LOG.test(name)) continue
    try {
      const stat = statSync(join(dir, name))
      if (stat.isFile() && stat.mtimeMs >= since) files.push({ path: join(dir, name), mtimeMs: stat.mtimeMs, size: stat.size })
    } catch {
      // gone since readdir: nothing to read
    }
  }
  return files.sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path)).slice(-maxFiles)
}

/** Reads the files within the budget; a file that cannot be read is reported through `skip` and left out. */
export async function readDebugLogs(files: readonly LogFile[], budget: LogBudget, skip: (file: string, why: string) => void): Promise<NpmRun[]> {
  const runs: NpmRun[] = []
  let total = 0
  // Newest first, so a budget cut drops the oldest runs; returned oldest first.
  for (const file of [...files].reverse()) {
    if (total >= budget.maxTotalBytes) {
      skip(file.path, 'the total read budget is spent')
      continue
    }
    const max = Math.min(budget.maxBytesPerFile, budget.maxTotalBytes - total)
    try {
      runs.push(await readNpmLog(file.path, max))
      total += Math.min(file.size, max)
    } catch (error) {
      skip(file.path, error instanceof Error ? error.message : String(error))
    }
  }
  return runs.reverse()
}
