// Bundles the action's entry points into dist/ with ncc (dist/ is committed; CI checks it is fresh).
// Built into a fresh folder first and swapped in at the end, so a failed or concurrent build never
// leaves a half-written dist/ for the tests that run it.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const entries = [
  ['src/action/main.ts', ''],
  ['src/action/post.ts', 'post'],
  ['src/cli/main.ts', 'cli'],
]
const staging = mkdtempSync(path.resolve('.dist-'))
try {
  for (const [entry, sub] of entries) {
    const out = path.join(staging, sub)
    execFileSync('npx', ['ncc', 'build', entry, '-o', out, '--minify', '--license', 'licenses.txt', '--quiet'], { stdio: 'inherit' })
    writeFileSync(path.join(out, 'package.json'), '{\n  "type": "module"\n}\n')
  }
  const old = `${staging}-old`
  try {
    renameSync('dist', old)
  } catch {
    // no dist/ yet
  }
  renameSync(staging, 'dist')
  rmSync(old, { recursive: true, force: true })
} catch (error) {
  rmSync(staging, { recursive: true, force: true })
  throw error
}
