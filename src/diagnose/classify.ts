/**
 * Why a failed npm command failed, in the user's terms: npm's error code, the failed requests, the
 * registry's words, npm's OIDC verbose lines and what the main step recorded, turned into one cause with
 * the fix. npm reports every credential problem as E404 / ENEEDAUTH / E401 / EOTP far from its cause;
 * this puts the cause back. Pure: the post step and `setup-npm-auth explain` render what it returns.
 */
import { githubTrustCommand } from '../oidc/trust-command.js'
import { registryKey } from '../registry/url.js'
import type { DiagnosisContext } from './context.js'
import { failed, type NpmRun } from './npm-log.js'

export type CauseId =
  | 'stage-required'
  | 'version-exists'
  | 'otp-required'
  | 'provenance'
  | 'oidc-exchange-failed'
  | 'no-credential'
  | 'token-rejected'
  | 'first-publish'
  | 'no-write-access'
  | 'install-auth'
  | 'unclassified'

export type CommandKind = 'publish' | 'stage publish' | 'install' | 'dist-tag' | 'access'

export interface Explanation {
  cause: CauseId
  /** `npm publish`, as npm named the command. */
  command: string
  packageName?: string
  /** The cause in a few words (an annotation's title). */
  title: string
  /** npm's own error, as it printed it. */
  npmSaid: string
  /** Why that happened. */
  why: string
  /** What to do. */
  fix: string
  /** The debug log it was read from. */
  file: string
}

const INSTALL = new Set([
  'install',
  'i',
  'in',
  'ins',
  'inst',
  'insta',
  'instal',
  'isnt',
  'isnta',
  'isntal',
  'isntall',
  'add',
  'ci',
  'clean-install',
  'ic',
  'install-clean',
  'isntall-clean',
  'install-ci-test',
  'cit',
  'it',
])

export function commandKind(run: NpmRun): CommandKind | undefined {
  const words = (run.title || `npm ${run.argv.join(' ')}`)
    .replace(/^npm\s+/, '')
    .trim()
    .split(/\s+/)
  if (words[0] === 'publish') return 'publish'
  if (words[0] === 'stage' && words[1] === 'publish') return 'stage publish'
  if (INSTALL.has(words[0])) return 'install'
  if (words[0] === 'dist-tag' || words[0] === 'dist-tags') return 'dist-tag'
  if (words[0] === 'access') return 'access'
  return undefined
}

/** `@scope/pkg@1.0.0` → `@scope/pkg`. */
function nameOfPkgid(pkgid: string | undefined): string | undefined {
  if (!pkgid) return undefined
  const at = pkgid.lastIndexOf('@')
  return at > 0 ? pkgid.slice(0, at) : pkgid
}

/** The package a registry URL is about: its last path segment, `@scope%2fname` decoded. */
export function packageOfUrl(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop()
    if (!last || last.startsWith('-')) return undefined
    return decodeURIComponent(last)
  } catch {
    return undefined
  }
}

/** The explanation of one run; undefined when the run did not fail or is not a command we explain. */
export function explainRun(run: NpmRun, context?: DiagnosisContext): Explanation | undefined {
  if (!failed(run)) return undefined
  const kind = commandKind(run)
  if (!kind) return undefined
  const put = run.httpFailures.find((f) => f.method === 'PUT')
  const packageName = nameOfPkgid(run.pkgid) ?? (put ? packageOfUrl(put.url) : undefined)
  const npmSaid = [run.errorCode, run.errorLines.find((l) => l.trim() !== '')].filter(Boolean).join(': ') || `npm exited with code ${run.exitCode ?? 'unknown'}`
  const base = { command: run.title || `npm ${kind}`, packageName, npmSaid, file: run.file }
  const cause = classify(run, kind, packageName, context)
  const preflightNote = notPreflighted(kind, packageName, context)
  return { ...base, ...cause, why: preflightNote ? `${cause.why} ${preflightNote}` : cause.why }
}

