/**
 * The job summary, rendered as Markdown from what the step found. Pure; never given the token.
 *
 * It reads top down: one status line (the worst problem, or that all is well), a table of only the facts
 * that apply, the trusted-publishing pre-flight and staged versions where there are any, each finding as
 * a heading with a short text (lists kept lists, the rest folded in <details>), and the advice once,
 * under "What to do", in the action's words (registry/advice.ts). Text from outside (usernames, package
 * names, a registry's words) is escaped; code spans and blocks hold raw text, which GitHub shows as is.
 */
import { isoDay } from '../check/grade.js'
import type { AdviceCause, AuthMethod, Finding, Mode, RegistryKind, Status } from '../types.js'
import { describeClaims, type IdTokenClaims } from '../oidc/claims.js'
import { advise, type Advice, type AdviceContext } from '../registry/advice.js'
import type { StagedVersion } from '../registry/stage-api.js'
import { escapeControls, escapeMarkdownInline, escapeMarkdownText } from '../util/untrusted.js'

export interface SummaryData {
  mode: Mode
  authMethod: AuthMethod | ''
  authReason: string
  registry?: URL
  registrySource: string
  /** The registry's kind, and whether npm's policies apply there: the advice follows them. */
  registryKind?: RegistryKind
  npmPolicies?: boolean
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
    packages: Array<{ name: string; ok: boolean; result: string }>
    claims: IdTokenClaims
    provenance: boolean
    provenanceReason?: string
    npmVersion: string | undefined
    /** `npm trust …` for each package whose publisher did not match: the fix, in "What to do". */
    trustCommands?: string[]
  }
  /** What the publish step should run, and why; `note`: what the step cannot know about it. */
  publish?: { command: string; reason: string; note?: string; migrationCommands?: string[] }
  /** Versions of the job's packages waiting in npm's staging area (undefined: not listed). */
  staged?: StagedVersion[]
  /** A failure that ended the step early: the whole text, the problem alone, and what its advice follows. */
  failure?: { message: string; problem: string; cause?: AdviceCause }
  /** `npx setup-npm-auth token rotate …`, the first fix where it applies (npm's registry). */
  rotateCommand?: string
  /** The secret that holds the token (the expires-on record names it). */
  secret?: string
}

const ICON: Record<Status, string> = { ok: '✅', warning: '⚠️', error: '❌' }
const LEVEL_ICON: Record<Finding['level'], string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' }
const LEVEL_RANK: Record<Finding['level'], number> = { error: 0, warning: 1, notice: 2 }
/** Rows of a package or staged-versions table, and finding sections, shown before the rest is summed up in a line. */
export const MAX_ROWS = 100
export const MAX_FINDINGS = 30

/**
 * Table cells: no pipes or line breaks from values may break the table, and no value (a username, a
 * package name, a claim, a registry's error text) can form HTML, a link, an image, a mention or an issue
 * reference; control characters are shown escaped.
 */
export function cell(value: string): string {
  return value === '' ? '—' : escapeMarkdownText(value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|'))
}

/** A table cell of our text with code spans in it (values from outside escaped, code raw). */
function codeCell(value: string): string {
  return escapeMarkdownInline(value).replace(/\|/g, '\\|')
}

export function renderSummary(data: SummaryData): string {
  const lines = [`## ${ICON[data.status]} ${statusLine(data)}`, '']
  const advice = adviceFor(data)
  const advised = new Set(advice.map((a) => a.cause))
  // A failure is the status line; what happened goes right under it, its advice under "What to do".
  if (data.failure) {
    const { cause, problem, message } = data.failure
    lines.push(...renderText(cause && advised.has(cause) ? problem : message, false), '')
  }
  lines.push('| npm auth | ' + (data.mode === 'check' ? 'check' : 'setup') + ' |', '|---|---|')
  for (const [name, value] of factRows(data)) lines.push(`| ${name} | ${value} |`)
  if (data.oidc) lines.push('', ...oidcSection(data.oidc, data.publish?.note))
  else if (data.publish?.note) lines.push('', escapeMarkdownInline(data.publish.note))
  if (data.staged && data.staged.length > 0) lines.push('', ...stagedSection(data.staged))

  const sections: string[][] = []
  const shown = data.findings
    .filter((f) => f.message !== data.failure?.message && f.message !== data.failure?.problem)
    .filter((f) => !(f.cause && advised.has(f.cause) && f.problem === ''))
    .sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level])
  for (const f of shown.slice(0, MAX_FINDINGS)) {
    sections.push(findingSection(f.level, f.title, f.cause && advised.has(f.cause) && f.problem !== undefined ? f.problem : f.message))
  }
  if (shown.length > MAX_FINDINGS) sections.push([`_…and ${shown.length - MAX_FINDINGS} more findings: the step's log has every one._`])
  if (sections.length > 0) {
    lines.push('', '### Findings')
    for (const section of sections) lines.push('', ...section)
  }
  if (advice.length > 0) lines.push('', ...adviceMarkdown(advice, titles(data)))
  return lines.join('\n') + '\n'
}

