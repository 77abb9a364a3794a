// The one reader of action.yml: the harness passes every declared input (runAction), the tests walk
// every input and output, and scripts/docs.mjs renders the README tables from it. YAML's failsafe
// schema keeps every scalar the string it is written as, which is what the runner hands the action.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

export interface ActionInput {
  name: string
  description: string
  /** The `default:` string as written (undefined when action.yml has none). */
  default: string | undefined
  required: boolean
}

export interface ActionOutput {
  name: string
  description: string
}

export interface ActionYml {
  inputs: ActionInput[]
  outputs: ActionOutput[]
}

type Spec = Record<string, string | undefined> | string | undefined

/** The inputs and outputs an action.yml declares, in file order. */
export function readActionYml(actionYmlPath: string): ActionYml {
  const doc = parse(readFileSync(actionYmlPath, 'utf8'), { schema: 'failsafe' }) as { inputs?: Record<string, Spec>; outputs?: Record<string, Spec> } | null
  const fields = (spec: Spec) => (typeof spec === 'object' ? spec : {})
  return {
    inputs: Object.entries(doc?.inputs ?? {}).map(([name, spec]) => {
      const { description = '', default: def, required } = fields(spec)
      return { name, description, default: def, required: required === 'true' }
    }),
    outputs: Object.entries(doc?.outputs ?? {}).map(([name, spec]) => ({ name, description: fields(spec).description ?? '' })),
  }
}

/** The `inputs:` of an action.yml. */
export const readActionInputs = (actionYmlPath: string): ActionInput[] => readActionYml(actionYmlPath).inputs

/** `INPUT_<NAME>` as @actions/core reads it: spaces → '_', upper-cased, hyphens kept. */
export const inputEnvName = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
