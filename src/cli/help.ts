/** The CLI's general help: what `setup-npm-auth`, `setup-npm-auth --help` and `setup-npm-auth help` print. */
import { FAILURE_CODES } from './failure.js'

export const CLI_NAME = 'setup-npm-auth'

const codes = Object.entries(FAILURE_CODES)
  .map(([code, meaning]) => `  ${code.padEnd(10)} ${meaning}`)
  .join('\n')

export const GENERAL_HELP = `Usage: ${CLI_NAME} <command> [options]

The setup-npm-auth action's checks outside GitHub Actions (a laptop, GitLab CI/CD, CircleCI, Jenkins),
and the life of an npm token from a machine logged in with npm login.

Commands:
  check                 the npm token in $NPM_TOKEN: who it belongs to, its kind and its expiry
  preflight             will trusted publishing (OIDC) work in this CI job? (GitHub, GitLab, CircleCI)
  explain [LOG…]        why npm commands failed, from npm's debug logs
  token list|create|rotate|revoke
                        manage npm tokens; create and rotate store the token in a GitHub Actions secret
  help [COMMAND]        a command's options (also: ${CLI_NAME} COMMAND --help)

Options (every command):
  --json                print the result as JSON on stdout
  -h, --help            help
  -V, --version         print the version

Results go to stdout; progress, notices and warnings to stderr. Colour only on a terminal, and never
with NO_COLOR set.

Errors: a message on stderr and exit code 2. With --json, ONE JSON object on stdout instead, and
nothing else there:
  {"status": "error", "error": {"code": "network", "message": "…"}}
where code is one of
${codes}
and, where they apply, "flag", "httpStatus", "cause" (e.g. timed-out, rate-limited), "state", "finish".
A check that ran and found a problem (an expired token) is a result, not a failure: its JSON has the
findings and no "error".

Exit codes: 0 ok, 1 warning, 2 error or bad usage.`
