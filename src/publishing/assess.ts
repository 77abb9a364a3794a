/**
 * What the job's publish step should run and what npm's publishing policy means for it, as the action and
 * the CLI both report it: the publish mode, the January 2027 end of direct publishing with tokens (npm's
 * registry, token path), the OIDC caveat about allowed actions, and the staged versions waiting for approval.
 */
import { worstOf } from '../check/grade.js'
import type { HttpClient } from '../http/client.js'
import { githubTrustCommand } from '../oidc/trust-command.js'
import { findLocalPackages } from '../project/local-packages.js'
import { isValidPackageName } from '../settings/parse.js'
import type { Place } from '../registry/advice.js'
import { listStaged, type StagedVersion } from '../registry/stage-api.js'
import type { AuthMethod, Finding, PublishMode, Settings, Status } from '../types.js'
import { PUBLISH_COMMAND, choosePublishMode, directPublishingCutoff, stagedFindings } from './policy.js'

export interface PublishingInput {
  http: HttpClient
  registry: URL
  /** npm's own registry (its policies apply). */
  npmRegistry: boolean
  isPublicRegistry: boolean
  method: AuthMethod
  settings: Pick<Settings, 'publish' | 'stageWarnDays' | 'packages' | 'workingDirectory'>
  /** The token the registry accepted for a package (the job's token, or an exchanged one); undefined: none. */
  tokenFor: (packageName: string) => string | undefined
  /** The token's permissions say stage-only (undefined: not known). */
  tokenStageOnly: boolean | undefined
  /** Packages the job publishes, when the caller knows them (the OIDC pre-flight's); else the input, else package.json. */
  packages?: readonly string[]
  env: NodeJS.ProcessEnv
  now: Date
  /** Whose words the advice is in (default: the CLI's; the action passes 'action'). */
  place?: Place
}

export interface PublishingAssessment {
  mode: PublishMode
  command: (typeof PUBLISH_COMMAND)[PublishMode]
  reason: string
  /** What the step cannot know about publishing (OIDC: which actions the publisher allows). */
  note?: string
  findings: Finding[]
  status: Status
  /** undefined: not listed (no staging area, or not asked). */
  staged?: StagedVersion[]
  /** Why the staged versions were not listed, for a debug line. */
  stagedUnavailable?: string
  /** Token path: the `npm trust` commands that would move this job to trusted publishing (one per package). */
  migrationCommands: string[]
}

export async function assessPublishing(input: PublishingInput): Promise<PublishingAssessment> {
  const { settings, method, npmRegistry, now } = input
  const { mode, reason } = choosePublishMode(settings.publish, input.tokenStageOnly)
  const findings: Finding[] = []
  let note: string | undefined
  const packages = packagesOf(input)
  const migrationCommands = method === 'token' ? (packages.length > 0 ? packages : ['<package>']).map((name) => trustCommandFor(input, name)) : []

  if (method === 'oidc') {
    note =
      'The token exchange does not say which actions the trusted publisher allows (publish, stage publish, or both); publishers configured before 2026-05-20 allow publish only.'
    if (mode === 'stage') {
      findings.push({
        level: 'notice',
        title: 'The trusted publisher must allow staged publishing',
        message:
          "publish: stage runs `npm stage publish`: each package's trusted publisher must allow it (`npm trust … --allow-stage-publish`); publishers configured before 2026-05-20 allow `npm publish` only.",
      })
    }
  } else if (npmRegistry && mode === 'direct') {
    const advice = { kind: 'npm' as const, npmPolicies: true, place: input.place ?? 'cli', registry: input.registry }
    findings.push(directPublishingCutoff({ trustCommands: migrationCommands, now, advice }))
  }

  let staged: StagedVersion[] | undefined
  let stagedUnavailable: string | undefined
  if ((npmRegistry || mode === 'stage') && packages.length > 0) {
    const listed = await listStaged({ http: input.http, registry: input.registry, token: input.tokenFor, packages }).catch((error: unknown) => ({
      kind: 'unavailable' as const,
      reason: error instanceof Error ? error.message : String(error),
    }))
    if (listed.kind === 'listed') {
      staged = listed.versions
      findings.push(...stagedFindings(listed.versions, settings.stageWarnDays, now))
    } else stagedUnavailable = listed.reason
  }
  return { mode, command: PUBLISH_COMMAND[mode], reason, note, findings, status: worstOf(findings), staged, stagedUnavailable, migrationCommands }
}

function packagesOf(input: PublishingInput): string[] {
  if (input.packages) return [...input.packages]
  if (input.settings.packages.length > 0) return input.settings.packages
  // package.json is repository content: only names npm would accept go into requests, commands and the summary.
  return findLocalPackages(input.settings.workingDirectory)
    .filter((p) => !p.private && isValidPackageName(p.name))
    .map((p) => p.name)
}

/** The `npm trust github …` line for this repository and workflow, from the job's env (placeholders elsewhere). */
function trustCommandFor(input: PublishingInput, packageName: string): string {
  const claims = { repository: input.env.GITHUB_REPOSITORY, workflowRef: input.env.GITHUB_WORKFLOW_REF }
  return (
    githubTrustCommand({ packageName, claims, stage: false, registry: input.registry, isPublicRegistry: input.isPublicRegistry }) ??
    `npm trust github ${packageName} --repo OWNER/REPO --file WORKFLOW.yml --allow-publish --yes`
  )
}
