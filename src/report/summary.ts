/**
 * The job summary, rendered as Markdown from what the step found. Pure; never given the token.
 */
import { isoDay } from '../check/grade.js'
import type { AuthMethod, Finding, Mode, Status } from '../types.js'
import { describeClaims, type IdTokenClaims } from '../oidc/claims.js'
import type { StagedVersion } from '../registry/stage-api.js'
import { escapeMarkdownText } from '../util/untrusted.js'

export interface SummaryData {
  mode: Mode
  authMethod: AuthMethod | ''
  authReason: string
  registry?: URL
  registrySource: string
  username?: string
  tokenKind?: string
  createdAt?: Date
  expiresAt?: Date
  expirySource?: string
  daysLeft?: number
  status: Status
  npmrcPath?: string
  findings: Finding[]
  oidc?: {
    packages: Array<{ name: string; result: string }>
    claims: IdTokenClaims
    provenance: boolean
    provenanceReason?: string
    npmVersion: string | undefined
  }
  /** What the publish step should run, and why; `note`: what the step cannot know about it. */
  publish?: { command: string; reason: string; note?: string; migrationCommands?: string[] }
  /** Versions of the job's packages waiting in npm's staging area (undefined: not listed). */
  staged?: StagedVersion[]
  /** A failure that ended the step early, already worded for the user. */
  failure?: string
  /** `npx setup-npm-auth token rotate …`, the first fix where it applies (npm's registry). */
  rotateCommand?: string
}

const STATUS_ICON: Record<Status, string> = { ok: '✅ ok', warning: '⚠️ warning', error: '❌ error' }

/**
 * Table cells: no pipes or line breaks from values may break the table, and no value (a username, a
 * package name, a claim, a registry's error text) can form HTML, a link, an image, a mention or an issue
 * reference; control characters are shown escaped.
 */
export function cell(value: string): string {
  return value === '' ? '—' : escapeMarkdownText(value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|'))
}

export function renderSummary(data: SummaryData): string {
  const rows: Array<[string, string]> = [
    ['Registry', data.registry ? `${data.registry.href} (${data.registrySource})` : ''],
    ['Authentication', data.authMethod ? `${data.authMethod}${data.authReason ? ` — ${data.authReason}` : ''}` : ''],
    ['User', data.username ?? ''],
    ['Token kind', data.tokenKind ?? (data.authMethod === 'oidc' ? 'none needed (OIDC)' : '')],
    ['Created', data.createdAt ? isoDay(data.createdAt) : ''],
    ['Expires', data.expiresAt ? `${isoDay(data.expiresAt)}${data.expirySource === 'input' ? ' (from expires-on)' : ''}` : data.tokenKind ? 'unknown' : ''],
    ['Days left', data.daysLeft === undefined ? '' : String(data.daysLeft)],
    ...(data.publish ? [['Publish with', `${data.publish.command} (${data.publish.reason})`] as [string, string]] : []),
    ['Status', STATUS_ICON[data.status]],
    ['.npmrc', data.mode === 'check' ? 'not written (check mode)' : (data.npmrcPath ?? '')],
  ]
  const lines = [`## npm auth ${data.mode === 'check' ? 'check' : 'setup'}`, '', '| | |', '|---|---|']
  for (const [name, value] of rows) lines.push(`| ${name} | ${cell(value)} |`)
  if (data.oidc) {
    lines.push('', '### Trusted publishing pre-flight', '', '| Package | Result |', '|---|---|')
    for (const pkg of data.oidc.packages) lines.push(`| ${cell(pkg.name)} | ${cell(pkg.result)} |`)
    lines.push('', `ID token claims: ${describeClaims(data.oidc.claims).map(cell).join(' · ')}`, '')
    lines.push(`npm on PATH: ${cell(data.oidc.npmVersion ?? 'not found')} · provenance: ${provenanceText(data.oidc)}`)
  }
  if (data.publish?.note) lines.push('', cell(data.publish.note))
  if (data.staged && data.staged.length > 0) {
    lines.push('', '### Staged versions waiting for approval', '', '| Package | Version | Tag | Staged | Approve with |', '|---|---|---|---|---|')
    for (const v of data.staged) {
      lines.push(
        `| ${cell(v.package)} | ${cell(v.version)} | ${cell(v.tag)} | ${cell(v.stagedAt ? isoDay(new Date(v.stagedAt)) : '')} | ${cell(`npm stage approve ${v.id}`)} |`,
      )
    }
  }
  if (data.failure) lines.push('', `**Failed:** ${cell(data.failure)}`)
  const shown = data.findings.filter((f) => f.message !== data.failure)
  if (shown.length > 0) {
    lines.push('', '### Findings', '')
    for (const finding of shown) lines.push(`- **${cell(finding.title)}** (${finding.level}): ${cell(finding.message)}`)
  }
  if (data.status !== 'ok' && data.authMethod === 'token' && data.registry) {
    lines.push('', ...whatToDo(data.registry, data.publish?.command === 'npm stage publish', data.publish?.migrationCommands, data.rotateCommand))
  }
  return lines.join('\n') + '\n'
}

/** `on (public repository)`, `off (SIGSTORE_ID_TOKEN is not set …)`. */
function provenanceText({ provenance, provenanceReason }: { provenance: boolean; provenanceReason?: string }): string {
  const reason = provenanceReason ?? (provenance ? 'public repository' : '')
  return `${provenance ? 'on' : 'off'}${reason ? ` (${cell(reason)})` : ''}`
}

/** The steps a maintainer follows when the token needs attention. */
export function whatToDo(registry: URL, staged = false, migrationCommands: readonly string[] = [], rotateCommand?: string): string[] {
  return [
    '### What to do',
    '',
    ...(rotateCommand
      ? [
          `**Rotate the token** for ${registry.host} with one command, from a machine logged in with \`npm login\`:`,
          '',
          '```sh',
          rotateCommand,
          '```',
          '',
          'It creates the successor with the same packages and permissions, verifies it, stores it in the repository secret, records its expiry' +
            ' in the variable for `expires-on`, and only then revokes the old token. A token made on the website: add `--token-id <id>`' +
            ' (from `npx setup-npm-auth token list`) once. By hand instead:',
          '',
        ]
      : [`**Rotate the token** for ${registry.host}:`]),
    '1. On the registry website open Access Tokens → Generate New Token → **Granular Access Token**.',
    staged
      ? '2. Give it the stage-only permission (read-write-stage-only) on exactly the packages this repository stages, and an expiry that' +
        ' fits your rotation schedule: `npm stage publish` needs no 2FA, a maintainer approves each version with it.'
      : '2. Give it read and write access to exactly the packages this repository publishes and an expiry that fits your rotation schedule' +
        ' (npm caps write tokens at 90 days).',
    '3. Update the repository secret that holds it (Settings → Secrets and variables → Actions, or `gh secret set NPM_TOKEN`).',
    '4. Revoke the old token, then re-run this check: it closes its issue once the token is healthy.',
    '',
    ...(migrationCommands.length > 0
      ? [
          '**Or move to trusted publishing** and have no token to rotate. On a laptop with npm 11.10 or newer:',
          '',
          '```sh',
          ...migrationCommands,
          '```',
          '',
          'then give the publishing job `permissions: id-token: write` (with `contents: read`) and drop the token input.',
        ]
      : [
          '**Or move to trusted publishing** and have no token to rotate: add a trusted publisher (GitHub Actions, this repository and' +
            " workflow file) in each package's settings, give the publishing job `permissions: id-token: write`, and drop the token input.",
        ]),
  ]
}
