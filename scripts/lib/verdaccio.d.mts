export interface StartVerdaccioOptions {
  /** How long to poll GET /-/ping before giving up (default 20000). */
  readyTimeoutMs?: number
  /** Verdaccio log level printed to its stdout (captured, see output()). Default 'warn'. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'http' | 'debug' | 'trace'
  /** Raw YAML appended to the generated config: only top-level keys the generated config does not already have (duplicates are a YAML error). */
  extraConfig?: string
}

export interface Verdaccio {
  /** 'http://127.0.0.1:PORT/' (trailing slash). */
  url: string
  port: number
  /** The temp dir holding config.yaml, htpasswd and storage/ (removed by stop()). */
  storageDir: string
  configPath: string
  pid: number | undefined
  /** Wall time from the call to ready (ping answered), ms. */
  startupMs: number
  /** Everything the child printed so far (stdout + stderr, tail-bounded). */
  output(): string
  /** Registers a user (PUT /-/user/org.couchdb.user:NAME) and returns its auth token. */
  addUser(name: string, password: string): Promise<string>
  /** Kills the process group, awaits exit, removes storageDir. Idempotent. */
  stop(): Promise<void>
}

/** Starts a loopback Verdaccio as a child process; resolves once GET /-/ping answers. */
export declare function startVerdaccio(opts?: StartVerdaccioOptions): Promise<Verdaccio>
/** A free loopback TCP port from the OS (listen on 0, close). */
export declare function freePort(): Promise<number>
