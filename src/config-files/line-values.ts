/**
 * Every value the action writes into a config file (.npmrc, .yarnrc.yml) is checked here first: one line
 * of plain URL characters. A registry URL, an Azure username, a scope or a key that would carry a line
 * break, a comment character, a quote, `${…}` or anything else the file's syntax reads as more than text
 * (an `_authToken` for another host, a `registry=` that redirects installs) fails the step instead.
 */
import { NpmrcError } from '../errors.js'

/** A value that cannot be written into a config file as one plain line. */
export class ConfigValueError extends NpmrcError {
  override name = 'ConfigValueError'
}

/** URL characters that mean nothing to ini or YAML here: no whitespace, control, `;` `#` quotes `\` `{` `}` `<` `>` `|` `^` or backtick. */
const VALUE = /^[A-Za-z0-9\-._~:/?&=+@%!$*,()[\]]+$/
/** A key (the text before `=`): the same without `=`, which would end the key early. */
const KEY = /^[A-Za-z0-9\-._~:/?&+@%!$*,()[\]]+$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

function refuse(what: string, value: string, file: string, expected: string): never {
  const shown = value.length > 120 ? `${value.slice(0, 120)}…` : value
  throw new ConfigValueError(
    `Refusing to write ${what} ${JSON.stringify(shown)} into ${file}: ${expected}. Nothing was written; fix the registry URL (or the input it came from).`,
  )
}

/** `value` as written after `=` (or as a YAML string): one line of URL characters. */
export function safeValue(what: string, value: string, file: string): string {
  if (!VALUE.test(value)) refuse(what, value, file, 'it must be one line of URL characters (no line break, space, quote, ";", "#", "\\", "{" or "}")')
  return value
}

/** `key` as written before `=`: one line of URL characters without `=`. */
export function safeKey(what: string, key: string, file: string): string {
  if (!KEY.test(key)) refuse(what, key, file, 'it must be one line of URL characters without "=" (no line break, space, quote, ";", "#", "\\", "{" or "}")')
  return key
}

/** The env var name inside `${…}`. */
export function safeEnvName(name: string, file: string): string {
  if (!ENV_NAME.test(name)) refuse('the variable name', name, file, 'it must be an environment variable name (letters, digits, "_")')
  return name
}
