// The job summary as GitHub shows it: the Markdown is rendered with a GitHub-flavoured renderer (marked,
// GFM) and the HTML's structure is asserted — the status line first, a table with a real header and only
// the rows that apply, each finding a heading with lists kept lists and the rest folded, the advice once,
// nothing escaped twice, nothing from outside able to form HTML, under GitHub's size limit.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { marked } from 'marked'
import { gradeExpiry } from '../../src/check/grade.js'
import { directPublishingCutoff } from '../../src/publishing/policy.js'
import { advisedFinding, type AdviceContext } from '../../src/registry/advice.js'
import { cell, MAX_FINDINGS, MAX_ROWS, renderSummary, type SummaryData } from '../../src/report/summary.js'
import type { Finding } from '../../src/types.js'
import { capUtf8Bytes, SUMMARY_MAX_BYTES } from '../../src/util/text-limit.js'
import { escapeMarkdownInline } from '../../src/util/untrusted.js'

const DAY = 24 * 60 * 60 * 1000
const NOW = new Date('2026-11-30T12:00:00Z')
const NPM = new URL('https://registry.npmjs.org/')
const ROTATE = 'npx setup-npm-auth token rotate --repo octo-org/octo-lib'
const TRUST = ['npm trust github @octo-org/lib --repo octo-org/octo-lib --file release.yml --allow-publish --yes']
const ctx: AdviceContext = { kind: 'npm', npmPolicies: true, place: 'action', registry: NPM, rotateCommand: ROTATE, trustCommands: TRUST }

function data(overrides: Partial<SummaryData> = {}): SummaryData {
  return {
    mode: 'setup',
    authMethod: 'token',
    authReason: 'a token was given',
    registry: NPM,
    registrySource: "npm's default registry; npm registry",
    registryKind: 'npm',
    npmPolicies: true,
    username: 'octo-publisher',
    tokenKind: 'granular, read-write',
    createdAt: new Date('2026-10-01T10:00:00Z'),
    expiresAt: new Date(NOW.getTime() + 60 * DAY),
    expirySource: 'registry',
    daysLeft: 60,
    status: 'ok',
    npmrcPath: '/home/runner/work/_temp/.npmrc',
    findings: [],
    publish: { command: 'npm publish', reason: 'publish: auto', migrationCommands: TRUST },
    rotateCommand: ROTATE,
    ...overrides,
  }
}

/** A token graded as the action grades it; its data as StepReport records it. */
function tokenState(daysAhead: number, extra: Finding[] = []): SummaryData {
  const expiresAt = new Date(NOW.getTime() + daysAhead * DAY)
  const grade = gradeExpiry({ expiresAt, now: NOW, warnDays: 14, failDays: 0, registry: NPM, advice: ctx })
  const findings = [...(grade.finding ? [grade.finding] : []), ...extra]
  return data({ expiresAt, daysLeft: grade.daysLeft, status: grade.status === 'ok' && extra.length > 0 ? 'warning' : grade.status, findings })
}

const cutoff = () => directPublishingCutoff({ trustCommands: TRUST, now: NOW, advice: ctx })

const oidcFailure = (name: string): Finding =>
  advisedFinding(
    {
      level: 'error',
      title: `Trusted publishing will fail for ${name}`,
      problem: [
        `Trusted publishing pre-flight failed for ${name} at https://registry.npmjs.org: HTTP 404, "OIDC token exchange error - package not found".`,
        'Likely causes, most likely first:',
        '1. No trusted publisher on registry.npmjs.org matches this job. All fields are case-sensitive.',
        '2. The workflow file name must match release.yml exactly (case-sensitive, file name only, no path).',
        '3. This job runs in no environment: if the trusted publisher names one, add `environment: <name>` to the job or clear it on npm.',
        'The ID token claimed: repository: octo-org/octo-lib; workflow file: release.yml; environment: none.',
      ].join('\n'),
      cause: 'trusted-publisher',
    },
    { ...ctx, trustCommands: TRUST },
  )

function oidcState(failing: boolean): SummaryData {
  return data({
    authMethod: 'oidc',
    authReason: 'id-token: write is granted',
    username: undefined,
    tokenKind: undefined,
    createdAt: undefined,
    expiresAt: undefined,
    expirySource: undefined,
    daysLeft: undefined,
    rotateCommand: undefined,
    status: failing ? 'error' : 'ok',
    findings: failing ? [oidcFailure('@octo-org/lib')] : [],
    publish: { command: 'npm publish', reason: 'publish: auto', note: 'The token exchange does not say which actions the trusted publisher allows.' },
    oidc: {
      packages: [
        { name: '@octo-org/lib', ok: !failing, result: failing ? '❌ failed (HTTP 404)' : '✅ ok (HTTP 201)' },
        { name: '@octo-org/cli', ok: true, result: '✅ ok (HTTP 201)' },
      ],
      claims: { repository: 'octo-org/octo-lib', workflowRef: 'octo-org/octo-lib/.github/workflows/release.yml@refs/heads/main' },
      provenance: true,
      npmVersion: '11.19.0',
      trustCommands: failing ? TRUST : [],
    },
  })
}

