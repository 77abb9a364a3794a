/**
 * The .npmrc the action writes: credentials keyed to exactly one registry and referencing an env var
 * (`//host/path/:_authToken=${NODE_AUTH_TOKEN}`), never the token itself, never an unscoped `_authToken`.
 *
 * Our lines live in a marked block so the post step can take them out again; lines of the user's file
 * that would conflict with ours are commented out with a marker and put back by the post step, so a
 * merged file is restored exactly.
 */
import { registryKey } from '../registry/url.js'
import { mergeMarkedBlock, restoreMarkedBlock } from './marked-block.js'
import { safeEnvName, safeKey, safeValue } from './line-values.js'

/** Azure Artifacts' form: username / _password / email under each key (the password being `${tokenEnv}`). */
export interface PasswordCredential {
  form: 'password'
  username: string
  /** Every prefix to write the three lines for (`…/npm/registry/` and `…/npm/`). */
  keys: string[]
}

export interface NpmrcContent {
  registry: URL
  tokenEnv: string
  scope: string
  /** Write `registry=` (not when a scope is given, nor for npm's own default registry). */
  setDefaultRegistry: boolean
  /**
   * Write the credential lines. Off under OIDC when no usable token will be in the env:
   * an unexpanded or empty credential would be what npm falls back to when its own exchange fails.
   */
  authLine?: boolean
  /** Default: `//key/:_authToken=${tokenEnv}` for the registry's key. */
  credential?: { form: 'token' } | PasswordCredential
}

/** npm ignores the value but refuses username/_password without one (Azure's docs write this very line). */
export const AZURE_EMAIL = "npm requires email to be set but doesn't use the value"

/** Our lines, in the order written. Every value in them is one line of plain characters (line-values.ts), or this throws. */
export function renderNpmrcLines({ registry, tokenEnv, scope, setDefaultRegistry, authLine = true, credential }: NpmrcContent): string[] {
  const lines: string[] = []
  const env = safeEnvName(tokenEnv, '.npmrc')
  const href = safeValue('the registry URL', registry.href, '.npmrc')
  if (authLine && credential?.form === 'password') {
    const username = safeValue('the username', credential.username, '.npmrc')
    for (const raw of credential.keys) {
      const key = safeKey('the credential key', raw, '.npmrc')
      lines.push(`${key}:username=${username}`, `${key}:_password=\${${env}}`, `${key}:email=${AZURE_EMAIL}`)
    }
  } else if (authLine) {
    lines.push(`${safeKey('the credential key', registryKey(registry), '.npmrc')}:_authToken=\${${env}}`)
  }
  if (scope) lines.push(`${safeKey('the scope', scope, '.npmrc')}:registry=${href}`)
  else if (setDefaultRegistry) lines.push(`registry=${href}`)
  return lines
}

const CREDENTIAL_FIELDS = ['_authToken', '_auth', 'username', '_password', 'token']

/** Settings of the user's file that ours replace: this registry's credentials and the registry routing we set. */
function conflictsWith(line: string, content: NpmrcContent): boolean {
  const trimmed = line.trim()
  if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return false
  const key = trimmed.slice(0, Math.max(0, trimmed.indexOf('='))).trim()
  if (key === '') return false
  const password = content.credential?.form === 'password' ? content.credential : undefined
  const prefixes = (password ? password.keys : [registryKey(content.registry)]).map((k) => `${k}:`)
  const fields = password ? [...CREDENTIAL_FIELDS, 'email'] : CREDENTIAL_FIELDS
  if (prefixes.some((prefix) => key.startsWith(prefix) && fields.includes(key.slice(prefix.length)))) return true
  if (content.scope && key === `${content.scope}:registry`) return true
  if (!content.scope && content.setDefaultRegistry && key === 'registry') return true
  return false
}

/** What our block in the .npmrc is keyed by: the registry (so two steps for two registries keep both blocks). */
export function npmrcBlockKey(content: Pick<NpmrcContent, 'registry'>): string {
  return registryKey(content.registry)
}

/**
 * Merges our block into an existing file's text: a block for the same registry (a previous run's, or an
 * earlier step's of this job) is replaced; blocks for other registries stay.
 */
export function mergeNpmrc(existing: string, content: NpmrcContent): string {
  return mergeMarkedBlock(existing, (line) => conflictsWith(line, content), renderNpmrcLines(content), npmrcBlockKey(content))
}

/**
 * Takes our block out and puts displaced lines back: the inverse of mergeNpmrc (and of mergeMarkedBlock).
 * `key` (npmrcBlockKey): only that registry's block; undefined: every block.
 */
export function restoreNpmrc(text: string, key?: string): string {
  return restoreMarkedBlock(text, key)
}
