/**
 * Yarn 2+ (Berry) does not read .npmrc: its registries and credentials live in .yarnrc.yml. The action
 * writes them into the user-level file Yarn reads in every project — `$HOME/.yarnrc.yml` (Yarn's home
 * folder is os.homedir(); YARN_RC_FILENAME renames every rc file it looks for, that one included):
 *
 *   npmRegistries:
 *     "//host/path/":            Yarn drops a trailing slash and the scheme when it looks a registry up
 *       npmAlwaysAuth: true
 *       npmAuthToken: "${NODE_AUTH_TOKEN}"
 *   npmScopes:                   with a scope (GitHub Packages: the owner)
 *     my-org:
 *       npmRegistryServer: "https://host/path/"
 *       npmPublishRegistry: "https://host/path/"   else `yarn npm publish` falls back to the default registry
 *   npmRegistryServer: "…"       without a scope, for a registry other than npm's own (like registry= in .npmrc)
 *   unsafeHttpWhitelist: [host]  only for an http:// registry, which Yarn refuses otherwise (YN0081)
 *
 * Merged like the .npmrc: our lines in a marked block, the user's lines they replace commented out with a
 * marker, so the post step restores the file exactly (restoreMarkedBlock). YAML forbids a second
 * top-level `npmRegistries:` (Yarn would let the later one win and drop the user's other registries), so
 * when the user's file already has one of our top-level keys, its whole section is displaced and our
 * block carries the user's entries plus ours. That needs the file parsed: the caller passes a YAML parser
 * (loaded only then) and the result is parsed back and checked before anything is written.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import { ActionError } from '../errors.js'
import { mergeMarkedBlock, restoreMarkedBlock } from './marked-block.js'
import { registryKey } from '../registry/url.js'
import { safeEnvName, safeKey, safeValue } from './line-values.js'

/** The user's Yarn config could not be merged into safely (it is left untouched). */
export class YarnrcError extends ActionError {
  override name = 'YarnrcError'
}

export interface YarnrcContent {
  registry: URL
  tokenEnv: string
  /** '' or '@scope'. */
  scope: string
  /** Set the top-level npmRegistryServer (no scope, not npm's own registry). */
  setDefaultRegistry: boolean
  /** Write the credential entry at all (off under OIDC without a usable token). */
  authLine: boolean
  /**
   * `${VAR}` when the token will be in the env of every later step (exported); else `${VAR:-}`: Yarn
   * refuses to run at all — any command, any project — when an rc file names an unset variable.
   */
  tokenExported: boolean
}

export type YamlParse = (text: string) => unknown

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
type Entries = Record<string, Json>

/** The top-level keys we set, in the order written. */
export const YARN_KEYS = ['npmRegistries', 'npmScopes', 'npmRegistryServer', 'unsafeHttpWhitelist'] as const

export function yarnrcPath(env: NodeJS.ProcessEnv): string {
  return join(env.HOME || env.USERPROFILE || homedir(), env.YARN_RC_FILENAME || '.yarnrc.yml')
}

/** What we set, as data. Every value is one line of plain characters (line-values.ts), or this throws. */
export function yarnrcEntries(content: YarnrcContent): Entries {
  const out: Entries = {}
  const file = '.yarnrc.yml'
  const url = safeValue('the registry URL', content.registry.href, file)
  if (content.authLine) {
    const env = safeEnvName(content.tokenEnv, file)
    const token = content.tokenExported ? `\${${env}}` : `\${${env}:-}`
    out.npmRegistries = { [safeKey('the registry key', registryKey(content.registry), file)]: { npmAlwaysAuth: true, npmAuthToken: token } }
  }
  if (content.scope) {
    out.npmScopes = { [safeKey('the scope', content.scope.replace(/^@/, ''), file)]: { npmRegistryServer: url, npmPublishRegistry: url } }
  } else if (content.setDefaultRegistry) {
    out.npmRegistryServer = url
  }
  // The user gave an http:// registry (the action warns unless it is loopback): Yarn needs it allowed by name.
  if (content.registry.protocol === 'http:') out.unsafeHttpWhitelist = [safeValue('the registry host', content.registry.hostname, file)]
  return out
}

/** Yarn's registry key comparison: trailing slash dropped, then with or without the scheme. */
function sameRegistry(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .replace(/\/$/, '')
      .replace(/^[a-z]+:/i, '')
      .toLowerCase()
  return norm(a) === norm(b)
}