type Cause = Pick<Explanation, 'cause' | 'title' | 'why' | 'fix'>

function classify(run: NpmRun, kind: CommandKind, pkg: string | undefined, context: DiagnosisContext | undefined): Cause {
  const said = [run.errorCode ?? '', ...run.errorLines, ...run.notices].join('\n')
  const code = run.errorCode ?? ''
  const publishing = kind === 'publish' || kind === 'stage publish'
  const oidc = context?.authMethod === 'oidc'
  const what = pkg ? `${pkg}` : 'the package'
  const put = run.httpFailures.find((f) => f.method === 'PUT')
  const status = put?.status ?? (/^E(\d{3})$/.exec(code) ? Number(code.slice(1)) : undefined)

  if (/E_STAGE_REQUIRED/.test(said)) {
    return {
      cause: 'stage-required',
      title: 'Direct publishing refused: staging required',
      why: oidc
        ? `The registry accepts only a staged publish of ${what} from this job: the trusted publisher allows \`npm stage publish\` only, or the package requires staging.`
        : `The token is stage-only (or the package requires staging): the registry refuses \`npm publish\` with it. npm ends direct publishing with granular tokens in January 2027.`,
      fix: oidc
        ? `Run \`npm stage publish\` (npm 11.15.0 or newer) and approve the staged version with \`npm stage approve <id>\`, or let the trusted publisher allow publish as well${trustFix(pkg, context, false)}.`
        : "Run `npm stage publish` (npm 11.15.0 or newer) instead of `npm publish`, then approve the staged version with `npm stage approve <id>` (2FA) or on the package's Staged Packages tab. Or move to trusted publishing.",
    }
  }
  if (/cannot publish over the previously published version/i.test(said)) {
    return {
      cause: 'version-exists',
      title: 'This version is already published',
      why: `${run.pkgid ?? what} exists on the registry already, and a published version can never be replaced (npm checks before it uploads).`,
      fix: 'Bump the version in package.json (e.g. `npm version patch`) before publishing, or skip the publish when the version exists.',
    }
  }
  if (code === 'EOTP' || /one-time pass/i.test(said)) {
    return {
      cause: 'otp-required',
      title: 'Publishing asked for a one-time password',
      why: 'The registry wants a 2FA code for this publish: the token does not bypass two-factor authentication, or the package is set to require 2FA and disallow tokens. A CI job cannot type a code.',
      fix: 'Use trusted publishing (no token, no OTP), or `npm stage publish` (staging needs no 2FA; a maintainer approves with 2FA), or a granular token with "Bypass two-factor authentication" where the package allows tokens.',
    }
  }
  if (code === 'E422' || status === 422 || /provenance/i.test(said)) {
    const repo = context?.claims?.repository
    const privateRepo = /private/i.test(said) || context?.claims?.repositoryVisibility === 'private'
    return {
      cause: 'provenance',
      title: 'The registry refused the provenance',
      why: privateRepo
        ? 'Provenance can only be published from a public repository; this one is not public.'
        : `The provenance statement names the repository the workflow ran in${repo ? ` (${repo})` : ''}, and package.json's repository.url must name the same one.`,
      fix: privateRepo
        ? 'Publish without provenance (drop `--provenance` / `publishConfig.provenance`), or publish from a public repository.'
        : `Set \`"repository": { "type": "git", "url": "git+https://github.com/${repo ?? 'OWNER/REPO'}.git" }\` in ${what}'s package.json, then publish again.`,
    }
  }
  const exchange = run.oidc.find((l) => /^Fail/i.test(l))
  if (publishing && exchange && ['E404', 'ENEEDAUTH', 'E401', 'E403'].includes(code)) {
    const message = /with body message: (.*)$/.exec(exchange)?.[1] ?? exchange
    const neverPublished = pkg !== undefined && neverPublishedIn(run, pkg)
    return {
      cause: 'oidc-exchange-failed',
      title: `Trusted publishing failed for ${what}`,
      why:
        `npm's OIDC token exchange failed ("${message}") and npm fell back to ${context?.tokenEnv ? `the credential in ${context.tokenEnv} (if any)` : 'whatever credential was configured'}, so the publish failed as ${code}.` +
        (context?.claims ? ` The ID token claimed: ${describe(context.claims)}.` : '') +
        (neverPublished ? ` ${what} has never been published: trusted publishing cannot create a package.` : ''),
      fix: neverPublished
        ? `Publish the first version of ${what} by hand (with a token, from a laptop), then add the trusted publisher${trustFix(pkg, context, kind === 'stage publish')}.`
        : `Make the package's trusted publisher match this workflow${trustFix(pkg, context, kind === 'stage publish')} (repository, workflow file name and environment must match exactly).`,
    }
  }
  if (code === 'ENEEDAUTH') {
    return {
      cause: 'no-credential',
      title: 'npm had no credential for the registry',
      why: oidc
        ? 'npm found no credential: its own OIDC exchange did not run (npm older than 11.5.1, the job without `id-token: write`, or not on a supported CI) and no token was configured.'
        : `npm found no credential for the registry: ${context?.tokenEnv ?? 'the token variable'} was empty in the step that ran npm.`,
      fix: oidc
        ? 'Run npm 11.5.1 or newer (setup-npm-auth `upgrade-npm: true`) in a job with `permissions: id-token: write`.'
        : `Keep \`export-token: true\`, or pass \`env: ${context?.tokenEnv ?? 'NODE_AUTH_TOKEN'}: \${{ secrets.NPM_TOKEN }}\` to the step that runs npm.`,
    }
  }
  const installFailure = run.httpFailures.find((f) => f.status === 401 || f.status === 403 || (f.status === 404 && (packageOfUrl(f.url) ?? '').startsWith('@')))
  if (kind === 'install' && installFailure) {
    const key = credentialKey(installFailure.url, context)
    return {
      cause: 'install-auth',
      title: `Install refused by ${hostOf(installFailure.url)}`,
      why: `${installFailure.method} ${installFailure.url} answered ${installFailure.status}: the credential npm sent for that registry${key ? ` (the line for ${key} in the .npmrc)` : ''} cannot read ${packageOfUrl(installFailure.url) ?? 'that package'}, or none was sent.`,
      fix: `Check that the scope routes to the right registry and that ${key ? `\`${key}:_authToken=\${${context?.tokenEnv ?? 'NODE_AUTH_TOKEN'}}\`` : 'its credential line'} is there with a token that may read the package (set \`registry-url\`/\`scope\` in setup-npm-auth).`,
    }
  }
  if (code === 'E401' || status === 401 || /expired or revoked/i.test(said)) {
    return {
      cause: 'token-rejected',
      title: 'The registry rejected the token',
      why:
        `The registry answered 401: the token is expired, revoked, or not a token of this registry${context?.token?.expiresAt ? ` (its recorded expiry: ${context.token.expiresAt})` : ''}.` +
        (registryNotice(run) ? ` The registry says: "${registryNotice(run)}".` : ''),
      fix: 'Create a new granular access token, store it in the repository secret, and re-run; or move to trusted publishing and drop the token.',
    }
  }
  if (publishing && pkg && neverPublishedIn(run, pkg) && (status === 402 || status === 403 || status === 404)) {
    const scope = pkg.startsWith('@') ? pkg.split('/')[0] : undefined
    return {
      cause: 'first-publish',
      title: `First publish of ${pkg} refused`,
      why:
        status === 402
          ? `${pkg} is scoped, and a scoped package is published private unless told otherwise (private packages need a paid plan).`
          : oidc
            ? `${pkg} has never been published, and trusted publishing cannot create a package.`
            : `${pkg} has never been published, and the token may not create packages${scope ? ` in ${scope} (the scope must exist and the token must have write access to it)` : ''}.`,
      fix:
        status === 402
          ? 'Publish with `--access public` (or set `"publishConfig": { "access": "public" }` in package.json).'
          : oidc
            ? `Publish the first version by hand, then add the trusted publisher${trustFix(pkg, context, kind === 'stage publish')}.`
            : `Give the token read and write access to ${scope ?? 'the new package'} (granular token: "Packages and scopes"), or publish the first version by hand.`,
    }
  }
  if ((publishing || kind === 'dist-tag' || kind === 'access') && (status === 403 || status === 404)) {
    const readonly = context?.token?.readonly === true
    return {
      cause: 'no-write-access',
      title: `No write access to ${what}`,
      why:
        `npm says ${status} (npm answers 404 when a credential may not see or write a package). ` +
        (oidc
          ? `The job's credential could not publish ${what}: the OIDC exchange for it did not happen or its trusted publisher does not allow this.`
          : readonly
            ? 'The token is read-only.'
            : `The token does not have read and write access to ${what}: its packages and scopes do not include it, or it belongs to an account that is not a maintainer.`),
      fix: oidc
        ? `Check the trusted publisher of ${what}${trustFix(pkg, context, kind === 'stage publish')}.`
        : `Use a granular token with read and write access to ${what}, store it in the repository secret, and re-run.`,
    }
  }
  return {
    cause: 'unclassified',
    title: `${run.title || 'npm'} failed (unclassified)`,
    why: "setup-npm-auth does not recognise this failure; npm's own error is above.",
    fix: `Read npm's debug log (${run.file}) for the full story.`,
  }
}

