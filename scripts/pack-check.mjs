// The npm package works from its tarball (README, "Versioning and releases"; CI's `pack` phase; the
// release workflow before it publishes): packs the repo as `npm publish` would, checks what is in the
// tarball, installs it into an empty project with no registry reachable (a closed loopback port, an
// empty cache), and runs the installed `setup-npm-auth` bin: `check --help`, `--version` (package.json's
// version), and a check through a loopback proxy, which loads the CLI's lazily loaded chunks. Nothing leaves
// 127.0.0.1. Runs on any Node (npm run pack:check); the bin runs on Node >= 24, as the package requires.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const MIN_NODE = 24
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pack-check-'))
const log = (line) => console.log(`pack-check: ${line}`)
const problems = []
const expect = (ok, problem) => {
  if (!ok) problems.push(problem)
  return ok
}
const firstLine = (text) => text.trim().split('\n')[0] ?? ''

/** A TCP port on 127.0.0.1 that accepts and drops every connection: the registry and the proxy. */
async function droppingPort() {
  const server = net.createServer((socket) => socket.destroy())
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  server.unref()
  return { port: server.address().port, close: () => server.close() }
}

/** A Node >= 24 for the bin: this one, else the one npm scripts use (node_modules/.bin/node, scripts/dev-node.mjs). */
function modernNode() {
  const major = (version) => Number(/^v?(\d+)/.exec(version)?.[1] ?? 0)
  if (major(process.version) >= MIN_NODE) return process.execPath
  const local = path.join(root, 'node_modules', '.bin', 'node')
  const version = spawnSync(local, ['--version'], { encoding: 'utf8' }).stdout ?? ''
  if (major(version) >= MIN_NODE) return local
  throw new Error(`the CLI needs Node >= ${MIN_NODE}: running on ${process.version} and ${local} is not one (npm ci links it)`)
}

