// Runs the built action (dist/index.js or dist/post/index.js) the way the GitHub runner does:
// a clean environment, every input declared in action.yml (read by action-yml.ts) passed as
// INPUT_<NAME> (with its default unless the test overrides it), the four file-command files, STATE_*
// for the post step, and then parses everything the action reported back (outputs, exported env,
// state, summary, annotations, masks) so tests can assert on it.
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { inputEnvName, readActionInputs } from './action-yml.ts'
import { makeOwnedTempDir, modernNode, repoRoot, runProcess } from './process.ts'

const DEFAULT_TIMEOUT_MS = 45_000
const SPY_ENTRY = path.join(repoRoot, 'test-support', 'fixtures', 'spy-entry.mjs')

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
  /** Run the step under fixtures/spy-entry.mjs, which records its peak RSS and the files it creates, renames and writes (result.spy). */
  spy?: boolean
}

/** A file-system call the spied action made (see fixtures/spy-entry.mjs). */
export interface SpyEvent {
  op: 'create' | 'rename' | 'writeFile'
  path?: string
  flags?: number
  modeAtCreation?: number
  from?: string
  to?: string
}

export interface SpyRecord {
  /** Peak resident set size of the action's process (getrusage ru_maxrss, what `/usr/bin/time -f %M` prints). */
  maxRssKiB: number
  events: SpyEvent[]
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
  /** Wall time of the action's process, spawn to exit, ms. */
  ms: number
  /** With opts.spy: what the action's process did. */
  spy?: SpyRecord
}

// ---------------------------------------------------------------------------------------------
// File commands and workflow commands
// ---------------------------------------------------------------------------------------------

/**
 * Parses a GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE file like the runner: `NAME=VALUE` lines and
 * `NAME<<DELIM` heredocs (value lines joined with '\n' up to a line that is exactly DELIM).
 * Whichever of '=' and '<<' comes first on the line decides the form. Later entries win; a malformed
 * file throws (`label` names it in the message), as the runner fails the step.
 */
export function parseFileCommands(text: string, label = 'file'): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line === '') continue
    const eq = line.indexOf('=')
    const hd = line.indexOf('<<')
    if (eq >= 0 && (hd < 0 || eq < hd)) {
      const name = line.slice(0, eq)
      if (!name) throw new Error(`${label}:${i + 1}: empty name`)
      out[name] = line.slice(eq + 1)
    } else if (hd >= 0) {
      const name = line.slice(0, hd)
      const delimiter = line.slice(hd + 2)
      if (!name || !delimiter) throw new Error(`${label}:${i + 1}: invalid heredoc line`)
      const value: string[] = []
      let j = i + 1
      while (j < lines.length && lines[j] !== delimiter) value.push(lines[j++])
      if (j >= lines.length) throw new Error(`${label}:${i + 1}: heredoc for '${name}' has no closing delimiter`)
      out[name] = value.join('\n')
      i = j
    } else {
      throw new Error(`${label}:${i + 1}: neither NAME=VALUE nor NAME<<DELIMITER`)
    }
  }
  return out
}

/** Undoes @actions/core's escaping in one pass (so "%250A" correctly becomes "%0A", not "%\n"). */
function unescapeCommand(s: string, isProperty: boolean): string {
  return s.replace(/%(25|0D|0A|3A|2C)/gi, (m, code: string) => {
    switch (code.toUpperCase()) {
      case '25':
        return '%'
      case '0D':
        return '\r'
      case '0A':
        return '\n'
      case '3A':
        return isProperty ? ':' : m
      case '2C':
        return isProperty ? ',' : m
    }
    return m
  })
}

/**
 * Workflow commands (`::name k=v,k2=v2::data`) printed on stdout, decoded. Honours
 * `::stop-commands::TOKEN` … `::TOKEN::` like the runner.
 */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = []
  let stopToken: string | null = null
  for (const rawLine of stdout.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine
    if (stopToken !== null) {
      if (line === `::${stopToken}::`) stopToken = null
      continue
    }
    // Properties cannot contain '::' (':' is escaped in them), so the first '::' after the
    // command name ends them; the data may contain anything.
    const m = /^::([A-Za-z][\w-]*)(?: ([^]*?))?::([^]*)$/.exec(line)
    if (!m) continue
    const [, command, props, data] = m
    const properties: Record<string, string> = {}
    if (props) {
      for (const pair of props.split(',')) {
        const eq = pair.indexOf('=')
        if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeCommand(pair.slice(eq + 1), true)
      }
    }
    const decoded = unescapeCommand(data, false)
    if (command === 'stop-commands') {
      stopToken = decoded
      continue
    }
    commands.push({ command, properties, data: decoded })
  }
  return commands
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

