/**
 * npm's debug log (one file per npm command, `<logs-dir>/<timestamp>-debug-<n>.log`), read as a stream
 * into the few facts that explain a failure: the command, the package, the failed HTTP requests, npm's
 * OIDC verbose lines, its notices, its error code and error lines, and the exit code. A line of the log
 * looks like `33 http fetch PUT 404 https://host/@scope%2fpkg 2ms`: `<n> <level> <text>`.
 *
 * Bounded: at most `maxBytes` of a file is read (the tail of a huge log is not needed: npm writes the
 * error last, but a runaway log is cut rather than trusted), lines are kept only when they matter, each
 * list is capped, and every kept string is shortened. Text from the log is data: callers escape it.
 */
import { createReadStream } from 'node:fs'

export interface HttpFailure {
  method: string
  status: number
  url: string
}

export interface NpmRun {
  /** The file the run was read from. */
  file: string
  /** `npm publish`, `npm stage publish`, `npm install`… (npm's `verbose title`). */
  title: string
  /** The arguments npm was given (its `verbose argv`), for the log; may name a path but never a token. */
  argv: string[]
  npmVersion?: string
  /** `name@version` of the package a publish was about (npm's `verbose pkgid`). */
  pkgid?: string
  /** Requests that got an HTTP status of 400 or more, in order. */
  httpFailures: HttpFailure[]
  /** `verbose oidc` lines: npm's own account of its trusted-publishing exchange. */
  oidc: string[]
  /** npm's notices other than the tarball listing (the registry's npm-notice headers among them). */
  notices: string[]
  /** `error code E404`, or undefined when npm printed none. */
  errorCode?: string
  /** The `error` lines other than the code, in order (npm's summary and detail). */
  errorLines: string[]
  /** undefined when the log ends before npm wrote its exit line (cut, or npm was killed). */
  exitCode?: number
  /** The reader stopped at maxBytes. */
  truncated: boolean
}

const MAX_LIST = 40
const MAX_TEXT = 600
const LINE = /^(\d+) (verbose|info|http|notice|warn|error|silly|timing) (.*)$/
const HTTP_FETCH = /^fetch ([A-Z]+) (\d{3}) (\S+)/
/** The notices npm prints about the tarball it packs: noise for a diagnosis. */
const TARBALL_NOTICE = /^(|📦.*|Tarball (Contents|Details)|[\d.]+k?B .*|(name|version|filename|package size|unpacked size|shasum|integrity|total files): .*)$/

const short = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text)
function pushCapped<T>(list: T[], item: T): void {
  if (list.length < MAX_LIST) list.push(item)
}

/** Folds lines of one debug log into an NpmRun. Pure, for tests and for `readNpmLog`. */
export function parseNpmLog(file: string, lines: Iterable<string>): NpmRun {
  const run = newRun(file)
  for (const line of lines) addLine(run, line)
  return run
}

function newRun(file: string): NpmRun {
  return { file, title: '', argv: [], httpFailures: [], oidc: [], notices: [], errorLines: [], truncated: false }
}

/** Levels that never explain a failure: most of a log, skipped before any regular expression runs. */
const NOISE = /^\d+ (?:silly|timing) /

function addLine(run: NpmRun, raw: string): void {
  if (NOISE.test(raw)) return
  const m = LINE.exec(raw.endsWith('\r') ? raw.slice(0, -1) : raw)
  if (!m) return
  const [, , level, text] = m
  if (level === 'verbose') {
    if (text.startsWith('title ')) run.title = short(text.slice('title '.length).trim())
    else if (text.startsWith('argv ')) run.argv = [...text.slice('argv '.length).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => short(a[1])).slice(0, MAX_LIST)
    else if (text.startsWith('pkgid ')) run.pkgid = short(text.slice('pkgid '.length).trim())
    else if (text.startsWith('oidc ')) pushCapped(run.oidc, short(text.slice('oidc '.length)))
    else if (text.startsWith('exit ')) run.exitCode = Number.parseInt(text.slice('exit '.length), 10)
    else if (text.startsWith('npm ') && !run.npmVersion) run.npmVersion = text.slice('npm '.length).trim().replace(/^v/, '')
    return
  }
  if (level === 'info' && text.startsWith('using npm@')) {
    run.npmVersion = text.slice('using npm@'.length).trim()
    return
  }
  if (level === 'http') {
    const f = HTTP_FETCH.exec(text)
    if (f && Number(f[2]) >= 400) pushCapped(run.httpFailures, { method: f[1], status: Number(f[2]), url: short(f[3]) })
    return
  }
  if (level === 'notice') {
    // `📦  name@version`: the package a publish is about, logged before anything can fail (npm writes
    // `verbose pkgid` only for some failures).
    const packed = /^📦\s+(\S+@\S+)$/u.exec(text.trim())
    if (packed && !run.pkgid) run.pkgid = short(packed[1])
    if (!TARBALL_NOTICE.test(text.trim())) pushCapped(run.notices, short(text.trim()))
    return
  }
  if (level === 'error') {
    if (text.startsWith('code ') && !run.errorCode) run.errorCode = short(text.slice('code '.length).trim())
    else if (!text.startsWith('A complete log of this run can be found in')) pushCapped(run.errorLines, short(text))
  }
}

/** The run failed: npm exited non-zero, or (a cut log) printed an error. */
export function failed(run: NpmRun): boolean {
  return run.exitCode !== undefined ? run.exitCode !== 0 : run.errorCode !== undefined || run.errorLines.length > 0
}

const utf8 = (latin1: string): string => (/[^\x00-\x7f]/.test(latin1) ? Buffer.from(latin1, 'latin1').toString('utf8') : latin1)

/** Reads one debug log as a stream, at most `maxBytes` of it, line by line. Never holds the whole file. */
export async function readNpmLog(file: string, maxBytes: number): Promise<NpmRun> {
  const run = newRun(file)
  // Decoded as latin1 (one char per byte: the fastest decode, and lossless): the few lines kept are
  // turned back into UTF-8 text, so most of the log is never decoded as UTF-8 at all.
  const stream = createReadStream(file, { encoding: 'latin1', start: 0, end: Math.max(0, maxBytes - 1), highWaterMark: 256 * 1024 })
  let rest = ''
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const lines = (rest + chunk).split('\n')
      rest = lines.pop() ?? ''
      // A line longer than a chunk is kept only up to a bound: no log line needs more.
      if (rest.length > 64 * 1024) rest = rest.slice(0, 64 * 1024)
      for (const line of lines) if (!NOISE.test(line)) addLine(run, utf8(line))
    }
    if (rest !== '') addLine(run, utf8(rest))
  } finally {
    stream.destroy()
  }
  run.truncated = stream.bytesRead >= maxBytes
  return run
}
