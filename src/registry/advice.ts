/**
 * What to do, in one place: the advice for every cause the step reports (AdviceCause in types.ts), for
 * each kind of registry and each place — the action in a workflow (the repository secret, the
 * `expires-on` input, re-run the job) or the CLI in a terminal (NPM_TOKEN, `--expires-on`, run it
 * again). A finding carries its cause; the log and the CLI print the advice after the problem
 * (adviceText), the job summary once, under "What to do" (report/summary.ts renders the same Advice).
 * Pure: our own words, with backticks around code; the renderers escape.
 *
 * The policy it follows (late 2026): npm's classic tokens are gone; granular write tokens last at most 90
 * days; direct publishing with tokens ends in January 2027 (then trusted publishing, or staged publishing
 * with a stage-only token, which needs no 2FA). The registry being unreachable, failing or rate limiting
 * is never a reason to replace the token, and npm's website, its caps and its commands are named only
 * where npm's policies apply.
 */
import { ActionError } from '../errors.js'
import type { AdviceCause, Finding, Mode, RegistryKind } from '../types.js'

/** Where the advice is read: a workflow run of the action, or a terminal running the CLI. */
export type Place = 'action' | 'cli'

export interface AdviceContext {
  kind: RegistryKind
  /** npm's own policies apply (npm's default registry, or registry-kind: npm). Default: kind is npm. */
  npmPolicies?: boolean
  place: Place
  registry: URL
  /** The action's mode: a check job re-runs "the check" (which closes its issue). Default: setup. */
  mode?: Mode
  /** `npx setup-npm-auth token rotate …` for this repository, where it applies (npm's registry). */
  rotateCommand?: string
  /** The secret that holds the token (default NPM_TOKEN); `token create|rotate` record its expiry in <SECRET>_EXPIRES_AT. */
  secret?: string
  /** The job stages its versions (`npm stage publish`): a new token is stage-only. */
  staged?: boolean
  /** `npm trust …` lines, one per package, that set up trusted publishing for this job. */
  trustCommands?: readonly string[]
}

/** The way on, in parts a renderer can lay out: a sentence, commands, a note, steps, another way. */
export interface Advice {
  cause: AdviceCause
  /** What to do first, one sentence; ends with ':' when `commands` follow. */
  lead: string
  /** The command(s) that do it, to copy. */
  commands?: string[]
  /** What the commands do, or what else to know, one short paragraph. */
  note?: string
  /** Introduces `steps` (e.g. "By hand instead:"). */
  stepsLead?: string
  /** Steps in order. */
  steps?: string[]
  /** Another way on: `key` names it, so a summary that gives several pieces of advice says it once. */
  otherwise?: { key: string; text: string; commands?: string[]; after?: string }
  /** Ways on this advice gives itself (an `otherwise` with such a key is left out next to it). */
  covers?: string[]
}

const KIND_LABEL: Record<RegistryKind, string> = {
  npm: 'npm registry',
  'github-packages': 'GitHub Packages',
  azure: 'Azure Artifacts',
  artifactory: 'Artifactory',
  generic: 'registry',
}

const STATUS_PAGES: Partial<Record<RegistryKind, string>> = {
  npm: 'https://status.npmjs.org',
  'github-packages': 'https://www.githubstatus.com',
  azure: 'https://status.dev.azure.com',
}

/** How each kind of registry's URL looks, for a URL that did not answer as a registry. */
const URL_FORMS: Record<RegistryKind, string> = {
  npm: '`https://registry.npmjs.org/`',
  'github-packages': '`https://npm.pkg.github.com/` (on GitHub Enterprise Server `https://npm.HOST/` or `https://HOST/_registry/npm/`)',
  azure: '`https://pkgs.dev.azure.com/ORG/_packaging/FEED/npm/registry/` (a project feed has `/PROJECT/` after ORG)',
  artifactory: '`https://HOST/artifactory/api/npm/REPO/` (the npm repository, with the trailing slash)',
  generic: "the registry's npm endpoint (Verdaccio: its root URL; Nexus: `https://HOST/repository/REPO/`)",
}

const npmRules = (ctx: AdviceContext): boolean => ctx.npmPolicies ?? ctx.kind === 'npm'
const secretOf = (ctx: AdviceContext): string => ctx.secret ?? 'NPM_TOKEN'

/** "re-run the job" / "re-run the check: …" / "run the check again". */
function rerun(ctx: AdviceContext): string {
  if (ctx.place === 'cli') return 'run the check again'
  return ctx.mode === 'check' ? 're-run the check (it closes its issue once the token is healthy)' : 're-run the job'
}

