/**
 * CLI words in CLI messages. The core's messages are shared with the action, so they name the action's
 * inputs ("Input 'expires-on': …", "the registry-url input", "within warn-days (14)", "publish: auto");
 * the CLI shows them with its own flags (`--expires-on`, `--registry`, `--warn-days`, `--publish auto`),
 * taken from the running command's flag table, and names the environment variable where the action has
 * an input the CLI reads from the environment (the token: NPM_TOKEN).
 */
import type { InputError } from '../errors.js'

export interface CliWords {
  /** The command's flag for an action input (`registry-url` → `--registry`); undefined when it has none. */
  flagFor(input: string): string | undefined
  /** A message with the action's input names replaced by the command's flags. */
  say(text: string): string
}

/** For text outside any command (unknown command, top-level usage): nothing to translate. */
export const PLAIN_WORDS: CliWords = { flagFor: () => undefined, say: (text) => text }

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * `flags`: the command's value flags and switches (flag → input, as its FLAGS tables say); `environment`:
 * inputs the command reads from an environment variable instead (input → variable name).
 */
export function cliWords(flags: Readonly<Record<string, string>>, environment: Readonly<Record<string, string>> = {}): CliWords {
  const names = new Map<string, string>(Object.entries(environment))
  for (const [flag, input] of Object.entries(flags)) names.set(input, flag)
  if (names.size === 0) return PLAIN_WORDS
  // Longest first, so stage-warn-days is not read as stage- + warn-days.
  const inputs = [...names.keys()].sort((a, b) => b.length - a.length)
  const alternatives = inputs.map(escapeRegExp).join('|')
  const rules: Array<[RegExp, (match: string, name: string) => string]> = [
    // "Input 'expires-on': …" → "--expires-on: …"
    [new RegExp(`\\bInput '(${alternatives})'`, 'g'), (_, name) => names.get(name)!],
    // "the registry-url input", "the token input" → "--registry", "NPM_TOKEN"
    [new RegExp(`\\bthe (${alternatives}) input\\b`, 'g'), (_, name) => names.get(name)!],
  ]
  const flagged = inputs.filter((name) => names.get(name)!.startsWith('--'))
  if (flagged.length > 0) {
    // "(publish: auto)" → "(--publish auto)": an input written as the workflow's `name: value`, with a plain value.
    rules.push([new RegExp(`(?<![\\w.-])(${flagged.map(escapeRegExp).join('|')}): (?=[a-z0-9])`, 'g'), (_, name) => `${names.get(name)!} `])
  }
  const hyphenated = flagged.filter((name) => name.includes('-'))
  if (hyphenated.length > 0) {
    // "within warn-days (14)", "raise timeout-seconds" → "--warn-days", "--timeout-seconds". Only names with
    // a hyphen: a plain word (scope, name, publish) is also just a word. Not in a flag, path or URL, nor
    // a YAML key (`expires-on: ${{ vars.… }}` is a workflow line).
    rules.push([new RegExp(`(?<![\\w./@'"-])(${hyphenated.map(escapeRegExp).join('|')})(?![\\w/-]|\\.\\w|:)`, 'g'), (_, name) => names.get(name)!])
  }
  return {
    flagFor: (input) => {
      const flag = names.get(input)
      return flag?.startsWith('-') ? flag : undefined
    },
    say: (text) => {
      let said = text
      for (const [pattern, replace] of rules) said = said.replace(pattern, replace)
      // Messages written for both say "set registry-url (CLI: --registry)": once translated, the aside repeats it.
      return said.replace(/(--[\w-]+) \(CLI: \1\)/g, '$1')
    },
  }
}

/**
 * An InputError's message in CLI words: the flag that was wrong, then what was wrong with it. Returns the
 * flag too (undefined when the input is not one of the command's flags, e.g. an environment variable).
 */
export function inputErrorText(error: InputError, words: CliWords): { text: string; flag?: string } {
  const prefix = `Input '${error.input}': `
  const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message
  const flag = error.input.startsWith('--') ? error.input : words.flagFor(error.input)
  return { text: `${flag ?? error.input}: ${words.say(detail)}`, ...(flag ? { flag } : {}) }
}
