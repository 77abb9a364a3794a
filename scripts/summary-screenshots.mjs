// node_modules/.bin/node scripts/summary-screenshots.mjs — the pictures in docs/summary/ (linked from
// docs/SUMMARY.md), made again from the code as it is.
//
// Each state is a real run of the BUNDLED action (test-support/run-action.ts, as the runner runs it)
// against the loopback fakes the integration tests use: ok, warning (a token expiring), expired, the
// registry down, and trusted publishing with a failing package. Its job summary is rendered as GitHub
// renders Markdown (marked, GitHub-flavoured), styled like GitHub's job summary page, and photographed
// with headless Chromium. The only liberty taken: the fake registry's loopback address is shown as
// https://registry.npmjs.org/ (the fake stands in for it: npm on PATH names it as its default registry).
//
// Not part of CI (.ci/run): it needs Chromium (`apt-get install -y chromium`, or CHROMIUM=/path/to/it)
// and writes into docs/. Exits non-zero when anything is missing or a state does not come out as meant.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outDir = path.join(repoRoot, 'docs', 'summary')
const WIDTH = 920

function fail(message) {
  console.error(`summary-screenshots: ${message}`)
  process.exit(1)
}

// ---- preflight ----------------------------------------------------------------------------------
if (!process.features.typescript) {
  fail(`Node ${process.version} cannot load test-support/*.ts: run it with Node 24 (node_modules/.bin/node scripts/summary-screenshots.mjs).`)
}
const chromium = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'].find((bin) => {
  if (!bin) return false
  try {
    execFileSync(bin, ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})
if (!chromium) {
  fail(
    'Chromium is missing: install it (Debian/Ubuntu: apt-get install -y chromium fonts-noto-color-emoji; macOS: brew install --cask chromium) ' +
      'or set CHROMIUM to a Chrome or Chromium binary, then run this again. No picture was changed.',
  )
}
const { distStaleness } = await import('../test-support/dist-guard.ts')
const stale = distStaleness(repoRoot)
if (stale) fail(`dist/ is not the source built (${stale}): run npm run bundle first.`)

const { marked } = await import('marked')
const { runAction, cleanupRunDirs } = await import('../test-support/run-action.ts')
const { startTrustedPublishingRegistry } = await import('../test-support/oidc-fakes.ts')
const { writeFixturePackage, writeStandInNpm } = await import('../test-support/npm-cli.ts')

// ---- the states ---------------------------------------------------------------------------------
const DAY = 24 * 60 * 60 * 1000
const REPO = 'octo-org/octo-lib'
const tmp = mkdtempSync(path.join(os.tmpdir(), 'summary-screenshots-'))
const fakes = await startTrustedPublishingRegistry({ registry: { tokenList: 'any' } })
const { idp, tp, registry } = fakes
// A registry that answers every request 503: down.
const down = http.createServer((_req, res) => {
  res.writeHead(503, { 'content-type': 'text/html' })
  res.end('<html><body>503 Service Unavailable</body></html>')
})
await new Promise((resolve) => down.listen(0, '127.0.0.1', resolve))
const downUrl = `http://127.0.0.1:${down.address().port}/`

function token(spec) {
  const value = `npm_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'Z').slice(0, 36)}`
  registry.addToken({ token: value, username: 'octo-publisher', ...spec })
  return value
}
const npmBin = writeStandInNpm(path.join(tmp, 'npm'), registry.url, '11.19.0')
const npmDown = writeStandInNpm(path.join(tmp, 'npm-down'), downUrl, '11.19.0')
const WORKFLOW_REF = `${REPO}/.github/workflows/release.yml@refs/heads/main`
const env = (bin, extra = {}) => ({ PATH: `${bin}${path.delimiter}${process.env.PATH}`, GITHUB_REPOSITORY: REPO, GITHUB_WORKFLOW_REF: WORKFLOW_REF, ...extra })
// The repository's package, as a checkout has it: the trusted-publishing commands name it.
const project = writeFixturePackage(path.join(tmp, 'project'), '@octo-org/lib', '1.2.0', {
  repository: { type: 'git', url: `git+https://github.com/${REPO}.git` },
})
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10)

const states = [
  {
    name: 'ok',
    caption: 'A healthy stage-only token (setup)',
    want: 'ok',
    run: () => runAction({ inputs: { token: token({ expiry: new Date(Date.now() + 60 * DAY).toISOString(), stageOnly: true }) }, env: env(npmBin) }),
  },
  {
    name: 'warning',
    caption: 'A token that expires in 5 days (setup)',
    want: 'warning',
    run: () =>
      runAction({
        inputs: { token: token({ expiry: new Date(Date.now() + 5 * DAY + 60_000).toISOString(), bypass2fa: true }), 'working-directory': project },
        env: env(npmBin),
      }),
  },
  {
    name: 'expired',
    caption: 'An expired token (a scheduled check; the expiry from expires-on)',
    want: 'error',
    run: () =>
      runAction({
        inputs: { token: token({ listable: false }), mode: 'check', 'expires-on': isoDay(Date.now() - 29 * DAY), 'working-directory': project },
        env: env(npmBin),
      }),
  },
  {
    name: 'registry-down',
    caption: 'The registry is down (HTTP 503 after retries)',
    want: 'error',
    run: () => runAction({ inputs: { token: token({}) }, env: env(npmDown) }),
  },
  {
    name: 'oidc-failing',
    caption: 'Trusted publishing, one package without a matching trusted publisher',
    want: 'error',
    run: async () => {
      const dir = path.join(tmp, 'workspace')
      writeFixturePackage(dir, 'octo-workspace', '0.0.0', { private: true, workspaces: ['packages/*'] })
      const repository = { type: 'git', url: `git+https://github.com/${REPO}.git` }
      for (const name of ['@octo-org/lib', '@octo-org/cli']) {
        writeFixturePackage(path.join(dir, 'packages', name.split('/')[1]), name, '1.1.0', { repository })
        await tp.seedPackage(name)
      }
      tp.publishers.set('@octo-org/lib', { repository: REPO, workflowFile: 'release.yml' })
      tp.publishers.set('@octo-org/cli', { repository: REPO, workflowFile: 'publish.yml' })
      idp.setClaims({
        repository: REPO,
        repository_owner: 'octo-org',
        workflow_ref: WORKFLOW_REF,
        job_workflow_ref: WORKFLOW_REF,
        repository_visibility: 'public',
      })
      return runAction({
        inputs: { 'working-directory': dir },
        env: env(npmBin, { ...idp.env(), RUNNER_ENVIRONMENT: 'github-hosted' }),
      })
    },
  },
]

