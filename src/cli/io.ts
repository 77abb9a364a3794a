/** What a CLI command gets of its process: the environment and the two output streams. */
export interface CliIo {
  env: NodeJS.ProcessEnv
  out: (text: string) => void
  err: (text: string) => void
}
