/**
 * Repository names as GitHub spells them: `OWNER/REPO` from a flag, and the owner, name and host of a git
 * remote URL (scp-like `git@host:o/r.git`, `https://[user@]host/o/r[.git]`, `ssh://git@host[:port]/o/r.git`).
 * Pure.
 */
import { InputError } from '../errors.js'
import { escapeControls } from '../util/untrusted.js'

export interface RepoRef {
  owner: string
  repo: string
}

/**
 * An account (user or organization) name: letters, digits and hyphens, not starting with a hyphen, at most
 * 39 characters. Older accounts may have a doubled or trailing hyphen, and Enterprise Managed Users an
 * `_shortcode` suffix, so those are accepted too.
 */
const OWNER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/
/** A repository name: letters, digits, `-`, `_` and `.`, at most 100 characters; `.` and `..` are reserved. */
const REPO = /^[A-Za-z0-9._-]{1,100}$/

/** Why `owner` is not an account name GitHub allows, or undefined when it is. */
function ownerProblem(owner: string): string | undefined {
  if (owner === '') return 'the owner is empty'
  if (owner.length > 39) return `the owner is ${owner.length} characters long; GitHub allows at most 39`
  if (!OWNER.test(owner)) return 'an owner has only letters, digits and hyphens, and does not start with a hyphen'
  return undefined
}

/** Why `repo` is not a repository name GitHub allows, or undefined when it is. */
function repoProblem(repo: string): string | undefined {
  if (repo === '') return 'the repository name is empty'
  if (repo.length > 100) return `the repository name is ${repo.length} characters long; GitHub allows at most 100`
  if (!REPO.test(repo)) return 'a repository name has only letters, digits, hyphens, underscores and dots'
  if (repo === '.' || repo === '..') return `'${repo}' is reserved`
  return undefined
}

/** 'octo-org/octo-repo' → { owner, repo }; anything else throws an InputError naming `source` (default `--repo`) and the value. */
export function parseRepoSlug(value: string, source = '--repo'): RepoRef {
  const shown = escapeControls(JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value), true)
  const trimmed = value.trim()
  const fail = (why: string): never => {
    throw new InputError(source, `expected OWNER/REPO (for example octo-org/octo-repo), got ${shown}: ${why}.`)
  }
  if (trimmed === '') fail('it is empty')
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) || /^[^/\s]+@[^/\s]+:/.test(trimmed)) {
    const fromUrl = repoFromRemoteUrl(trimmed)
    fail(fromUrl ? `that is a URL; give ${fromUrl.owner}/${fromUrl.repo}` : 'that is a URL, not OWNER/REPO')
  }
  const parts = trimmed.split('/')
  if (parts.length !== 2) fail(parts.length < 2 ? 'there is no slash between the owner and the repository' : 'there is more than one slash')
  const [owner, repo] = parts
  const problem = ownerProblem(owner) ?? repoProblem(repo)
  if (problem) fail(problem)
  return { owner, repo }
}

export interface RemoteRepo extends RepoRef {
  /**
   * The web host, lowercase: for an http(s) URL its host (with a port other than the default), for an ssh
   * or scp-like URL the host name alone (an ssh port says nothing about the web or the API).
   */
  host: string
}

/** Owner, repository and host of a git remote URL on GitHub or GitHub Enterprise Server; undefined for anything else. */
export function repoFromRemoteUrl(url: string): RemoteRepo | undefined {
  const text = url.trim()
  if (text === '' || /\s/.test(text)) return undefined
  let host: string
  let path: string
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let parsed: URL
    try {
      parsed = new URL(text)
    } catch {
      return undefined
    }
    const scheme = parsed.protocol
    if (scheme === 'https:' || scheme === 'http:') host = parsed.host
    else if (scheme === 'ssh:' || scheme === 'git+ssh:' || scheme === 'ssh+git:' || scheme === 'git:') host = parsed.hostname
    else return undefined
    if (parsed.search || parsed.hash) return undefined
    path = decodePath(parsed.pathname)
  } else {
    // scp-like: [user@]host:path. A drive letter (C:/…) or a slash before the colon makes it a local path.
    const m = /^(?:[^@/:]+@)?([^@/:]+):(.*)$/.exec(text)
    if (!m || /^[A-Za-z]$/.test(m[1])) return undefined
    host = m[1]
    path = m[2]
  }
  host = host.toLowerCase()
  if (host === '') return undefined
  const segments = path.split('/').filter((s) => s !== '')
  if (segments.length !== 2) return undefined
  const owner = segments[0]
  const repo = segments[1].replace(/\.git$/i, '')
  if (ownerProblem(owner) !== undefined || repoProblem(repo) !== undefined) return undefined
  return { owner, repo, host }
}

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname)
  } catch {
    return pathname
  }
}
