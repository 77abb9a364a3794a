/**
 * npm's staging area (staged publishing, npm >= 11.15.0): the versions of a package waiting for a
 * maintainer's 2FA approval. `GET /-/stage?package=<name>&page=<n>&perPage=<n>` (a granular token may
 * read it) → `{ items: [{ id, packageName, version, tag, createdAt, … }], page, perPage, total }`, paged
 * as npm's own `npm stage list` pages it. A registry without staging answers 404/405: that is no error.
 */
import { parseJsonBody, type HttpClient } from '../http/client.js'
import { assertValidPackageName } from '../project/package-name.js'

export interface StagedVersion {
  package: string
  version: string
  tag: string
  /** ISO 8601, '' when the registry did not say. */
  stagedAt: string
  id: string
}

export type StageListResult = { kind: 'listed'; versions: StagedVersion[] } | { kind: 'unavailable'; reason: string }

const PER_PAGE = 100
const MAX_PAGES = 10

export interface StageListRequest {
  http: HttpClient
  registry: URL
  /** Bearer token: the job's token, or an exchanged OIDC token for that package. */
  token: (packageName: string) => string | undefined
  packages: readonly string[]
}

/** Lists every package's staged versions; the first package the registry cannot list for ends the listing. */
export async function listStaged({ http, registry, token, packages }: StageListRequest): Promise<StageListResult> {
  const versions: StagedVersion[] = []
  for (const name of packages) {
    assertValidPackageName(name, 'a package whose staged versions to list')
    const bearer = token(name)
    if (!bearer) continue
    for (let page = 0; page < MAX_PAGES; page++) {
      const url = new URL('-/stage', registry)
      url.search = new URLSearchParams({ package: name, page: String(page), perPage: String(PER_PAGE) }).toString()
      const response = await http.send(url, {
        purpose: `staged versions of ${name}`,
        headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
      })
      if ([404, 405, 501].includes(response.status)) return { kind: 'unavailable', reason: `the registry has no staging area (HTTP ${response.status})` }
      if (response.status !== 200) return { kind: 'unavailable', reason: `the staging area answered HTTP ${response.status}` }
      const body = parseJsonBody(response, `staged versions of ${name}`) as { items?: unknown; total?: unknown; perPage?: unknown } | undefined
      if (!body || !Array.isArray(body.items)) return { kind: 'unavailable', reason: 'the staging answer has no `items` array' }
      const items = body.items as unknown[]
      for (const item of items) {
        const v = stagedVersion(item, name)
        if (v) versions.push(v)
      }
      // Until the total is reached; a registry that pages smaller than asked says so in `total` (or `perPage`).
      const listed = versions.filter((v) => v.package === name).length
      const pageSize = typeof body.perPage === 'number' && body.perPage > 0 ? body.perPage : PER_PAGE
      if (items.length === 0 || (typeof body.total === 'number' ? listed >= body.total : items.length < pageSize)) break
    }
  }
  return { kind: 'listed', versions }
}

function stagedVersion(item: unknown, fallbackName: string): StagedVersion | undefined {
  if (!item || typeof item !== 'object') return undefined
  const o = item as Record<string, unknown>
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '')
  const id = str(o.id)
  const version = str(o.version)
  if (!id || !version) return undefined
  const packageName = str(o.packageName) || fallbackName
  const created = str(o.createdAt)
  const date = created ? new Date(created) : undefined
  return { package: packageName, version, tag: str(o.tag), stagedAt: date && !Number.isNaN(date.getTime()) ? date.toISOString() : '', id }
}
