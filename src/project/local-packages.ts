/**
 * Which packages a job publishes: the `packages` input, else package.json in the working directory,
 * and for a workspace root every non-private workspace package. Read from disk, no npm spawned.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { ActionError } from '../errors.js'
import { assertValidPackageName } from './package-name.js'

export interface LocalPackage {
  name: string
  /** Folder of its package.json, when known (undefined for names from the `packages` input not found locally). */
  dir?: string
  private: boolean
  /** `repository` from package.json, as a URL string. */
  repositoryUrl?: string
}

interface Manifest {
  name?: unknown
  private?: unknown
  repository?: unknown
  workspaces?: unknown
}

function readManifest(dir: string): Manifest | undefined {
  let text: string
  try {
    text = readFileSync(join(dir, 'package.json'), 'utf8')
  } catch {
    return undefined
  }
  try {
    return JSON.parse(text) as Manifest
  } catch (error) {
    throw new ActionError(`${join(dir, 'package.json')} is not valid JSON (${(error as Error).message}). Fix it, or list the packages in the packages input.`)
  }
}

function toPackage(dir: string, manifest: Manifest): LocalPackage | undefined {
  if (typeof manifest.name !== 'string' || manifest.name === '') return undefined
  const repo = manifest.repository
  const repositoryUrl =
    typeof repo === 'string'
      ? repo
      : repo && typeof repo === 'object' && typeof (repo as { url?: unknown }).url === 'string'
        ? (repo as { url: string }).url
        : undefined
  return { name: manifest.name, dir, private: manifest.private === true, repositoryUrl }
}

/** package.json is repository content: every name that may go into a request must be one npm accepts. */
function checked(packages: LocalPackage[]): LocalPackage[] {
  for (const p of packages) assertValidPackageName(p.name, `the name in ${join(p.dir ?? '.', 'package.json')}`)
  return packages
}

/** Workspace patterns (`packages/*`, `apps/**`, `tools/cli`) expanded against the file system. */
export function expandWorkspaces(root: string, patterns: readonly string[]): string[] {
  const found = new Set<string>()
  const excluded = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1))
  for (const pattern of patterns.filter((p) => !p.startsWith('!'))) {
    for (const dir of matchPattern(root, pattern.replace(/^\.\//, '').replace(/\/+$/, '').split('/'))) {
      if (readManifest(dir)) found.add(dir)
    }
  }
  return [...found].filter((dir) => !excluded.some((ex) => globMatches(relative(root, dir), ex))).sort()
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.'))
      .map((e) => join(dir, e.name))
  } catch {
    return []
  }
}

function matchPattern(dir: string, segments: string[]): string[] {
  if (segments.length === 0) return [dir]
  const [head, ...rest] = segments
  if (head === '**') return [...matchPattern(dir, rest), ...subdirs(dir).flatMap((d) => matchPattern(d, segments))]
  if (!/[*?]/.test(head)) {
    const next = join(dir, head)
    try {
      return statSync(next).isDirectory() ? matchPattern(next, rest) : []
    } catch {
      return []
    }
  }
  const re = segmentRegExp(head)
  return subdirs(dir)
    .filter((d) => re.test(d.slice(dir.length + 1)))
    .flatMap((d) => matchPattern(d, rest))
}

function segmentRegExp(segment: string): RegExp {
  return new RegExp(
    `^${segment
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  )
}

function globMatches(path: string, pattern: string): boolean {
  const source = pattern
    .split('/')
    .map((s) => (s === '**' ? '.*' : segmentRegExp(s).source.slice(1, -1)))
    .join('/')
  return new RegExp(`^${source}$`).test(path)
}

/** The packages of the project at `workingDirectory` (a workspace root yields its non-private members). */
export function findLocalPackages(workingDirectory: string): LocalPackage[] {
  const root = resolve(workingDirectory)
  const manifest = readManifest(root)
  if (!manifest) return []
  const workspaces = Array.isArray(manifest.workspaces)
    ? manifest.workspaces
    : manifest.workspaces && typeof manifest.workspaces === 'object' && Array.isArray((manifest.workspaces as { packages?: unknown }).packages)
      ? (manifest.workspaces as { packages: unknown[] }).packages
      : undefined
  const patterns = (workspaces ?? []).filter((p): p is string => typeof p === 'string')
  if (patterns.length > 0) {
    const members = expandWorkspaces(root, patterns)
      .map((dir) => toPackage(dir, readManifest(dir)!))
      .filter((p): p is LocalPackage => !!p && !p.private)
    const self = toPackage(root, manifest)
    return checked(self && !self.private ? [self, ...members] : members)
  }
  const self = toPackage(root, manifest)
  return checked(self ? [self] : [])
}

/**
 * The packages to pre-flight: the input's names (matched to local package.json files where possible,
 * for the repository check), else the local packages.
 */
export function packagesToCheck(input: readonly string[], workingDirectory: string): LocalPackage[] {
  const local = findLocalPackages(workingDirectory)
  if (input.length === 0) {
    if (local.length === 0) {
      throw new ActionError(
        `No package to check: ${join(resolve(workingDirectory), 'package.json')} is missing, has no name, or all its workspaces are private. Set working-directory to the package folder, or list names in the packages input.`,
      )
    }
    return local
  }
  return input.map((name) => local.find((p) => p.name === assertValidPackageName(name, 'the packages input')) ?? { name, private: false })
}
