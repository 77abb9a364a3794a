/**
 * Turns the raw action inputs into ONE validated settings object. Pure: the caller passes a function
 * that reads an input by name (core.getInput in the action, a map in tests).
 *
 * Every refusal names the input, quotes the value seen (never for the token) and says what is expected.
 */
import { InputError } from '../errors.js'
import { packageNameProblem } from '../project/package-name.js'
import { splitExpiryRecord } from '../registry/token-record.js'
import { normaliseRegistryUrl } from '../registry/url.js'
import type { RegistryKindChoice, Settings } from '../types.js'

export type InputReader = (name: string) => string

const MAX_DAYS = 3650
const MAX_INPUT_LENGTH = 4096

/** Shows a value inside an error message: quoted, escaped, and shortened when long. */
export function quote(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value
  return JSON.stringify(shown)
}

export function parseSettings(read: InputReader): Settings {
  const get = (name: string): string => {
    const value = (read(name) ?? '').trim()
    if (value.length > MAX_INPUT_LENGTH) {
      throw new InputError(name, `the value is ${value.length} characters long; at most ${MAX_INPUT_LENGTH} are accepted.`)
    }
    return value
  }

  const warnDays = parseDays(get, 'warn-days', 14)
  const failDays = parseDays(get, 'fail-days', 0)
  if (failDays > warnDays) {
    throw new InputError(
      'fail-days',
      `${failDays} is greater than warn-days (${warnDays}). Use a fail-days no greater than warn-days, so a warning comes before a failure.`,
    )
  }

  return {
    registryUrl: parseRegistryUrl(get('registry-url')),
    scope: parseScope(get('scope')),
    token: parseToken(read('token') ?? ''),
    auth: parseChoice(get, 'auth', ['auto', 'oidc', 'token'] as const, 'auto'),
    mode: parseChoice(get, 'mode', ['setup', 'check'] as const, 'setup'),
    warnDays,
    failDays,
    ...parseExpiresOn(get('expires-on')),
    tokenEnv: parseEnvName(get('token-env') || 'NODE_AUTH_TOKEN'),
    exportToken: parseBoolean(get, 'export-token', true),
    workingDirectory: parseWorkingDirectory(get('working-directory')),
    packages: capPackages(parsePackages(read('packages') ?? '')),
    upgradeNpm: parseBoolean(get, 'upgrade-npm', false),
    openIssue: parseBoolean(get, 'open-issue', false),
    githubToken: parseGithubToken(read('github-token') ?? '', get),
    issueLabel: parseLabel(get('issue-label')),
    timeoutMs: parseInteger(get, 'timeout-seconds', 25, 1, 600) * 1000,
    registryKind: parseRegistryKind(get('registry-kind')),
    packageManager: parseChoice(get, 'package-manager', ['auto', 'npm', 'pnpm', 'yarn'] as const, 'auto'),
    publish: parseChoice(get, 'publish', ['auto', 'direct', 'stage'] as const, 'auto'),
    stageWarnDays: parseDays(get, 'stage-warn-days', 3),
  }
}

export function parseRegistryUrl(value: string): URL | undefined {
  if (value === '') return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(
      'registry-url',
      `${quote(redactCredentials(value))} is not a URL. Expected an absolute http(s) URL such as https://registry.example.com/ (or leave it empty to use the registry npm is configured with).`,
    )
  }
  if (url.username || url.password) {
    // Never echo what may be a password: show the URL with the userinfo cut out.
    url.username = ''
    url.password = ''
    throw new InputError(
      'registry-url',
      `the URL carries credentials (user:password@). They were not used. Give ${quote(url.href)} and pass the credential as the token input instead.`,
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('registry-url', `${quote(value)} uses ${quote(url.protocol)}. Expected an http:// or https:// URL.`)
  }
  if (url.search || url.hash) {
    // The query may carry a secret (?token=…): show the URL without it.
    const shown = `${url.origin}${url.pathname}`
    throw new InputError('registry-url', `${quote(shown)} has a query or fragment (not shown). Expected a plain registry URL such as ${shown}.`)
  }
  return normaliseRegistryUrl(url)
}

/** For messages about a value that failed to parse as a URL: cut anything that looks like userinfo. */
function redactCredentials(value: string): string {
  // Everything between the scheme and the LAST '@' may be userinfo (a password can hold '@' or '/').
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/).*@/i, '$1***@')
}

/** Names accepted by the registry-kind input. */
export const REGISTRY_KIND_INPUTS: Record<string, RegistryKindChoice> = {
  auto: 'auto',
  npm: 'npm',
  github: 'github-packages',
  'github-packages': 'github-packages',
  azure: 'azure',
  artifactory: 'artifactory',
  generic: 'generic',
}

export function parseRegistryKind(value: string): RegistryKindChoice {
  if (value === '') return 'auto'
  const name = value.toLowerCase()
  if (Object.hasOwn(REGISTRY_KIND_INPUTS, name)) return REGISTRY_KIND_INPUTS[name]
  throw new InputError('registry-kind', `${quote(value)} is not one of 'auto', 'npm', 'github', 'azure', 'artifactory', 'generic'.`)
}

