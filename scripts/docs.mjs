// npm run docs — regenerates the README's input and output tables from action.yml, so the two cannot
// drift. `npm run docs -- --check` changes nothing and exits 1 when the README is stale (CI runs that).
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { readActionYml } from '../test-support/action-yml.ts'
import { repoRoot as root } from '../test-support/process.ts'

const action = readActionYml(path.join(root, 'action.yml'))
const readmePath = path.join(root, 'README.md')
const readme = readFileSync(readmePath, 'utf8')

const cell = (text) =>
  String(text ?? '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
const code = (text) => (text === '' ? "`''`" : `\`${text.replace(/`/g, "'")}\``)

const inputs = [
  '| input | default | description |',
  '|---|---|---|',
  ...action.inputs.map(
    ({ name, default: def, description, required }) => `| \`${name}\` | ${code(cell(def ?? ''))} | ${cell(description)}${required ? ' **Required.**' : ''} |`,
  ),
].join('\n')
const outputs = ['| output | description |', '|---|---|', ...action.outputs.map(({ name, description }) => `| \`${name}\` | ${cell(description)} |`)].join('\n')

function fill(text, section, table) {
  const pattern = new RegExp(`(<!-- ${section}:start[^>]*-->)[\\s\\S]*?(<!-- ${section}:end -->)`)
  if (!pattern.test(text)) throw new Error(`README.md has no <!-- ${section}:start --> … <!-- ${section}:end --> markers`)
  return text.replace(pattern, `$1\n${table}\n$2`)
}

const next = fill(fill(readme, 'inputs', inputs), 'outputs', outputs)
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error('README.md inputs/outputs tables are stale: run `npm run docs` and commit README.md.')
    process.exit(1)
  }
  console.log('README.md tables match action.yml.')
} else {
  writeFileSync(readmePath, next)
  console.log(next === readme ? 'README.md already up to date.' : 'README.md tables regenerated from action.yml.')
}
