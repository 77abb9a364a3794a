/**
 * `token list`: every token of the logged-in user, graded with the action's own warn/fail rules
 * (gradeExpiry), soonest expiry first, as a table for a terminal or as JSON.
 */
import { daysUntil, gradeExpiry, worst } from '../check/grade.js'
import type { Status } from '../types.js'
import type { RegistryToken } from '../registry/token-admin.js'
import { escapeControls } from '../util/untrusted.js'

export interface TokenRow {
  id: string
  name: string
  token: string
  kind: 'granular' | 'legacy'
  permission: string
  packages: string[]
  scopes: string[]
  orgs: string[]
  cidr: string[]
  bypass2fa: boolean | null
  created: string | null
  lastUsed: string | null
  expires: string | null
  daysLeft: number | null
  revoked: boolean
  status: Status | 'revoked'
  /** Why the status is what it is ('' when ok). */
  reason: string
}

/** `--name` pattern: `*` matches any run of characters; otherwise an exact name. */
export function namePattern(pattern: string): (name: string) => boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  )
  return (name) => re.test(name)
}

export function tokenRows(tokens: readonly RegistryToken[], opts: { now: Date; warnDays: number; failDays: number; registry: URL }): TokenRow[] {
  const rows = tokens.map((t): TokenRow => {
    const grade = t.revoked
      ? undefined
      : gradeExpiry({ expiresAt: t.expiresAt, now: opts.now, warnDays: opts.warnDays, failDays: opts.failDays, registry: opts.registry })
    return {
      id: t.key,
      name: t.name ?? '',
      token: t.redacted ?? '',
      kind: t.granular ? 'granular' : 'legacy',
      permission: t.permission === 'read-write-stage-only' ? 'stage-only' : (t.permission ?? 'unknown'),
      packages: t.allPackages ? ['*', ...t.packages] : t.packages,
      scopes: t.scopes,
      orgs: t.orgs.map((o) => `${o}${t.orgsPermission ? ` (${t.orgsPermission})` : ''}`),
      cidr: t.cidr,
      bypass2fa: t.bypass2fa ?? null,
      created: t.createdAt?.toISOString() ?? null,
      lastUsed: t.lastUsedAt?.toISOString() ?? null,
      expires: t.expiresAt?.toISOString() ?? null,
      daysLeft: t.expiresAt ? daysUntil(t.expiresAt, opts.now) : null,
      revoked: t.revoked,
      status: t.revoked ? 'revoked' : (grade?.status ?? 'ok'),
      reason: t.revoked ? 'revoked' : (grade?.finding?.title.replace(/^npm token /, '') ?? ''),
    }
  })
  // Soonest expiry first; no expiry after every dated token; revoked last.
  const rank = (r: TokenRow) => (r.revoked ? Number.MAX_SAFE_INTEGER : r.expires ? Date.parse(r.expires) : Number.MAX_SAFE_INTEGER - 1)
  return rows.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
}

/** The worst status among the rows (revoked tokens are not in use: they do not count). */
export function worstRow(rows: readonly TokenRow[]): Status {
  return worst('ok', ...rows.map((r) => (r.status === 'revoked' ? 'ok' : r.status)))
}

const cell = (text: string) => escapeControls(text, true)

/** A readable table; `colour` only on a terminal that allows it. */
export function renderTable(rows: readonly TokenRow[], colour: boolean): string {
  if (rows.length === 0) return 'No tokens.\n'
  const paint = (status: TokenRow['status'], text: string) => {
    if (!colour) return text
    const code = status === 'error' ? 31 : status === 'warning' ? 33 : status === 'revoked' ? 90 : 32
    return `\x1b[${code}m${text}\x1b[0m`
  }
  const access = (r: TokenRow) => [...r.packages, ...r.scopes, ...r.orgs.map((o) => `org:${o}`)].join(',') || '—'
  const header = ['STATUS', 'EXPIRES', 'DAYS', 'NAME', 'TOKEN', 'ID', 'KIND', 'PERMISSION', 'ACCESS', 'CIDR', '2FA BYPASS', 'CREATED', 'LAST USED']
  const body = rows.map((r) => [
    r.status,
    r.expires?.slice(0, 10) ?? 'never',
    r.daysLeft === null ? '—' : String(r.daysLeft),
    cell(r.name) || '—',
    cell(r.token),
    r.id.slice(0, 8),
    r.kind,
    r.permission,
    cell(access(r)),
    cell(r.cidr.join(',')) || '—',
    r.bypass2fa === null ? '—' : r.bypass2fa ? 'yes' : 'no',
    r.created?.slice(0, 10) ?? '—',
    r.lastUsed?.slice(0, 10) ?? '—',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)))
  const line = (cells: string[], status?: TokenRow['status']) =>
    cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i])
        return i === 0 && status ? paint(status, padded) : padded
      })
      .join('  ')
      .trimEnd()
  const notes = rows
    .filter((r) => r.reason && r.status !== 'ok' && r.status !== 'revoked')
    .map((r) => `${r.status}: ${cell(r.name || r.token)} — ${cell(r.reason)}`)
  return [line(header), ...body.map((cells, i) => line(cells, rows[i].status)), ...(notes.length ? ['', ...notes] : [])].join('\n') + '\n'
}
