/**
 * GitHub's rules for the names of Actions secrets and variables, and for environment names, checked here
 * so a bad name fails before any request with a message that says which rule it breaks. Pure.
 */
import { ActionError } from '../errors.js'
import { escapeControls } from '../util/untrusted.js'

/** A secret, variable or environment name GitHub would refuse. */
export class GitHubNameError extends ActionError {
  override name = 'GitHubNameError'
}

const shown = (value: string) => escapeControls(JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value), true)

/**
 * The name GitHub stores for a secret (`kind` 'secret') or variable ('variable'): letters, digits and
 * underscores, not starting with a digit or `GITHUB_`; case-insensitive, so uppercased as GitHub shows it.
 */
export function actionsName(kind: 'secret' | 'variable', name: string): string {
  const fail = (why: string): never => {
    throw new GitHubNameError(`The ${kind} name ${shown(name)} is not one GitHub accepts: ${why}.`)
  }
  if (name === '') fail('it is empty')
  if (!/^[A-Za-z0-9_]+$/.test(name)) fail('a name has only letters A–Z, digits 0–9 and underscores (no spaces, hyphens or dots)')
  if (/^[0-9]/.test(name)) fail('a name must not start with a digit')
  const upper = name.toUpperCase()
  if (upper.startsWith('GITHUB_')) fail('names starting with GITHUB_ are reserved by GitHub')
  return upper
}

export const secretName = (name: string): string => actionsName('secret', name)
export const variableName = (name: string): string => actionsName('variable', name)

/** An environment name: 1 to 255 characters, one plain line (GitHub refuses control characters). */
export function environmentName(name: string): string {
  const fail = (why: string): never => {
    throw new GitHubNameError(`The environment name ${shown(name)} is not one GitHub accepts: ${why}.`)
  }
  if (name.trim() === '') fail('it is empty')
  if (name.length > 255) fail(`it is ${name.length} characters long; GitHub allows at most 255`)
  if (escapeControls(name, true) !== name) fail('it contains control characters')
  return name
}
