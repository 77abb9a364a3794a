/**
 * The token lifecycle as one ordered procedure, over two ports (npm's token API with a login session, and
 * the GitHub repository's Actions secrets and variables), so its safety property is testable on its own:
 *
 *   create → verify (whoami with the new token) → record the expiry (variable) → store the token (secret)
 *   → only then, when rotating, revoke the old token.
 *
 * A failure before the secret is stored revokes the new token and puts the variable back: everything as it
 * was. A failure after it (revoking the old token) leaves the new token in use and says the one command
 * that finishes the job. Nothing here prints the new token.
 */
import { ActionError, describeError } from '../errors.js'
import type { CreateTokenRequest, CreatedToken, RegistryToken } from '../registry/token-admin.js'
import { formatExpiryRecord, matchesRedacted, redactedForm, splitExpiryRecord } from '../registry/token-record.js'
import { variableFor, type Destination } from './plan.js'

/** npm's token API, with the machine's login session. */
export interface TokenRegistryPort {
  list(): Promise<RegistryToken[]>
  create(request: CreateTokenRequest): Promise<CreatedToken>
  remove(key: string): Promise<void>
  /** whoami with the given token: its username, or a throw when the registry refuses it. */
  verify(token: string): Promise<string>
}

/** The repository's (or environment's) Actions secrets and variables. */
export interface SecretStorePort {
  putSecret(name: string, value: string): Promise<'created' | 'updated'>
  getVariable(name: string): Promise<string | undefined>
  setVariable(name: string, value: string): Promise<'created' | 'updated'>
  deleteVariable(name: string): Promise<void>
}

export interface Progress {
  step(message: string): void
}

/** What happened, for the report (never the token itself). */
export interface LifecycleResult {
  created: CreatedToken
  /** The new token's redacted form (npm's). */
  fingerprint: string
  username: string
  expiresAt: Date
  /** Set when stored in GitHub: the secret and variable, and whether each was new. */
  stored?: { destination: Destination; secret: 'created' | 'updated'; variable: string; record: string; variableAction: 'created' | 'updated' }
  /** The token replaced, when rotating. */
  replaced?: RegistryToken
  /** Whether the replaced token was revoked (false with --keep-old). */
  revokedOld: boolean
}

/** A failure that left things in a known state; `state` says it, `finish` is the command that completes the job (if any). */
export class LifecycleError extends ActionError {
  override name = 'LifecycleError'
  constructor(
    message: string,
    readonly state: string,
    readonly finish?: string,
  ) {
    super(`${message} ${state}${finish ? ` To finish: ${finish}` : ''}`)
  }
}

export interface CreateProcedure {
  request: CreateTokenRequest
  registry: TokenRegistryPort
  /** Where to store it; undefined with --print-token (no GitHub). */
  store?: { port: SecretStorePort; destination: Destination }
  progress: Progress
  now: Date
  /** Shown in LifecycleError's "finish" commands: the CLI's own invocation prefix (`npx setup-npm-auth`). */
  cli: string
  /** Told the new token the moment it exists, so whatever prints after (progress, errors) redacts it. */
  learned?: (secret: string) => void
}

/** Creates the token, verifies it, records its expiry and stores it; undoes everything on a failure. */
export async function createAndStore(p: CreateProcedure): Promise<LifecycleResult> {
  p.progress.step(`Creating the npm token ${p.request.name} …`)
  const created = await p.registry.create(p.request)
  p.learned?.(created.token)
  const fingerprint = redactedForm(created.token) ?? created.key
  const expiresAt = created.expiresAt ?? new Date(p.now.getTime() + p.request.expiresDays * 86_400_000)
  const undo = async (what: string, error: unknown, restoreVariable?: () => Promise<void>): Promise<never> => {
    const notes: string[] = []
    if (restoreVariable) {
      try {
        await restoreVariable()
      } catch (e) {
        notes.push(`the variable could not be put back (${describeError(e)})`)
      }
    }
    try {
      await p.registry.remove(created.key)
    } catch (e) {
      throw new LifecycleError(
        `${what} failed: ${describeError(error)}`,
        `The new token ${fingerprint} (id ${created.key}) could NOT be revoked (${describeError(e)})${notes.length ? `, and ${notes.join(', ')}` : ''}; nothing else changed.`,
        `${p.cli} token revoke ${created.key}`,
      )
    }
    throw new LifecycleError(
      `${what} failed: ${describeError(error)}`,
      `The new token ${fingerprint} was revoked again${notes.length ? `, but ${notes.join(', ')}` : ''}; everything else is as it was.`,
    )
  }

  p.progress.step(`Verifying ${fingerprint} with whoami …`)
  let username: string
  try {
    username = await p.registry.verify(created.token)
  } catch (error) {
    return undo('Verifying the new token', error)
  }

  if (!p.store) return { created, fingerprint, username, expiresAt, revokedOld: false }

  const { port, destination } = p.store
  const variable = variableFor(destination.secret)
  const record = formatExpiryRecord({ expiresAt, fingerprint, secret: destination.secret, environment: destination.environment })
  let previous: string | undefined
  let variableAction: 'created' | 'updated'
  try {
    previous = await port.getVariable(variable)
    p.progress.step(`Recording the expiry in the variable ${variable} …`)
    variableAction = await port.setVariable(variable, record)
  } catch (error) {
    return undo(`Recording the expiry in the variable ${variable}`, error)
  }
  let secretAction: 'created' | 'updated'
  try {
    p.progress.step(`Storing the token in the secret ${destination.secret} …`)
    secretAction = await port.putSecret(destination.secret, created.token)
  } catch (error) {
    return undo(`Storing the token in the secret ${destination.secret}`, error, () =>
      previous === undefined ? port.deleteVariable(variable) : port.setVariable(variable, previous).then(() => undefined),
    )
  }
  return {
    created,
    fingerprint,
    username,
    expiresAt,
    stored: { destination, secret: secretAction, variable, record, variableAction },
    revokedOld: false,
  }
}

