/**
 * Once the registry is known: what kind it is, and what that changes in the settings (GitHub Packages'
 * default scope and token), and which package manager's config is written. Lines for the log in `notes`.
 */
import type { Settings } from './inputs.js'
import { resolvePackageManager, type PackageManager } from './package-manager.js'
import { defaultScope, effectiveToken, registryProfile, type RegistryProfile } from './registries.js'

export interface Target {
  profile: RegistryProfile
  /** The settings with the kind's defaults applied (scope, token). */
  settings: Settings
  packageManager: PackageManager
  notes: string[]
}

export function planTarget(settings: Settings, registry: URL, isPublicRegistry: boolean, env: NodeJS.ProcessEnv): Target {
  const profile = registryProfile(registry, { choice: settings.registryKind, isPublicRegistry })
  const notes = [`Registry kind: ${profile.kind} (${profile.label}; ${profile.detectedBy === 'default' ? 'no known host or path' : `by ${profile.detectedBy}`})`]
  const scope = defaultScope(profile, settings.scope, env)
  const token = effectiveToken(profile, settings.token, settings.githubToken)
  const pm = resolvePackageManager(settings.packageManager, settings.workingDirectory)
  for (const note of [scope.note, token.note]) if (note) notes.push(note)
  notes.push(`Package manager: ${pm.manager} (${pm.reason})${pm.manager === 'yarn' ? ': also writing the user-level .yarnrc.yml' : ''}`)
  return { profile, settings: { ...settings, scope: scope.scope, token: token.token }, packageManager: pm.manager, notes }
}