/** npm without the developer's config or the npm_config_* of an outer `npm run`. */
function npmEnv(extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)))
  const userconfig = path.join(tmp, 'npmrc')
  writeFileSync(userconfig, '')
  return { ...env, npm_config_userconfig: userconfig, npm_config_update_notifier: 'false', ...extra }
}
/** A child run asynchronously (the loopback port below lives in this process: a sync spawn would stall it). */
function exec(command, args, opts) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => (err += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('error', (error) => resolve({ code: null, out, err: `${err}${error.message}` }))
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, out, err: signal ? `${err}(killed by ${signal})` : err })
    })
  })
}
async function npm(args, opts) {
  const cli = process.env.npm_execpath
  const [command, prefix] = cli?.endsWith('.js') ? [process.execPath, [cli]] : ['npm', []]
  const result = await exec(command, [...prefix, ...args], opts)
  if (result.code !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${result.code}):\n${result.err}${result.out}`)
  return result.out
}

const registry = await droppingPort()
try {
  // 1. The tarball, as `npm publish` packs it (scripts off: `prepare` is the dev setup).
  const packed = JSON.parse(await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: root, env: npmEnv({}) }))[0]
  const files = packed.files.map((f) => f.path).sort()
  const distCli = readdirSync(path.join(root, 'dist', 'cli'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
  const wanted = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', ...distCli]
  const missing = wanted.filter((file) => !files.includes(file))
  const extra = files.filter((file) => !wanted.includes(file))
  expect(missing.length === 0, `missing from the tarball: ${missing.join(', ')}`)
  expect(extra.length === 0, `in the tarball but not needed by the CLI: ${extra.join(', ')} (package.json "files")`)
  log(
    `${packed.filename}: ${(packed.size / 1024).toFixed(1)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${files.length} files: ${files.join(', ')}`,
  )

  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
  expect(!manifest.private, 'package.json is "private": it can never be published')
  expect(
    Object.keys(manifest.dependencies ?? {}).length === 0,
    `the CLI is one bundle, yet package.json has dependencies: ${Object.keys(manifest.dependencies ?? {}).join(', ')}`,
  )
  const installScripts = ['preinstall', 'install', 'postinstall'].filter((name) => manifest.scripts?.[name])
  expect(installScripts.length === 0, `package.json has ${installScripts.join(', ')}: it would run (and fail) in every user's install`)

  // 2. Installed into an empty project; the registry is a port that drops every connection.
  const project = path.join(tmp, 'project')
  mkdirSync(project)
  writeFileSync(path.join(project, 'package.json'), '{ "name": "pack-check-project", "version": "0.0.0", "private": true }\n')
  const offline = npmEnv({
    npm_config_registry: `http://127.0.0.1:${registry.port}/`,
    npm_config_cache: path.join(tmp, 'cache'),
    npm_config_fetch_retries: '0',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  })
  await npm(['install', path.join(tmp, packed.filename)], { cwd: project, env: offline })
  const installed = JSON.parse(readFileSync(path.join(project, 'node_modules', manifest.name, 'package.json'), 'utf8'))
  log(`installed ${installed.name}@${installed.version} from the tarball with no registry reachable`)

  // 3. The bin npm linked, run through its #! line by a Node >= 24, with a clean environment.
  const bin = path.join(project, 'node_modules', '.bin', Object.keys(manifest.bin)[0])
  const nodeDir = path.join(tmp, 'node-bin')
  mkdirSync(nodeDir)
  symlinkSync(modernNode(), path.join(nodeDir, 'node'))
  const outsideRepo = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir && !path.resolve(dir).startsWith(root + path.sep))
  const home = path.join(tmp, 'home')
  mkdirSync(home)
  const run = (args, extra = {}) =>
    exec(bin, args, { cwd: project, env: { PATH: [nodeDir, ...outsideRepo].join(path.delimiter), HOME: home, TMPDIR: tmp, ...extra } })

  const help = await run(['check', '--help'])
  if (expect(help.code === 0 && /Usage: setup-npm-auth check/.test(help.out), `check --help: exit ${help.code}, ${firstLine(help.err || help.out)}`)) {
    log(`setup-npm-auth check --help: exit 0, "${firstLine(help.out)}"`)
  }

  // --version prints package.json's version (scripts/bundle.mjs writes it into the bundle), and nothing else.
  const version = await run(['--version'])
  if (
    expect(
      version.code === 0 && version.out === `${installed.version}\n` && version.err === '',
      `--version: exit ${version.code}, printed ${JSON.stringify(version.out)}${version.err ? ` and on stderr ${JSON.stringify(firstLine(version.err))}` : ''}, expected ${installed.version}`,
    )
  ) {
    log(`setup-npm-auth --version: ${version.out.trim()}`)
  }

  // A check through a proxy that drops the connection: loads the lazily loaded chunks (undici).
  const proxy = `http://127.0.0.1:${registry.port}`
  const check = await run(['check', '--registry', 'https://registry.example.test/', '--timeout-seconds', '5'], {
    NPM_TOKEN: 'pack-check-not-a-token-0123456789',
    HTTPS_PROXY: proxy,
    HTTP_PROXY: proxy,
  })
  const output = check.out + check.err
  const chunksLoaded = !/ERR_MODULE_NOT_FOUND|Cannot find (module|package)/.test(output)
  const failedRequest = output.split('\n').find((line) => line.startsWith('error: whoami (GET https://registry.example.test/-/whoami)'))
  if (expect(check.code === 2 && failedRequest !== undefined && chunksLoaded, `check through a proxy: exit ${check.code}, ${output.trim()}`)) {
    log(`setup-npm-auth check through a loopback proxy that drops connections: exit 2, "${failedRequest}"`)
  }
} catch (error) {
  problems.push(error instanceof Error ? error.message : String(error))
} finally {
  registry.close()
  rmSync(tmp, { recursive: true, force: true })
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`pack-check: FAILED: ${problem}`)
  process.exitCode = 1
} else {
  log('ok')
}