/**
 * Temp roots made by this process; removed when it exits unless HARNESS_KEEP_TMP=1 (for post-mortems).
 * Inside Jest the 'exit' hook never fires (see makeOwnedTempDir): there, the next test process
 * sweeps them, or a test calls cleanupRunDirs() in afterAll.
 */
const createdRoots = new Set<string>()
let cleanupHookInstalled = false

/** Removes the temp root of `dirs`, or of every run so far. Done automatically at process exit unless HARNESS_KEEP_TMP=1. */
export function cleanupRunDirs(dirs?: Pick<RunDirs, 'root'>): void {
  const roots = dirs ? [dirs.root] : [...createdRoots]
  for (const root of roots) {
    rmSync(root, { recursive: true, force: true })
    createdRoots.delete(root)
  }
}

/** A fresh temp root with runner-temp/, workspace/, home/. */
function makeDirs(): Omit<RunDirs, 'files'> {
  const root = makeOwnedTempDir('run-action-')
  createdRoots.add(root)
  if (!cleanupHookInstalled) {
    cleanupHookInstalled = true
    process.on('exit', () => {
      if (process.env.HARNESS_KEEP_TMP !== '1') cleanupRunDirs()
    })
  }
  const dirs = {
    root,
    runnerTemp: path.join(root, 'runner-temp'),
    workspace: path.join(root, 'workspace'),
    home: path.join(root, 'home'),
  }
  for (const d of [dirs.runnerTemp, dirs.workspace, dirs.home]) mkdirSync(d, { recursive: true })
  return dirs
}

/**
 * Fresh command files for one step, where the runner keeps them ($RUNNER_TEMP/_runner_file_commands/):
 * each step, post steps included, gets its own files.
 */
