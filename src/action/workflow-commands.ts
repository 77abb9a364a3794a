/**
 * The GitHub runner's command protocol — inputs from INPUT_* env, outputs / env / state / summary through
 * the GITHUB_* files in heredoc form, masks, annotations and groups as `::command::` lines — written
 * exactly as @actions/core writes them (the unit tests compare both byte for byte).
 *
 * Why not @actions/core itself on this path: it imports its HTTP client, and with it all of undici,
 * at load. That costs about 150 ms in every job for code the token path never runs (see
 * docs/BENCHMARKS.md). This file is the part of it the action uses, nothing more.
 */
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { EOL } from 'node:os'

export interface AnnotationProperties {
  title?: string
  file?: string
  startLine?: number
  endLine?: number
  startColumn?: number
  endColumn?: number
}

/** Non-strings as JSON, null/undefined as '' (as the toolkit does). */
function toCommandValue(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' || value instanceof String ? String(value) : JSON.stringify(value)
}

function escapeData(value: unknown): string {
  return toCommandValue(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(value: unknown): string {
  return toCommandValue(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** `::name key=value,key=value::message` */
export function formatCommand(command: string, properties: Record<string, unknown>, message: unknown): string {
  let text = `::${command}`
  // As the toolkit: a space once any property key is present, then only the truthy ones.
  if (Object.keys(properties).length > 0) {
    const props = Object.entries(properties).filter(([, v]) => Boolean(v))
    text += ` ${props.map(([k, v]) => `${k}=${escapeProperty(v)}`).join(',')}`
  }
  return `${text}::${escapeData(message)}`
}

/** Where lines go: stdout, or a holder while a group waits to be titled with its result (github-runner.ts). */
let holder: ((text: string) => void) | undefined

/** Every line written from now on goes to `to` instead of stdout (undefined: stdout again). */
export function holdOutput(to: ((text: string) => void) | undefined): void {
  holder = to
}

/** Writes to stdout, or to the holder. */
export function emit(text: string): void {
  if (holder) holder(text)
  else process.stdout.write(text)
}

export function issueCommand(command: string, properties: Record<string, unknown>, message: unknown): void {
  emit(formatCommand(command, properties, message) + EOL)
}

function fileCommand(name: 'OUTPUT' | 'ENV' | 'STATE', key: string, value: unknown): boolean {
  const path = process.env[`GITHUB_${name}`]
  if (!path) return false
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`)
  const delimiter = `ghadelimiter_${randomUUID()}`
  const converted = toCommandValue(value)
  // A value holding the delimiter could end the heredoc early and inject lines: refuse, as the toolkit does.
  if (key.includes(delimiter)) throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`)
  if (converted.includes(delimiter)) throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`)
  appendFileSync(path, `${key}<<${delimiter}${EOL}${converted}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' })
  return true
}

export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim()
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] || ''
}

export function setOutput(name: string, value: unknown): void {
  if (fileCommand('OUTPUT', name, value)) return
  emit(EOL)
  issueCommand('set-output', { name }, toCommandValue(value))
}

export function exportVariable(name: string, value: unknown): void {
  process.env[name] = toCommandValue(value)
  if (!fileCommand('ENV', name, value)) issueCommand('set-env', { name }, toCommandValue(value))
}

export function saveState(name: string, value: unknown): void {
  if (!fileCommand('STATE', name, value)) issueCommand('save-state', { name }, toCommandValue(value))
}

export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret)
}

function annotationProperties(props: AnnotationProperties): Record<string, unknown> {
  if (Object.keys(props).length === 0) return {}
  return { title: props.title, file: props.file, line: props.startLine, endLine: props.endLine, col: props.startColumn, endColumn: props.endColumn }
}

export const info = (message: string): void => emit(message + EOL)
export const debug = (message: string): void => issueCommand('debug', {}, message)
export const notice = (message: string, props: AnnotationProperties = {}): void => issueCommand('notice', annotationProperties(props), message)
export const warning = (message: string, props: AnnotationProperties = {}): void => issueCommand('warning', annotationProperties(props), message)
export const error = (message: string, props: AnnotationProperties = {}): void => issueCommand('error', annotationProperties(props), message)
export const startGroup = (name: string): void => issueCommand('group', {}, name)
export const endGroup = (): void => issueCommand('endgroup', {}, '')

/** Marks the step failed: exit code 1 and an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

/** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY). */
export async function appendSummary(markdown: string): Promise<void> {
  const path = process.env.GITHUB_STEP_SUMMARY
  if (!path) throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.')
  await appendFile(path, markdown, { encoding: 'utf8' })
}

/** The entry point's last line of defence: a failure run() did not report ends as one clean error, no stack trace. */
export function failUnexpected(error: unknown): void {
  setFailed(`setup-npm-auth failed: ${error instanceof Error ? error.message : String(error)}`)
}

/**
 * Ends the step by process.exitCode, once stdout and stderr have taken every line (an immediate
 * process.exit() cuts piped output past the pipe's buffer). A request abandoned at its deadline may still
 * hold a socket open: then a short unref'd timer ends the process anyway, so the step's time stays bounded.
 */
export function exitWhenWritten(graceMs = 1000): void {
  process.stdout.write('', () => {
    process.stderr.write('', () => {
      setTimeout(() => process.exit(), graceMs).unref()
    })
  })
}
