/**
 * Main step, mode setup: make sure every later npm command of the job writes its debug log where the post
 * step will look. The job's own NPM_CONFIG_LOGS_DIR is kept; else a folder of ours under RUNNER_TEMP is
 * exported (npm keeps writing its normal output; only where its debug log goes changes).
 */
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { npmEnvConfig } from '../registry/npm-config.js'
import { LOGS_DIR_PREFIX } from './context.js'

export interface LogsDirChoice {
  dir: string
  /** The folder is ours and must be exported as NPM_CONFIG_LOGS_DIR. */
  export: boolean
  /** Made in the system temp folder (RUNNER_TEMP unset): nobody else cleans it, so the post step removes it. */
  temporary: boolean
}

export function chooseLogsDir(env: NodeJS.ProcessEnv): LogsDirChoice {
  const configured = npmEnvConfig(env, 'logs-dir')
  if (configured) return { dir: configured, export: false, temporary: false }
  // Resolved: a relative RUNNER_TEMP must not export a relative NPM_CONFIG_LOGS_DIR.
  const base = env.RUNNER_TEMP ? resolve(env.RUNNER_TEMP) : tmpdir()
  mkdirSync(base, { recursive: true })
  return { dir: mkdtempSync(join(base, LOGS_DIR_PREFIX)), export: true, temporary: !env.RUNNER_TEMP }
}
