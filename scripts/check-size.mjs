// The bundle budget (CI): dist/index.js — what every job loads — must stay under 1.5 MB, lazily loaded
// chunks are listed, and no library may be bundled twice. On failure it prints what is biggest.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BUDGET = { 'index.js': 1_500_000, 'post/index.js': 200_000 }
const dist = path.join(root, 'dist')
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`

let failed = false
const files = [...readdirSync(dist).filter((f) => f.endsWith('.js')), 'post/index.js']
for (const file of files) {
  const size = statSync(path.join(dist, file)).size
  const budget = BUDGET[file]
  const over = budget !== undefined && size > budget
  failed ||= over
  console.log(`${over ? 'OVER ' : '     '}dist/${file.padEnd(16)} ${kb(size).padStart(11)}${budget ? `  (budget ${kb(budget)})` : '  (lazy chunk)'}`)
}

// Module-level view from webpack stats: the biggest modules of the entry chunk and any package that
// appears from two different install paths (two copies of one library).
const tmp = mkdtempSync(path.join(os.tmpdir(), 'size-'))
try {
  execFileSync('npx', ['ncc', 'build', 'src/action/main.ts', '-o', tmp, '--minify', '--quiet', '--stats-out', path.join(tmp, 'stats.json')], {
    cwd: root,
    stdio: 'inherit',
  })
  const stats = JSON.parse(readFileSync(path.join(tmp, 'stats.json'), 'utf8'))
  // Concatenated modules carry their members in `modules`: flatten, so every source file is seen.
  const flatten = (list) => list.flatMap((m) => [m, ...flatten(m.modules ?? [])])
  const modules = (stats.modules ?? []).filter((m) => typeof m.name === 'string')
  const allModules = flatten(modules).filter((m) => typeof m.name === 'string')
  const copies = new Map()
  for (const m of allModules) {
    const match = /^(.*node_modules\/)((?:@[^/]+\/)?[^/]+)\//.exec(m.name.replace(/^\.\//, ''))
    if (!match) continue
    const [, prefix, pkg] = match
    if (!copies.has(pkg)) copies.set(pkg, new Set())
    copies.get(pkg).add(prefix)
  }
  for (const [pkg, prefixes] of copies) {
    if (prefixes.size > 1) {
      failed = true
      console.log(`DUPLICATE ${pkg} bundled from ${[...prefixes].join(' and ')}`)
    }
  }
  const entry = modules.filter((m) => (m.chunks ?? []).includes(stats.chunks?.find((c) => c.entry || c.initial)?.id))
  const biggest = (entry.length > 0 ? entry : modules).sort((a, b) => b.size - a.size).slice(0, failed ? 25 : 8)
  console.log(`\nlargest modules of the main chunk (source size before minifying):`)
  for (const m of biggest) console.log(`  ${kb(m.size).padStart(11)}  ${m.name}`)
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
if (failed) {
  console.error('\nThe bundle is over budget or holds a library twice (see above).')
  process.exit(1)
}
console.log('\nbundle within budget, no duplicate libraries')
