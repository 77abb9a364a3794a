// Secret-leak canary: after a run of the action, no secret may appear anywhere the action wrote —
// stdout (except ::add-mask:: lines, which the runner consumes and never shows), stderr, outputs, env exports (except the one variable
// meant to carry the token), state, summary, or any file under the run's temp root.
// Failure messages say WHERE a secret leaked and in which form, never the secret itself.
import { readdirSync, readFileSync, lstatSync } from 'node:fs'
import path from 'node:path'
import type { RunActionResult } from './run-action.ts'

export interface CanaryOptions {
  /** The one GITHUB_ENV export allowed to carry the token (e.g. 'NODE_AUTH_TOKEN'). */
  tokenEnv?: string
  /** More files to scan (e.g. an .npmrc written outside the temp root). */
  extraFiles?: string[]
}

/** Just the parts of a run result the canary reads (so hand-made results work in self-tests). */
export type CanaryInput = Pick<RunActionResult, 'stdout' | 'stderr' | 'outputs' | 'env' | 'state' | 'summary' | 'dirs'>

interface Form {
  label: string
  value: string
}

/**
 * The spellings a secret may leak in: literal, URL-encoded, base64 — and base64 of the secret
 * embedded in a longer value (e.g. `_auth` = base64("user:" + secret)): for each of the 3 byte
 * alignments, the middle of the encoding does not depend on the surrounding bytes.
 */
function formsOf(secret: string): Form[] {
  const forms: Form[] = [{ label: 'literal', value: secret }]
  const add = (label: string, value: string) => {
    if (value.length >= 8 && !forms.some((f) => f.value === value)) forms.push({ label, value })
  }
  const uri = encodeURIComponent(secret)
  if (uri !== secret) forms.push({ label: 'encodeURIComponent', value: uri })
  add('base64', Buffer.from(secret).toString('base64'))
  if (Buffer.byteLength(secret) >= 12) {
    for (let shift = 0; shift < 3; shift++) {
      const b64 = Buffer.concat([Buffer.alloc(shift, 0x20), Buffer.from(secret)]).toString('base64')
      // Drop the first group if it mixes in the prefix bytes, and the last group (mixes in what follows / padding).
      add(`base64 (embedded, offset ${shift})`, b64.slice(shift ? 4 : 0, -4))
    }
  }
  return forms
}

/** Removes the entry for `name` (NAME=… or NAME<<DELIM … DELIM) from a GITHUB_ENV file's text. */
function withoutEnvEntry(text: string, name: string): string {
  const lines = text.split('\n')
  const kept: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '')
    if (line.startsWith(`${name}=`)) continue
    if (line.startsWith(`${name}<<`)) {
      const delimiter = line.slice(name.length + 2)
      while (i + 1 < lines.length && lines[i + 1].replace(/\r$/, '') !== delimiter) i++
      i++ // the delimiter line
      continue
    }
    kept.push(lines[i])
  }
  return kept.join('\n')
}

function walk(dir: string, out: string[] = []): string[] {
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of entries) {
    const full = path.join(dir, name)
    const st = lstatSync(full, { throwIfNoEntry: false })
    if (!st) continue
    if (st.isDirectory()) walk(full, out)
    else if (st.isFile()) out.push(full)
  }
  return out
}

const isEnvCommandFile = (file: string) => path.basename(file).startsWith('set_env_')

/** Finds every place a secret leaked; returns human-readable locations (no secret values). */
export function findSecretLeaks(result: CanaryInput, secrets: string[], opts: CanaryOptions = {}): string[] {
  const leaks: string[] = []
  const files = [...walk(result.dirs.root), ...(opts.extraFiles ?? [])]
  const fileContents = files.map((file) => {
    let text: string
    try {
      text = readFileSync(file).toString('latin1') // byte-preserving, so binary files compare too
    } catch {
      return { file, text: '' }
    }
    // The allowed env export is the only place the token may sit; skip just that entry.
    if (opts.tokenEnv && (file === result.dirs.files.env || isEnvCommandFile(file))) text = withoutEnvEntry(text, opts.tokenEnv)
    return { file, text }
  })

  secrets.forEach((secret, index) => {
    if (!secret) throw new Error(`assertNoSecretLeak: secret #${index} is empty`)
    const id = `secret #${index} (length ${secret.length})`
    const forms = formsOf(secret)
    // The runner consumes ::add-mask:: lines and never shows them: masking the secret, or a value
    // derived from it (base64 forms, a Basic ident), is how it is kept out of the log.
    const isMaskLine = (line: string) => line.startsWith('::add-mask::')
    for (const form of forms) {
      const where = (place: string) => leaks.push(`${id}, ${form.label} form, in ${place}`)
      result.stdout.split('\n').forEach((rawLine, i) => {
        const line = rawLine.replace(/\r$/, '')
        if (isMaskLine(line)) return
        if (line.includes(form.value)) where(`stdout line ${i + 1}`)
      })
      if (result.stderr.includes(form.value)) where('stderr')
      for (const [name, value] of Object.entries(result.outputs)) if (value.includes(form.value)) where(`output '${name}'`)
      for (const [name, value] of Object.entries(result.env)) {
        if (name === opts.tokenEnv) continue
        if (name.includes(form.value) || value.includes(form.value)) where(`GITHUB_ENV export '${name}'`)
      }
      for (const [name, value] of Object.entries(result.state)) {
        if (name.includes(form.value) || value.includes(form.value)) where(`state '${name}'`)
      }
      if (result.summary.includes(form.value)) where('step summary')
      const needle = Buffer.from(form.value).toString('latin1')
      for (const { file, text } of fileContents) {
        if (text.includes(needle)) where(`file ${file.startsWith(result.dirs.root + path.sep) ? path.relative(result.dirs.root, file) : file}`)
      }
    }
  })
  return leaks
}

/** Throws (failing the test) if any secret leaked; the message lists where, never the secret. */
export function assertNoSecretLeak(result: CanaryInput, secrets: string[], opts: CanaryOptions = {}): void {
  const leaks = findSecretLeaks(result, secrets, opts)
  if (leaks.length > 0) {
    throw new Error(`Secret leak detected (${leaks.length}):\n  - ${leaks.join('\n  - ')}`)
  }
}

/**
 * A finished process that is not an action step (the CLI, the npm CLI) as canary input: its stdout and
 * stderr, and every file under `root` (its HOME, npm's cache and debug logs, its working directory…).
 * Keep files meant to hold a secret (a userconfig with a token) outside `root`.
 */
export function processCanaryInput(result: { stdout: string; stderr: string }, root: string): CanaryInput {
  const none = path.join(root, '.no-command-file')
  return {
    stdout: result.stdout,
    stderr: result.stderr,
    outputs: {},
    env: {},
    state: {},
    summary: '',
    dirs: { root, runnerTemp: root, workspace: root, home: root, files: { output: none, env: none, state: none, summary: none, path: none } },
  }
}