/** The registry's own words about the token (its npm-notice header, which npm prints as a notice). */
function registryNotice(run: NpmRun): string | undefined {
  return run.notices.find((n) => /token|expired|revoked/i.test(n))
}

/** The package's document was asked for and not found: it was never published (or is not visible). */
function neverPublishedIn(run: NpmRun, pkg: string): boolean {
  return run.httpFailures.some((f) => f.method === 'GET' && f.status === 404 && packageOfUrl(f.url) === pkg)
}

function notPreflighted(kind: CommandKind, pkg: string | undefined, context: DiagnosisContext | undefined): string | undefined {
  if (!pkg || context?.authMethod !== 'oidc' || !context.preflight) return undefined
  if (kind !== 'publish' && kind !== 'stage publish') return undefined
  if (context.preflight.some((p) => p.name === pkg)) return undefined
  return `${pkg} was not pre-flighted by setup-npm-auth (it is not in the packages input nor in the workspace list): add it to \`packages\` so the next run checks it before publishing.`
}

function trustFix(pkg: string | undefined, context: DiagnosisContext | undefined, stage: boolean): string {
  if (!pkg || !context?.claims) return ''
  let registry: URL | undefined
  try {
    registry = new URL(context.registry)
  } catch {
    registry = undefined
  }
  const command = githubTrustCommand({ packageName: pkg, claims: context.claims, stage, registry, isPublicRegistry: context.isPublicRegistry })
  return command ? `: on a laptop with npm 11.10 or newer, run \`${command}\`` : ''
}

function describe(claims: NonNullable<DiagnosisContext['claims']>): string {
  return [`repository ${claims.repository ?? '?'}`, `workflow ${claims.workflowRef ?? '?'}`, `environment ${claims.environment || '(none)'}`].join(', ')
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'the registry'
  }
}

/** npm's credential key for the registry a URL belongs to: the configured registry's key when it is under it, else `//host/`. */
function credentialKey(url: string, context: DiagnosisContext | undefined): string | undefined {
  try {
    if (context && url.startsWith(context.registry)) return registryKey(context.registry)
    return `//${new URL(url).host}/`
  } catch {
    return undefined
  }
}
