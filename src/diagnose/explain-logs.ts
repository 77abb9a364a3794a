/** The whole diagnosis over a set of npm debug logs: read within the budget, keep the failed runs, explain each. */
import { explainRun, type Explanation } from './classify.js'
import type { DiagnosisContext } from './context.js'
import { DEFAULT_BUDGET, readDebugLogs, type LogBudget, type LogFile } from './log-files.js'

export interface ExplainLogsInput {
  files: readonly LogFile[]
  context?: DiagnosisContext
  budget?: LogBudget
  /** Told about each log that could not be read (it is left out, never fatal). */
  skip: (file: string, why: string) => void
}

export async function explainLogs({ files, context, budget = DEFAULT_BUDGET, skip }: ExplainLogsInput): Promise<Explanation[]> {
  const runs = await readDebugLogs(files, budget, skip)
  return runs.map((run) => explainRun(run, context)).filter((e): e is Explanation => e !== undefined)
}