// ---- render and photograph ----------------------------------------------------------------------
const CSS = `
body { margin: 0; background: #f6f8fa; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji";
  font-size: 14px; line-height: 1.5; color: #1f2328; }
.card { margin: 16px; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
.card > header { padding: 12px 16px; border-bottom: 1px solid #d1d9e0; font-weight: 600; font-size: 14px; color: #59636e; }
.markdown-body { padding: 16px 24px 8px; }
.markdown-body > :first-child { margin-top: 0 !important; }
h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; margin: 24px 0 16px; line-height: 1.25; }
h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; line-height: 1.25; }
h4 { font-size: 1em; font-weight: 600; margin: 24px 0 16px; line-height: 1.25; }
p, ol, ul, table, pre, details { margin: 0 0 16px; }
ol, ul { padding-left: 2em; }
li + li { margin-top: .25em; }
a { color: #0969da; text-decoration: none; }
code { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 85%;
  padding: .2em .4em; background: #818b981f; border-radius: 6px; }
pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; background: #f6f8fa; border-radius: 6px; }
pre code { padding: 0; background: transparent; font-size: 100%; white-space: pre-wrap; word-break: break-all; }
table { border-spacing: 0; border-collapse: collapse; display: block; width: max-content; max-width: 100%; overflow: auto; }
th, td { padding: 6px 13px; border: 1px solid #d1d9e0; vertical-align: top; }
th { font-weight: 600; background: #fff; }
tr:nth-child(2n) { background: #f6f8fa; }
details summary { cursor: pointer; color: #1f2328; }
`

function page(markdown, caption) {
  const body = marked.parse(markdown, { gfm: true, async: false })
  return `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style></head><body>
<div class="card"><header>release summary · ${caption}</header><div class="markdown-body">${body}</div></div>
<script>document.body.setAttribute('data-height', String(Math.ceil(document.documentElement.scrollHeight)))</script>
</body></html>`
}

function chrome(args) {
  return execFileSync(chromium, ['--headless=new', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--force-device-scale-factor=1', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  })
}

/** The fake registry shown as the registry it stands for. */
function asPublished(markdown) {
  const downOrigin = downUrl.slice(0, -1)
  const pairs = [
    [registry.url, 'https://registry.npmjs.org/'],
    [downUrl, 'https://registry.npmjs.org/'],
    [registry.origin, 'https://registry.npmjs.org'],
    [downOrigin, 'https://registry.npmjs.org'],
    [`127.0.0.1:${registry.port}`, 'registry.npmjs.org'],
    [`127.0.0.1:${down.address().port}`, 'registry.npmjs.org'],
  ]
  return pairs
    .reduce((text, [from, to]) => text.split(from).join(to), markdown)
    .replace(/\/tmp\/run-action-[^/]+\/runner-temp\//g, '/home/runner/work/_temp/')
    .replace(/\/tmp\/summary-screenshots-[^/]+\/(workspace|project)/g, '/home/runner/work/octo-lib/octo-lib')
}

mkdirSync(outDir, { recursive: true })
let failed = false
try {
  for (const state of states) {
    const result = await state.run()
    if (result.outputs.status !== state.want) {
      console.error(`summary-screenshots: ${state.name}: status ${result.outputs.status}, expected ${state.want}\n${result.stdout.slice(-3000)}`)
      failed = true
      continue
    }
    const markdown = asPublished(result.summary)
    const html = path.join(tmp, `${state.name}.html`)
    writeFileSync(html, page(markdown, state.caption))
    const dom = chrome(['--virtual-time-budget=2000', '--dump-dom', `file://${html}`])
    const height = Number(/data-height="(\d+)"/.exec(dom)?.[1] ?? 0)
    if (!height) fail(`${state.name}: Chromium did not lay the page out (no height in its DOM dump)`)
    const png = path.join(outDir, `${state.name}.png`)
    chrome([`--window-size=${WIDTH},${height}`, '--virtual-time-budget=2000', `--screenshot=${png}`, `file://${html}`])
    if (!existsSync(png)) fail(`${state.name}: Chromium wrote no picture`)
    console.log(`${path.relative(repoRoot, png)}  (${WIDTH}×${height}, status ${result.outputs.status})`)
  }
} finally {
  cleanupRunDirs()
  await fakes.stop()
  await new Promise((resolve) => down.close(resolve))
  rmSync(tmp, { recursive: true, force: true })
}
if (failed) process.exit(1)