const SCOPE_PATTERN = /^@[a-z0-9][a-z0-9._~-]*$/

export function parseScope(value: string): string {
  if (value === '') return ''
  const scope = value.startsWith('@') ? value : `@${value}`
  if (!SCOPE_PATTERN.test(scope)) {
    throw new InputError('scope', `${quote(value)} is not an npm scope. Expected lowercase letters, digits, '-', '.', '_' or '~', like @my-org.`)
  }
  return scope
}

/** The token is never quoted back: only its problem is described. */
export function parseToken(raw: string, input = 'token'): string {
  const token = raw.trim()
  const bad = (what: string) => new InputError(input, `the token ${what} (value not shown). Check the secret holds exactly one token.`)
  if (/\s/.test(token)) throw bad('contains whitespace inside it (a line break or space)')
  if (/[\u0000-\u001f\u007f]/.test(token)) throw bad('contains control characters')
  // Tokens are printable ASCII; anything else cannot travel in an HTTP header anyway.
  if (/[^\x21-\x7e]/.test(token)) throw bad('contains characters outside printable ASCII')
  if (token.length > MAX_INPUT_LENGTH) throw bad(`is ${token.length} characters long, more than the ${MAX_INPUT_LENGTH} a token can be`)
  return token
}

const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * Names the token must never be exported into: exporting it there would hand it to, or break, every later
 * step (PATH, NODE_OPTIONS, LD_PRELOAD…), or feed it to the runner or npm as configuration.
 */
const RESERVED_ENV =
  /^(PATH|HOME|SHELL|USER|NODE_OPTIONS|NODE_PATH|NODE_EXTRA_CA_CERTS|LD_PRELOAD|LD_LIBRARY_PATH|DYLD_.*|BASH_ENV|ENV|CI|GITHUB_.*|RUNNER_.*|ACTIONS_.*|INPUT_.*|STATE_.*|NPM_CONFIG_.*|YARN_.*|PNPM_.*|HTTPS?_PROXY|NO_PROXY)$/i
/**
 * The same by pattern, for whole classes: the dynamic loader's variables (LD_AUDIT, LD_*, DYLD_*), every
 * runtime's options variable (JAVA_TOOL_OPTIONS, _JAVA_OPTIONS, *_OPTS, NODE_* but NODE_AUTH_TOKEN*, DOTNET_*,
 * PYTHON*, PERL5OPT, RUBYOPT…), credential helpers (GIT_ASKPASS, SSH_ASKPASS, SUDO_ASKPASS, any *_ASKPASS),
 * git's, ssh's and TLS libraries' own (GIT_*, SSH_*, SSL_*…), and the shell's and system's (IFS, PS4,
 * PROMPT_COMMAND, TMPDIR, LANG…).
 */
const RESERVED_ENV_PATTERNS: readonly RegExp[] = [
  /^LD_/i,
  /^DYLD_/i,
  /(^|_)OPTIONS?$/i,
  /OPTS$/i,
  /^_?JAVA_/i,
  /^JDK_/i,
  /^NODE_(?!AUTH_TOKEN)/i,
  /^(PERL5?LIB|PERL5OPT|RUBYOPT|RUBYLIB|PYTHON\w*|DOTNET_\w*|COREHOST_\w*|MONO_\w*|GOFLAGS|CARGO_\w*|RUSTFLAGS|RUSTC_WRAPPER|CFLAGS|CXXFLAGS|CPPFLAGS|LDFLAGS)$/i,
  /ASKPASS$/i,
  /^(GIT|SSH|GPG|GNUPG|CURL|SSL|OPENSSL|REQUESTS|COREPACK)_/i,
  /^(IFS|PS[0-9]|PROMPT_COMMAND|ZDOTDIR|TMPDIR|TEMP|TMP|LANG|LC_\w+|TZ|TERM|EDITOR|VISUAL|PAGER|LOGNAME|PWD|OLDPWD)$/i,
]

/** Whether exporting the token into `name` could hand it to, or let it steer, something other than npm's own .npmrc line. */
export function isReservedEnvName(name: string): boolean {
  return RESERVED_ENV.test(name) || RESERVED_ENV_PATTERNS.some((pattern) => pattern.test(name))
}

export function parseEnvName(value: string): string {
  if (!ENV_NAME_PATTERN.test(value)) {
    throw new InputError(
      'token-env',
      `${quote(value)} is not a valid environment variable name. Expected letters, digits and '_', not starting with a digit, e.g. NODE_AUTH_TOKEN.`,
    )
  }
  if (isReservedEnvName(value)) {
    throw new InputError(
      'token-env',
      `${quote(value)} is a variable the runner, Node or npm reads for itself; exporting the token into it would break or leak through later steps. Use a name of its own, e.g. NODE_AUTH_TOKEN.`,
    )
  }
  return value
}

function parseChoice<T extends string>(get: (name: string) => string, name: string, choices: readonly T[], fallback: T): T {
  const value = get(name).toLowerCase()
  if (value === '') return fallback
  if ((choices as readonly string[]).includes(value)) return value as T
  throw new InputError(name, `${quote(get(name))} is not one of ${choices.map((c) => `'${c}'`).join(', ')}.`)
}

