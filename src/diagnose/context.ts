/**
 * What the main step learned that explains a failed publish later: saved in the step's state as JSON,
 * read back by the post step. Holds no secret (no token, no ID token; claims are not secrets).
 */
import type { AuthMethod, TokenType } from '../types.js'

/** How main names the logs folder it makes (the post step removes only a folder so named). */
export const LOGS_DIR_PREFIX = 'setup-npm-auth-npm-logs-'

export interface DiagnosisContext {
  /** When the main step started (epoch ms): logs written before it belong to other jobs. */
  startedAt: number
  /** The folder npm writes its debug logs to in this job. */
  logsDir: string
  /** That folder was made in the system temp folder (RUNNER_TEMP unset): the post step removes it. */
  logsDirTemporary?: boolean
  registry: string
  isPublicRegistry: boolean
  authMethod: AuthMethod | ''
  tokenEnv: string
  /** The packages the OIDC pre-flight exchanged for; null when it did not run. */
  preflight: Array<{ name: string; ok: boolean; status: number }> | null
  /** The ID token's claims that trusted publishing matches on; null without OIDC. */
  claims: { repository?: string; workflowRef?: string; environment?: string; repositoryVisibility?: string } | null
  token: { kind: TokenType | ''; expiresAt: string; readonly?: boolean; bypass2fa?: boolean } | null
  npmVersion: string | null
}

export function encodeContext(context: DiagnosisContext): string {
  return JSON.stringify(context)
}

/** undefined for anything that is not a context this version wrote (a diagnosis then runs without one). */
export function decodeContext(text: string): DiagnosisContext | undefined {
  if (!text) return undefined
  try {
    const value = JSON.parse(text) as Partial<DiagnosisContext> | null
    if (!value || typeof value !== 'object' || typeof value.logsDir !== 'string' || typeof value.startedAt !== 'number' || typeof value.registry !== 'string')
      return undefined
    return {
      startedAt: value.startedAt,
      logsDir: value.logsDir,
      logsDirTemporary: value.logsDirTemporary === true,
      registry: value.registry,
      isPublicRegistry: value.isPublicRegistry === true,
      authMethod: value.authMethod === 'oidc' || value.authMethod === 'token' ? value.authMethod : '',
      tokenEnv: typeof value.tokenEnv === 'string' ? value.tokenEnv : 'NODE_AUTH_TOKEN',
      preflight: Array.isArray(value.preflight) ? value.preflight : null,
      claims: value.claims && typeof value.claims === 'object' ? value.claims : null,
      token: value.token && typeof value.token === 'object' ? value.token : null,
      npmVersion: typeof value.npmVersion === 'string' ? value.npmVersion : null,
    }
  } catch {
    return undefined
  }
}
