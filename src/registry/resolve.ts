/**
 * The registry the step works against: the registry-url input, else what npm itself is configured to use;
 * and whether it is npm's own default (public) registry, whose token policy then applies.
 */
import { resolve } from 'node:path'
import type { Logger } from '../ports/logger.js'
import { isLoopback } from './url.js'
import { askNpmForRegistry, findNpmOnPath, npmDefaultRegistry, resolveNpmRegistry } from './npm-config.js'

export interface RegistryChoice {
  registry: URL
  /** Where it came from, for the log and the summary. */
  source: string
  isPublicRegistry: boolean
}

/** Where the registry comes from: the registry-url input, else npm's own config for the scope. */
export interface RegistryRequest {
  registryUrl: URL | undefined
  scope: string
  workingDirectory: string
}

export async function chooseRegistry(
  log: Logger & { env: NodeJS.ProcessEnv },
  { registryUrl: explicit, scope, workingDirectory }: RegistryRequest,
): Promise<RegistryChoice> {
  const npm = findNpmOnPath(log.env)
  const cwd = resolve(workingDirectory)
  const { url: registry, source } = explicit
    ? { url: explicit, source: 'the registry-url input' }
    : await resolveNpmRegistry({ env: log.env, cwd, scope, npm, askNpm: () => askNpmForRegistry(cwd, log.env) })
  const npmDefault = npmDefaultRegistry(npm)
  const isPublicRegistry = npmDefault !== undefined && npmDefault.href === registry.href
  log.info(`Registry: ${registry.href} (${source})${npm ? `; npm ${npm.version} on PATH` : '; no npm found on PATH'}`)
  if (registry.protocol === 'http:' && !isLoopback(registry.hostname)) {
    log.warning(`The registry ${registry.href} is plain http: the token travels unencrypted. Use https.`, 'Insecure registry URL')
  }
  return { registry, source, isPublicRegistry }
}
