// A throw-away Verdaccio for the `action` job of .github/workflows/ci.yml, which runs the action itself
// with `uses: ./` against it.
//
//   node scripts/ci-registry.mjs start   starts Verdaccio on loopback in the background (it must outlive
//                                        this step, so unlike test-support/verdaccio.ts it is detached
//                                        with no watchdog pipe), registers a user, masks its token and
//                                        writes url, token, username, pid, log to $GITHUB_OUTPUT.
//   node scripts/ci-registry.mjs stop PID [LOG]
//                                        stops it (the process group) and prints its log.
//
// Locally, use `npm run demo` instead; this script only makes sense where GITHUB_OUTPUT exists.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { appendFileSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { modernNode, repoRoot, sanitizedEnv } from '../test-support/process.ts'
import { freePort } from '../test-support/verdaccio.ts'

const USERNAME = 'ci-publisher'
const READY_TIMEOUT_MS = 30_000

const fail = (message) => {
  console.log(`::error title=ci-registry::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`)
  process.exit(1)
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const alive = (pid) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return err?.code === 'EPERM'
  }
}

async function start() {
  const outputFile = process.env.GITHUB_OUTPUT
  if (!outputFile) fail('GITHUB_OUTPUT is not set: this script is for the CI workflow (locally, run `npm run demo`).')
  const bin = path.join(repoRoot, 'node_modules', 'verdaccio', 'bin', 'verdaccio')
  if (!existsSync(bin)) fail(`${bin} is missing: run npm ci first.`)

  const dir = mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'ci-registry-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  const configPath = path.join(dir, 'config.yaml')
  // Same shape as the test harness's: local only (no uplinks), htpasswd with open registration.
  writeFileSync(
    configPath,
    `storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
uplinks: {}
packages:
  '@*/*':
    access: $all
    publish: $authenticated
  '**':
    access: $all
    publish: $authenticated
web:
  enable: false
middlewares:
  audit:
    enabled: false
log: { type: stdout, format: pretty, level: http }
listen: 127.0.0.1:${port}
`,
  )
  const logPath = path.join(dir, 'verdaccio.log')
  const log = openSync(logPath, 'a')
  const child = spawn(modernNode(22), [bin, '--config', configPath, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    env: sanitizedEnv({ HOME: dir }),
    stdio: ['ignore', log, log],
    detached: true, // its own process group, and it keeps running after this step ends
  })
  child.unref()
  let exited = null
  child.once('exit', (code, signal) => (exited = { code, signal }))

  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (exited) fail(`Verdaccio exited before it was ready (${JSON.stringify(exited)}):\n${readFileSync(logPath, 'utf8')}`)
    try {
      const res = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      if (res.ok) break
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid, 'SIGKILL')
      fail(`Verdaccio was not ready within ${READY_TIMEOUT_MS} ms:\n${readFileSync(logPath, 'utf8')}`)
    }
    await sleep(100)
  }

  const res = await fetch(`${url}-/user/org.couchdb.user:${USERNAME}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: USERNAME, password: randomBytes(16).toString('hex'), type: 'user', roles: [], date: new Date().toISOString() }),
  })
  const text = await res.text()
  let token
  try {
    token = JSON.parse(text).token
  } catch {
    /* reported below */
  }
  if (!res.ok || typeof token !== 'string' || !/^[^\s]{8,}$/.test(token)) fail(`Creating user ${USERNAME} failed: HTTP ${res.status}`)
  // Mask first: from here on the runner hides the token in every log line of the job.
  console.log(`::add-mask::${token}`)
  appendFileSync(outputFile, `url=${url}\ntoken=${token}\nusername=${USERNAME}\npid=${child.pid}\nlog=${logPath}\n`)
  console.log(`Verdaccio ${url} (pid ${child.pid}, log ${logPath}); user ${USERNAME} created, token in the step output 'token' (masked).`)
  // The child's stdio is a file, and it is unref'd: this process can exit, Verdaccio keeps running.
}

async function stop(pidArg, logPath) {
  const pid = Number(pidArg)
  if (!Number.isInteger(pid) || pid <= 0) fail(`usage: node scripts/ci-registry.mjs stop PID [LOG] (got pid '${pidArg ?? ''}')`)
  if (alive(pid)) {
    try {
      process.kill(-pid, 'SIGTERM')
    } catch {
      process.kill(pid, 'SIGTERM')
    }
    for (let i = 0; i < 30 && alive(pid); i++) await sleep(100)
    if (alive(pid)) process.kill(-pid, 'SIGKILL')
    console.log(`Verdaccio (pid ${pid}) stopped.`)
  } else {
    console.log(`Verdaccio (pid ${pid}) was not running.`)
  }
  if (logPath && existsSync(logPath)) {
    console.log('::group::Verdaccio log')
    console.log(readFileSync(logPath, 'utf8'))
    console.log('::endgroup::')
  }
}

const [command, ...args] = process.argv.slice(2)
if (command === 'start') await start()
else if (command === 'stop') await stop(args[0], args[1])
else fail('usage: node scripts/ci-registry.mjs start | stop PID [LOG]')