const registryDown = (): SummaryData =>
  data({
    username: undefined,
    tokenKind: undefined,
    createdAt: undefined,
    expiresAt: undefined,
    daysLeft: undefined,
    expirySource: undefined,
    publish: undefined,
    npmrcPath: undefined,
    rotateCommand: undefined,
    status: 'error',
    failure: {
      message:
        'whoami (https://registry.npmjs.org/-/whoami): the registry answered HTTP 503, and kept failing after retries. The registry may be down or rate limiting: try again later.',
      problem: 'whoami (https://registry.npmjs.org/-/whoami): the registry answered HTTP 503, and kept failing after retries.',
      cause: 'registry-down',
    },
  })

/** The rendered HTML as a DOM-less structure: enough to assert on. */
function html(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false })
}
const all = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m[1])
const textOf = (fragment: string) =>
  fragment
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim()

/** The first table as [header cells, rows of cells]. */
function table(page: string): { head: string[]; rows: string[][] } {
  const first = /<table>([\s\S]*?)<\/table>/.exec(page)![1]
  const head = all(first, /<th[^>]*>([\s\S]*?)<\/th>/g).map(textOf)
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(first)?.[1] ?? ''
  const rows = all(body, /<tr>([\s\S]*?)<\/tr>/g).map((row) => all(row, /<td[^>]*>([\s\S]*?)<\/td>/g).map(textOf))
  return { head, rows }
}
const rowsOf = (page: string) => Object.fromEntries(table(page).rows.map(([k, v]) => [k, v]))

