export interface ActionInput {
  name: string
  /** The `default:` string as written (undefined when action.yml has none). */
  default: string | undefined
  required: boolean
}

export interface CommandFiles {
  /** GITHUB_OUTPUT */
  output: string
  /** GITHUB_ENV */
  env: string
  /** GITHUB_STATE */
  state: string
  /** GITHUB_STEP_SUMMARY */
  summary: string
  /** GITHUB_PATH */
  path: string
}

export interface RunDirs {
  /** Temp root holding everything below (the canary scans all of it). */
  root: string
  /** RUNNER_TEMP; the command files live in its _runner_file_commands/ like on a real runner. */
  runnerTemp: string
  /** GITHUB_WORKSPACE, and the default cwd. */
  workspace: string
  /** HOME, so the developer's ~/.npmrc never leaks in. */
  home: string
  /** This run's command files (fresh per step, as the runner does). */
  files: CommandFiles
}

export interface RunActionOptions {
  step?: 'main' | 'post'
  /** Overrides of action.yml defaults, by input name as declared (e.g. 'registry-url'). Undeclared names throw. */
  inputs?: Record<string, string>
  /** Applied last to the child env; undefined deletes a variable. */
  env?: Record<string, string | undefined>
  /** Default: dirs.workspace. */
  cwd?: string
  /** A previous run's dirs: same root/runner-temp/workspace/home (a later step of the same job). Needed for post. */
  dirs?: RunDirs
  /** STATE_* entries for the post step. Default: what the run owning `dirs` saved. Ignored for main. */
  state?: Record<string, string>
  /** Apply the previous run's GITHUB_ENV exports to this step (the runner does). Default: true when `dirs` is given. */
  inheritEnv?: boolean
  /** Kill the action (and its process group) and throw after this long. Default 45000. */
  timeoutMs?: number
  /** Script to run instead of dist/index.js / dist/post/index.js (harness self-tests). */
  entry?: string
  /** action.yml to read inputs from instead of <repo>/action.yml (harness self-tests). */
  actionYml?: string
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  title?: string
  /** Decoded message. */
  message: string
  /** All decoded properties (title, file, line, col, …). */
  properties: Record<string, string>
}

export interface WorkflowCommand {
  command: string
  properties: Record<string, string>
  data: string
}

export interface RunActionResult {
  step: 'main' | 'post'
  /** Process exit code (128 + signal number if it died from a signal). */
  exitCode: number
  signal: string | null
  stdout: string
  stderr: string
  /** Parsed GITHUB_OUTPUT. */
  outputs: Record<string, string>
  /** Parsed GITHUB_ENV (what the step exported). */
  env: Record<string, string>
  /** Parsed GITHUB_STATE. */
  state: Record<string, string>
  /** GITHUB_STEP_SUMMARY, raw. */
  summary: string
  /** GITHUB_PATH entries. */
  paths: string[]
  annotations: Annotation[]
  /** Decoded ::add-mask:: values, in order. */
  masks: string[]
  /** Every workflow command seen on stdout (group, endgroup, debug, …), decoded. */
  commands: WorkflowCommand[]
  dirs: RunDirs
  /** The exact environment the child got (inputs included: don't print it in a failing test if it holds secrets). */
  childEnv: Record<string, string>
}

/** Runs the built action like the GitHub runner. */
export declare function runAction(opts?: RunActionOptions): Promise<RunActionResult>
/** The inputs block of an action.yml (line-based reader). */
export declare function readActionInputs(actionYmlPath: string): ActionInput[]
/** 'registry-url' → 'INPUT_REGISTRY-URL'. */
export declare function inputEnvName(name: string): string
/** Parses NAME=VALUE / NAME<<DELIM file-command text. Throws on malformed content, like the runner. */
export declare function parseFileCommands(text: string, label?: string): Record<string, string>
/** Workflow commands on stdout, decoded. */
export declare function parseWorkflowCommands(stdout: string): WorkflowCommand[]
/** Removes the temp root of `dirs`, or of every run so far. Done automatically at process exit unless HARNESS_KEEP_TMP=1. */
export declare function cleanupRunDirs(dirs?: RunDirs): void
