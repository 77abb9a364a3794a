/** What a CLI command gets of its process: the environment and the two output streams. */
export interface CliIo {
  env: NodeJS.ProcessEnv
  out: (text: string) => void
  err: (text: string) => void
  /** Redacts a secret learned while running (an exchanged token) from everything printed after. */
  mask?: (secret: string) => void
}
