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
  /** The repository file the registry was read from (the project .npmrc): repository content, not the workflow. */
  repositoryFile?: string
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
  const {
    url: registry,
    source,
    repositoryFile,
  } = explicit
    ? { url: explicit, source: 'the registry-url input', repositoryFile: undefined }
    : await resolveNpmRegistry({ env: log.env, cwd, scope, npm, askNpm: () => askNpmForRegistry(cwd, log.env) })
  const npmDefault = npmDefaultRegistry(npm)
  const isPublicRegistry = npmDefault !== undefined && npmDefault.href === registry.href
  log.info(`Registry: ${registry.href} (${source})${npm ? `; npm ${npm.version} on PATH` : '; no npm found on PATH'}`)
  if (registry.protocol === 'http:' && !isLoopback(registry.hostname)) {
    log.warning(`The registry ${registry.href} is plain http: the token travels unencrypted. Use https.`, 'Insecure registry URL')
  }
  if (repositoryFile) {
    log.warning(
      `The registry ${registry.href} comes from the repository file ${repositoryFile}, not from the workflow: the credential of this step is sent to it. ` +
        'If that file is not yours to trust (a pull request can change it), set registry-url to the registry the credential is for.',
      'Registry from a repository file',
    )
  }
  return { registry, source, isPublicRegistry, ...(repositoryFile ? { repositoryFile } : {}) }
}
