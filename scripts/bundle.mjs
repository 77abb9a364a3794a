// Bundles the action's entry points into dist/ with ncc (dist/ is committed; CI checks it is fresh).
import { execFileSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'

const entries = [
  ['src/index.ts', 'dist'],
  ['src/post.ts', 'dist/post'],
  ['src/cli-main.ts', 'dist/cli'],
]
rmSync('dist', { recursive: true, force: true })
for (const [entry, out] of entries) {
  execFileSync('npx', ['ncc', 'build', entry, '-o', out, '--minify', '--license', 'licenses.txt', '--quiet'], { stdio: 'inherit' })
  writeFileSync(`${out}/package.json`, '{\n  "type": "module"\n}\n')
}