// ---- the status line and the facts ---------------------------------------------------------------

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** `in 5 days` / `expired 29 days ago`: the same count as the finding's title. */
function relativeExpiry(daysLeft: number): string {
  if (daysLeft >= 0) return daysLeft === 0 ? 'within a day' : `in ${plural(daysLeft, 'day')}`
  const ago = -daysLeft - 1
  return ago === 0 ? 'expired within the last day' : `expired ${plural(ago, 'day')} ago`
}

function failedPackages(data: SummaryData): { failed: number; total: number } {
  const packages = data.oidc?.packages ?? []
  return { failed: packages.filter((p) => !p.ok).length, total: packages.length }
}

/** The first line: what matters most, in a few words. Escaped (it can hold a username or a package name). */
function statusLine(data: SummaryData): string {
  const host = data.registry?.host ?? 'the registry'
  const token = `npm token for ${host}`
  if (data.failure) return escapeMarkdownInline(failureTitle(data))
  const lead = [...data.findings].filter((f) => f.level !== 'notice').sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level])[0]
  const { failed, total } = failedPackages(data)
  if (lead) {
    const day = data.expiresAt ? ` (${isoDay(data.expiresAt)})` : ''
    switch (lead.cause) {
      case 'token-expiring':
        if (data.daysLeft !== undefined) return `${token} expires ${relativeExpiry(data.daysLeft)}${day}`
        break
      case 'token-expired':
        if (data.daysLeft !== undefined) return `${token} ${relativeExpiry(data.daysLeft)}${day}`
        break
      case 'token-rejected':
        if (lead.level === 'error') return `${host} rejected the npm token`
        break
      case 'trusted-publisher':
      case 'registry-down':
      case 'rate-limited':
        if (data.authMethod === 'oidc' && failed > 0) return `Trusted publishing pre-flight: ${failed} of ${plural(total, 'package')} failed`
        break
    }
    return escapeMarkdownInline(lead.title)
  }
  if (data.authMethod === 'oidc') return total > 0 ? `Trusted publishing ready: ${plural(total, 'package')} passed the pre-flight` : 'Trusted publishing ready'
  if (data.authMethod === 'token') {
    if (data.daysLeft === undefined) return `${token} is valid`
    return data.daysLeft === 0 ? `${token} is valid for less than a day` : `${token} is valid for ${plural(data.daysLeft, 'more day')}`
  }
  return data.status === 'ok' ? 'npm auth is set up' : 'npm auth needs attention'
}

/** The failure's heading, by its cause. */
function failureTitle(data: SummaryData): string {
  const host = data.registry?.host ?? 'the registry'
  switch (data.failure?.cause) {
    case 'unreachable':
      return `${host} could not be reached`
    case 'timed-out':
      return `${host} did not answer in time`
    case 'registry-down':
      return `${host} is down or failing`
    case 'rate-limited':
      return `${host} is rate limiting`
    case 'not-a-registry':
      return `${host} did not answer as an npm registry`
    case 'token-rejected':
      return `${host} rejected the npm token`
    default:
      return 'The step failed'
  }
}

/** Only the facts that apply: no row of dashes for what a path does not have. Values are escaped here. */
function factRows(data: SummaryData): Array<[string, string]> {
  const rows: Array<[string, string]> = []
  if (data.registry) rows.push(['Registry', cell(`${data.registry.href} (${data.registrySource})`)])
  if (data.authMethod) {
    const method = data.authMethod === 'oidc' ? 'trusted publishing (OIDC)' : 'token'
    rows.push(['Authentication', cell(`${method}${data.authReason ? ` — ${data.authReason}` : ''}`)])
  }
  if (data.username) rows.push(['User', cell(data.username)])
  if (data.tokenKind && data.tokenKind !== 'unknown') rows.push(['Token', cell(data.tokenKind)])
  if (data.createdAt) rows.push(['Created', isoDay(data.createdAt)])
  if (data.expiresAt) {
    const relative = data.daysLeft === undefined ? '' : ` — ${relativeExpiry(data.daysLeft)}`
    rows.push(['Expires', cell(`${isoDay(data.expiresAt)}${relative}${data.expirySource === 'input' ? ' (from expires-on)' : ''}`)])
  } else if (data.tokenKind !== undefined && data.authMethod === 'token') {
    rows.push(['Expires', 'unknown'])
  }
  if (data.oidc) {
    rows.push(['npm on PATH', cell(data.oidc.npmVersion ?? 'not found')])
    rows.push(['Provenance', provenanceText(data.oidc)])
  }
  if (data.publish) rows.push(['Publish with', codeCell(`\`${data.publish.command}\` (${data.publish.reason})`)])
  if (data.mode === 'check') rows.push(['.npmrc', 'not written (check mode)'])
  else if (data.npmrcPath) rows.push(['.npmrc', cell(data.npmrcPath)])
  return rows
}