function makeCommandFiles(runnerTemp: string, step: 'main' | 'post'): CommandFiles {
  const dir = path.join(runnerTemp, '_runner_file_commands')
  mkdirSync(dir, { recursive: true })
  const id = `${step}_${randomUUID()}`
  const files = {
    output: path.join(dir, `set_output_${id}`),
    env: path.join(dir, `set_env_${id}`),
    state: path.join(dir, `save_state_${id}`),
    summary: path.join(dir, `step_summary_${id}`),
    path: path.join(dir, `add_path_${id}`),
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  return files
}

const readIfExists = (file: string): string => (file && existsSync(file) ? readFileSync(file, 'utf8') : '')
const tail = (s: string, n = 4000): string => (s.length > n ? `…${s.slice(-n)}` : s)

/** Runs the built action like the GitHub runner. */
export async function runAction(opts: RunActionOptions = {}): Promise<RunActionResult> {
  const step = opts.step ?? 'main'
  if (step !== 'main' && step !== 'post') throw new Error(`runAction: step must be 'main' or 'post', got ${String(step)}`)

  // Inputs: every declared one, default first, test overrides on top; unknown names are typos.
  const actionYml = opts.actionYml ?? path.join(repoRoot, 'action.yml')
  const declared = readActionInputs(actionYml)
  const declaredNames = new Set(declared.map((i) => i.name))
  for (const name of Object.keys(opts.inputs ?? {})) {
    if (!declaredNames.has(name)) {
      throw new Error(`runAction: input '${name}' is not declared in ${actionYml} (declared: ${[...declaredNames].join(', ')})`)
    }
  }
  const inputEnv: Record<string, string> = {}
  for (const input of declared) {
    let value = input.default ?? ''
    // The runner would evaluate expressions such as ${{ github.token }}; here they become ''.
    if (value.includes('${{')) value = ''
    if (opts.inputs && Object.hasOwn(opts.inputs, input.name)) value = opts.inputs[input.name]
    inputEnv[inputEnvName(input.name)] = value
  }

  // Directories: reuse a previous run's (a later step of the same job) or make fresh ones.
  const previous = opts.dirs
  const base = previous ? { root: previous.root, runnerTemp: previous.runnerTemp, workspace: previous.workspace, home: previous.home } : makeDirs()
  const files = makeCommandFiles(base.runnerTemp, step)
  const dirs: RunDirs = { ...base, files }

  // What the previous step left behind: its saved state (read by the post step) and its env
  // exports (the runner applies GITHUB_ENV exports to every later step of the job, post included).
  const prevState = previous ? parseFileCommands(readIfExists(previous.files.state), 'GITHUB_STATE') : {}
  const prevEnv = previous ? parseFileCommands(readIfExists(previous.files.env), 'GITHUB_ENV') : {}
  const inheritEnv = opts.inheritEnv ?? Boolean(previous)
  const stateIn = opts.state ?? prevState
  const stateEnv: Record<string, string> = {}
  if (step === 'post') for (const [k, v] of Object.entries(stateIn)) stateEnv[`STATE_${k}`] = v

  const overlay: Record<string, string | undefined> = {
    HOME: dirs.home, // the developer's ~/.npmrc must never leak in
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: dirs.runnerTemp,
    GITHUB_WORKSPACE: dirs.workspace,
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_ACTION_PATH: repoRoot,
    GITHUB_OUTPUT: files.output,
    GITHUB_ENV: files.env,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_PATH: files.path,
    ...(inheritEnv ? prevEnv : {}),
    ...inputEnv,
    ...stateEnv,
    ...(opts.env ?? {}),
  }

  const entry = opts.entry ?? path.join(repoRoot, step === 'main' ? 'dist/index.js' : 'dist/post/index.js')
  if (!existsSync(entry)) throw new Error(`runAction: ${entry} does not exist (run npm run bundle first)`)
  const spyLog = opts.spy ? path.join(dirs.root, `spy-${step}-${randomUUID()}.jsonl`) : undefined
  // Its own process group, so a timeout also kills anything the action spawned.
  const run = await runProcess(modernNode(24), spyLog ? [SPY_ENTRY] : [entry], {
    cwd: opts.cwd ?? dirs.workspace,
    env: spyLog ? { ...overlay, SPY_LOG: spyLog, SPY_TARGET: entry } : overlay,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    label: `runAction(${step})`,
  })
  const { stdout, stderr } = run
  let spy: SpyRecord | undefined
  if (spyLog) {
    if (!existsSync(spyLog)) throw new Error(`runAction(${step}): the spy wrote no record\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`)
    spy = JSON.parse(readFileSync(spyLog, 'utf8').trim()) as SpyRecord
    rmSync(spyLog)
  }

  const commands = parseWorkflowCommands(stdout)
  const annotations: Annotation[] = commands
    .filter((c) => c.command === 'error' || c.command === 'warning' || c.command === 'notice')
    .map((c) => ({
      level: c.command as Annotation['level'],
      ...(c.properties.title !== undefined ? { title: c.properties.title } : {}),
      message: c.data,
      properties: c.properties,
    }))
  const masks = commands.filter((c) => c.command === 'add-mask').map((c) => c.data)

  let outputs: Record<string, string>, exportedEnv: Record<string, string>, state: Record<string, string>
  try {
    outputs = parseFileCommands(readIfExists(files.output), 'GITHUB_OUTPUT')
    exportedEnv = parseFileCommands(readIfExists(files.env), 'GITHUB_ENV')
    state = parseFileCommands(readIfExists(files.state), 'GITHUB_STATE')
  } catch (err) {
    // The runner fails the step on a malformed file command; so does the harness, with context.
    throw new Error(`runAction(${step}): ${(err as Error).message}\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`, { cause: err })
  }

  return {
    step,
    exitCode: run.code,
    signal: run.signal,
    stdout,
    stderr,
    outputs,
    env: exportedEnv,
    state,
    summary: readIfExists(files.summary),
    paths: readIfExists(files.path).split(/\r?\n/).filter(Boolean),
    annotations,
    masks,
    commands,
    dirs,
    childEnv: run.env,
    ms: run.ms,
    ...(spy ? { spy } : {}),
  }
}
