/**
 * A token's redacted form and the expiry record `setup-npm-auth token create|rotate` stores in the Actions
 * variable `<SECRET>_EXPIRES_AT`, which the workflow passes to the action as `expires-on`:
 *
 *     2027-02-28T10:00:00.000Z npm_aBcD...7890 NPM_TOKEN
 *
 * the expiry (ISO 8601), the token's fingerprint and the secret it was stored in (`NAME@environment`
 * for an environment secret). The fingerprint is npm's own redacted form (the token list and the website
 * show it): it reveals nothing npm does not show, and tells the action whether the recorded expiry
 * belongs to the token it was given.
 */

/**
 * npm's redacted form of a token: a granular token (`npm_…`) shows its first 8 characters (with `npm_`),
 * `...` and its last 4; any other token its first and last 4. Tokens too short for that have none.
 */
export function redactedForm(token: string): string | undefined {
  const head = token.startsWith('npm_') ? 8 : 4
  if (token.length < head + 4 + 8) return undefined
  return `${token.slice(0, head)}...${token.slice(-4)}`
}

/** Whether `shown` (`npm_aBcD...7890`, also with `…`) is the redacted form of `token`. */
export function matchesRedacted(shown: string, token: string): boolean {
  const parts = shown.split(/\.{3}|…/)
  if (parts.length !== 2) return false
  const [head, tail] = parts
  if (head.length + tail.length < 4 || head.length + tail.length >= token.length) return false
  return token.startsWith(head) && token.endsWith(tail)
}

export interface ExpiryRecord {
  expiresAt: Date
  /** The redacted form of the token the expiry belongs to. */
  fingerprint?: string
  /** The Actions secret the token was stored in. */
  secret?: string
  /** The environment of that secret, when it is an environment secret. */
  environment?: string
}

const FINGERPRINT = /^[A-Za-z0-9_-]{1,12}(?:\.\.\.|…)[A-Za-z0-9_-]{1,8}$/
const SECRET_NAME = /^[A-Z_][A-Z0-9_]*$/

export function formatExpiryRecord(record: ExpiryRecord): string {
  const where = record.secret ? `${record.secret}${record.environment ? `@${encodeURIComponent(record.environment)}` : ''}` : ''
  return [record.expiresAt.toISOString(), record.fingerprint ?? '', where].filter(Boolean).join(' ')
}

/**
 * Splits an `expires-on` value into its date and, when it is a record, the fingerprint and secret.
 * Returns undefined when the extra words are not a record's (the date parser then reports the value).
 */
export function splitExpiryRecord(value: string): { date: string; fingerprint?: string; secret?: string; environment?: string } | undefined {
  const [date, ...rest] = value.trim().split(/\s+/)
  if (rest.length > 2) return undefined
  const [fingerprint, where] = rest
  if (fingerprint !== undefined && !FINGERPRINT.test(fingerprint)) return undefined
  if (where === undefined) return { date, ...(fingerprint ? { fingerprint } : {}) }
  const at = where.indexOf('@')
  const secret = at < 0 ? where : where.slice(0, at)
  if (!SECRET_NAME.test(secret)) return undefined
  let environment: string | undefined
  try {
    environment = at < 0 ? undefined : decodeURIComponent(where.slice(at + 1))
  } catch {
    return undefined
  }
  if (environment !== undefined && (environment === '' || /[\0-\x1f]/.test(environment))) return undefined
  return { date, fingerprint, secret, ...(environment ? { environment } : {}) }
}
