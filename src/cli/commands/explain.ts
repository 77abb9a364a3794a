/**
 * `setup-npm-auth explain [LOG…]`: the post step's diagnosis of failed npm commands, over npm debug logs
 * given as files (default: the newest logs in npm's logs directory), for a laptop or another CI.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import { explainLogs } from '../../diagnose/explain-logs.js'
import { listDebugLogs, type LogFile } from '../../diagnose/log-files.js'
import { explanationText, scrubSecrets } from '../../diagnose/render.js'
import { EXIT_CODE } from '../../check/grade.js'
import { npmEnvConfig } from '../../registry/npm-config.js'
import type { ParsedArgs } from '../args.js'
import { UsageError } from '../args.js'
import type { CliIo } from '../io.js'
import { statSync } from 'node:fs'

export const EXPLAIN_FLAGS: Readonly<Record<string, string>> = { '--logs-dir': 'logs-dir', '--last': 'last' }

export const EXPLAIN_USAGE = `Usage: setup-npm-auth explain [LOG…] [options]

Explains why npm commands failed (publish, stage publish, install, dist-tag, access) from npm's own debug
logs: the cause npm reported as E404 / ENEEDAUTH / E401 / EOTP, and the fix. Covers the npm CLI (pnpm and
Yarn write no such log).

Arguments:
  LOG…                  npm debug log files (default: the newest logs in npm's logs directory)

Options:
  --logs-dir DIR        where npm writes its logs (default: $NPM_CONFIG_LOGS_DIR, else ~/.npm/_logs)
  --last N              read the N newest logs of that directory (default 10, npm's logs-max)
  --json                print the explanations as JSON; a failure as one JSON object too
                        (setup-npm-auth --help, "Errors")
  -h, --help            this help

Exit codes: 0 no failed command found, 2 failed commands explained.`

export async function runExplain(args: ParsedArgs, io: CliIo): Promise<number> {
  const files = args.positionals.length > 0 ? args.positionals.map(fileOf) : newestLogs(args, io.env)
  const skipped: string[] = []
  const explanations = await explainLogs({ files, skip: (file, why) => skipped.push(`${file}: ${why}`) })
  for (const line of skipped) io.err(`skipped ${scrubSecrets(line)}\n`)
  if (args.json) {
    io.out(`${JSON.stringify(JSON.parse(scrubSecrets(JSON.stringify({ logs: files.length, failures: explanations }))), null, 2)}\n`)
  } else if (explanations.length === 0) {
    io.out(`No failed npm command in ${files.length} log${files.length === 1 ? '' : 's'}.\n`)
  } else {
    io.out(explanations.map(explanationText).join('\n'))
  }
  return explanations.length > 0 ? EXIT_CODE.error : EXIT_CODE.ok
}

function fileOf(path: string): LogFile {
  try {
    const stat = statSync(path)
    if (!stat.isFile()) throw new UsageError(`${JSON.stringify(path)} is not a file. Give npm debug log files, or no argument to read npm's logs directory.`)
    return { path, mtimeMs: stat.mtimeMs, size: stat.size }
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(
      `Cannot read ${JSON.stringify(path)}: no such file. Give npm debug log files (npm prints "A complete log of this run can be found in: …").`,
    )
  }
}

function newestLogs(args: ParsedArgs, env: NodeJS.ProcessEnv): LogFile[] {
  const last = args.inputs.last === undefined ? 10 : Number(args.inputs.last)
  if (!Number.isInteger(last) || last < 1 || last > 1000)
    throw new UsageError(`--last ${JSON.stringify(args.inputs.last)} is not a whole number from 1 to 1000.`)
  const cache = npmEnvConfig(env, 'cache')
  const dir = args.inputs['logs-dir'] || npmEnvConfig(env, 'logs-dir') || join(cache || join(env.HOME || homedir(), '.npm'), '_logs')
  const files = listDebugLogs(dir, 0, last)
  if (files.length === 0) throw new UsageError(`No npm debug logs in ${dir}. Give log files as arguments, or --logs-dir DIR.`)
  return files
}
