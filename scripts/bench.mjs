// npm run bench — the token path's cost against what users do by hand, on loopback registries.
//
// (a) the built action's token path (whoami + token list + .npmrc + outputs), run as the runner runs it;
// (b) `npm whoami && npm token list --json` on the same registry (what a hand-written check does);
// (c) `node -e 0`, the floor.
// Runs alternate (a, b, c, a, b, c, …) so machine noise hits all three alike; we report medians,
// min–max, the ratio a/b and the difference a−c, peak RSS of (a), and the bundle size. Results go
// to stdout and docs/BENCHMARKS.md. Set BENCH_RUNS to change the number of rounds (default 15).
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { modernNode, repoRoot, runProcess, sanitizedEnv } from '../test-support/process.ts'
import { startVerdaccio } from '../test-support/verdaccio.ts'
import { startFakeNpmjs } from '../test-support/fake-npmjs.ts'
import { startIdTokenServer, trustedPublishing } from '../test-support/oidc-fakes.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const node = modernNode(24)
const work = mkdtempSync(path.join(os.tmpdir(), 'bench-'))

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const fmt = (ms) => `${ms.toFixed(0)} ms`
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) })

// Asynchronous on purpose: the fake registry lives in this process and must keep answering.
async function timed(cmd, args, env, cwd = work) {
  const run = await runProcess(cmd, args, { env, cwd })
  if (run.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${run.code}):\n${run.stdout}\n${run.stderr}`)
  return run
}

/** One run of the action's main step with fresh runner files, as the runner starts it. */
async function actionRun(registryUrl, token, extraEnv = {}) {
  const dir = mkdtempSync(path.join(work, 'run-'))
  const files = Object.fromEntries(['output', 'env', 'state', 'summary'].map((f) => [f, path.join(dir, f)]))
  for (const f of Object.values(files)) writeFileSync(f, '')
  const env = sanitizedEnv({
    HOME: dir,
    RUNNER_TEMP: dir,
    GITHUB_ACTIONS: 'true',
    RUNNER_ENVIRONMENT: 'github-hosted',
    GITHUB_OUTPUT: files.output,
    GITHUB_ENV: files.env,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    'INPUT_TOKEN': token,
    'INPUT_REGISTRY-URL': registryUrl,
    'INPUT_AUTH': 'token',
    'INPUT_MODE': 'setup',
    'INPUT_WARN-DAYS': '14',
    'INPUT_FAIL-DAYS': '0',
    'INPUT_TOKEN-ENV': 'NODE_AUTH_TOKEN',
    'INPUT_EXPORT-TOKEN': 'true',
    'INPUT_WORKING-DIRECTORY': dir,
    ...extraEnv,
  })
  const run = await timed(node, [path.join(repoRoot, 'dist/index.js')], env, dir)
  rmSync(dir, { recursive: true, force: true })
  return run.ms
}

/** What users do by hand: two npm invocations with the token in a userconfig. */
async function npmPair(registryUrl, token) {
  const userconfig = path.join(work, `npmrc-${new URL(registryUrl).port}`)
  writeFileSync(userconfig, `//${new URL(registryUrl).host}/:_authToken=${token}\nregistry=${registryUrl}\n`, { mode: 0o600 })
  const env = sanitizedEnv({ HOME: work, NPM_CONFIG_USERCONFIG: userconfig, NPM_CONFIG_UPDATE_NOTIFIER: 'false' })
  const a = await timed('npm', ['whoami'], env)
  const b = await timed('npm', ['token', 'list', '--json'], env)
  return a.ms + b.ms
}

async function peakRssKb(registryUrl, token) {
  const dir = mkdtempSync(path.join(work, 'rss-'))
  const files = ['output', 'env', 'state', 'summary'].map((f) => path.join(dir, f))
  files.forEach((f) => writeFileSync(f, ''))
  const env = sanitizedEnv({
    HOME: dir,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: files[0],
    GITHUB_ENV: files[1],
    GITHUB_STATE: files[2],
    GITHUB_STEP_SUMMARY: files[3],
    INPUT_TOKEN: token,
    'INPUT_REGISTRY-URL': registryUrl,
    'INPUT_TOKEN-ENV': 'NODE_AUTH_TOKEN',
  })
  const r = await timed('/usr/bin/time', ['-f', '%M', node, path.join(repoRoot, 'dist/index.js')], env, dir)
  rmSync(dir, { recursive: true, force: true })
  const kb = Number(r.stderr.trim().split('\n').pop())
  return Number.isFinite(kb) ? kb : undefined
}

function bundleSizes() {
  const dist = path.join(repoRoot, 'dist')
  const rows = []
  for (const name of readdirSync(dist)) {
    if (name.endsWith('.js')) rows.push([name, statSync(path.join(dist, name)).size])
  }
  rows.push(['post/index.js', statSync(path.join(dist, 'post', 'index.js')).size])
  return rows
}

async function benchRegistry(label, registryUrl, token) {
  const a = []
  const b = []
  const c = []
  // Warm-up: first runs pay for disk cache.
  await actionRun(registryUrl, token)
  await npmPair(registryUrl, token)
  for (let i = 0; i < RUNS; i++) {
    a.push(await actionRun(registryUrl, token))
    b.push(await npmPair(registryUrl, token))
    c.push((await timed(node, ['-e', '0'], sanitizedEnv())).ms)
  }
  return { label, a: stats(a), b: stats(b), c: stats(c), rssKb: await peakRssKb(registryUrl, token) }
}

