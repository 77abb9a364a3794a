// npm run demo: the action end to end on this machine, with nothing but loopback.
//
// Starts a throw-away Verdaccio, registers a user (which gives a token), runs the BUNDLED action's
// main step exactly as the GitHub runner would (test-support/run-action.ts), prints what it reported
// (outputs, exported env, job summary, the .npmrc it wrote, annotations, its log), then proves the
// .npmrc with the real npm CLI in a "later step" (whoami, publish, view), runs the post step and shows
// the .npmrc is gone. Everything is torn down in `finally`; any failure exits non-zero.
//
// The token never reaches the terminal: every line printed goes through redact(), which replaces the
// token (and the demo user's password) with '***', like the runner's log masking.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const t0 = performance.now()
const secrets = new Set()
const redact = (text) => {
  let out = String(text)
  for (const secret of secrets) if (secret) out = out.split(secret).join('***')
  return out
}
const say = (text = '') => process.stdout.write(`${redact(text)}\n`)
const indent = (text, by = '  ') =>
  String(text)
    .replace(/\s+$/, '')
    .split('\n')
    .map((l) => by + l)
    .join('\n')
const section = (title) => say(`\n${'='.repeat(4)} ${title} ${'='.repeat(Math.max(4, 72 - title.length))}`)
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`

const timings = []
async function timed(label, fn) {
  const start = performance.now()
  try {
    return await fn()
  } finally {
    timings.push([label, performance.now() - start])
  }
}

class DemoFailure extends Error {}
function check(condition, message) {
  if (!condition) throw new DemoFailure(message)
}

const showNpm = (args, run) => {
  say(`$ npm ${args.join(' ')}   (exit ${run.code})`)
  const text = `${run.stdout}${run.stderr ? `${run.stdout ? '\n' : ''}${run.stderr}` : ''}`.trim()
  if (text) say(indent(text))
}

// --- preflight: things a fresh clone may lack, with the command that fixes each ------------------
if (!process.features.typescript) {
  console.error(`demo: Node ${process.version} cannot load test-support/*.ts: run the demo with \`npm run demo\` (the Node 24 in node_modules/.bin).`)
  process.exit(1)
}
const missing = []
const stale = (await import('../test-support/dist-guard.ts')).distStaleness()
if (stale) missing.push(`${stale}.`)
if (!existsSync(path.join(repoRoot, 'node_modules', 'verdaccio', 'bin', 'verdaccio'))) {
  missing.push('node_modules/verdaccio is missing: run `npm ci` first.')
}
if (missing.length) {
  for (const m of missing) console.error(`demo: ${m}`)
  process.exit(1)
}

// Imported only now, so a missing node_modules gives the message above rather than a stack trace.
const { modernNode } = await import('../test-support/process.ts')
const { runNpm: npm } = await import('../test-support/npm-cli.ts')
const { startVerdaccio } = await import('../test-support/verdaccio.ts')
const { runAction, cleanupRunDirs } = await import('../test-support/run-action.ts')
try {
  modernNode(24)
} catch (err) {
  console.error(`demo: ${err.message} Run the demo with \`npm run demo\`.`)
  process.exit(1)
}

// Ctrl-C / kill: exit through process.exit so the harness's 'exit' hooks kill Verdaccio and remove
// the temp dirs (a plain default signal death would skip them).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`\ndemo: ${signal}: cleaning up`)
    process.exit(130)
  })
}

let verdaccio
let runDirs
let failed = false
try {
  say('setup-npm-auth demo: the bundled action (dist/) against a throw-away registry on loopback.')
  say(`Node for the action and Verdaccio: ${modernNode(24)} (${process.version} runs this script)`)

  section('1. Registry')
  verdaccio = await timed('start Verdaccio', () => startVerdaccio())
  say(`Verdaccio listening on ${verdaccio.url} (ready in ${seconds(verdaccio.startupMs)}), storage in ${verdaccio.storageDir}`)
  const username = 'demo-publisher'
  const password = randomBytes(12).toString('hex')
  secrets.add(password)
  const token = await timed('create user', () => verdaccio.addUser(username, password))
  secrets.add(token)
  check(token.length >= 8, 'Verdaccio returned an implausibly short token')
  say(`Created user '${username}'; Verdaccio issued a token (${token.length} characters, shown as ${redact(token)}).`)

  section('2. Main step: uses: ./ with token + registry-url')
  say(`inputs: token: ***, registry-url: ${verdaccio.url} (every other input at its action.yml default)`)
  const main = await timed('action main step', () => runAction({ inputs: { token, 'registry-url': verdaccio.url } }))
  runDirs = main.dirs
  say(`exit code ${main.exitCode}`)
  const showLog = (result) => {
    const lines = result.stdout.split('\n').filter((l) => l.trim() !== '')
    say(lines.length ? indent(lines.join('\n')) : '  (nothing on stdout)')
    if (result.stderr.trim()) say(`  stderr:\n${indent(result.stderr, '    ')}`)
  }
  say('log (stdout, with the workflow commands the runner would interpret):')
  showLog(main)
  check(main.exitCode === 0, `the main step failed with exit code ${main.exitCode}`)

  section('Outputs (GITHUB_OUTPUT)')
  const width = Math.max(...Object.keys(main.outputs).map((k) => k.length), 1)
  for (const [name, value] of Object.entries(main.outputs)) say(`  ${name.padEnd(width)} = ${value === '' ? "''" : value}`)

  section('Exported environment (GITHUB_ENV), applied to every later step')
  for (const [name, value] of Object.entries(main.env)) say(`  ${name}=${value}`)
  say(`masked values (::add-mask::): ${main.masks.length}; the token is among them: ${main.masks.includes(token) ? 'yes' : 'NO'}`)

  section('Job summary (GITHUB_STEP_SUMMARY)')
  say(main.summary.trim() ? indent(main.summary) : '  (empty)')

  section('Annotations')
  if (main.annotations.length === 0) say('  (none)')
  for (const a of main.annotations) say(`  [${a.level}]${a.title ? ` ${a.title}:` : ''} ${a.message.replace(/\n/g, '\n    ')}`)

  const npmrcPath = main.outputs['npmrc-path']
  section(`.npmrc written: ${npmrcPath}`)
  check(npmrcPath && existsSync(npmrcPath), `output npmrc-path (${npmrcPath || "''"}) names no file`)
  const npmrc = readFileSync(npmrcPath, 'utf8')
  say(`  mode ${(statSync(npmrcPath).mode & 0o777).toString(8)}`)
  say(indent(npmrc))
  check(!npmrc.includes(token), 'the .npmrc contains the token itself')
  check(npmrc.includes('${NODE_AUTH_TOKEN}'), 'the .npmrc does not reference ${NODE_AUTH_TOKEN}')
  say('  → holds ${NODE_AUTH_TOKEN}, never the token: npm expands it from the environment at use.')

  check(main.outputs.status === 'ok', `status is '${main.outputs.status}', expected 'ok'`)
  check(main.outputs.username === username, `username is '${main.outputs.username}', expected '${username}'`)
  check(main.masks.includes(token), 'the token was not masked')

  section('3. A later step: the real npm CLI through that .npmrc')
  // What the runner gives a later step: the job's env plus the GITHUB_ENV exports. HOME is the run's
  // own, so the developer's ~/.npmrc plays no part; runNpm goes over a sanitized env (no npm_config_* from `npm run`).
  const env = { ...main.env, HOME: main.dirs.home }
  const pkgDir = path.join(main.dirs.workspace, 'demo-pkg')
  const pkgName = 'setup-npm-auth-demo'
  mkdirSync(pkgDir, { recursive: true })
  writeFileSync(
    path.join(pkgDir, 'package.json'),
    `${JSON.stringify({ name: pkgName, version: '1.0.0', description: 'Published by npm run demo of setup-npm-auth', main: 'index.js', license: 'MIT' }, null, 2)}\n`,
  )
  writeFileSync(path.join(pkgDir, 'index.js'), "module.exports = 'hello from setup-npm-auth'\n")
  say(`env: ${Object.keys(main.env).join(', ')} from GITHUB_ENV, HOME=${main.dirs.home}; cwd ${pkgDir}`)

  const version = await npm(['--version'], { cwd: pkgDir, env })
  say(`npm ${version.stdout.trim()} on PATH`)
  const whoami = await timed('npm whoami', () => npm(['whoami'], { cwd: pkgDir, env }))
  showNpm(['whoami'], whoami)
  check(whoami.code === 0 && whoami.stdout.trim() === username, `npm whoami did not answer '${username}'`)

  const publish = await timed('npm publish', () => npm(['publish'], { cwd: pkgDir, env }))
  showNpm(['publish'], publish)
  check(publish.code === 0, `npm publish failed (exit ${publish.code})`)

  const view = await timed('npm view', () => npm(['view', pkgName], { cwd: pkgDir, env }))
  showNpm(['view', pkgName], view)
  check(view.code === 0 && view.stdout.includes('1.0.0'), `npm view ${pkgName} does not show 1.0.0`)

  section('4. Post step (post-if: always())')
  const post = await timed('action post step', () => runAction({ step: 'post', dirs: main.dirs }))
  say(`exit code ${post.exitCode}`)
  showLog(post)
  if (post.annotations.length) for (const a of post.annotations) say(`  [${a.level}] ${a.message}`)
  check(post.exitCode === 0, `the post step failed with exit code ${post.exitCode}`)
  const gone = !existsSync(npmrcPath)
  say(`${npmrcPath}: ${gone ? 'removed' : 'STILL THERE'}`)
  check(gone, 'the post step left the .npmrc behind')
  // Pin the registry: without the .npmrc npm would fall back to its built-in default registry.
  const afterArgs = ['whoami', '--registry', verdaccio.url]
  const after = await npm(afterArgs, { cwd: pkgDir, env })
  showNpm(afterArgs, after)
  check(after.code !== 0, 'npm whoami still authenticates after the post step')
  say('  → without the .npmrc, npm has no credentials for the registry any more.')
} catch (err) {
  failed = true
  if (err instanceof DemoFailure) say(`\nDEMO FAILED: ${err.message}`)
  else say(`\nDEMO FAILED: ${err?.stack ?? err}`)
  if (verdaccio) say(`Verdaccio output (tail):\n${indent(verdaccio.output().slice(-3000) || '(none)')}`)
} finally {
  section('Cleanup')
  const leftovers = []
  try {
    if (verdaccio) {
      await timed('stop Verdaccio', () => verdaccio.stop())
      if (existsSync(verdaccio.storageDir)) leftovers.push(verdaccio.storageDir)
      say(`Verdaccio (pid ${verdaccio.pid}) stopped, ${verdaccio.storageDir} removed`)
    }
    cleanupRunDirs()
    if (runDirs) {
      if (existsSync(runDirs.root)) leftovers.push(runDirs.root)
      say(`runner dirs ${runDirs.root} removed`)
    }
  } catch (err) {
    leftovers.push(String(err?.message ?? err))
  }
  if (leftovers.length) {
    failed = true
    say(`cleanup left: ${leftovers.join(', ')}`)
  }
  say('\ntimings:')
  for (const [label, ms] of timings) say(`  ${label.padEnd(20)} ${seconds(ms)}`)
  say(`  ${'total'.padEnd(20)} ${seconds(performance.now() - t0)}`)
  say(failed ? '\nDEMO FAILED' : '\nDEMO OK')
}
process.exitCode = failed ? 1 : 0
