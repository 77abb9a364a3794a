/**
 * The trusted-publishing pre-flight: one ID token, then one exchange per package (a bounded pool in
 * flight together), each failure diagnosed. Exchanged tokens are dropped unless the caller keeps them.
 */
import type { HttpClient } from '../http/client.js'
import type { LocalPackage } from '../project/local-packages.js'
import { mapPool } from '../util/pool.js'
import { registryEndpoint } from '../registry/token-api.js'
import { decodeClaims, type IdTokenClaims } from './claims.js'
import { diagnoseExchangeFailure, type Diagnosis } from './diagnose.js'
import { escapePackageName, exchangeIdToken, fetchIdToken, npmAudience, type OidcEnvironment } from './exchange.js'

export interface PackageResult {
  name: string
  ok: boolean
  status: number
  /** When the exchanged token expires, if the registry said. */
  expiresAt?: Date
  /** Kept only with keepTokens. */
  token?: string
  diagnosis?: Diagnosis
}

export interface PreflightInput {
  http: HttpClient
  registry: URL
  packages: readonly LocalPackage[]
  env: OidcEnvironment
  /** Masks a secret the moment it arrives. */
  onSecret: (secret: string) => void
  /** Keep the exchanged tokens in the results (to export one for an npm too old to exchange). */
  keepTokens: boolean
  /** Used only to tell "never published" from "no publisher" on failure. */
  token?: string
  concurrency?: number
  /** The job stages: the suggested `npm trust` command allows that. */
  stage?: boolean
  /** npm's own default registry (suggested commands then name no --registry). */
  isPublicRegistry?: boolean
}

export interface PreflightReport {
  audience: string
  claims: IdTokenClaims
  results: PackageResult[]
}

export async function preflight(input: PreflightInput): Promise<PreflightReport> {
  const audience = npmAudience(input.registry)
  const idToken = await fetchIdToken({ http: input.http, env: input.env, audience, onSecret: input.onSecret })
  const claims = decodeClaims(idToken)
  const results = await mapPool(input.packages, input.concurrency ?? 8, async (pkg): Promise<PackageResult> => {
    const result = await exchangeIdToken({ http: input.http, registry: input.registry, packageName: pkg.name, idToken, onSecret: input.onSecret })
    if (result.ok) {
      return { name: pkg.name, ok: true, status: result.status, expiresAt: result.expiresAt, token: input.keepTokens ? result.token : undefined }
    }
    const packumentStatus = await packageStatus(input.http, input.registry, pkg.name, input.token)
    const diagnosis = diagnoseExchangeFailure({
      packageName: pkg.name,
      registry: input.registry,
      status: result.status,
      message: result.message,
      claims,
      repositoryUrl: pkg.repositoryUrl,
      packageDir: pkg.dir,
      packumentStatus,
      stage: input.stage,
      isPublicRegistry: input.isPublicRegistry,
    })
    return { name: pkg.name, ok: false, status: result.status, diagnosis }
  })
  return { audience, claims, results }
}

/** GET of the package document: 200 published, 404 never published (or private), undefined unknown. */
async function packageStatus(http: HttpClient, registry: URL, name: string, token: string | undefined): Promise<number | undefined> {
  try {
    const response = await http.send(registryEndpoint(registry, escapePackageName(name)), {
      purpose: `package lookup for ${name}`,
      headers: { accept: 'application/vnd.npm.install-v1+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    })
    return response.status
  } catch {
    return undefined
  }
}