function oidcSection(oidc: NonNullable<SummaryData['oidc']>, note: string | undefined): string[] {
  const lines = ['### Trusted publishing pre-flight', '', '| Package | Exchange |', '|---|---|']
  // The failing ones first: they are what a reader looks for.
  const packages = [...oidc.packages].sort((a, b) => Number(a.ok) - Number(b.ok))
  for (const pkg of packages.slice(0, MAX_ROWS)) lines.push(`| ${cell(pkg.name)} | ${cell(pkg.result)} |`)
  if (packages.length > MAX_ROWS) lines.push(`| _${packages.length - MAX_ROWS} more_ | ${cell(summarise(packages.slice(MAX_ROWS)))} |`)
  if (note) lines.push('', escapeMarkdownInline(note))
  lines.push('', '<details><summary>ID token claims</summary>', '', ...describeClaims(oidc.claims).map((c) => `- ${cell(c)}`), '', '</details>')
  return lines
}

function summarise(packages: ReadonlyArray<{ ok: boolean }>): string {
  const failed = packages.filter((p) => !p.ok).length
  return `${packages.length - failed} passed, ${failed} failed (the step's log lists each)`
}

function stagedSection(staged: readonly StagedVersion[]): string[] {
  const lines = ['### Staged versions waiting for approval', '', '| Package | Version | Tag | Staged | Approve with |', '|---|---|---|---|---|']
  for (const v of staged.slice(0, MAX_ROWS)) {
    lines.push(
      `| ${cell(v.package)} | ${cell(v.version)} | ${cell(v.tag)} | ${cell(v.stagedAt ? isoDay(new Date(v.stagedAt)) : '')} | ${codeCell(`\`npm stage approve ${v.id.replace(/`/g, '')}\``)} |`,
    )
  }
  if (staged.length > MAX_ROWS) lines.push('', `_…and ${staged.length - MAX_ROWS} more: the step's log lists each._`)
  return lines
}

/** `on (public repository)`, `off (SIGSTORE_ID_TOKEN is not set …)`. */
function provenanceText({ provenance, provenanceReason }: { provenance: boolean; provenanceReason?: string }): string {
  const reason = provenanceReason ?? (provenance ? 'public repository' : '')
  return `${provenance ? 'on' : 'off'}${reason ? ` (${cell(reason)})` : ''}`
}

// ---- findings ---------------------------------------------------------------------------------------

type Block = { kind: 'p' | 'ol' | 'ul' | 'code'; lines: string[] }

/** A command line, as our messages write them: indented, or one of the commands we name on a line of its own. */
const CODE_LINE = /^( {2,}\S|npm (trust|stage|token|install|publish|login) [^.]*$|npx setup-npm-auth |gh secret )/

/**
 * A finding's text in blocks: each line a paragraph, `1. …` lines a numbered list, `- …` a list, command
 * lines code (with a YAML key alone on its line, as `permissions:`, when indented lines follow it).
 */
function blocksOf(text: string): Block[] {
  const blocks: Block[] = []
  const lines = text.split('\n')
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue
    const yamlKey = /^[\w-]+:$/.test(line) && /^ {2,}\S/.test(lines[i + 1] ?? '')
    const kind: Block['kind'] = /^\d+\.\s/.test(line) ? 'ol' : /^[-*•]\s/.test(line) ? 'ul' : CODE_LINE.test(line) || yamlKey ? 'code' : 'p'
    const last = blocks[blocks.length - 1]
    if (last && last.kind === kind && kind !== 'p') last.lines.push(line)
    else blocks.push({ kind, lines: [line] })
  }
  return blocks
}

function renderBlock(block: Block): string[] {
  switch (block.kind) {
    case 'p':
      return [escapeMarkdownInline(block.lines[0])]
    case 'ol':
      return block.lines.map((l, i) => `${i + 1}. ${escapeMarkdownInline(l.replace(/^\d+\.\s+/, ''))}`)
    case 'ul':
      return block.lines.map((l) => `- ${escapeMarkdownInline(l.replace(/^[-*•]\s+/, ''))}`)
    case 'code': {
      // The block's own indentation goes; what YAML nests under a key stays.
      const indent = Math.min(...block.lines.map((l) => /^ */.exec(l)![0].length))
      return codeBlock(
        block.lines.map((l) => l.slice(indent)),
        /^[\w-]+:$/.test(block.lines[0]) ? 'yaml' : 'sh',
      )
    }
  }
}

