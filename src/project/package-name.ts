/**
 * npm package names, as npm's own validate-npm-package-name accepts them for a NEW package: the one rule
 * every name that goes into a request path, a query, a command or the summary is held to. Names come from
 * the `packages` input and from package.json files (repository content): `../../-/whoami?x=` must never
 * become part of a request path, so anything this refuses is never sent anywhere.
 */
import { builtinModules } from 'node:module'
import { ActionError } from '../errors.js'

/** A package name npm would refuse, wherever it came from. */
export class PackageNameError extends ActionError {
  override name = 'PackageNameError'
}

const MAX_LENGTH = 214
/** Lowercase and URL-safe; the scope as the scope input accepts it; no `~'!()*` in the name part. */
const PATTERN = /^(?:@([a-z0-9][a-z0-9._~-]*)\/)?([a-z0-9][a-z0-9._-]*)$/
const RESERVED = new Set(['node_modules', 'favicon.ico'])
const CORE = new Set(builtinModules.filter((m) => !m.startsWith('_')))

/** Why npm would refuse `name` for a new package; undefined when it is a valid name. */
export function packageNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty'
  if (name.trim() !== name) return 'it has leading or trailing whitespace'
  if (name.length > MAX_LENGTH) return `it is longer than ${MAX_LENGTH} characters`
  if (name.startsWith('.') || name.startsWith('_')) return "it starts with '.' or '_'"
  if (name !== name.toLowerCase()) return 'it has uppercase letters'
  const match = PATTERN.exec(name)
  if (!match) {
    return "it has characters npm does not allow (a name is lowercase letters, digits, '-', '.' and '_', optionally under one @scope/)"
  }
  if (!match[1] && RESERVED.has(name)) return 'it is a reserved name'
  if (!match[1] && CORE.has(name)) return "it is the name of one of Node.js's core modules"
  return undefined
}

export function isValidPackageName(name: string): boolean {
  return packageNameProblem(name) === undefined
}

/** Shows a name inside an error message: quoted, escaped (JSON), and shortened when long. */
export function quoteName(name: string, max = 80): string {
  return JSON.stringify(name.length > max ? `${name.slice(0, max)}…` : name)
}

/** Throws a PackageNameError naming the bad name (quoted, escaped) and `where` it came from. */
export function assertValidPackageName(name: string, where: string): string {
  const problem = packageNameProblem(name)
  if (problem) {
    throw new PackageNameError(
      `${quoteName(name)} (${where}) is not a valid npm package name: ${problem}. Expected a name like my-pkg or @my-org/my-pkg; nothing was sent for it.`,
    )
  }
  return name
}

/**
 * A package name as one path segment of a registry URL, as npm escapes it (`@scope/pkg` → `@scope%2fpkg`).
 * Only a valid name is escaped: nothing else can reach a request path.
 */
export function escapePackageName(name: string): string {
  assertValidPackageName(name, 'in a registry request')
  const at = name.indexOf('/')
  return at < 0 ? encodeURIComponent(name) : `@${encodeURIComponent(name.slice(1, at))}%2f${encodeURIComponent(name.slice(at + 1))}`
}
