/**
 * The .npmrc the action writes: credentials keyed to exactly one registry and referencing an env var
 * (`//host/path/:_authToken=${NODE_AUTH_TOKEN}`), never the token itself, never an unscoped `_authToken`.
 *
 * Our lines live in a marked block so the post step can take them out again; lines of the user's file
 * that would conflict with ours are commented out with a marker and put back by the post step, so a
 * merged file is restored exactly.
 */
import { constants, lstatSync, openSync, readFileSync, renameSync, rmSync, writeSync, closeSync, fsyncSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import { NpmrcError } from './errors.js'

export const BLOCK_START = '# >>> setup-npm-auth: lines below are removed by its post step'
export const BLOCK_END = '# <<< setup-npm-auth'
export const DISPLACED_PREFIX = '# setup-npm-auth displaced: '
/** Written inside our block when the user's file did not end with a line break, so restoring gives it back byte for byte. */
export const NO_FINAL_EOL = '# setup-npm-auth: the lines above had no final line break'

/**
 * npm's key for a registry's credentials: `//host[:port]/dir/` — scheme, query and the last path
 * segment (when the URL does not end in '/') dropped, default ports omitted.
 */
export function registryKey(registry: URL | string): string {
  const parsed = new URL(registry)
  const from = `${parsed.protocol}//${parsed.host}${parsed.pathname}`
  const dir = new URL('.', from)
  return `//${dir.host}${dir.pathname}`
}

/** Azure Artifacts' form: username / _password / email under each key (the password being `${tokenEnv}`). */
export interface PasswordCredential {
  form: 'password'
  username: string
  /** Every prefix to write the three lines for (`…/npm/registry/` and `…/npm/`). */
  keys: string[]
}

export interface NpmrcContent {
  registry: URL
  tokenEnv: string
  scope: string
  /** Write `registry=` (not when a scope is given, nor for npm's own default registry). */
  setDefaultRegistry: boolean
  /**
   * Write the credential lines. Off under OIDC when no usable token will be in the env:
   * an unexpanded or empty credential would be what npm falls back to when its own exchange fails.
   */
  authLine?: boolean
  /** Default: `//key/:_authToken=${tokenEnv}` for the registry's key. */
  credential?: { form: 'token' } | PasswordCredential
}

/** npm ignores the value but refuses username/_password without one (Azure's docs write this very line). */
export const AZURE_EMAIL = "npm requires email to be set but doesn't use the value"

/** Our lines, in the order written. */
export function renderNpmrcLines({ registry, tokenEnv, scope, setDefaultRegistry, authLine = true, credential }: NpmrcContent): string[] {
  const lines: string[] = []
  if (authLine && credential?.form === 'password') {
    for (const key of credential.keys) {
      lines.push(`${key}:username=${credential.username}`, `${key}:_password=\${${tokenEnv}}`, `${key}:email=${AZURE_EMAIL}`)
    }
  } else if (authLine) {
    lines.push(`${registryKey(registry)}:_authToken=\${${tokenEnv}}`)
  }
  if (scope) lines.push(`${scope}:registry=${registry.href}`)
  else if (setDefaultRegistry) lines.push(`registry=${registry.href}`)
  return lines
}

const CREDENTIAL_FIELDS = ['_authToken', '_auth', 'username', '_password', 'token']

/** Settings of the user's file that ours replace: this registry's credentials and the registry routing we set. */
function conflictsWith(line: string, content: NpmrcContent): boolean {
  const trimmed = line.trim()
  if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return false
  const key = trimmed.slice(0, Math.max(0, trimmed.indexOf('='))).trim()
  if (key === '') return false
  const password = content.credential?.form === 'password' ? content.credential : undefined
  const prefixes = (password ? password.keys : [registryKey(content.registry)]).map((k) => `${k}:`)
  const fields = password ? [...CREDENTIAL_FIELDS, 'email'] : CREDENTIAL_FIELDS
  if (prefixes.some((prefix) => key.startsWith(prefix) && fields.includes(key.slice(prefix.length)))) return true
  if (content.scope && key === `${content.scope}:registry`) return true
  if (!content.scope && content.setDefaultRegistry && key === 'registry') return true
  return false
}

/** Merges our block into an existing file's text (first removing a block a previous run left behind). */
export function mergeNpmrc(existing: string, content: NpmrcContent): string {
  return mergeMarkedBlock(existing, (line) => conflictsWith(line, content), renderNpmrcLines(content))
}

/**
 * The marked-block merge shared by .npmrc and .yarnrc.yml (both take `#` comments): a block left by a
 * previous run is taken out first, lines `displace` picks are commented out with a marker, and our
 * lines are appended between the block markers. restoreMarkedBlock is its exact inverse.
 */
export function mergeMarkedBlock(existing: string, displace: (line: string, index: number, lines: readonly string[]) => boolean, ours: readonly string[]): string {
  const base = restoreMarkedBlock(existing)
  const eol = base.includes('\r\n') ? '\r\n' : '\n'
  const kept = base === '' ? [] : base.replace(/(\r?\n)$/, '').split(/\r?\n/)
  const lines = kept.map((line, i) => (displace(line, i, kept) ? `${DISPLACED_PREFIX}${line}` : line))
  const noFinalEol = base !== '' && !base.endsWith('\n')
  lines.push(BLOCK_START, ...ours, ...(noFinalEol ? [NO_FINAL_EOL] : []), BLOCK_END)
  return lines.join(eol) + eol
}

/** Takes our block out and puts displaced lines back: the inverse of mergeNpmrc (and of mergeMarkedBlock). */
export function restoreNpmrc(text: string): string {
  return restoreMarkedBlock(text)
}

export function restoreMarkedBlock(text: string): string {
  if (!text.includes(BLOCK_START) && !text.includes(DISPLACED_PREFIX)) return text
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const out: string[] = []
  let inBlock = false
  // Set by the marker in our block; void again when lines follow the block (the file then ends with them).
  let noFinalEol = false
  const lines = text.split(/\r?\n/)
  const trailingNewline = lines.length > 0 && lines[lines.length - 1] === ''
  if (trailingNewline) lines.pop()
  for (const line of lines) {
    if (line === BLOCK_START) {
      inBlock = true
      continue
    }
    if (inBlock) {
      if (line === BLOCK_END) inBlock = false
      if (line === NO_FINAL_EOL) noFinalEol = true
      continue
    }
    noFinalEol = false
    out.push(line.startsWith(DISPLACED_PREFIX) ? line.slice(DISPLACED_PREFIX.length) : line)
  }
  return out.length === 0 ? '' : out.join(eol) + (trailingNewline && !noFinalEol ? eol : '')
}

/** Reads a file we are about to rewrite, refusing symlinks and non-files; undefined when absent. */
export function readExisting(path: string): string | undefined {
  let stat
  try {
    stat = lstatSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new NpmrcError(`Cannot read ${path}: ${(error as Error).message}.`)
  }
  if (stat.isSymbolicLink()) {
    throw new NpmrcError(`${path} is a symbolic link; the action does not write credentials through a link. Remove it or point NPM_CONFIG_USERCONFIG at a regular file.`)
  }
  if (!stat.isFile()) throw new NpmrcError(`${path} exists and is not a regular file. Remove it or point NPM_CONFIG_USERCONFIG elsewhere.`)
  return readFileSync(path, 'utf8')
}

/** The permission bits of an existing file as octal text ('644'); '' when absent. */
export function fileMode(path: string): string {
  try {
    return (lstatSync(path).mode & 0o777).toString(8)
  } catch {
    return ''
  }
}

/**
 * Writes atomically: a new 0600 file created exclusively (O_EXCL: never follows a planted link) in the
 * same folder, then renamed over the target (rename replaces a link itself, never its target).
 */
export function writeFileAtomic(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  let fd: number | undefined
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600)
    writeSync(fd, text)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    renameSync(temp, path)
  } catch (error) {
    if (fd !== undefined) closeSync(fd)
    rmSync(temp, { force: true })
    throw new NpmrcError(`Could not write ${path}: ${(error as Error).message}. Check that its folder exists and is writable.`)
  }
}