/** A fenced block that nothing inside can close. */
function codeBlock(lines: readonly string[], language = 'sh'): string[] {
  const clean = lines.map((l) => escapeControls(l, true))
  const longest = Math.max(2, ...clean.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))))
  const fence = '`'.repeat(longest + 1)
  return [`${fence}${language}`, ...clean, fence]
}

/**
 * One finding: a heading, its first paragraph with the lists and commands (and the line that introduces
 * each), and the rest folded into <details>.
 */
function findingSection(level: Finding['level'], title: string, text: string): string[] {
  return [`#### ${LEVEL_ICON[level]} ${escapeMarkdownInline(title)}`, '', ...renderText(text)]
}

/**
 * A finding's text: its first paragraph with the lists and commands (and the line that introduces each),
 * the rest folded into <details> — unless `fold` is false (a failure is shown whole).
 */
function renderText(text: string, fold = true): string[] {
  const blocks = blocksOf(text)
  const shown: Block[] = []
  const folded: Block[] = []
  blocks.forEach((block, i) => {
    const next = blocks[i + 1]
    const keep = !fold || i === 0 || block.kind !== 'p' || (next !== undefined && next.kind !== 'p')
    ;(keep ? shown : folded).push(block)
  })
  const lines: string[] = []
  for (const block of shown) lines.push(...(lines.length > 0 ? [''] : []), ...renderBlock(block))
  if (folded.length > 0) {
    lines.push('', '<details><summary>Details</summary>')
    for (const block of folded) lines.push('', ...renderBlock(block))
    lines.push('', '</details>')
  }
  return lines
}

// ---- what to do -------------------------------------------------------------------------------------

/** The advice for the problems of this run (not for notices), the worst first, each cause once. */
function adviceFor(data: SummaryData): Advice[] {
  if (!data.registry) return []
  const causes: AdviceCause[] = []
  if (data.failure?.cause) causes.push(data.failure.cause)
  for (const f of [...data.findings].sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level])) {
    if (f.level !== 'notice' && f.cause && !causes.includes(f.cause)) causes.push(f.cause)
  }
  const ctx: AdviceContext = {
    kind: data.registryKind ?? 'generic',
    npmPolicies: data.npmPolicies,
    place: 'action',
    registry: data.registry,
    mode: data.mode,
    rotateCommand: data.rotateCommand,
    secret: data.secret,
    staged: data.publish?.command === 'npm stage publish',
    trustCommands: data.oidc ? (data.oidc.trustCommands ?? []) : data.publish?.migrationCommands,
  }
  return causes.map((cause) => advise(cause, ctx))
}

/** The title each cause is known by in this run (the failure's, or its first finding's). */
function titles(data: SummaryData): Map<AdviceCause, string> {
  const byCause = new Map<AdviceCause, string>()
  if (data.failure?.cause) byCause.set(data.failure.cause, failureTitle(data))
  for (const f of data.findings) if (f.cause && !byCause.has(f.cause) && f.problem !== '') byCause.set(f.cause, f.title)
  return byCause
}

/** "What to do": each piece of advice (named after its problem when there are several), then the other ways on, each said once. */
function adviceMarkdown(advice: readonly Advice[], titleOf: Map<AdviceCause, string>): string[] {
  const lines = ['### What to do']
  const covered = new Set(advice.flatMap((a) => a.covers ?? []))
  const otherwise = new Map<string, NonNullable<Advice['otherwise']>>()
  for (const a of advice) {
    const title = advice.length > 1 ? titleOf.get(a.cause) : undefined
    lines.push('', `${title ? `**${escapeMarkdownInline(title)}:** ` : ''}${escapeMarkdownInline(a.lead)}`)
    if (a.commands?.length) lines.push('', ...commandsBlock(a.commands))
    if (a.note) lines.push('', escapeMarkdownInline(a.note))
    if (a.steps?.length) {
      if (a.stepsLead) lines.push('', escapeMarkdownInline(a.stepsLead))
      lines.push('', ...a.steps.map((s, i) => `${i + 1}. ${escapeMarkdownInline(s)}`))
    }
    if (a.otherwise && !covered.has(a.otherwise.key) && !otherwise.has(a.otherwise.key)) otherwise.set(a.otherwise.key, a.otherwise)
  }
  for (const o of otherwise.values()) {
    lines.push('', escapeMarkdownInline(o.text))
    if (o.commands?.length) lines.push('', ...commandsBlock(o.commands))
    if (o.after) lines.push('', escapeMarkdownInline(o.after))
  }
  return lines
}

/** Commands to copy, as one block; a workspace of hundreds of packages is summed up after the first ones. */
function commandsBlock(commands: readonly string[]): string[] {
  const block = codeBlock(commands.slice(0, MAX_ROWS))
  return commands.length > MAX_ROWS ? [...block, '', `_…and ${commands.length - MAX_ROWS} more: the step's log lists each._`] : block
}
