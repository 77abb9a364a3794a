// The Node that `npm test` and every `npm run …` run on (README, "Requirements"). npm puts
// node_modules/.bin first on PATH for its scripts, so a `node` linked there is the Node that jest, the
// harness and their children get. On Node >= 24 nothing is done: the running Node is used. On an older
// Node (this repo's CI host runs npm on Node 20), the Node 24 package of this platform is installed from
// scripts/node24/ (its own lockfile: npm skips the other platforms' packages, which declare os and cpu)
// and linked as node_modules/.bin/node. Run by the root `prepare` script, i.e. by `npm ci` / `npm install`.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const MIN_MAJOR = 24
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const helper = path.join(root, 'scripts', 'node24')
const link = path.join(root, 'node_modules', '.bin', 'node')
const majorOf = (version) => Number(/^v?(\d+)\./.exec(version)?.[1] ?? 0)
const fail = (message) => {
  console.error(`dev-node: ${message}`)
  process.exit(1)
}

if (majorOf(process.version) >= MIN_MAJOR) {
  console.log(`dev-node: npm scripts run on this Node, ${process.version}`)
  process.exit(0)
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))
const name = `node-${process.platform}-${process.arch}`
const locked = readJson(path.join(helper, 'package-lock.json')).packages[`node_modules/${name}`]
if (!locked) {
  fail(
    `npm runs on Node ${process.version}, the tests need Node >= ${MIN_MAJOR}, and there is no Node ${MIN_MAJOR} package for ` +
      `${process.platform}-${process.arch} in scripts/node24/ (npm has none for macOS on arm64). Install Node ${MIN_MAJOR} ` +
      `(e.g. nvm install ${MIN_MAJOR}; on Windows use WSL) and run npm ci again.`,
  )
}

const pkgDir = path.join(helper, 'node_modules', name)
const installed = existsSync(path.join(pkgDir, 'package.json')) ? readJson(path.join(pkgDir, 'package.json')).version : undefined
if (installed !== locked.version) {
  // The npm that runs this script (npm_execpath), with optional dependencies included even when the
  // outer install omits them (its npm_config_* reach this child).
  const npmCli = process.env.npm_execpath
  const args = ['ci', '--prefix', helper, '--include=optional', '--no-audit', '--no-fund']
  if (npmCli?.endsWith('.js')) execFileSync(process.execPath, [npmCli, ...args], { stdio: 'inherit' })
  else execFileSync('npm', args, { stdio: 'inherit' })
}

const bin = path.join(pkgDir, ...locked.bin.node.split('/'))
let version = ''
try {
  version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()
} catch (error) {
  fail(`${bin} does not run here (${error.message.split('\n')[0]}). Install Node ${MIN_MAJOR} and run npm ci again.`)
}
if (majorOf(version) < MIN_MAJOR) fail(`${bin} is ${version}, not Node ${MIN_MAJOR}: check scripts/node24/package.json.`)

mkdirSync(path.dirname(link), { recursive: true })
rmSync(link, { force: true })
symlinkSync(path.relative(path.dirname(link), bin), link)
console.log(`dev-node: npm runs on Node ${process.version}; npm scripts run on ${name} ${version} (node_modules/.bin/node)`)