/** Where the token lives, for "put the new one there". */
function storeIn(ctx: AdviceContext): string {
  return ctx.place === 'cli'
    ? 'put it in NPM_TOKEN (and wherever your CI keeps it)'
    : `store it in the repository secret ${secretOf(ctx)} (Settings → Secrets and variables → Actions, or \`gh secret set ${secretOf(ctx)}\`)`
}

const setting = (ctx: AdviceContext, input: string): string => (ctx.place === 'cli' ? `\`--${input === 'registry-url' ? 'registry' : input}\`` : `\`${input}\``)

/** The way off tokens on npm's registry, said once wherever it applies. */
function trustedPublishing(ctx: AdviceContext): NonNullable<Advice['otherwise']> {
  const commands = ctx.trustCommands ?? []
  const after =
    ctx.place === 'cli'
      ? 'then give the publishing job an ID token (GitHub: `permissions: id-token: write`) and drop the token; `npx setup-npm-auth preflight`, run in that job, checks it.'
      : 'then give the publishing job `permissions: id-token: write` (with `contents: read`) and drop the token input.'
  if (commands.length === 0) {
    return {
      key: 'trusted-publishing',
      text:
        'Or move to trusted publishing and have no token to rotate: add a trusted publisher (the CI provider, repository and workflow file) ' +
        `in each package's settings, ${after.replace(/^then /, '')}`,
    }
  }
  return {
    key: 'trusted-publishing',
    text: 'Or move to trusted publishing and have no token to rotate. On a laptop with npm 11.10 or newer, logged in as a maintainer:',
    commands: [...commands],
    after,
  }
}

/** A new token for this registry: the one command on npm's registry, else the registry's own way. */
function replaceToken(cause: AdviceCause, ctx: AdviceContext): Omit<Advice, 'cause'> {
  const host = ctx.registry.host
  if (npmRules(ctx)) {
    const steps = [
      'On npmjs.com open Access Tokens → Generate New Token → Granular Access Token.',
      ctx.staged
        ? 'Give it the stage-only permission (read-write-stage-only) on exactly the packages this repository stages: `npm stage publish` needs no 2FA, a maintainer approves each version with it.'
        : 'Give it read and write access to exactly the packages this repository publishes, and an expiry (npm caps write tokens at 90 days).',
      ctx.place === 'cli'
        ? 'Put it in NPM_TOKEN (and wherever your CI keeps it), revoke the old token, and run the check again.'
        : `Update the repository secret ${secretOf(ctx)} (Settings → Secrets and variables → Actions, or \`gh secret set ${secretOf(ctx)}\`) and the expiry in \`expires-on\`, revoke the old token, then ${rerun(ctx)}.`,
    ]
    const otherwise = trustedPublishing(ctx)
    // A classic token has no granular permissions to copy: a new token is created, not rotated.
    const rotate = cause === 'token-classic' ? ctx.rotateCommand?.replace(' token rotate ', ' token create ') : ctx.rotateCommand
    if (!rotate) return { lead: `Replace the token for ${host} with a new granular access token:`, steps, otherwise }
    if (ctx.place === 'cli') {
      return {
        lead: `Replace the token from a machine logged in with \`npm login\`: \`token ${cause === 'token-classic' ? 'create' : 'rotate'}\` when a GitHub Actions secret holds it, \`token create --print-token\` for any other CI:`,
        commands: [rotate, 'npx setup-npm-auth token create --print-token'],
        note: 'Then put the new token in NPM_TOKEN and run the check again.',
        stepsLead: 'By hand instead:',
        steps,
        otherwise,
      }
    }
    return {
      lead:
        cause === 'token-classic'
          ? 'Replace it with a granular access token, with one command from a machine logged in with `npm login`:'
          : `Rotate the token for ${host} with one command, from a machine logged in with \`npm login\`:`,
      commands: [rotate],
      note:
        (cause === 'token-classic'
          ? 'It creates a granular token for the packages of this repository'
          : 'It creates the successor with the same packages and permissions') +
        `, verifies it, stores it in the repository secret, records its expiry in the variable ${secretOf(ctx)}_EXPIRES_AT for \`expires-on\`` +
        (cause === 'token-classic'
          ? '. Revoke the classic token afterwards.'
          : ', and only then revokes the old token. For a token made on the website, add `--token-id <id>` (from `npx setup-npm-auth token list`) once.'),
      stepsLead: 'By hand instead:',
      steps,
      otherwise,
    }
  }
  switch (ctx.kind) {
    case 'github-packages':
      if (ctx.place === 'cli') {
        return {
          lead:
            'Put a personal access token (classic) with the `read:packages` scope (`write:packages` to publish) in NPM_TOKEN: ' +
            "GitHub Packages' npm registry does not take fine-grained tokens. Then run the check again.",
          note: 'gh can give one: `gh auth refresh -s read:packages`, then `gh auth token`.',
        }
      }
      return {
        lead:
          "Use the job's `GITHUB_TOKEN`: leave the `token` input empty (the `github-token` input, the job's token by default, is used) " +
          `and give the job \`permissions: packages: write\` to publish (\`packages: read\` to install), then ${rerun(ctx)}. It needs no rotation: it expires with the job.`,
        note:
          "A personal access token instead must be a classic one (GitHub Packages' npm registry does not take fine-grained tokens) with the `read:packages` scope " +
          `(\`write:packages\` to publish): create it in GitHub → Settings → Developer settings → Personal access tokens and ${storeIn(ctx)}.`,
      }
    case 'azure':
      return {
        lead:
          'Create a new personal access token in Azure DevOps (User settings → Personal access tokens; or renew this one there) with the Packaging scope ' +
          `(Read & write to publish, Read to install), ${storeIn(ctx)} — the PAT itself: ${ctx.place === 'cli' ? 'the check' : 'the action'} encodes it — and ${rerun(ctx)}.`,
      }
    case 'artifactory':
      return {
        lead:
          'Create a new access token in Artifactory (User profile → Generate an Identity Token, or Administration → User Management → Access Tokens) ' +
          `for a user that may deploy to this npm repository, ${storeIn(ctx)}, and ${rerun(ctx)}.`,
      }
    default:
      return {
        lead:
          `Create a new token for ${host} the registry's own way: \`npm login --registry ${ctx.registry.href}\` writes one to your user .npmrc ` +
          `(Verdaccio and Nexus accept it), or its web interface makes one. Then ${storeIn(ctx)} and ${rerun(ctx)}.`,
      }
  }
}