/** The top-level key a line opens (`npmRegistries:` / `"npmRegistries" :`), if it is one of ours. */
function ourTopLevelKey(line: string): string | undefined {
  const m = /^(["']?)([A-Za-z]+)\1\s*:(?:\s|$)/.exec(line)
  return m && (YARN_KEYS as readonly string[]).includes(m[2]) ? m[2] : undefined
}

/** True when the text has anything besides blank lines and comments. */
function hasContent(text: string): boolean {
  return text.split(/\r?\n/).some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
}

/** Whether mergeYarnrc needs a YAML parser for this existing text (whenever it has content besides our own block). */
export function yarnrcNeedsParser(existing: string, key?: string): boolean {
  return hasContent(restoreMarkedBlock(existing, key))
}

/** Merges our entries into the user's file text; `parse` is needed when yarnrcNeedsParser(existing). */
/**
 * `key` (the registry key) names our block: a second use of the action for another registry merges the
 * first step's entries into its own block and displaces them, so YAML sees each key once and its post step
 * gives the first step's block back; the same registry again replaces its own block.
 */
export function mergeYarnrc(existing: string, content: YarnrcContent, parse?: YamlParse, key?: string): string {
  const ours = yarnrcEntries(content)
  const base = restoreMarkedBlock(existing, key)
  if (!hasContent(base)) return mergeMarkedBlock(existing, () => false, renderYaml(ours), key)
  if (!parse) throw new YarnrcError('mergeYarnrc: a YAML parser is needed to merge into an existing file')

  const original = parseMapping(parse, base)
  const merged: Entries = { ...ours }
  const present = new Set<string>()
  for (const key of Object.keys(ours)) {
    if (!(key in original)) continue
    present.add(key)
    const theirs = original[key]
    if (key === 'npmRegistries' && isMapping(theirs)) {
      const ourKeys = Object.keys(ours.npmRegistries as Entries)
      const kept = Object.entries(theirs).filter(([k]) => !ourKeys.some((o) => sameRegistry(k, o)))
      merged.npmRegistries = { ...Object.fromEntries(kept), ...(ours.npmRegistries as Entries) }
    } else if (key === 'npmScopes' && isMapping(theirs)) {
      const ourScopes = Object.keys(ours.npmScopes as Entries)
      const kept = Object.entries(theirs).filter(([k]) => !ourScopes.includes(k.replace(/^@/, '')))
      merged.npmScopes = { ...Object.fromEntries(kept), ...(ours.npmScopes as Entries) }
    } else if (key === 'unsafeHttpWhitelist' && Array.isArray(theirs)) {
      merged.unsafeHttpWhitelist = [...new Set([...theirs, ...(ours.unsafeHttpWhitelist as Json[])])]
    }
  }

  // Displace every section of a key we set: from its line to the next line at column 0 that is not a comment.
  const lines = base.replace(/(\r?\n)$/, '').split(/\r?\n/)
  const displaced = new Set<number>()
  for (let i = 0; i < lines.length; i++) {
    const key = ourTopLevelKey(lines[i])
    if (!key || !(key in ours)) continue
    displaced.add(i)
    for (let j = i + 1; j < lines.length && (lines[j] === '' || /^[\s#]/.test(lines[j])); j++) displaced.add(j)
  }
  const text = mergeMarkedBlock(existing, (_line, i) => displaced.has(i), renderYaml(merged), key, { displaceInOtherBlocks: true })

  // Parsed back, the file must hold exactly the user's other settings and the merged ones.
  const expected: Entries = { ...Object.fromEntries(Object.entries(original).filter(([k]) => !(k in ours))), ...merged }
  let check: Record<string, Json> | undefined
  try {
    check = parseMapping(parse, text)
  } catch {
    check = undefined
  }
  if (check === undefined || canonical(check) !== canonical(expected)) {
    const keys = [...present].join(', ') || 'its layout'
    throw new YarnrcError(
      `Could not merge into the existing Yarn config safely (${keys} written in a form this merge does not take apart). ` +
        'Yarn 2+ is not configured: add the npmRegistries entry to your .yarnrc.yml yourself, or remove the user-level file.',
    )
  }
  return text
}

function parseMapping(parse: YamlParse, text: string): Record<string, Json> {
  let value: unknown
  try {
    value = parse(text)
  } catch (error) {
    throw new YarnrcError(`The existing Yarn config is not valid YAML (${(error as Error).message.split('\n')[0]}). Yarn 2+ is not configured.`)
  }
  if (value === null || value === undefined) return {}
  if (!isMapping(value))
    throw new YarnrcError(
      `The existing Yarn config is not a mapping of settings (it is ${Array.isArray(value) ? 'a list' : 'a scalar'}). Yarn 2+ is not configured.`,
    )
  return value
}

function isMapping(value: unknown): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Order-independent text of a value, scalars as strings (Yarn parses with the YAML failsafe schema). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (isMapping(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`
  }
  // Scalars only by now (the failsafe schema parses every scalar as a string).
  return JSON.stringify(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '')
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/

/** Block-style YAML of plain data: keys bare when safe, strings JSON-quoted (valid YAML), lists as JSON flow. */
export function renderYaml(entries: Entries, indent = ''): string[] {
  const lines: string[] = []
  for (const [key, value] of Object.entries(entries)) {
    const name = PLAIN_KEY.test(key) ? key : JSON.stringify(key)
    if (isMapping(value) && Object.keys(value).length > 0) {
      lines.push(`${indent}${name}:`, ...renderYaml(value, `${indent}  `))
    } else {
      lines.push(`${indent}${name}: ${isMapping(value) ? '{}' : JSON.stringify(value)}`)
    }
  }
  return lines
}