/** The token `rotate` replaces: by --token-id (id, id prefix, redacted form), else by name; the recorded fingerprint settles a tie. */
export function findCurrent(tokens: readonly RegistryToken[], opts: { tokenId?: string; name: string; recorded?: string }): RegistryToken {
  const live = tokens.filter((t) => !t.revoked)
  if (opts.tokenId) return resolveOne(live, opts.tokenId)
  const named = live.filter((t) => t.name === opts.name)
  if (named.length === 1) return named[0]
  const fingerprint = opts.recorded ? splitExpiryRecord(opts.recorded)?.fingerprint : undefined
  const recorded = fingerprint ? named.filter((t) => t.redacted === fingerprint) : []
  if (recorded.length === 1) return recorded[0]
  if (named.length === 0) {
    throw new ActionError(
      `No live token is named ${opts.name}. If the secret holds a token made elsewhere (the website, npm token create), name it with --token-id ` +
        '(its id or redacted form, from `setup-npm-auth token list`); to start fresh, use `setup-npm-auth token create`.',
    )
  }
  throw new ActionError(`${named.length} live tokens are named ${opts.name}: ${named.map(describeToken).join('; ')}. Say which with --token-id.`)
}

/**
 * `revoke <name|id|redacted form>` and `--token-id`: an exact id, a unique id prefix (6+ characters, as npm
 * shortens ids), an exact name, or the redacted form. Anything matching more than one token is refused.
 */
export function resolveOne(tokens: readonly RegistryToken[], query: string): RegistryToken {
  const q = query.trim()
  const exact = tokens.filter((t) => t.key === q)
  if (exact.length === 1) return exact[0]
  const matches = tokens.filter(
    (t) =>
      (q.length >= 6 && t.key.startsWith(q)) ||
      t.name === q ||
      (t.redacted !== undefined && (t.redacted === q || (q.length > 16 && matchesRedacted(t.redacted, q)))),
  )
  if (matches.length === 1) return matches[0]
  if (matches.length === 0)
    throw new ActionError(
      `No token matches ${JSON.stringify(q)}: give its id (or the first 6+ characters of it), its name or its redacted form, as \`token list\` shows them.`,
    )
  throw new ActionError(`${JSON.stringify(q)} matches ${matches.length} tokens: ${matches.map(describeToken).join('; ')}. Give the id instead.`)
}

export function describeToken(t: RegistryToken): string {
  return `${t.redacted ?? '(hidden)'} ${t.name ? `"${t.name}" ` : ''}(id ${t.key}${t.expiresAt ? `, expires ${t.expiresAt.toISOString().slice(0, 10)}` : ''})`
}

export interface RotateProcedure extends Omit<CreateProcedure, 'request'> {
  current: RegistryToken
  request: CreateTokenRequest
  keepOld: boolean
}

/** create-and-store the successor; only when that is done, revoke the current token. */
export async function rotate(p: RotateProcedure): Promise<LifecycleResult> {
  const result = await createAndStore(p)
  if (p.keepOld) return { ...result, replaced: p.current }
  p.progress.step(`Revoking the old token ${describeToken(p.current)} …`)
  try {
    await p.registry.remove(p.current.key)
  } catch (error) {
    throw new LifecycleError(
      `Revoking the old token failed: ${describeError(error)}`,
      `The new token ${result.fingerprint} is stored${result.stored ? ` in ${result.stored.destination.secret}` : ''} and verified, and its expiry recorded; the old token ${p.current.redacted ?? p.current.key} is still valid.`,
      `${p.cli} token revoke ${p.current.key}`,
    )
  }
  return { ...result, replaced: p.current, revokedOld: true }
}