/** Where a registry shows a token's expiry, so the user can pass it in. */
function whereExpiryShows(ctx: AdviceContext): string {
  switch (ctx.kind) {
    case 'github-packages':
      return "GitHub Packages has no token list. The job's `GITHUB_TOKEN` expires with the job: nothing to watch. A personal access token shows its expiry in GitHub → Settings → Developer settings → Personal access tokens"
    case 'azure':
      return 'Azure Artifacts has no token list: a personal access token shows its expiry in Azure DevOps → User settings → Personal access tokens'
    case 'artifactory':
      return "Artifactory shows a token's expiry in the user profile (or Administration → User Management → Access Tokens)"
    default:
      return "If the token expires at all (many self-hosted registries' tokens never do), its expiry was shown when it was created"
  }
}

/** Registry trouble: nothing to change about the token. */
function registryTrouble(cause: AdviceCause, ctx: AdviceContext): Omit<Advice, 'cause'> {
  const host = ctx.registry.host
  const status = STATUS_PAGES[ctx.kind]
  const check = status
    ? `${ctx.kind === 'npm' ? "npm's" : ctx.kind === 'azure' ? "Azure DevOps'" : "GitHub's"} status page, ${status}`
    : `with whoever runs ${host}`
  const again = ctx.place === 'cli' ? 'run the check again' : ctx.mode === 'check' ? 're-run the check' : 're-run the job'
  const notToken = 'Nothing here says the token is wrong: keep it.'
  switch (cause) {
    case 'registry-down':
      return { lead: `${host} is down or overloaded (it kept failing after retries): wait, check ${check}, then ${again}.`, note: notToken }
    case 'rate-limited':
      return {
        lead: `${host} is rate limiting these requests: wait a few minutes, then ${again}.`,
        note:
          ctx.place === 'cli'
            ? notToken
            : `${notToken} A scheduled check that starts at the top of the hour shares it with many other jobs: a cron minute such as \`17\` avoids the rush.`,
      }
    case 'timed-out':
      return {
        lead: `${host} did not answer in time: raise ${setting(ctx, 'timeout-seconds')} if the registry is slow, check ${check}, then ${again}.`,
        note: notToken,
      }
    case 'not-a-registry':
      return {
        lead: `${host} answered, but not as an npm registry does: check ${ctx.place === 'cli' ? '`--registry` (or the registry npm is configured to use)' : '`registry-url` (or the .npmrc it came from)'}, then ${again}.`,
        note: `A ${ctx.kind === 'generic' ? 'registry' : ctx.kind === 'npm' ? 'npm registry' : KIND_LABEL[ctx.kind]} URL looks like ${URL_FORMS[ctx.kind]}; the path matters.`,
      }
    default:
      return {
        lead:
          `${host} could not be reached: check ${ctx.place === 'cli' ? '`--registry` (or the registry npm is configured to use)' : '`registry-url`'} and that ${host} is reachable from ` +
          `${ctx.place === 'cli' ? 'here' : 'the runner'} (DNS, firewall, a proxy in HTTPS_PROXY / NO_PROXY), check ${check}, then ${again}.`,
        note: notToken,
      }
  }
}

