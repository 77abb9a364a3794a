// The integration tests, the demo and the bench run the bundle in dist/, not src/. This refuses to run
// them on a bundle older than the source, instead of testing yesterday's code: the jest globalSetup of
// the `int` project (jest.config.js), and a preflight of scripts/demo.mjs and scripts/bench.mjs.
//
// "Older" is by mtime, robustly: a source file counts only when written more than SLACK_MS after the
// oldest bundle (a clone or checkout writes dist/ and src/ within a moment of each other, dist/ first),
// and even then src/ and dist/ exactly as committed pass (a checkout of another branch rewrites the
// source it changes but not the bundle; CI checks that the committed bundle is what src/ builds).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './process.ts'

/** The entry points the harness runs (runAction, the CLI tests). */
export const DIST_BUNDLES = ['dist/index.js', 'dist/post/index.js', 'dist/cli/index.js']
const SLACK_MS = 2000

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? walk(full) : entry.isFile() ? [full] : []
  })
}

/** True when git says src/ and dist/ are exactly as committed (no change, no new file). */
function asCommitted(root: string): boolean {
  try {
    return (
      execFileSync('git', ['status', '--porcelain', '--', 'src', 'dist'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === ''
    )
  } catch {
    return false // no git, or not a checkout
  }
}

/** Why the bundles in `root`/dist cannot be trusted to be src/ built (undefined: they can). */
export function distStaleness(root = repoRoot): string | undefined {
  const missing = DIST_BUNDLES.filter((file) => !existsSync(path.join(root, file)))
  if (missing.length > 0) return `${missing.join(', ')} missing: run npm run bundle`
  const oldest = Math.min(...DIST_BUNDLES.map((file) => statSync(path.join(root, file)).mtimeMs))
  const newer = walk(path.join(root, 'src')).filter((file) => statSync(file).mtimeMs > oldest + SLACK_MS)
  if (newer.length === 0 || asCommitted(root)) return undefined
  const names = newer.map((file) => path.relative(root, file))
  return `dist/ is older than src/: run npm run bundle (changed since the bundle was built: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''})`
}

/** Throws when distStaleness() has a reason. */
export function assertDistFresh(root = repoRoot): void {
  const why = distStaleness(root)
  if (why) throw new Error(why)
}

/** Jest globalSetup of the integration tests: fail before any of them runs, with the reason and no stack. */
export default function globalSetup(): void {
  const why = distStaleness()
  if (!why) return
  const error = new Error(why)
  error.stack = why
  throw error
}