const fake = await startFakeNpmjs({ pageSize: 100 })
const verdaccio = await startVerdaccio()
const results = []
let latency
try {
  const token = `npm_Bench${Math.random().toString(36).slice(2)}Token0000`
  fake.addToken({ token, username: 'bench', expiry: new Date(Date.now() + 60 * 86400000).toISOString(), bypass2fa: true })
  results.push(await benchRegistry('npmjs-protocol fake', fake.url, token))
  const vtoken = await verdaccio.addUser('bench', 'bench-password-1')
  results.push(await benchRegistry('Verdaccio 6', verdaccio.url, vtoken))

  // One round trip, not two: with 150 ms added to every registry answer, the token path should cost
  // about one delay more than without, because whoami and the token list are in flight together.
  const DELAY = 150
  const slow = []
  const fast = []
  for (let i = 0; i < Math.min(RUNS, 7); i++) {
    fake.fault(/-\/(whoami|npm\/v1\/tokens)/, { delayMs: DELAY }, { delayMs: DELAY })
    slow.push(await actionRun(fake.url, token))
    fast.push(await actionRun(fake.url, token))
  }
  latency = { delay: DELAY, slow: median(slow), fast: median(fast) }
} finally {
  await fake.stop()
  await verdaccio.stop()
}

// Scale: the OIDC pre-flight of a workspace with N packages (one ID token, N exchanges through a
// bounded pool). Each exchange answer is delayed 50 ms, so a sequential pre-flight would cost N × 50 ms.
const scale = []
{
  const idp = await startIdTokenServer()
  const tp = trustedPublishing(idp)
  const reg = await startFakeNpmjs({ hook: tp.hook })
  tp.attach(reg)
  try {
    for (const n of [1, 10, 50]) {
      const ws = mkdtempSync(path.join(work, `ws${n}-`))
      const names = Array.from({ length: n }, (_, i) => `bench-pkg-${n}-${i}`)
      writeFileSync(path.join(ws, 'package.json'), JSON.stringify({ name: `bench-root-${n}`, private: true, workspaces: ['packages/*'] }))
      for (const name of names) {
        mkdirSync(path.join(ws, 'packages', name), { recursive: true })
        writeFileSync(
          path.join(ws, 'packages', name, 'package.json'),
          JSON.stringify({ name, version: '1.0.0', repository: { type: 'git', url: 'git+https://github.com/octo-org/octo-repo.git' } }),
        )
        await tp.seedPackage(name)
        tp.publishers.set(name, { repository: 'octo-org/octo-repo', workflowFile: 'publish.yml' })
      }
      const times = []
      for (let i = 0; i < 5; i++) {
        reg.fault(/oidc\/token\/exchange/, ...Array.from({ length: n }, () => ({ delayMs: 50 })))
        times.push(
          await actionRun(reg.url, '', {
            INPUT_AUTH: 'oidc',
            INPUT_TOKEN: '',
            'INPUT_WORKING-DIRECTORY': ws,
            GITHUB_REPOSITORY: 'octo-org/octo-repo',
            ...idp.env(),
          }),
        )
      }
      scale.push({ n, ms: median(times) })
    }
  } finally {
    await reg.stop()
    await idp.stop()
  }
}

const sizes = bundleSizes()
const npmVersion = spawnSync('npm', ['--version'], { encoding: 'utf8', env: sanitizedEnv() }).stdout.trim()
const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()
const lines = [
  '# Benchmarks',
  '',
  `Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}; action on Node ${nodeVersion}, npm ${npmVersion}. ` +
    `${RUNS} alternating rounds per registry, loopback registries. Times are wall clock per whole process.`,
  '',
  '| registry | (a) action token path | (b) `npm whoami && npm token list` | (c) `node -e 0` | a / b | a − c | peak RSS (a) |',
  '|---|---|---|---|---|---|---|',
]
for (const r of results) {
  lines.push(
    `| ${r.label} | ${fmt(r.a.median)} (${fmt(r.a.min)}–${fmt(r.a.max)}) | ${fmt(r.b.median)} (${fmt(r.b.min)}–${fmt(r.b.max)}) | ` +
      `${fmt(r.c.median)} (${fmt(r.c.min)}–${fmt(r.c.max)}) | ${(r.a.median / r.b.median).toFixed(2)} | ${fmt(r.a.median - r.c.median)} | ` +
      `${r.rssKb ? `${(r.rssKb / 1024).toFixed(0)} MiB` : 'n/a'} |`,
  )
}
lines.push(
  '',
  `Concurrency: with ${latency.delay} ms added to every whoami and token-list answer, the action took ${fmt(latency.slow)} against ` +
    `${fmt(latency.fast)} without (+${fmt(latency.slow - latency.fast)}: ${((latency.slow - latency.fast) / latency.delay).toFixed(2)} round trips).`,
  '',
  'OIDC pre-flight against workspace size (every exchange answer delayed 50 ms; median of 5):',
  '',
  '| packages | time | per package |',
  '|---|---|---|',
  ...scale.map(({ n, ms }) => `| ${n} | ${fmt(ms)} | ${fmt(ms / n)} |`),
  '',
  'Targets (issue "Speed"): a / b ≤ 0.15; a − c ≤ 60 ms; one round trip of latency; main bundle ≤ 1.5 MB.',
  '',
  '| bundle file | bytes |',
  '|---|---|',
  ...sizes.map(([name, size]) => `| dist/${name} | ${size.toLocaleString('en-US')} |`),
  '',
)
const text = lines.join('\n')
console.log(text)
mkdirSync(path.join(repoRoot, 'docs'), { recursive: true })
writeFileSync(path.join(repoRoot, 'docs', 'BENCHMARKS.md'), text)
rmSync(work, { recursive: true, force: true })
