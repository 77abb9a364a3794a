/**
 * Which package manager's config the step writes besides .npmrc. npm and pnpm read .npmrc (pnpm honours
 * NPM_CONFIG_USERCONFIG too); Yarn 2+ reads only .yarnrc.yml, so `yarn` also writes the user-level one.
 * `auto`: yarn when the project has a .yarnrc.yml (every Yarn 2+ project does) or its package.json names
 * yarn 2 or later in `packageManager`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { PackageManager, PackageManagerChoice } from '../types.js'

export function resolvePackageManager(choice: PackageManagerChoice, workingDirectory: string): { manager: PackageManager; reason: string } {
  if (choice !== 'auto') return { manager: choice, reason: 'the package-manager input' }
  const dir = resolve(workingDirectory)
  if (existsSync(join(dir, '.yarnrc.yml'))) return { manager: 'yarn', reason: `${join(dir, '.yarnrc.yml')} exists (Yarn 2+)` }
  const declared = declaredPackageManager(dir)
  if (declared) {
    const m = /^(npm|pnpm|yarn)@(\d+)/.exec(declared)
    if (m?.[1] === 'yarn' && Number(m[2]) >= 2) return { manager: 'yarn', reason: `package.json packageManager is ${declared}` }
    if (m?.[1] === 'pnpm') return { manager: 'pnpm', reason: `package.json packageManager is ${declared}` }
  }
  return { manager: 'npm', reason: 'no .yarnrc.yml in the working directory' }
}

function declaredPackageManager(dir: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { packageManager?: unknown }
    return typeof manifest.packageManager === 'string' ? manifest.packageManager : undefined
  } catch {
    return undefined
  }
}