/** What every state must be: the rules of a summary that reads well, asserted on the HTML. */
function assertReadable(markdown: string): string {
  const page = html(markdown)
  // The status line first: an h2 with an icon.
  expect(page.startsWith('<h2>')).toBe(true)
  expect(textOf(/<h2>([\s\S]*?)<\/h2>/.exec(page)![1])).toMatch(/^(✅|⚠️|❌) \S/)
  // A header with something in every cell; every row two cells, none of them a dash.
  const { head, rows } = table(page)
  expect(head).toHaveLength(2)
  for (const th of head) expect(th).not.toBe('')
  for (const row of rows) {
    expect(row).toHaveLength(2)
    expect(row[1]).not.toMatch(/^(—|-|)$/)
  }
  // Never escaped twice; code holds its text as it is.
  expect(markdown).not.toContain('&amp;lt;')
  expect(page).not.toContain('&amp;lt;')
  expect(page).not.toContain('&amp;amp;')
  for (const code of all(page, /<code>([\s\S]*?)<\/code>/g)) expect(code).not.toMatch(/&amp;(lt|gt|amp);/)
  // "What to do" at most once, and no raw HTML but our own folds.
  expect(all(page, /<h3>(What to do)<\/h3>/g).length).toBeLessThanOrEqual(1)
  const tags = new Set(all(page.replace(/<code>[\s\S]*?<\/code>|<pre>[\s\S]*?<\/pre>/g, ''), /<\/?([a-z0-9]+)/g))
  for (const tag of tags)
    expect(['h2', 'h3', 'h4', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ol', 'ul', 'li', 'details', 'summary', 'em', 'strong', 'a']).toContain(tag)
  // Links only as GitHub makes them from a bare URL in the text: the text is the address.
  for (const [, href, text] of page.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)) expect(text).toBe(href)
  expect(all(page, /<a (\w+)=/g).every((attr) => attr === 'href')).toBe(true)
  return page
}

describe('the job summary, rendered', () => {
  it('ok: a status line that says so, the facts, no findings, nothing to do', () => {
    const page = assertReadable(renderSummary(data()))
    expect(textOf(/<h2>([\s\S]*?)<\/h2>/.exec(page)![1])).toBe('✅ npm token for registry.npmjs.org is valid for 60 more days')
    expect(table(page).head).toEqual(['npm auth', 'setup'])
    expect(rowsOf(page)).toEqual({
      Registry: "https://registry.npmjs.org/ (npm's default registry; npm registry)",
      Authentication: 'token — a token was given',
      User: 'octo-publisher',
      Token: 'granular, read-write',
      Created: '2026-10-01',
      Expires: '2027-01-29 — in 60 days',
      'Publish with': 'npm publish (publish: auto)',
      '.npmrc': '/home/runner/work/_temp/.npmrc',
    })
    expect(page).toContain('<td><code>npm publish</code> (publish: auto)</td>')
    expect(page).not.toContain('Findings')
    expect(page).not.toContain('What to do')
  })

  it('warning (expiring): the status line names the days left; the rotate command once, in "What to do", first', () => {
    const markdown = renderSummary(tokenState(5))
    const page = assertReadable(markdown)
    expect(textOf(/<h2>([\s\S]*?)<\/h2>/.exec(page)![1])).toBe('⚠️ npm token for registry.npmjs.org expires in 5 days (2026-12-05)')
    expect(rowsOf(page).Expires).toBe('2026-12-05 — in 5 days')
    expect(page).toContain('<h4>⚠️ npm token expires in 5 days (2026-12-05)</h4>')
    // The finding says what is wrong; the advice is said once, below.
    expect(markdown.split(ROTATE)).toHaveLength(2)
    expect(markdown.indexOf(ROTATE)).toBeGreaterThan(markdown.indexOf('### What to do'))
    expect(page).toContain(`<pre><code class="language-sh">${ROTATE}\n</code></pre>`)
    expect(markdown.indexOf(ROTATE)).toBeLessThan(markdown.indexOf('Or move to trusted publishing'))
    // Steps by hand are a list; a code span's <id> shows as <id>, escaped once.
    expect(page).toMatch(/<ol>\s*<li>On npmjs\.com open Access Tokens/)
    expect(page).toContain('<code>--token-id &lt;id&gt;</code>')
  })

  it('expired: the days agree everywhere, no negative count', () => {
    const page = assertReadable(renderSummary(tokenState(-29.5)))
    const title = textOf(/<h2>([\s\S]*?)<\/h2>/.exec(page)![1])
    expect(title).toBe('❌ npm token for registry.npmjs.org expired 29 days ago (2026-11-01)')
    expect(rowsOf(page).Expires).toBe('2026-11-01 — expired 29 days ago')
    expect(page).toContain('<h4>❌ npm token expired 29 days ago (2026-11-01)</h4>')
    expect(page).not.toMatch(/Days left|[−-]30\b/)
    expect(all(page, /<h3>(What to do)<\/h3>/g)).toHaveLength(1)
  })

  it('registry down: the failure as the status line, advice that waits and never rotates', () => {
    const markdown = renderSummary(registryDown())
    const page = assertReadable(markdown)
    expect(textOf(/<h2>([\s\S]*?)<\/h2>/.exec(page)![1])).toBe('❌ registry.npmjs.org is down or failing')
    expect(Object.keys(rowsOf(page))).toEqual(['Registry', 'Authentication'])
    // What happened, right under the status line (not a finding repeating it); the advice below.
    expect(page).not.toContain('<h4>')
    expect(page).toMatch(/<\/h2>\s*<p>whoami \(<a href="https:\/\/registry\.npmjs\.org\/-\/whoami">[^<]*<\/a>\): the registry answered HTTP 503/)
    const todo = page.slice(page.indexOf('<h3>What to do</h3>'))
    expect(todo).toContain('https://status.npmjs.org')
    expect(todo).toMatch(/keep it/)
    expect(markdown).not.toMatch(/rotate|granular|Access Tokens|repository secret/i)
    // The hint of the error is not said twice: the finding shows the problem, "What to do" the advice.
    expect(markdown).not.toContain('try again later')
  })

  it('OIDC with a failing package: OIDC rows only, the failing package first, numbered causes as a list, claims folded', () => {
    const markdown = renderSummary(oidcState(true))
    const page = assertReadable(markdown)
    expect(textOf(/<h2>([\s\S]*?)<\/h2>/.exec(page)![1])).toBe('❌ Trusted publishing pre-flight: 1 of 2 packages failed')
    expect(Object.keys(rowsOf(page))).toEqual(['Registry', 'Authentication', 'npm on PATH', 'Provenance', 'Publish with', '.npmrc'])
    expect(rowsOf(page)).toMatchObject({ 'npm on PATH': '11.19.0', Provenance: 'on (public repository)' })
    const packages = /<h3>Trusted publishing pre-flight<\/h3>\s*<table>([\s\S]*?)<\/table>/.exec(page)![1]
    expect(all(packages, /<td>([^<]*)<\/td>/g).slice(0, 2)).toEqual(['@\u200bocto-org/lib', '❌ failed (HTTP 404)'])
    // The causes: an ordered list of three; the claims in <details>.
    const finding = page.slice(page.indexOf('<h4>❌ Trusted publishing will fail for'))
    const list = /<ol>([\s\S]*?)<\/ol>/.exec(finding)![1]
    expect(all(list, /<li>([\s\S]*?)<\/li>/g)).toHaveLength(3)
    expect(list).toContain('<code>environment: &lt;name&gt;</code>')
    expect(finding).toMatch(/<details><summary>Details<\/summary>\s*<p>The ID token claimed: /)
    // The fix command once, under "What to do".
    expect(markdown.split(TRUST[0])).toHaveLength(2)
    expect(page.indexOf(TRUST[0])).toBeGreaterThan(page.indexOf('<h3>What to do</h3>'))
    expect(page).toContain('<summary>ID token claims</summary>')
  })

  it('OIDC, all passing: the status line counts them; no token rows', () => {
    const page = assertReadable(renderSummary(oidcState(false)))
    expect(textOf(/<h2>([\s\S]*?)<\/h2>/.exec(page)![1])).toBe('✅ Trusted publishing ready: 2 packages passed the pre-flight')
    expect(Object.keys(rowsOf(page))).not.toContain('User')
    expect(page).not.toContain('What to do')
  })

  it('two problems: each a heading, the advice for each once, trusted publishing said once', () => {
    const markdown = renderSummary(tokenState(5, [cutoff()]))
    const page = assertReadable(markdown)
    expect(all(page, /<h4>([^<]*)<\/h4>/g)).toEqual(['⚠️ npm token expires in 5 days (2026-12-05)', '⚠️ Direct publishing with tokens ends in January 2027'])
    expect(markdown.split(TRUST[0])).toHaveLength(2)
    expect(markdown.split(ROTATE)).toHaveLength(2)
    expect(markdown).toContain('read-write-stage-only')
    expect(markdown).not.toContain('Or move to trusted publishing')
    // Several pieces of advice: each named after its problem.
    const todo = page.slice(page.indexOf('<h3>What to do</h3>'))
    expect(all(todo, /<strong>([^<]*)<\/strong>/g)).toEqual([
      'npm token expires in 5 days (2026-12-05):',
      'Direct publishing with tokens ends in January 2027:',
    ])
  })

  it('check mode, unknown expiry: says so plainly, and a notice keeps its own advice (folded)', () => {
    const notice = advisedFinding(
      {
        level: 'notice',
        title: 'npm token expiry unknown',
        problem: "Expiry unknown: npm's registry does not let a CI token read its own expiry.",
        cause: 'expiry-unknown',
      },
      ctx,
    )
    const page = assertReadable(
      renderSummary(data({ mode: 'check', tokenKind: 'unknown', createdAt: undefined, expiresAt: undefined, daysLeft: undefined, findings: [notice] })),
    )
    expect(table(page).head).toEqual(['npm auth', 'check'])
    expect(rowsOf(page)).toMatchObject({ Expires: 'unknown', '.npmrc': 'not written (check mode)' })
    expect(rowsOf(page)).not.toHaveProperty('Token')
    expect(page).toContain('<h4>ℹ️ npm token expiry unknown</h4>')
    expect(page).toMatch(/<details><summary>Details<\/summary>[\s\S]*vars\.NPM_TOKEN_EXPIRES_AT/)
    expect(page).not.toContain('What to do')
  })

  it('keeps every value from outside inert: no HTML, mention, link or broken row', () => {
    const hostile = 'x|y <img src=x onerror=1> @octocat #1 [a](https://evil.test) `code` \u001b[31m'
    const markdown = renderSummary(
      data({
        username: hostile,
        registrySource: `the user config /tmp/a|b.npmrc\nregistry=evil`,
        status: 'warning',
        findings: [{ level: 'warning', title: `pkg ${hostile}`, message: `The registry says: "${hostile}".` }],
      }),
    )
    const page = assertReadable(markdown)
    expect(page).not.toMatch(/<img|@octocat|#1|\u001b/)
    expect(page).toContain('[a](<a href="https://evil.test">https://evil.test</a>)') // a bare address, not a link of the value's making
    expect(markdown).not.toMatch(/\nregistry=evil/)
    expect(rowsOf(page).User).toContain('x|y <img src=x onerror=1>')
  })

  it('never shows a token slipped into the data', () => {
    const secret = 'npm_SuperSecretTokenValue0123456789'
    expect(renderSummary({ ...data(), token: secret } as SummaryData)).not.toContain(secret)
  })

  it('stays under GitHub’s 1 MiB with thousands of packages and findings, and still ends with "What to do"', () => {
    const many = oidcState(true)
    many.oidc!.packages = Array.from({ length: 20_000 }, (_, i) => ({
      name: `@octo-org/pkg-${i}`,
      ok: i % 2 === 0,
      result: i % 2 ? '❌ failed (HTTP 404)' : '✅ ok',
    }))
    many.findings = Array.from({ length: 10_000 }, (_, i) => oidcFailure(`@octo-org/pkg-${2 * i + 1}`))
    many.oidc!.trustCommands = Array.from({ length: 10_000 }, (_, i) => TRUST[0].replace('@octo-org/lib', `@octo-org/pkg-${2 * i + 1}`))
    const markdown = renderSummary(many)
    expect(Buffer.byteLength(markdown)).toBeLessThan(SUMMARY_MAX_BYTES)
    expect(capUtf8Bytes(markdown, SUMMARY_MAX_BYTES)).toBe(markdown)
    const page = html(markdown)
    expect(all(page, /<h4>([^<]*)<\/h4>/g)).toHaveLength(MAX_FINDINGS)
    expect(page).toContain(`${10_000 - MAX_FINDINGS} more findings`)
    expect(page).toContain(`${20_000 - MAX_ROWS} more`)
    expect(page).toContain('<h3>What to do</h3>')
    expect(markdown).toContain(`${10_000 - MAX_ROWS} more: the step's log lists each`)
    expect(Buffer.byteLength(markdown)).toBeLessThan(200_000)
  })
})

describe('cell', () => {
  it('escapes what would break a table cell', () => {
    expect(cell('')).toBe('—')
    expect(cell('a|b')).toBe('a\\|b')
    expect(cell('a\\b')).toBe('a\\\\b')
    expect(cell('a\r\n\nb')).toBe('a b')
    expect(cell('<script>')).toBe('&lt;script&gt;')
  })

  it('lets no value from outside form HTML, a link, an image, a mention, a reference or an escape sequence', () => {
    const hostile = cell('x\u001b[31mred <img src=x onerror=1> ![p](https://evil.test/p.png) [click](https://evil.test) @octocat @org/team #1 &amp; \u009b2J')
    expect(hostile).not.toMatch(/[<>\u001b\u009b]/)
    expect(hostile).not.toMatch(/\]\(|!\[|\[click/)
    expect(hostile).not.toMatch(/@[a-z]/) // a zero-width space after every @: no mention
    expect(hostile).not.toMatch(/(^|[^&])#\d/) // and after every # (but our own entities'): no issue reference
    expect(hostile).toContain('&amp;amp;') // & itself is escaped, so no entity of the value's survives
    expect(hostile).toContain('\\u001b&#91;31mred')
  })
})

describe('escapeMarkdownInline: code raw, the rest escaped, paired as GitHub pairs backticks', () => {
  const render = (text: string) => marked.parseInline(escapeMarkdownInline(text), { gfm: true, async: false })

  it('keeps code as it is and escapes once around it', () => {
    expect(render('run `npm stage approve <id>` for <b>')).toBe('run <code>npm stage approve &lt;id&gt;</code> for &lt;b&gt;')
    expect(render('a `x` b ``y`z`` c')).toBe('a <code>x</code> b <code>y`z</code> c')
  })

  it('takes nothing raw that GitHub would not show as code', () => {
    for (const text of ['\\`<img src=x>`', '``<img src=x>`', '`a` <img src=x> `', 'x\\\\`<img src=x>`', '```<img src=x>``']) {
      expect(render(text)).not.toMatch(/<img/)
    }
  })

  it('never lets a value form HTML, a link or a mention, whatever its backticks and backslashes', () => {
    const piece = fc.constantFrom('`', '``', '\\', '<img src=x onerror=1>', '<script>', '@octocat', '[a](https://evil.test)', ' ', 'x', '&lt;', '\n')
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const html = render(pieces.join(''))
        // A bare address becomes a link on GitHub too (an autolink, its text the address): no link of the value's own making.
        const outsideCode = html.replace(/<code>[\s\S]*?<\/code>/g, '').replace(/<a href="[^"]*">https?:\/\/[^<]*<\/a>/g, '')
        expect(html).not.toMatch(/>a<\/a>/) // [a](…) never became a link
        expect(outsideCode).not.toMatch(/<(?!\/?code>)[a-z]/i)
        expect(outsideCode).not.toMatch(/@octocat/)
      }),
      { numRuns: 2000 },
    )
  })
})
