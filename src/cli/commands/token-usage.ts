/**
 * The flags and help texts of `setup-npm-auth token …` (the commands themselves are in token-run.ts,
 * loaded only when a token command runs).
 */

const COMMON_FLAGS = { '--registry': 'registry-url', '--timeout-seconds': 'timeout-seconds' } as const
const COMMON_HELP = `  --registry URL        the registry (default: the one npm is configured to use)
  --timeout-seconds N   overall deadline (default 600: OTP prompts and web logins wait for you)
  --json                print the result as JSON; a failure as one JSON object too
                        (setup-npm-auth --help, "Errors")
  -h, --help            this help`

export const TOKEN_USAGE = `Usage: setup-npm-auth token <list|create|rotate|revoke> [options]

Manages npm tokens from a machine logged in with npm login (run it first). create and rotate store
the new token straight into a GitHub Actions secret and record its expiry for the action's expires-on.

  token list            every token of your account, graded by expiry   (token list --help)
  token create          a token for a repository's workflow             (token create --help)
  token rotate          replace that token, then revoke the old one     (token rotate --help)
  token revoke ID       revoke one token                                (token revoke --help)`

export const TOKEN_LIST_FLAGS = { ...COMMON_FLAGS, '--warn-days': 'warn-days', '--fail-days': 'fail-days', '--name': 'name' }
export const TOKEN_LIST_USAGE = `Usage: setup-npm-auth token list [options]

Lists every token of the logged-in npm user: name, redacted form, id, permission, packages/scopes/orgs,
CIDR, bypass-2FA, created, last used, expiry and days left — soonest expiry first — graded as the action
grades a token.

Options:
  --warn-days N         warn when a token expires within N days (default 14)
  --fail-days N         error when a token expires within N days (default 0: only once expired)
  --name PATTERN        only tokens whose name matches (* matches anything); grades only those
${COMMON_HELP}

Exit codes: 0 ok, 1 a token within --warn-days, 2 expired / within --fail-days, or an error.`

const STORE_FLAGS = { '--repo': 'repo', '--secret': 'secret', '--environment': 'environment', '--otp': 'otp', '--expires': 'expires' } as const
const STORE_HELP = `  --repo OWNER/REPO     the repository whose Actions secret gets the token (default: the origin remote here)
  --secret NAME         the secret (default NPM_TOKEN); its expiry goes into the variable NAME_EXPIRES_AT
  --environment ENV     use the environment's secret and variable instead of the repository's
  --otp CODE            the one-time password (else asked on a terminal, else npm's web login)`
const GITHUB_HELP = `GitHub: the token comes from GH_TOKEN, else GITHUB_TOKEN, else \`gh auth token\`; it needs
"Secrets: Read and write" and "Variables: Read and write" on the repository. GITHUB_API_URL for GHES.`

export const TOKEN_CREATE_FLAGS = {
  ...COMMON_FLAGS,
  ...STORE_FLAGS,
  '--name': 'name',
  '--packages': 'packages',
  '--scopes': 'scopes',
  '--orgs': 'orgs',
  '--permission': 'permission',
  '--cidr': 'cidr',
}
export const TOKEN_CREATE_SWITCHES = { '--bypass-2fa': 'bypass-2fa', '--print-token': 'print-token' }
export const TOKEN_CREATE_USAGE = `Usage: setup-npm-auth token create [options]

Creates a granular npm token for a workflow, verifies it (whoami), stores it in the repository's Actions
secret (encrypted for GitHub; never shown) and records its expiry in the variable <SECRET>_EXPIRES_AT.

Options:
${STORE_HELP}
  --name NAME           token name (default setup-npm-auth:OWNER/REPO:SECRET, which rotate finds)
  --expires DAYS        lifetime in days (default 30 for a write token; npm's cap is 90)
  --packages a,b        packages it may publish (default: the public packages of package.json here)
  --scopes @x,@y        scopes it may publish
  --orgs o              organisations it may manage
  --permission P        read-write (default), stage-only (npm stage publish) or read-only
  --cidr LIST           IPv4 ranges it may be used from, e.g. 192.0.2.0/24
  --bypass-2fa          may publish without two-factor authentication
  --print-token         print the token instead of storing it (for CIs that are not GitHub)
${COMMON_HELP}

${GITHUB_HELP}`

export const TOKEN_ROTATE_FLAGS = { ...COMMON_FLAGS, ...STORE_FLAGS, '--token-id': 'token-id' }
export const TOKEN_ROTATE_SWITCHES = { '--keep-old': 'keep-old' }
export const TOKEN_ROTATE_USAGE = `Usage: setup-npm-auth token rotate [options]

Replaces the workflow's token: finds it by name (setup-npm-auth:OWNER/REPO:SECRET) or --token-id, creates
its successor with the same packages, scopes, orgs, permission, CIDR and 2FA setting, stores it in the
secret and records its expiry, verifies it — and only then revokes the old token. A failure before that
revokes the new token and leaves everything as it was.

Options:
${STORE_HELP}
  --expires DAYS        lifetime of the successor (default: the old token's lifetime, at most 90 days)
  --token-id ID         the token to replace, when it was not made by token create (id or redacted form)
  --keep-old            do not revoke the old token
${COMMON_HELP}

${GITHUB_HELP}`

export const TOKEN_REVOKE_FLAGS = { ...COMMON_FLAGS, '--otp': 'otp' }
export const TOKEN_REVOKE_USAGE = `Usage: setup-npm-auth token revoke <name|id|redacted form> [options]

Revokes one token. The argument must match exactly one live token: its id (or the first 6+ characters
of it), its name, or its redacted form (npm_aBcD...7890), as token list shows them.

Options:
  --otp CODE            the one-time password (else asked on a terminal, else npm's web login)
${COMMON_HELP}`
