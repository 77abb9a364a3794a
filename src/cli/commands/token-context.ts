/**
 * What every `setup-npm-auth token …` command needs: the registry (--registry, else npm's config), the
 * `npm login` session npm itself would send to it, a way to get a one-time password (--otp, a terminal
 * prompt, or npm's web flow), and for create/rotate the GitHub side (token from GH_TOKEN, GITHUB_TOKEN or
 * `gh auth token`; API from GITHUB_API_URL; repository from --repo or the `origin` remote).
 */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { RegistryConfigError } from '../../errors.js'
import { HttpClient } from '../../http/client.js'
import type { Logger } from '../../ports/logger.js'
import { findNpmOnPath, findRegistryAuthToken } from '../../registry/npm-config.js'
import { chooseRegistry } from '../../registry/resolve.js'
import { NpmTokenAdmin, pollWebAuth, type OtpSource } from '../../registry/token-admin.js'
import { whoami } from '../../registry/token-api.js'
import { parseRegistryUrl, quote } from '../../settings/parse.js'
import type { TokenRegistryPort } from '../../tokens/lifecycle.js'
import { UsageError, type ParsedArgs } from '../args.js'
import { LocalSetupError } from '../failure.js'
import type { CliIo } from '../io.js'

/** Token commands wait for people (an OTP typed, a web login approved): a longer overall deadline than `check`. */
const DEFAULT_TIMEOUT_S = 600
/** How long the web flow waits for its approval. */
const WEB_LOGIN_WAIT_MS = 5 * 60_000
/** `gh auth token`, `git config`: each bounded. */
const CHILD_TIMEOUT_MS = 10_000

export interface RegistrySession {
  registry: URL
  http: HttpClient
  admin: NpmTokenAdmin
  port: TokenRegistryPort
  isPublicRegistry: boolean
}

export function timeoutMs(args: ParsedArgs): number {
  const raw = args.inputs['timeout-seconds']
  if (raw === undefined) return DEFAULT_TIMEOUT_S * 1000
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 3600)
    throw new UsageError(`--timeout-seconds ${quote(raw)}: expected whole seconds from 1 to 3600.`)
  return Number(raw) * 1000
}

/** The registry and the login session for it; refuses clearly when there is no session. */
export async function openRegistrySession(args: ParsedArgs, io: CliIo, log: Logger & { env: NodeJS.ProcessEnv }): Promise<RegistrySession> {
  const explicit = args.inputs['registry-url'] !== undefined ? parseRegistryFlag(args.inputs['registry-url']) : undefined
  const { registry, isPublicRegistry } = await chooseRegistry(log, { registryUrl: explicit, scope: '', workingDirectory: '.' })
  const found = findRegistryAuthToken({ env: io.env, cwd: resolve('.'), npm: findNpmOnPath(io.env), registry })
  if (!found) {
    throw new RegistryConfigError(
      `No npm login session for ${registry.href} in npm's config. Run \`npm login --registry ${registry.href}\` first: ` +
        "managing tokens takes your own login session (on npm's registry a granular token cannot list, create or revoke tokens).",
    )
  }
  io.mask?.(found.token)
  const http = new HttpClient({ deadline: Date.now() + timeoutMs(args), logger: log, env: io.env })
  const otp = args.inputs.otp?.trim()
  if (otp !== undefined && !/^[0-9A-Za-z]{4,12}$/.test(otp))
    throw new UsageError('--otp: expected the one-time code (digits) from your authenticator app or npm e-mail.')
  const otpSource: OtpSource = {
    ask: async ({ web, purpose }) => {
      if (io.interactive && io.prompt) {
        const code = await io.prompt(`npm asks for a one-time password to ${purpose.replace(/^token /, '')} a token. Code: `)
        return code || undefined
      }
      if (web) {
        io.err(
          `npm asks you to approve this in a browser: open ${web.authUrl.href}\nWaiting for the approval (up to ${WEB_LOGIN_WAIT_MS / 60_000} minutes) …\n`,
        )
        return pollWebAuth(http, { doneUrl: web.doneUrl, registry, session: found.token, deadline: Date.now() + WEB_LOGIN_WAIT_MS }, (ms) => sleep(ms))
      }
      return undefined
    },
  }
  const admin = new NpmTokenAdmin({ http, registry, session: found.token, sessionSource: found.source, otp, otpSource })
  const port: TokenRegistryPort = {
    list: () => admin.list(),
    create: (request) => admin.create(request),
    remove: (key) => admin.remove(key),
    verify: (token) => whoami(http, registry, token),
  }
  return { registry, http, admin, port, isPublicRegistry }
}

function parseRegistryFlag(value: string): URL {
  const url = parseRegistryUrl(value)
  if (!url) throw new UsageError(`--registry ${quote(value)}: expected an http(s) URL, e.g. https://registry.example.com/.`)
  return url
}

/** Runs a program with a time limit; undefined when it is missing, fails or times out. */
export function runQuiet(file: string, argv: string[], env: NodeJS.ProcessEnv, cwd = '.'): Promise<string | undefined> {
  return new Promise((done) => {
    execFile(file, argv, { env, cwd, timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024, windowsHide: true }, (error, stdout) =>
      done(error ? undefined : stdout.trim()),
    )
  })
}

/** The GitHub token: GH_TOKEN, else GITHUB_TOKEN, else what `gh auth token` says (when gh is installed and logged in). */
export async function githubToken(io: CliIo, host: string | undefined): Promise<{ token: string; source: string }> {
  for (const name of ['GH_TOKEN', 'GITHUB_TOKEN']) {
    const value = io.env[name]?.trim()
    if (value) return { token: value, source: name }
  }
  const fromGh = await runQuiet('gh', ['auth', 'token', ...(host && host !== 'github.com' ? ['--hostname', host] : [])], io.env)
  if (fromGh && /^[\x21-\x7e]{8,}$/.test(fromGh)) return { token: fromGh, source: '`gh auth token`' }
  throw new LocalSetupError(
    'No GitHub token: set GH_TOKEN (a fine-grained token with "Secrets: Read and write" and "Variables: Read and write" on the repository), ' +
      'or log in with the GitHub CLI (`gh auth login`). Or pass --print-token to store the token yourself.',
  )
}