/** What to do about `cause` at this registry, in this place. */
export function advise(cause: AdviceCause, ctx: AdviceContext): Advice {
  return { cause, ...adviceFor(cause, ctx) }
}

function adviceFor(cause: AdviceCause, ctx: AdviceContext): Omit<Advice, 'cause'> {
  const npm = npmRules(ctx)
  const variable = `${secretOf(ctx)}_EXPIRES_AT`
  switch (cause) {
    case 'token-rejected':
    case 'token-revoked':
    case 'token-expired':
    case 'token-expiring':
    case 'token-classic':
      return replaceToken(cause, ctx)

    case 'expiry-unknown':
      if (npm && ctx.place === 'action' && ctx.rotateCommand) {
        return {
          lead: "To be warned before it expires, make the expiry known (npm's registry does not let a CI token read its own): run, from a machine logged in with `npm login`,",
          commands: [ctx.rotateCommand],
          note:
            `It replaces the token, stores it in the secret and records its expiry in the variable ${variable}; then pass \`expires-on: \${{ vars.${variable} }}\`. ` +
            'Or set `expires-on` to the expiry date shown when the token was created.',
        }
      }
      if (npm) {
        return {
          lead:
            ctx.place === 'cli'
              ? "Pass the expiry with `--expires-on YYYY-MM-DD`: `npx setup-npm-auth token list`, logged in with `npm login`, shows every token's expiry."
              : 'Set `expires-on` to the expiry date shown when the token was created, to be warned before it expires.',
        }
      }
      return { lead: `${whereExpiryShows(ctx)}: pass it as ${setting(ctx, 'expires-on')} (YYYY-MM-DD) to be warned before it expires.` }

    case 'expiry-record-stale':
      if (npm && ctx.rotateCommand && ctx.place === 'action') {
        return {
          lead: 'Replace the token with the rotate command, which records the expiry with it:',
          commands: [ctx.rotateCommand],
          note: `Or update the variable ${variable} (or \`expires-on\`) to the new token's expiry.`,
        }
      }
      return { lead: `Update ${ctx.place === 'cli' ? '`--expires-on`' : `\`expires-on\` (or the variable ${variable})`} to the new token's expiry.` }

    case 'token-read-only':
      if (!npm)
        return {
          lead: `Use a token that may publish to ${ctx.registry.host} (write or deploy permission on the packages), ${storeIn(ctx)}, and ${rerun(ctx)}.`,
        }
      return {
        lead:
          'Use a token with read and write access (or the stage-only permission, for `npm stage publish`) to the packages this job publishes: ' +
          (ctx.rotateCommand && ctx.place === 'action' ? 'create it with' : 'on npmjs.com → Access Tokens → Granular Access Token.'),
        commands:
          ctx.rotateCommand && ctx.place === 'action'
            ? [`${ctx.rotateCommand.replace(' token rotate ', ' token create ')} --permission read-write`]
            : undefined,
        otherwise: trustedPublishing(ctx),
      }

    case 'token-ip-limited':
      return {
        lead:
          ctx.place === 'cli'
            ? "Requests from outside the token's IP ranges are refused: run where the address is inside them, or create the token without allowed IP ranges."
            : 'GitHub-hosted runners use changing addresses: create the token without allowed IP ranges (CIDR), or run the job on a self-hosted runner inside them.',
      }

    case 'token-needs-otp':
      if (!npm) {
        return {
          lead: `${ctx.registry.host} asks for a one-time password to publish, which a CI job cannot give: use a token that may publish without one (ask whoever runs the registry).`,
        }
      }
      return {
        lead:
          'Publish without a one-time password. Staged publishing needs no 2FA: a stage-only token, ' +
          `${ctx.place === 'cli' ? '`--publish stage`' : '`publish: stage`'} and \`npm stage publish\`, a maintainer approving each version. ` +
          'A token with "bypass two-factor authentication" publishes directly only until January 2027.',
        otherwise: trustedPublishing(ctx),
      }

    case 'direct-publishing-ends': {
      if (!npm) return { lead: `npm's end of direct publishing with tokens is a policy of npm's registry: nothing changes for ${ctx.registry.host}.` }
      const staged =
        'Or to staged publishing: a granular token with the stage-only permission (read-write-stage-only), ' +
        `${ctx.place === 'cli' ? '`--publish stage`' : '`publish: stage` in this step'} and \`npm stage publish\` in the publish step (npm 11.15.0 or newer). ` +
        'Staging needs no 2FA; a maintainer approves each version with it (`npm stage approve <id>`).'
      const trusted = trustedPublishing(ctx)
      return {
        lead: trusted.commands
          ? 'Move this job to trusted publishing (no token at all). On a laptop with npm 11.10 or newer, logged in as a maintainer:'
          : `Move this job to trusted publishing (no token at all): ${trusted.text.replace(/^[^:]*: /, '')}`,
        ...(trusted.commands ? { commands: trusted.commands, note: trusted.after } : {}),
        otherwise: { key: 'staged-publishing', text: staged },
        covers: ['trusted-publishing'],
      }
    }

    case 'trusted-publisher':
      if (ctx.kind === 'github-packages' || ctx.kind === 'azure') {
        return {
          lead: `${KIND_LABEL[ctx.kind]} has no trusted publishing (OIDC): use a token (${ctx.place === 'cli' ? 'NPM_TOKEN' : '`auth: token`'}) instead.`,
          note: replaceToken('token-rejected', ctx).lead,
        }
      }
      if (!npm) {
        return {
          lead:
            `${ctx.registry.host} may not implement npm's trusted publishing (the OIDC token exchange): check its documentation, ` +
            `or use a token (${ctx.place === 'cli' ? 'NPM_TOKEN' : '`auth: token`'}). Where it does, fix each failing package's trusted publisher as its likely causes say` +
            (ctx.trustCommands?.length ? '; the publisher this job needs is added, with npm 11.10 or newer, by:' : '.'),
          ...(ctx.trustCommands?.length ? { commands: [...ctx.trustCommands] } : {}),
        }
      }
      return {
        lead:
          `Fix each failing package's trusted publisher on npmjs.com as its likely causes say, then ${ctx.place === 'cli' ? 'run the pre-flight again' : 're-run the job'}.` +
          (ctx.trustCommands?.length ? ' To add the publisher this job needs, on a laptop with npm 11.10 or newer, logged in as a maintainer:' : ''),
        ...(ctx.trustCommands?.length ? { commands: [...ctx.trustCommands] } : {}),
      }

    case 'unreachable':
    case 'timed-out':
    case 'registry-down':
    case 'rate-limited':
    case 'not-a-registry':
      return registryTrouble(cause, ctx)
  }
}