/** The YAML 1.2 core-schema booleans, as @actions/core accepts them. */
function parseBoolean(get: (name: string) => string, name: string, fallback: boolean): boolean {
  const value = get(name)
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(name, `${quote(value)} is not a boolean. Expected 'true' or 'false'.`)
}

function parseInteger(get: (name: string) => string, name: string, fallback: number, min: number, max: number): number {
  const value = get(name)
  if (value === '') return fallback
  if (!/^\d+$/.test(value)) {
    throw new InputError(name, `${quote(value)} is not a whole number. Expected an integer from ${min} to ${max}.`)
  }
  const n = Number(value)
  if (n < min || n > max) throw new InputError(name, `${value} is out of range. Expected an integer from ${min} to ${max}.`)
  return n
}

function parseDays(get: (name: string) => string, name: string, fallback: number): number {
  return parseInteger(get, name, fallback, 0, MAX_DAYS)
}

/**
 * `expires-on`: a date, an ISO 8601 date-time, or the record `setup-npm-auth token create|rotate` stores in
 * the `<SECRET>_EXPIRES_AT` variable (the date-time, the token's fingerprint, the secret's name).
 */
export function parseExpiresOn(value: string): Pick<Settings, 'expiresOn' | 'expiryRecord'> {
  const record = splitExpiryRecord(value)
  if (!record || record.date === value.trim()) return { expiresOn: parseDate(value.trim()) }
  const { date, ...rest } = record
  return { expiresOn: parseDate(date), expiryRecord: rest }
}

/** `YYYY-MM-DD` (end of that day is not assumed: the date means 00:00 UTC) or a full ISO 8601 timestamp. */
export function parseDate(value: string): Date | undefined {
  if (value === '') return undefined
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  const bad = () =>
    new InputError(
      'expires-on',
      `${quote(value)} is not a valid date. Expected YYYY-MM-DD, e.g. 2027-03-31, an ISO 8601 date-time, or the value of the variable that setup-npm-auth token create writes.`,
    )
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])]
    const date = new Date(Date.UTC(y, m - 1, d))
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) throw bad()
    return date
  }
  const stamp = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2}))$/.exec(value)
  if (stamp) {
    const [y, m, d, hh, mm, ss = '0', oh = '0', om = '0'] = stamp.slice(1).map((v) => v ?? '0')
    const daysInMonth = new Date(Date.UTC(Number(y), Number(m), 0)).getUTCDate()
    const valid =
      Number(m) >= 1 &&
      Number(m) <= 12 &&
      Number(d) >= 1 &&
      Number(d) <= daysInMonth &&
      Number(hh) < 24 &&
      Number(mm) < 60 &&
      Number(ss) < 60 &&
      Number(oh) < 24 &&
      Number(om) < 60
    const date = new Date(value)
    if (valid && !Number.isNaN(date.getTime())) return date
  }
  throw bad()
}

function parseWorkingDirectory(value: string): string {
  if (value === '') return '.'
  if (/[\0\n\r]/.test(value)) {
    throw new InputError('working-directory', `${quote(value)} contains a line break or NUL. Expected a directory path.`)
  }
  return value
}

function parseLabel(value: string): string {
  if (value === '') return 'npm-token'
  if (value.length > 50 || /[,\n\r]/.test(value)) {
    throw new InputError('issue-label', `${quote(value)} is not a usable GitHub label. Expected one label of at most 50 characters, without commas.`)
  }
  return value
}

/** A name npm accepts for a new package (what an `npm trust` command or a summary may safely name). */
export { isValidPackageName } from '../project/package-name.js'

/** At most this many `packages`: each costs requests and a line in the summary. */
export const MAX_PACKAGES = 200

function capPackages(names: string[]): string[] {
  if (names.length > MAX_PACKAGES) {
    throw new InputError(
      'packages',
      `lists ${names.length} packages, more than the ${MAX_PACKAGES} one step checks. Split them over several steps (or jobs), each with its own list.`,
    )
  }
  return names
}

/**
 * github-token is read only when it is used: for the issue (check mode with open-issue) it must be a valid
 * token; otherwise a malformed one (a space in it) is dropped, not a reason to fail setup — it would only
 * stand in for an empty `token` on GitHub Packages, which then says no token is set.
 */
function parseGithubToken(raw: string, get: (name: string) => string): string {
  try {
    return parseToken(raw, 'github-token')
  } catch (error) {
    if (parseBoolean(get, 'open-issue', false) && get('mode').toLowerCase() === 'check') throw error
    return ''
  }
}

export function parsePackages(raw: string): string[] {
  const names = raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
  for (const name of names) {
    const problem = packageNameProblem(name)
    if (problem) {
      throw new InputError(
        'packages',
        `${quote(name)} is not a valid npm package name: ${problem}. Expected names like my-pkg or @my-org/my-pkg, separated by commas or new lines.`,
      )
    }
  }
  return [...new Set(names)]
}
