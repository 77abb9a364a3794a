// A throw-away Verdaccio for the `action` job of .github/workflows/ci.yml, which runs the action itself
// with `uses: ./` against it.
//
//   node scripts/ci-registry.mjs start   starts Verdaccio on loopback (test-support/verdaccio.ts with
//                                        keepRunning: it must outlive this step, so it logs to a file
//                                        and has no watchdog pipe), registers a user, masks its token and
//                                        writes url, token, username, pid, log to $GITHUB_OUTPUT.
//   node scripts/ci-registry.mjs stop PID [LOG]
//                                        stops it (the process group) and prints its log.
//
// Locally, use `npm run demo` instead; this script only makes sense where GITHUB_OUTPUT exists.
import { randomBytes } from 'node:crypto'
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import { startVerdaccio, stopVerdaccio } from '../test-support/verdaccio.ts'

const USERNAME = 'ci-publisher'

const fail = (message) => {
  console.log(`::error title=ci-registry::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`)
  process.exit(1)
}

async function start() {
  const outputFile = process.env.GITHUB_OUTPUT
  if (!outputFile) fail('GITHUB_OUTPUT is not set: this script is for the CI workflow (locally, run `npm run demo`).')
  let verdaccio
  try {
    verdaccio = await startVerdaccio({ keepRunning: { tmpDir: process.env.RUNNER_TEMP || os.tmpdir() }, logLevel: 'http', readyTimeoutMs: 30_000 })
  } catch (err) {
    fail(err.message)
  }
  let token
  try {
    token = await verdaccio.addUser(USERNAME, randomBytes(16).toString('hex'))
  } catch (err) {
    await verdaccio.stop()
    fail(`Creating user ${USERNAME} failed: ${err.message.split('\n')[0]}`)
  }
  if (!/^[^\s]{8,}$/.test(token)) fail(`Creating user ${USERNAME} gave an implausible token`)
  // Mask first: from here on the runner hides the token in every log line of the job.
  console.log(`::add-mask::${token}`)
  const { url, pid, logPath } = verdaccio
  appendFileSync(outputFile, `url=${url}\ntoken=${token}\nusername=${USERNAME}\npid=${pid}\nlog=${logPath}\n`)
  console.log(`Verdaccio ${url} (pid ${pid}, log ${logPath}); user ${USERNAME} created, token in the step output 'token' (masked).`)
}

async function stop(pidArg, logPath) {
  const pid = Number(pidArg)
  if (!Number.isInteger(pid) || pid <= 0) fail(`usage: node scripts/ci-registry.mjs stop PID [LOG] (got pid '${pidArg ?? ''}')`)
  console.log((await stopVerdaccio(pid)) ? `Verdaccio (pid ${pid}) stopped.` : `Verdaccio (pid ${pid}) was not running.`)
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