/** The advice as plain text after a problem: one paragraph per part, code in backticks. */
export function adviceText(advice: Advice): string {
  const parts: string[] = []
  const commands = advice.commands ?? []
  if (commands.length === 1) parts.push(`${advice.lead.replace(/[:,]$/, '')}: \`${commands[0]}\`.`)
  else if (commands.length > 1) parts.push(`${advice.lead}\n${commands.map((c) => `  ${c}`).join('\n')}`)
  else parts.push(advice.lead)
  if (advice.note) parts.push(advice.note)
  if (advice.steps?.length) {
    parts.push([...(advice.stepsLead ? [advice.stepsLead] : []), ...advice.steps.map((s, i) => `${i + 1}. ${s}`)].join('\n'))
  }
  if (advice.otherwise) {
    const o = advice.otherwise
    parts.push([o.text, ...(o.commands ?? []).map((c) => `  ${c}`), ...(o.after ? [o.after] : [])].join('\n'))
  }
  return parts.join('\n')
}

/** A finding whose message is the problem, then the advice for its cause: `problem` and `cause` kept for the summary. */
export function advisedFinding(finding: { level: Finding['level']; title: string; problem: string; cause: AdviceCause }, ctx: AdviceContext): Finding {
  return { ...finding, message: `${finding.problem}\n${adviceText(advise(finding.cause, ctx))}` }
}

/** What the advice for a thrown failure follows: the error's own cause, else what its status says. */
export function causeOfError(error: unknown): AdviceCause | undefined {
  return error instanceof ActionError ? error.adviceCause : undefined
}
