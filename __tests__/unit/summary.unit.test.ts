import { describe, expect, it } from '@jest/globals'
import { cell, renderSummary, type SummaryData } from '../../src/report/summary.js'

function data(overrides: Partial<SummaryData> = {}): SummaryData {
  return {
    mode: 'setup',
    authMethod: 'token',
    authReason: 'a token was given',
    registry: new URL('https://registry.example.com/npm/'),
    registrySource: 'the registry-url input',
    username: 'octo-publisher',
    tokenKind: 'granular, read-write',
    createdAt: new Date('2026-06-01T10:00:00Z'),
    expiresAt: new Date('2026-09-01T00:00:00Z'),
    expirySource: 'registry',
    daysLeft: 77,
    status: 'ok',
    npmrcPath: '/home/runner/work/_temp/.npmrc',
    findings: [],
    ...overrides,
  }
}

/** The table rows as [name, value], failing when a row does not have exactly two cells. */
function tableRows(markdown: string): Array<[string, string]> {
  const lines = markdown.split('\n')
  const start = lines.indexOf('|---|---|')
  expect(start).toBeGreaterThan(0)
  const rows: Array<[string, string]> = []
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('|')) break
    const cells = line.split(/(?<!\\)\|/)
    expect(cells).toHaveLength(4) // '', name, value, ''
    expect(cells[0]).toBe('')
    expect(cells[3]).toBe('')
    rows.push([cells[1].trim(), cells[2].trim()])
  }
  return rows
}

const ROW_NAMES = ['Registry', 'Authentication', 'User', 'Token kind', 'Created', 'Expires', 'Days left', 'Status', '.npmrc']

describe('renderSummary', () => {
  it('renders one table row per fact', () => {
    const markdown = renderSummary(data())
    expect(markdown.startsWith('## npm auth setup\n')).toBe(true)
    expect(tableRows(markdown)).toEqual([
      ['Registry', 'https://registry.example.com/npm/ (the registry-url input)'],
      ['Authentication', 'token — a token was given'],
      ['User', 'octo-publisher'],
      ['Token kind', 'granular, read-write'],
      ['Created', '2026-06-01'],
      ['Expires', '2026-09-01'],
      ['Days left', '77'],
      ['Status', '✅ ok'],
      ['.npmrc', '/home/runner/work/_temp/.npmrc'],
    ])
    expect(markdown).not.toContain('Findings')
  })

  it('keeps the table whole when values carry pipes and line breaks', () => {
    const markdown = renderSummary(
      data({
        registrySource: 'the user config /tmp/a|b.npmrc\nregistry=evil',
        username: 'a|b\r\nc',
        tokenKind: 'x\\|y',
        authReason: 'line one\n\nline two',
        npmrcPath: '/tmp/dir|with\npipe/.npmrc',
      }),
    )
    const rows = tableRows(markdown)
    expect(rows.map(([name]) => name)).toEqual(ROW_NAMES)
    expect(Object.fromEntries(rows).User).toBe('a\\|b c')
    expect(Object.fromEntries(rows)['Token kind']).toBe('x\\\\\\|y')
    expect(Object.fromEntries(rows).Authentication).toBe('token — line one line two')
    expect(markdown).not.toMatch(/\nregistry=evil/)
  })

  it('shows what is unknown, the check mode and the expires-on source', () => {
    const rows = Object.fromEntries(
      tableRows(renderSummary(data({ mode: 'check', username: '', createdAt: undefined, expiresAt: undefined, daysLeft: undefined, status: 'warning' }))),
    )
    expect(rows).toMatchObject({ User: '—', Created: '—', Expires: 'unknown', 'Days left': '—', Status: '⚠️ warning', '.npmrc': 'not written (check mode)' })
    expect(Object.fromEntries(tableRows(renderSummary(data({ expirySource: 'input' })))).Expires).toBe('2026-09-01 (from expires-on)')
    expect(renderSummary(data({ mode: 'check' })).startsWith('## npm auth check\n')).toBe(true)
  })

  it('lists findings and the failure, each on one line, without repeating the failure as a finding', () => {
    const failure = 'The registry rejected the token (HTTP 401).\nCreate a new one | now'
    const markdown = renderSummary(
      data({
        status: 'error',
        failure,
        findings: [
          { level: 'error', title: 'npm token rejected', message: failure },
          { level: 'warning', title: 'npm token expires in 3 days (2026-06-18)', message: 'Rotate\nit <soon>' },
        ],
      }),
    )
    const lines = markdown.split('\n')
    expect(lines).toContain('**Failed:** The registry rejected the token (HTTP 401). Create a new one \\| now')
    expect(lines).toContain('- **npm token expires in 3 days (2026-06-18)** (warning): Rotate it &lt;soon&gt;')
    expect(lines.filter((l) => l.includes('rejected the token'))).toHaveLength(1)
    expect(Object.fromEntries(tableRows(markdown)).Status).toBe('❌ error')
  })

  it('renders only the fields it is given: a token slipped into the data never appears', () => {
    const secret = 'npm_SuperSecretTokenValue0123456789'
    const markdown = renderSummary({ ...data(), token: secret } as SummaryData)
    expect(markdown).not.toContain(secret)
    expect(tableRows(markdown).map(([name]) => name)).toEqual(ROW_NAMES)
  })
})

describe('renderSummary for trusted publishing', () => {
  const oidc = (): SummaryData =>
    data({
      authMethod: 'oidc',
      authReason: 'id-token: write',
      username: undefined,
      tokenKind: undefined,
      createdAt: undefined,
      expiresAt: undefined,
      expirySource: undefined,
      daysLeft: undefined,
      oidc: {
        packages: [
          { name: '@my-org/pkg', result: 'ok | exchange answered 201' },
          { name: 'other-pkg', result: 'no trusted publisher\nconfigured' },
        ],
        claims: { repository: 'my-org/repo|x', workflowRef: 'my-org/repo/.github/workflows/release.yml@refs/heads/main', environment: 'npm\nprod' },
        provenance: true,
        npmVersion: '11.6.2',
      },
    })

  it('says no token is needed and leaves token facts empty', () => {
    const rows = Object.fromEntries(tableRows(renderSummary(oidc())))
    expect(rows).toMatchObject({ Authentication: 'oidc — id-token: write', User: '—', 'Token kind': 'none needed (OIDC)', Expires: '—' })
  })

  it('keeps the package table whole and the claims on one line', () => {
    const lines = renderSummary(oidc()).split('\n')
    const start = lines.indexOf('| Package | Result |')
    expect(start).toBeGreaterThan(0)
    const packageRows = lines.slice(start + 2, start + 4)
    expect(packageRows).toEqual(['| @&#8203;my-org/pkg | ok \\| exchange answered 201 |', '| other-pkg | no trusted publisher configured |'])
    for (const row of packageRows) expect(row.split(/(?<!\\)\|/)).toHaveLength(4)
    const claims = lines.filter((l) => l.startsWith('ID token claims: '))
    expect(claims).toHaveLength(1)
    expect(claims[0]).toContain('repository: my-org/repo\\|x')
    expect(claims[0]).toContain('workflow file: release.yml')
    expect(claims[0]).toContain('environment: npm prod')
    expect(lines).toContain('npm on PATH: 11.6.2 · provenance: on (public repository)')
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
