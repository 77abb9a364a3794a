// Validates action.yml with GitHub's own parser (@actions/workflow-parser): the schema the runner uses,
// so a typo'd key, a wrong `runs.using` or a malformed input fails CI, not a user's workflow.
import { registerHooks } from 'node:module'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// The parser imports its schema JSON without an import attribute, which Node refuses: add it.
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context)
    if (specifier.endsWith('.json') && !context.importAttributes?.type) return { ...result, importAttributes: { type: 'json' } }
    return result
  },
})

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { parseAction } = await import('@actions/workflow-parser/actions/action-parser')
const { NoOperationTraceWriter } = await import('@actions/workflow-parser')
const target = process.argv[2] ?? path.join(root, 'action.yml')
const file = { name: path.basename(target), content: readFileSync(target, 'utf8') }
const result = parseAction(file, new NoOperationTraceWriter())
const errors = result.context.errors.getErrors()
if (errors.length > 0) {
  for (const e of errors) console.error(`${target}: ${e.message}`)
  process.exit(1)
}
if (!result.value) {
  console.error('action.yml: the parser produced no template')
  process.exit(1)
}
console.log("action.yml is valid for GitHub's action schema")
