/** Repo root (resolved from scripts/lib/, not from the cwd). */
export declare const repoRoot: string
/** A Node binary of at least `minMajor` (default 22): process.execPath if new enough, else <repo>/node_modules/.bin/node. */
export declare function modernNode(minMajor?: number): string
/**
 * process.env minus npm_config_* / INPUT_* / STATE_* / GITHUB_* / ACTIONS_* / RUNNER_* (any case),
 * NODE_AUTH_TOKEN, NPM_TOKEN and NODE_OPTIONS; then `extra` (undefined deletes).
 */
export declare function sanitizedEnv(extra?: Record<string, string | undefined>): Record<string, string>
/**
 * mkdtemp in os.tmpdir() named `<prefix><pid>-XXXXXX`; the first call per prefix removes such dirs whose
 * owning process is gone (the backstop, since process 'exit' hooks do not fire inside Jest).
 */
export declare function makeOwnedTempDir(prefix: string): string
