/**
 * Once the registry is known: what kind it is, and what that changes in the settings (GitHub Packages'
 * default scope and token), and which package manager's config is written. Pure: the caller brings the
 * facts read from disk (the package manager) and the environment. Lines for the log in `notes`.
 */
import type { PackageManager, Settings } from '../types.js'
import { defaultScope, effectiveToken, registryProfile, type RegistryProfile } from './kind.js'
import type { RegistryChoice } from './resolve.js'

export interface Target extends RegistryChoice {
  profile: RegistryProfile
  /** The settings with the kind's defaults applied (scope, token). */
  settings: Settings
  packageManager: PackageManager
  notes: string[]
  /** Lines for the log as warnings (a github-token withheld from a host that is not GitHub's). */
  warnings: string[]
}

export interface TargetFacts {
  settings: Settings
  registry: RegistryChoice
  env: NodeJS.ProcessEnv
  /** The package manager the project uses, and why we think so (project/package-manager.ts). */
  packageManager: { manager: PackageManager; reason: string }
}

export function planTarget({ settings, registry, env, packageManager: pm }: TargetFacts): Target {
  const githubServerUrl = env.GITHUB_SERVER_URL
  const profile = registryProfile(registry.registry, { choice: settings.registryKind, isPublicRegistry: registry.isPublicRegistry, githubServerUrl })
  const notes = [
    `Registry kind: ${profile.kind} (${profile.label}; ${profile.detectedBy === 'default' ? 'no known host or path' : `by ${profile.detectedBy}`})`,
  ]
  if (profile.kind !== 'github-packages' && /^\/_registry\/npm\//i.test(registry.registry.pathname)) {
    notes.push(
      `${registry.registry.host} is not GitHub Packages' host (npm.pkg.github.com, or the GITHUB_SERVER_URL host): its /_registry/npm/ path alone does not make it GitHub Packages. If it is, set registry-kind: github.`,
    )
  }
  const warnings: string[] = []
  const scope = defaultScope(profile, settings.scope, env)
  const token = effectiveToken(profile, settings.token, settings.githubToken, {
    registry: registry.registry,
    githubServerUrl,
    repositoryFile: registry.repositoryFile,
  })
  for (const note of [scope.note, token.note]) if (note) notes.push(note)
  if (token.withheld) warnings.push(token.withheld)
  notes.push(`Package manager: ${pm.manager} (${pm.reason})${pm.manager === 'yarn' ? ': also writing the user-level .yarnrc.yml' : ''}`)
  return { ...registry, profile, settings: { ...settings, scope: scope.scope, token: token.token }, packageManager: pm.manager, notes, warnings }
}
